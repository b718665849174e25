package appnetutil_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	appnetutil "github.com/app-netutil/app-netutil/bindings/go"
)

// Collect the report of a pod, look at what it was given, and build the
// DPDK EAL arguments. Inside a pod, Options{} reads the pod itself; here
// the pod is a copy in the repository's fixtures.
func Example() {
	r, err := appnetutil.Collect(appnetutil.Options{Root: "../../fixtures/pods/clean_full_pod"})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range r.Warnings {
		log.Print("app-netutil: ", w)
	}
	fmt.Println("CPUs:", r.CPUs.CPUSet)
	if own := r.Hugepages.Own(); own != nil {
		fmt.Println("1Gi hugepages (MiB):", own.LimitMiB["1Gi"])
	}
	for _, it := range r.Interfaces {
		fmt.Printf("%s %s %q\n", it.IfName(), it.DeviceType, it.PCIAddress())
	}
	args, warnings, err := r.EALArgs(appnetutil.EALOptions{Networks: []string{"sriov-net-a"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(warnings), "warnings;", strings.Join(args, " "))
	// Output:
	// CPUs: 4-7
	// 1Gi hugepages (MiB): 2048
	// eth0 host ""
	// net1 pci "0000:3b:02.6"
	// 0 warnings; -l 4-7 --main-lcore=4 -m 2048 --huge-dir=/dev/hugepages --file-prefix=dpdk-app-6f9c7d5b8-x2kqv_dpdk-app -a 0000:3b:02.6
}

// Log messages go to a function given with each call's options; nothing
// is global.
func ExampleOptions_log() {
	var first []string
	_, err := appnetutil.Collect(appnetutil.Options{
		Root:     "../../fixtures/pods/malformed_json_network_status",
		LogLevel: appnetutil.LevelWarning,
		Log: func(level appnetutil.Level, msg string) {
			if first == nil {
				first = []string{level.String(), msg}
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(first[0], strings.Contains(first[1], "network-status"))
	// Output:
	// warning true
}

// A directory that is not there is an error; anything wrong inside the pod
// is a warning of the report instead.
func ExampleCollect_error() {
	_, err := appnetutil.Collect(appnetutil.Options{Root: "/no/such/pod"})
	fmt.Println(errors.Is(err, appnetutil.ErrPodUnreadable))
	// Output:
	// true
}

// The calls of the design, for the pod the process runs in.
func ExampleGetInterfaces() {
	interfaces, err := appnetutil.GetInterfaces()
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range interfaces {
		switch it.DeviceType {
		case appnetutil.DevicePCI:
			fmt.Println(it.IfName(), "PCI device", it.PCIAddress())
		case appnetutil.DeviceVhostUser, appnetutil.DeviceMemif:
			fmt.Println(it.IfName(), it.DeviceType, "socket", it.SocketPath())
		}
	}
}
