package appnetutil

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Report is everything the pod was given: the JSON contract v1 of
// docs/report.md, key by key. json.Marshal of a Report that Collect
// returned (or that was decoded from contract JSON) gives that JSON back;
// the tests compare it with `app-netutil show --json` on every fixture pod.
//
// A Report is plain data: read it, copy it, marshal it, from any number of
// goroutines. A Report from Collect also holds the library's own copy of the
// report, which EALArgs builds from; changing the Go fields does not change
// what EALArgs builds (select devices with EALOptions instead). Close frees
// that copy early; otherwise the garbage collector does.
//
// New keys may be added to the contract (never removed or changed in
// meaning); this package gains a field for each.
type Report struct {
	// APIVersion is what the document is: always ReportAPIVersion
	// ("app-netutil/v1"), the report's first key. A report saved before the
	// contract had it decodes with ReportAPIVersion too.
	APIVersion string `json:"apiVersion"`
	// Kind is always ReportKind ("PodReport"), the second key; a report
	// saved before the contract had it decodes with ReportKind too.
	Kind string `json:"kind"`
	// Pod is who the pod is: its host name, name, namespace and UID. A
	// report saved before the contract had `pod` decodes with every part
	// nil, as the library reads it.
	Pod Pod `json:"pod"`
	// CPUs is the set of CPUs this process may run on; nil only when no
	// source could be read.
	CPUs *CPUs `json:"cpus"`
	// Hugepages is the hugepage memory granted to the pod's containers.
	Hugepages Hugepages `json:"hugepages"`
	// Interfaces lists every network interface or device handed to the
	// pod, in the contract's order: network-status first, then
	// userspace-CNI interfaces, then devices known only from device-plugin
	// variables.
	Interfaces []Interface `json:"interfaces"`
	// Warnings names every input that was ignored, repaired or guessed at,
	// each with the file or variable it came from.
	Warnings []string `json:"warnings"`
	// WarningDetails has one entry per warning, in the same order: its
	// code (what kind of problem: "missing", "dropped", "repaired",
	// "guessed", "conflict", "unsupported", "capped" or "other"), its
	// subject (the file, variable, annotation, interface or device it is
	// about) and its message (the warning itself).
	WarningDetails []WarningDetail `json:"warning-details"`

	// The library's report, for EALArgs; nil for a Report that was not
	// made by Collect.
	c *cReport
}

// WarningDetail is one warning with its code and subject
// (docs/report.md, "Warning codes").
type WarningDetail struct {
	// Code says what kind of problem it is; a later library may add codes,
	// so treat an unknown one like "other".
	Code string `json:"code"`
	// Subject is what the warning is about; "" when it names nothing.
	Subject string `json:"subject"`
	// Message is the warning, equal to the Warnings entry at its place.
	Message string `json:"message"`
}

// The apiVersion and kind of every report: the only ones this package
// reads.
const (
	ReportAPIVersion = "app-netutil/v1"
	ReportKind       = "PodReport"
)

// UnsupportedReportError is the error of decoding a report that names
// another apiVersion or kind than this package reads.
type UnsupportedReportError struct {
	// Key is "apiVersion" or "kind".
	Key string
	// Found is the value the report gives.
	Found string
}

// Error says which key has which value, and what is read.
func (e *UnsupportedReportError) Error() string {
	want := ReportAPIVersion
	if e.Key == "kind" {
		want = ReportKind
	}
	return "appnetutil: report " + e.Key + " " + strconv.Quote(e.Found) +
		" is not supported: this package reads " + strconv.Quote(want) + " (or a report without it)"
}

// plainReport has Report's fields without its methods, for UnmarshalJSON.
type plainReport Report

