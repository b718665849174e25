package appnetutil

// The three calls of the design this project implements (the OpenShift
// enhancement "user-space pod interface and API library"), for the pod the
// process runs in. Each collects a whole report with the default Options
// and returns one part of it; use Collect for options, warnings or more
// than one part (one collection instead of several).

// GetCPUInfo returns the set of CPUs this process may run on. In a pod
// without dedicated CPUs (not Guaranteed QoS with whole CPUs) that is every
// CPU of the node, and CPUs.Exclusive is false. It fails with ErrNoCPUs
// when no source of the set could be read.
func GetCPUInfo() (*CPUs, error) {
	r, err := collect(Options{}, false)
	if err != nil {
		return nil, err
	}
	if r.CPUs == nil {
		return nil, ErrNoCPUs
	}
	return r.CPUs, nil
}

// GetInterfaces returns every network interface and device of the pod, in
// the contract's order, each with its type and its device data (an empty
// slice when there are none).
func GetInterfaces() ([]Interface, error) {
	r, err := collect(Options{}, false)
	if err != nil {
		return nil, err
	}
	return r.Interfaces, nil
}

// GetHugepageInfo returns the hugepage memory granted to the pod's
// containers (the downward-API files), the hugetlb cgroup's limits, the
// hugetlbfs mounts and the host's pools. Hugepages.Own is this
// container's grant.
func GetHugepageInfo() (*Hugepages, error) {
	r, err := collect(Options{}, false)
	if err != nil {
		return nil, err
	}
	return &r.Hugepages, nil
}

// GetHugepages is GetHugepageInfo under the name openshift/app-netutil
// gave it.
func GetHugepages() (*Hugepages, error) {
	return GetHugepageInfo()
}
