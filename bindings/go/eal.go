package appnetutil

/*
#include <stdlib.h>
#include <appnetutil.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// EALOptions say how to build DPDK EAL arguments from a report. The zero
// value selects every device of the pod, one lcore per CPU and this
// container's whole hugepage grant, with spellings every DPDK release from
// 21.11 on accepts. docs/dpdk.md explains each choice.
type EALOptions struct {
	// DPDKVersion is the DPDK release the arguments are for ("22.11",
	// "v23.11", "22.11.4"; only year and month count); "" for spellings
	// every release from 21.11 on accepts.
	DPDKVersion string
	// Networks selects the interfaces on these networks ("namespace/name"
	// as in network-status, or a name without "/" in any namespace).
	// Together with Interfaces the selection is the union; without either,
	// every interface that carries a device is used.
	Networks []string
	// Interfaces selects interfaces by interface name ("net1"), PCI
	// address in any spelling, or device-plugin id ("mlx5_core.sf.4"). A
	// selected PCI device is used even when bound to a kernel driver.
	Interfaces []string
	// Devargs appends device arguments to the device(s) a target names.
	Devargs []Devargs
	// LcoreCount is the number of lcores (main plus workers); 0 for one
	// per CPU of the pod.
	LcoreCount uint32
	// MaxLcore is DPDK's build-time RTE_MAX_LCORE; 0 for 128.
	MaxLcore uint32
	// MainCPU runs the main lcore on this CPU, which must be one of the
	// pod's; nil for the pod's lowest CPU.
	MainCPU *int
	// PageSize uses hugepages of this size ("1Gi", "2Mi", also "1G",
	// "2048kB"); "" for the largest size granted.
	PageSize string
	// MemoryMiB is the hugepage memory to use instead of the container's
	// grant (with NoHuge: the -m size); 0 for the grant.
	MemoryMiB uint64
	// HugeDir passes --huge-dir=HugeDir instead of the hugetlbfs mount
	// found for the page size.
	HugeDir string
	// InMemory adds --in-memory.
	InMemory bool
	// NoHuge adds --no-huge (anonymous memory, for tests) instead of
	// hugepage memory arguments.
	NoHuge bool
	// FilePrefix passes --file-prefix=FilePrefix; "" derives it from the
	// pod's host name and container name.
	FilePrefix string
	// Hostname is used for the default file prefix instead of the pod's
	// host name (read when the report was collected).
	Hostname string
	// ExtraArgs are appended after the derived arguments
	// ("--log-level=8"; a flag and its value are two elements). An option
	// given here replaces the one that would be derived.
	ExtraArgs []string
	// Log receives log messages up to LogLevel: each warning at
	// LevelWarning, the arguments at LevelInfo. Nil logs nothing.
	Log LogFunc
	// LogLevel is the most detailed level passed to Log; 0 means
	// LevelWarning.
	LogLevel Level
}

// Devargs appends Args ("rxq_cqe_comp_en=1,txq_inline_max=128") to the EAL
// device argument of the device(s) Target names: an interface, network,
// PCI address or device id, matched like the selections. A target that
// names no selected device makes EALArgs fail.
type Devargs struct {
	Target string
	Args   string
}

// Warning is one choice the EAL arguments could not make well, or a
// device left out, in words.
type Warning struct {
	Message string
}

// String is the message.
func (w Warning) String() string { return w.Message }

// EALArgs builds DPDK EAL arguments from the report as it was collected:
// lcores, memory, file prefix, process flags, devices, then the extra
// arguments; the program name (argv[0]) is not included. They are exactly
// what `app-netutil dpdk-args` prints for the same options. Every choice
// that could not be made well is a Warning.
//
// It fails with ErrEALOptions when the options are invalid or do not fit
// the report, ErrInvalidArgument when an option cannot be used,
// ErrNotCollected for a Report that Collect did not make, and ErrClosed
// after Close. Any number of
// goroutines may build arguments from one report at once.
func (r *Report) EALArgs(opts EALOptions) ([]string, []Warning, error) {
	if r == nil || r.c == nil {
		return nil, nil, ErrNotCollected
	}
	o, err := newCOptions(opts.Log, opts.LogLevel)
	if err != nil {
		return nil, nil, err
	}
	defer o.free()
	if err := o.setEAL(&opts); err != nil {
		return nil, nil, err
	}

	var a *C.netutil_eal_args
	var cerr *C.netutil_error
	r.c.mu.RLock()
	if r.c.p == nil {
		r.c.mu.RUnlock()
		return nil, nil, ErrClosed
	}
	st := C.netutil_eal_args_build(r.c.p, o.p, &a, &cerr)
	r.c.mu.RUnlock()
	runtime.KeepAlive(r.c)
	if st != 0 {
		err := takeError(st, cerr)
		o.repanic()
		return nil, nil, err
	}
	defer C.netutil_eal_args_free(a)
	argc := int(C.netutil_eal_args_argc(a))
	args := make([]string, 0, argc)
	for i := 1; i < argc; i++ { // argv[0] is the program name
		args = append(args, C.GoString(C.netutil_eal_args_arg(a, C.size_t(i))))
	}
	n := int(C.netutil_eal_args_warning_count(a))
	var warnings []Warning
	for i := 0; i < n; i++ {
		warnings = append(warnings, Warning{Message: C.GoString(C.netutil_eal_args_warning(a, C.size_t(i)))})
	}
	o.repanic()
	return args, warnings, nil
}

// setEAL sets the DPDK options.
func (o *cOptions) setEAL(e *EALOptions) error {
	type set = func(*C.netutil_options, *C.char) C.netutil_status
	strs := []struct {
		what, value string
		set         set
	}{
		{"DPDKVersion", e.DPDKVersion, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_version(p, s)
		}},
		{"PageSize", e.PageSize, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_page_size(p, s)
		}},
		{"HugeDir", e.HugeDir, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_huge_dir(p, s)
		}},
		{"FilePrefix", e.FilePrefix, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_file_prefix(p, s)
		}},
		{"Hostname", e.Hostname, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_hostname(p, s)
		}},
		// argv[0] is not returned; naming it keeps the library from
		// reading this process's arguments for it.
		{"program name", "app-netutil", func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_set_dpdk_program_name(p, s)
		}},
	}
	for _, s := range strs {
		if err := o.str(s.what, s.value, s.set); err != nil {
			return err
		}
	}
	for i, n := range e.Networks {
		if err := o.listItem(fmt.Sprintf("Networks[%d]", i), n, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_add_dpdk_network(p, s)
		}); err != nil {
			return err
		}
	}
	for i, n := range e.Interfaces {
		if err := o.listItem(fmt.Sprintf("Interfaces[%d]", i), n, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_add_dpdk_interface(p, s)
		}); err != nil {
			return err
		}
	}
	for i, d := range e.Devargs {
		what := fmt.Sprintf("Devargs[%d]", i)
		if strings.IndexByte(d.Target, 0) >= 0 || strings.IndexByte(d.Args, 0) >= 0 {
			return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("option %s: contains a NUL byte", what)}
		}
		t, a := C.CString(d.Target), C.CString(d.Args)
		st := C.netutil_options_add_dpdk_devargs(o.p, t, a)
		C.free(unsafe.Pointer(t))
		C.free(unsafe.Pointer(a))
		if err := o.check(what, st); err != nil {
			return err
		}
	}
	for i, arg := range e.ExtraArgs {
		if err := o.listItem(fmt.Sprintf("ExtraArgs[%d]", i), arg, func(p *C.netutil_options, s *C.char) C.netutil_status {
			return C.netutil_options_add_dpdk_eal_arg(p, s)
		}); err != nil {
			return err
		}
	}
	if err := o.check("LcoreCount", C.netutil_options_set_dpdk_lcore_count(o.p, C.uint32_t(e.LcoreCount))); err != nil {
		return err
	}
	if err := o.check("MaxLcore", C.netutil_options_set_dpdk_max_lcore(o.p, C.uint32_t(e.MaxLcore))); err != nil {
		return err
	}
	if e.MainCPU != nil {
		if *e.MainCPU < 0 {
			return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("option MainCPU: %d is not a CPU", *e.MainCPU)}
		}
		if err := o.check("MainCPU", C.netutil_options_set_dpdk_main_cpu(o.p, C.int64_t(*e.MainCPU))); err != nil {
			return err
		}
	}
	if err := o.check("MemoryMiB", C.netutil_options_set_dpdk_memory_mib(o.p, C.uint64_t(e.MemoryMiB))); err != nil {
		return err
	}
	if err := o.check("InMemory", C.netutil_options_set_dpdk_in_memory(o.p, C.bool(e.InMemory))); err != nil {
		return err
	}
	return o.check("NoHuge", C.netutil_options_set_dpdk_no_huge(o.p, C.bool(e.NoHuge)))
}

// listItem adds one element of a list option; unlike a string setting, an
// empty element is passed on (the library decides what it means).
func (o *cOptions) listItem(what, value string, add func(*C.netutil_options, *C.char) C.netutil_status) error {
	if strings.IndexByte(value, 0) >= 0 {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("option %s: %q contains a NUL byte", what, value)}
	}
	cs := C.CString(value)
	defer C.free(unsafe.Pointer(cs))
	return o.check(what, add(o.p, cs))
}