// UnmarshalJSON decodes contract JSON, as encoding/json would without this
// method, then gives keys added to the contract after its first release the
// value the library gives them when a saved report lacks them: an
// interface without `routes` has an empty Routes (written back as []), a
// report without `apiVersion` and `kind` has ReportAPIVersion and
// ReportKind. A report that names another apiVersion or kind is an
// *UnsupportedReportError.
// (`pod` and `infiniband-guid` need nothing: their zero values are the
// library's.)
func (r *Report) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainReport)(r)); err != nil {
		return err
	}
	// A report saved before apiVersion and kind is contract v1; another
	// version or kind is refused.
	switch r.APIVersion {
	case "":
		r.APIVersion = ReportAPIVersion
	case ReportAPIVersion:
	default:
		return &UnsupportedReportError{Key: "apiVersion", Found: r.APIVersion}
	}
	switch r.Kind {
	case "":
		r.Kind = ReportKind
	case ReportKind:
	default:
		return &UnsupportedReportError{Key: "kind", Found: r.Kind}
	}
	// A report saved before warning-details: each warning with code
	// "other", as the library reads it.
	if len(r.WarningDetails) != len(r.Warnings) {
		r.WarningDetails = make([]WarningDetail, len(r.Warnings))
		for i, w := range r.Warnings {
			r.WarningDetails[i] = WarningDetail{Code: "other", Message: w}
		}
	}
	for i := range r.Interfaces {
		if r.Interfaces[i].Routes == nil {
			r.Interfaces[i].Routes = []Route{}
		}
	}
	return nil
}

// Pod is the pod's identity (`pod`). Each part is nil when the pod does not
// say; the DPDK file prefix is derived from Hostname, else Name.
type Pod struct {
	// Hostname is the first line of the HOSTNAME variable (kubelet sets it
	// to the pod name, to spec.hostname, or to the node's name on the host
	// network), else the first line of /etc/hostname.
	Hostname *string `json:"hostname"`
	// Name is metadata.name, from the downward-API file "name".
	Name *string `json:"name"`
	// Namespace is metadata.namespace, from the downward-API file
	// "namespace".
	Namespace *string `json:"namespace"`
	// UID is metadata.uid, from the downward-API file "uid".
	UID *string `json:"uid"`
}

// CPUSource says where a CPU set came from.
type CPUSource string

// The values of CPUs.Source.
const (
	// CPUSourceAffinity: sched_getaffinity(2) of this process (live pod).
	CPUSourceAffinity CPUSource = "affinity"
	// CPUSourceProcStatus: Cpus_allowed_list of /proc/self/status (a pod
	// read below Options.Root, or more than 1024 CPUs).
	CPUSourceProcStatus CPUSource = "proc-status"
	// CPUSourceCgroupV2: cgroup v2 cpuset.cpus.effective, used only when
	// the affinity could not be read.
	CPUSourceCgroupV2 CPUSource = "cgroup-v2"
	// CPUSourceCgroupV1: cgroup v1 cpuset.effective_cpus or cpuset.cpus.
	CPUSourceCgroupV1 CPUSource = "cgroup-v1"
)

// CPUs is the set of CPUs the process may run on (`cpus`).
type CPUs struct {
	// List holds the CPU ids, ascending.
	List []int `json:"list"`
	// CPUSet is the same set as a canonical kernel cpulist ("1,3,5-7").
	CPUSet string `json:"cpuset"`
	// Source says where the set came from.
	Source CPUSource `json:"source"`
	// NUMANodes maps a NUMA node id to this pod's CPUs on that node; only
	// nodes holding some of the pod's CPUs. Nil when the pod shows no NUMA
	// node directories.
	NUMANodes map[int][]int `json:"numa-nodes,omitempty"`
	// Exclusive is false when the set equals every online CPU of the node
	// (a pod without dedicated CPUs), true when it is a strict subset, nil
	// when unknown.
	Exclusive *bool `json:"exclusive"`
	// Isolated lists those of the pod's CPUs that the kernel isolates;
	// nil when /sys/devices/system/cpu/isolated is absent, empty when it
	// lists none of them.
	Isolated []int `json:"isolated,omitempty"`
	// SMTSiblings groups the pod's CPUs by physical core, e.g.
	// [[2 34] [3 35]]; nil when the topology is not readable.
	SMTSiblings [][]int `json:"smt-siblings,omitempty"`
}

