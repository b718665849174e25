// Package appnetutil tells a Go program running in a Kubernetes pod what
// the pod was given: its CPUs, its hugepage memory, and its network
// interfaces and devices (SR-IOV VFs, sub-functions, vDPA, vhost-user and
// memif sockets), each typed and tied to its network, and builds DPDK EAL
// arguments from that.
//
// It is a thin cgo binding over libappnetutil, the C library of
// app-netutil. Collect has the library read the pod and returns its report
// as a Report, whose types follow the report's JSON contract (contract v1,
// docs/report.md) key by key: json.Marshal of a Report gives the contract
// JSON back, the same report `app-netutil show --json` prints, and
// json.Unmarshal reads one (a report an init container saved, say).
//
//	r, err := appnetutil.Collect(appnetutil.Options{})
//	if err != nil {
//		return err
//	}
//	for _, w := range r.Warnings {
//		log.Print("app-netutil: ", w)
//	}
//	args, _, err := r.EALArgs(appnetutil.EALOptions{Networks: []string{"sriov-net-a"}})
//
// GetCPUInfo, GetInterfaces and GetHugepageInfo are the three calls of the
// design the project implements; the sub-package compat has the API of
// openshift/app-netutil (lib/v1alpha), which this replaces.
//
// # Building
//
// The package needs libappnetutil and its pkg-config file: `make install`
// in the app-netutil repository (PREFIX=/usr/local by default), then, when
// the prefix is not searched by pkg-config and the loader,
// PKG_CONFIG_PATH=<prefix>/lib/pkgconfig and LD_LIBRARY_PATH=<prefix>/lib.
// Without the pkg-config file the build fails ("Package appnetutil was not
// found in the pkg-config search path"); without the shared library at run
// time the program does not start ("libappnetutil.so.0: cannot open shared
// object file"). Collect checks that the loaded library has the ABI version
// of the header the package was built with (ErrABIMismatch).
//
// # Concurrency
//
// Collect, EALArgs and the Get functions may be called from any number of
// goroutines at once. A Report is plain data. Nothing in this package is
// global: logging goes to the LogFunc of each call's options, called on the
// calling goroutine during the call. Neither this package nor the library
// starts a goroutine or a thread; each call is one cgo call, during which
// the goroutine holds its OS thread, as every cgo call does.
package appnetutil