// MarshalJSON writes the contract's keys; the optional ones (numa-nodes,
// isolated, smt-siblings) are left out when nil and written when empty.
func (c CPUs) MarshalJSON() ([]byte, error) {
	type optional struct {
		List        []int          `json:"list"`
		CPUSet      string         `json:"cpuset"`
		Source      CPUSource      `json:"source"`
		NUMANodes   *map[int][]int `json:"numa-nodes,omitempty"`
		Exclusive   *bool          `json:"exclusive"`
		Isolated    *[]int         `json:"isolated,omitempty"`
		SMTSiblings *[][]int       `json:"smt-siblings,omitempty"`
	}
	o := optional{List: c.List, CPUSet: c.CPUSet, Source: c.Source, Exclusive: c.Exclusive}
	if c.NUMANodes != nil {
		o.NUMANodes = &c.NUMANodes
	}
	if c.Isolated != nil {
		o.Isolated = &c.Isolated
	}
	if c.SMTSiblings != nil {
		o.SMTSiblings = &c.SMTSiblings
	}
	return json.Marshal(o)
}

// Hugepages is the hugepage memory granted to the pod's containers
// (`hugepages`). Page sizes are spelled as Kubernetes spells them in
// resource names: "2Mi", "1Gi", "32Mi".
type Hugepages struct {
	// Container is this container's name (variable CONTAINER_NAME); nil
	// when unknown.
	Container *string `json:"container"`
	// Containers has one entry per container named in the downward-API
	// hugepage files, sorted by name.
	Containers []ContainerHugepages `json:"containers"`
	// CgroupLimitMiB maps a page size to the MiB the pod's hugetlb cgroup
	// allows; unlimited sizes are left out.
	CgroupLimitMiB map[string]uint64 `json:"cgroup-limit-mib"`
	// Mounts lists the hugetlbfs mounts visible to the process.
	Mounts []HugetlbfsMount `json:"mounts"`
	// HostPools maps a page size to the host's pool of that size (from
	// /sys), in pages.
	HostPools map[string]HostPool `json:"host-pools"`
}

// Own returns this container's entry of Containers, or nil when the
// container name is unknown or not listed.
func (h *Hugepages) Own() *ContainerHugepages {
	if h.Container == nil {
		return nil
	}
	for i := range h.Containers {
		if h.Containers[i].Name == *h.Container {
			return &h.Containers[i]
		}
	}
	return nil
}

// ContainerHugepages is one container's hugepage grant from the
// downward-API files (`hugepages.containers[]`).
type ContainerHugepages struct {
	// Name is the container's name; "" for the legacy unsuffixed
	// hugepages_request and hugepages_limit files.
	Name string `json:"name"`
	// RequestMiB maps a page size to the MiB requested; the legacy files
	// use the key "unspecified".
	RequestMiB map[string]uint64 `json:"request-mib"`
	// LimitMiB is the same for limits.
	LimitMiB map[string]uint64 `json:"limit-mib"`
}

// HugetlbfsMount is one hugetlbfs mount (`hugepages.mounts[]`).
type HugetlbfsMount struct {
	// Path is the mount point ("/dev/hugepages").
	Path string `json:"path"`
	// PageSize is the mount's page size ("2Mi").
	PageSize string `json:"page-size"`
}

// HostPool is the host's pool of one page size, in pages.
type HostPool struct {
	// Total is nr_hugepages.
	Total uint64 `json:"total"`
	// Free is free_hugepages.
	Free uint64 `json:"free"`
	// NUMANodes maps a NUMA node id to that node's share of the pool.
	NUMANodes map[int]NodePool `json:"numa-nodes"`
}

// NodePool is one NUMA node's share of a host pool, in pages.
type NodePool struct {
	Total uint64 `json:"total"`
	Free  uint64 `json:"free"`
}

// DeviceType says what kind of device backs an interface.
type DeviceType string

// The values of Interface.DeviceType. New kinds may be added: treat an
// unknown value like DeviceUnknown.
const (
	// DeviceHost: a kernel interface with no device of its own.
	DeviceHost DeviceType = "host"
	// DevicePCI: a PCI device, an SR-IOV VF or PF.
	DevicePCI DeviceType = "pci"
	// DeviceVdpa: a vDPA device.
	DeviceVdpa DeviceType = "vdpa"
	// DeviceVhostUser: a vhost-user socket.
	DeviceVhostUser DeviceType = "vhost-user"
	// DeviceMemif: a memif socket.
	DeviceMemif DeviceType = "memif"
	// DeviceAuxiliary: an auxiliary-bus device such as a sub-function
	// ("mlx5_core.sf.4" in DeviceID).
	DeviceAuxiliary DeviceType = "auxiliary"
	// DeviceUnknown: a device-info type this library does not know; the
	// type as given is DeviceInfo.Type.
	DeviceUnknown DeviceType = "unknown"
)

// Source says how an interface was found.
type Source string

// The values of Interface.Sources.
const (
	// SourceNetworkStatus: the k8s.v1.cni.cncf.io/network-status annotation.
	SourceNetworkStatus Source = "network-status"
	// SourceNetworksStatus: the deprecated networks-status annotation.
	SourceNetworksStatus Source = "networks-status"
	// SourceUserspaceCNI: the userspace CNI's annotations.
	SourceUserspaceCNI Source = "userspace-cni"
	// SourceDevicePluginEnv: a PCIDEVICE_* variable listed the device.
	SourceDevicePluginEnv Source = "device-plugin-env"
	// SourceDRAMetadata: a KEP-5304 DRA device metadata file named the
	// device.
	SourceDRAMetadata Source = "dra-metadata"
	// SourceDRAEnv: dra-driver-sriov's SRIOVNETWORK_* variables named the
	// device.
	SourceDRAEnv Source = "dra-env"
	// SourceSysfs: the pod's sysfs tied the device to the interface.
	SourceSysfs Source = "sysfs"
	// SourcePositional: the device was given to the interface by position,
	// a guess (the report also has a warning naming it).
	SourcePositional Source = "positional"
)

// Interface is one network interface or device of the pod
// (`interfaces[]`). Every key is always present in the JSON; nil pointers
// are JSON nulls.
type Interface struct {
	// Name is the interface name in the pod ("eth0", "net1"); nil for a
	// device known only from a device-plugin variable.
	Name *string `json:"interface"`
	// Network is the network's name from network-status (the
	// NetworkAttachmentDefinition, "default/sriov-net-a") or from the
	// userspace CNI; nil when not given.
	Network *string `json:"network"`
	// Default is true for the pod's default (cluster) network.
	Default bool `json:"default"`
	// DeviceType says what backs the interface.
	DeviceType DeviceType `json:"device-type"`
	// MAC is the MAC address in one canonical form, six lower-case hex
	// octets separated by ":" ("0a:58:0a:80:02:0f"), whatever spelling the
	// producer used; nil when unknown or when the given value is not such
	// an address (the report then has a warning quoting it).
	MAC *string `json:"mac"`
	// InfinibandGUID is the network-status `infiniband-guid` of an
	// IP-over-InfiniBand attachment, canonical like MAC: 8 octets (the
	// GUID) or the 20-octet IPoIB hardware address; nil when not given or
	// not such a value (with a warning). A report saved before the
	// contract had this key decodes with nil.
	InfinibandGUID *string `json:"infiniband-guid"`
	// IPs holds the addresses as given (bare or CIDR).
	IPs []string `json:"ips"`
	// MTU is nil when unknown.
	MTU *int `json:"mtu"`
	// Gateway holds the gateways, then the default routes not already
	// listed.
	Gateway []string `json:"gateway"`
	// Routes holds the routes other than default routes, in the order
	// given, from the userspace CNI's result (network-status carries no
	// routes); empty, never nil, in a report from Collect or decoded from
	// JSON.
	Routes []Route `json:"routes"`
	// DNS is the interface's DNS settings.
	DNS DNS `json:"dns"`
	// DeviceInfo is the NPWG device-info of the interface; nil when there
	// is none (it is synthesized, version "1.1.0", when the device came
	// from another source). A network-status entry's legacy `device`
	// object (the key's name before the NAD client's v1.2.0) is read as
	// its device-info when it has none.
	DeviceInfo *DeviceInfo `json:"device-info"`
	// DeviceID is the id a device plugin gave for this device: a
	// normalised PCI address, or an auxiliary device name; nil when no
	// device plugin listed it.
	DeviceID *string `json:"device-id"`
	// ResourceEnv names the device-plugin variable that listed the device
	// ("PCIDEVICE_INTEL_COM_SRIOV_NET_A"); nil when none did.
	ResourceEnv *string `json:"resource-env"`
	// DevicePluginInfo is this device's entry in the matching
	// PCIDEVICE_*_INFO variable, as given; nil when there is none.
	DevicePluginInfo DevicePluginInfo `json:"device-plugin-info"`
	// PCIDevice is what the pod's sysfs says about the PCI device; nil
	// when the pod's sysfs does not show it.
	PCIDevice *PCIDevice `json:"pci-device"`
	// DRA is the Dynamic Resource Allocation device behind the interface,
	// when a KEP-5304 metadata file or dra-driver-sriov's SRIOVNETWORK_*
	// variables named it; nil otherwise, and in reports saved before the
	// key existed.
	DRA *DRA `json:"dra"`
	// Sources says how the entry was found, in the order the steps
	// happened.
	Sources []Source `json:"sources"`
}

// DRA is the DRA device behind an interface (`interfaces[].dra`,
// docs/dra.md).
type DRA struct {
	// Driver is the DRA driver's name
	// ("sriovnetwork.k8snetworkplumbingwg.io").
	Driver string `json:"driver"`
	// Pool is the device's pool (usually the node's name); nil when only
	// variables named the device.
	Pool *string `json:"pool"`
	// Device is the device's name in its pool ("0000-3b-02-1").
	Device string `json:"device"`
	// Claim is the ResourceClaim, from the metadata file; nil without one.
	Claim *DRAClaim `json:"claim"`
	// Request is the request as the metadata names it ("vf", "vf/sub").
	Request *string `json:"request"`
	// MetadataFile is the metadata file the device came from, as the
	// container sees it.
	MetadataFile *string `json:"metadata-file"`
	// MetadataVersion is the apiVersion of the metadata object used.
	MetadataVersion *string `json:"metadata-version"`
	// Generation is the metadata object's metadata.generation.
	Generation *int64 `json:"generation"`
	// Attributes maps qualified attribute names, as given, to the
	// upstream typed value ({"int":0}, {"string":"0000:3b:02.1"}).
	Attributes map[string]json.RawMessage `json:"attributes"`
	// NetworkData is the device's networkData with its upstream keys
	// (interfaceName, ips, hardwareAddress); nil when none.
	NetworkData *json.RawMessage `json:"network-data"`
	// Env maps the SRIOVNETWORK_* variables naming the device to their
	// values.
	Env map[string]string `json:"env"`
}

// DRAClaim is the ResourceClaim a DRA device was allocated for; each part
// is nil when the metadata does not say.
type DRAClaim struct {
	// Namespace is the claim's namespace.
	Namespace *string `json:"namespace"`
	// Name is the claim's name (generated for a claim from a template).
	Name *string `json:"name"`
	// UID is the claim's uid.
	UID *string `json:"uid"`
	// PodClaimName is the pod's name for a claim made from a template.
	PodClaimName *string `json:"pod-claim-name"`
}

// Route is a route of an interface other than a default route
// (`interfaces[].routes[]`).
type Route struct {
	// Dst is the destination, as given ("10.96.0.0/12").
	Dst string `json:"dst"`
	// GW is the next hop, as given; nil when the route has none.
	GW *string `json:"gw"`
}

// IfName is the interface name, or "" when there is none.
func (i *Interface) IfName() string {
	if i.Name == nil {
		return ""
	}
	return *i.Name
}

// PCIAddress is the PCI address of the interface's device, what EAL's -a
// needs: its device-info's address (type pci or vdpa), else its
// device-plugin id when that is a PCI address; "" when it has none.
func (i *Interface) PCIAddress() string {
	if a := i.DeviceInfo.pciAddress(); a != "" {
		return a
	}
	if i.DeviceID != nil && isPCIAddress(*i.DeviceID) {
		return *i.DeviceID
	}
	return ""
}

// SocketPath is the socket of a vhost-user or memif device, or the
// character device of a vhost vDPA device; "" when the interface has none.
func (i *Interface) SocketPath() string {
	d := i.DeviceInfo
	if d == nil {
		return ""
	}
	switch {
	case i.DeviceType == DeviceVhostUser && d.VhostUser != nil:
		return d.VhostUser.Path
	case i.DeviceType == DeviceMemif && d.Memif != nil:
		return d.Memif.Path
	case i.DeviceType == DeviceVdpa && d.Vdpa != nil:
		return d.Vdpa.Path
	}
	return ""
}

// HasSource reports whether s is among the interface's sources.
func (i *Interface) HasSource(s Source) bool {
	for _, x := range i.Sources {
		if x == s {
			return true
		}
	}
	return false
}

// isPCIAddress reports whether s is a normalised PCI address
// (dddd:bb:dd.f, lower-case hex, domain of 4 to 8 digits).
func isPCIAddress(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 4 || i > 8 || len(s)-i != len(":bb:dd.f") {
		return false
	}
	rest := s[i:]
	if rest[0] != ':' || rest[3] != ':' || rest[6] != '.' || rest[7] < '0' || rest[7] > '7' {
		return false
	}
	for j := 0; j < len(s); j++ {
		if j == i || j == i+3 || j == i+6 {
			continue
		}
		c := s[j]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// DNS is an interface's DNS settings (`interfaces[].dns`).
type DNS struct {
	Nameservers []string `json:"nameservers"`
	// Domain is nil when not given.
	Domain  *string  `json:"domain"`
	Search  []string `json:"search"`
	Options []string `json:"options"`
}

// PCIDevice is what the pod's sysfs (/sys/bus/pci/devices/<address>/)
// says about an interface's PCI device (`interfaces[].pci-device`).
type PCIDevice struct {
	// NUMANode is the device's NUMA node; nil for the kernel's -1 or when
	// unknown.
	NUMANode *int `json:"numa-node"`
	// Driver is the bound driver ("vfio-pci", "iavf"), nil when unbound.
	Driver *string `json:"driver"`
	// IOMMUGroup is the device's IOMMU group number.
	IOMMUGroup *int `json:"iommu-group"`
	// VFIODevice is /dev/vfio/<group> (or /dev/vfio/noiommu-<group>) when
	// it exists in the container.
	VFIODevice *string `json:"vfio-device"`
	// Netdevs lists the kernel network interfaces of the device, sorted.
	Netdevs []string `json:"netdevs"`
	// Vendor and Device are "0x" and four lower-case hex digits.
	Vendor *string `json:"vendor"`
	Device *string `json:"device"`
	// PhysFn is the PF's PCI address for a VF, else nil.
	PhysFn *string `json:"physfn"`
}

// DevicePluginInfo is one device's entry of a PCIDEVICE_*_INFO variable,
// as the device plugin gave it: provider ("generic", "vfio", "rdma",
// "vhost", ...) -> key -> value. Values are kept as raw JSON, so that
// nothing a device plugin writes is lost; String reads a string value.
type DevicePluginInfo map[string]map[string]json.RawMessage

// String returns the string value of key under provider
// (info.String("vfio", "dev-mount") -> "/dev/vfio/169"), and false when
// there is none or the value is not a JSON string.
func (d DevicePluginInfo) String(provider, key string) (string, bool) {
	raw, ok := d[provider][key]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}
