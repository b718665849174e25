// Package compat has the API of openshift/app-netutil (lib/v1alpha, its
// types in pkg/types and its logging settings in pkg/logging), answered by
// libappnetutil, so that a program written for it can switch by changing
// its imports:
//
//	apputil "github.com/openshift/app-netutil/lib/v1alpha"  ->  apputil "github.com/app-netutil/app-netutil/bindings/go/compat"
//	"github.com/openshift/app-netutil/pkg/types"            ->  types "github.com/app-netutil/app-netutil/bindings/go/compat"
//	"github.com/openshift/app-netutil/pkg/logging"          ->  logging "github.com/app-netutil/app-netutil/bindings/go/compat"
//
// The types keep the predecessor's names, fields and JSON tags; its
// NetworkStatus and DeviceInfo types came from the NetworkAttachmentDefinition
// client and keep that client's field names here. What the values mean
// follows the new library: devices are tied to networks by documented rules
// instead of the predecessor's guesses, so some answers differ where the
// predecessor was wrong (docs/go.md lists every difference).
//
// Unlike the main package, this one keeps package-level settings, as the
// predecessor did (the downward-API directory and the log settings); they
// are safe to change from any goroutine. New code should use the package
// appnetutil, which has no global state and gives the whole report with
// its warnings.
package compat

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	appnetutil "github.com/app-netutil/app-netutil/bindings/go"
)

// Interface device types (InterfaceData.DeviceType), as the predecessor
// named them. The device-info types "pci", "vdpa", "vhost-user", "memif"
// are used as they are, and "auxiliary" for a sub-function.
const (
	INTERFACE_TYPE_HOST    = "host"
	INTERFACE_TYPE_SRIOV   = "sr-iov"
	INTERFACE_TYPE_UNKNOWN = "unknown"
	INTERFACE_TYPE_INVALID = "invalid"
)

// Device-info types and the version a synthesized device-info carries (the
// NetworkAttachmentDefinition client's constants of these names).
const (
	DeviceInfoTypePCI       = "pci"
	DeviceInfoTypeVHostUser = "vhost-user"
	DeviceInfoTypeMemif     = "memif"
	DeviceInfoTypeVDPA      = "vdpa"
	DeviceInfoVersion       = "1.1.0"
)

// CPUResponse is GetCPUInfo's answer.
type CPUResponse struct {
	// CPUSet is the CPUs this process may run on, as a kernel cpulist
	// ("4-7"): its CPU affinity, not the cgroup file the predecessor read
	// (which fails on cgroup v2).
	CPUSet string `json:"cpuset,omitempty"`
}

// HugepagesResponse is GetHugepages' answer.
type HugepagesResponse struct {
	// MyContainerName is this container's name (variable CONTAINER_NAME).
	MyContainerName string
	// Hugepages has one entry per container named in the downward-API
	// hugepage files, sorted by name.
	Hugepages []*HugepagesData
}

// HugepagesData is one container's hugepage request and limit in MiB, from
// the downward-API files hugepages_request, hugepages_1G_request_<name>,
// hugepages_2M_limit_<name> and so on.
type HugepagesData struct {
	// ContainerName is "" for the unsuffixed hugepages_request and
	// hugepages_limit files.
	ContainerName string
	// Request and Limit: the files that name no page size.
	Request int64
	Limit   int64
	// Request1G, Limit1G, Request2M, Limit2M: 1Gi and 2Mi pages. Other
	// sizes (32Mi, 16Gi) have no field here; appnetutil.Collect has them.
	Request1G int64
	Limit1G   int64
	Request2M int64
	Limit2M   int64
}

// InterfaceResponse is GetInterfaces' answer.
type InterfaceResponse struct {
	Interface []*InterfaceData
}

// InterfaceData is one interface or device of the pod.
type InterfaceData struct {
	// DeviceType is "host" (a kernel interface with no device of its
	// own), "sr-iov" (a PCI device a device plugin allocated), "pci" (a PCI
	// device only device-info names), "vdpa", "vhost-user", "memif",
	// "auxiliary" (a sub-function), or an unrecognised device-info type as
	// given. Never "unknown" or "invalid".
	DeviceType string `json:"device-type,omitempty"`
	// NetworkStatus is the interface as the network-status annotation
	// describes it, completed from the other sources.
	NetworkStatus NetworkStatus `json:"network-status,omitempty"`
}

// NetworkStatus is the NetworkAttachmentDefinition client's NetworkStatus.
type NetworkStatus struct {
	// Name is the network ("default/sriov-net-a"); "" when not given.
	Name string `json:"name"`
	// Interface is the interface name; "" for a device known only from a
	// device-plugin variable.
	Interface string   `json:"interface,omitempty"`
	IPs       []string `json:"ips,omitempty"`
	Mac       string   `json:"mac,omitempty"`
	Mtu       int      `json:"mtu,omitempty"`
	Default   bool     `json:"default,omitempty"`
	DNS       DNS      `json:"dns,omitempty"`
	// DeviceInfo is nil for a host interface and for a sub-function.
	DeviceInfo *DeviceInfo `json:"device-info,omitempty"`
	// Gateway holds the gateways and default routes.
	Gateway []string `json:"default-route,omitempty"`
}

// DNS is the NetworkAttachmentDefinition client's DNS.
type DNS struct {
	Nameservers []string `json:"nameservers,omitempty"`
	Domain      string   `json:"domain,omitempty"`
	Search      []string `json:"search,omitempty"`
	Options     []string `json:"options,omitempty"`
}

// DeviceInfo is the NetworkAttachmentDefinition client's DeviceInfo.
type DeviceInfo struct {
	Type      string       `json:"type,omitempty"`
	Version   string       `json:"version,omitempty"`
	Pci       *PciDevice   `json:"pci,omitempty"`
	Vdpa      *VdpaDevice  `json:"vdpa,omitempty"`
	VhostUser *VhostDevice `json:"vhost-user,omitempty"`
	Memif     *MemifDevice `json:"memif,omitempty"`
}

// PciDevice is the pci payload of a device-info.
type PciDevice struct {
	PciAddress        string `json:"pci-address,omitempty"`
	Vhostnet          string `json:"vhost-net,omitempty"`
	RdmaDevice        string `json:"rdma-device,omitempty"`
	PfPciAddress      string `json:"pf-pci-address,omitempty"`
	RepresentorDevice string `json:"representor-device,omitempty"`
}

// VdpaDevice is the vdpa payload of a device-info.
type VdpaDevice struct {
	ParentDevice      string `json:"parent-device,omitempty"`
	Driver            string `json:"driver,omitempty"`
	Path              string `json:"path,omitempty"`
	PciAddress        string `json:"pci-address,omitempty"`
	PfPciAddress      string `json:"pf-pci-address,omitempty"`
	RepresentorDevice string `json:"representor-device,omitempty"`
}

// VhostDevice is the vhost-user payload of a device-info.
type VhostDevice struct {
	Mode string `json:"mode,omitempty"`
	Path string `json:"path,omitempty"`
}

// MemifDevice is the memif payload of a device-info.
type MemifDevice struct {
	Role string `json:"role,omitempty"`
	Path string `json:"path,omitempty"`
	Mode string `json:"mode,omitempty"`
}

// AppNetutilVersion is the release of the loaded libappnetutil (the
// predecessor's variable of this name held its own version).
var AppNetutilVersion = appnetutil.Version()

// GitCommit is kept for programs that print it; it is always "".
var GitCommit = ""

// DefaultDownwardAPIMountPath is where the Network Resources Injector
// mounts the downward-API volume, the predecessor's default.
const DefaultDownwardAPIMountPath = "/etc/podnetinfo"

// The package's settings, as the predecessor kept them.
var settings = struct {
	sync.Mutex
	downwardAPI string
	root        string // "" for "/"; the tests read fixture pods
	level       Level
	stderr      bool
	file        *os.File
}{downwardAPI: DefaultDownwardAPIMountPath, level: ErrorLevel}

// GetDownwardAPIMountPath is the downward-API directory the calls read.
func GetDownwardAPIMountPath() string {
	settings.Lock()
	defer settings.Unlock()
	return settings.downwardAPI
}

// SetDownwardAPIMountPath makes the calls read the downward-API files from
// mntPnt. Unlike the predecessor's, the calls then fail when mntPnt is not
// a directory; with the default (/etc/podnetinfo), a missing directory
// only means there is nothing to read (and /etc/podinfo, the userspace
// CNI's choice, is read when only that exists).
func SetDownwardAPIMountPath(mntPnt string) {
	settings.Lock()
	defer settings.Unlock()
	settings.downwardAPI = mntPnt
}

// options are the appnetutil options for the current settings.
func options() appnetutil.Options {
	settings.Lock()
	defer settings.Unlock()
	o := appnetutil.Options{Root: settings.root}
	if settings.downwardAPI != DefaultDownwardAPIMountPath {
		o.PodinfoDir = settings.downwardAPI
	}
	if settings.stderr || settings.file != nil {
		o.Log = logLine
		o.LogLevel = settings.level.appnetutil()
	}
	return o
}

func collect(call string) (*appnetutil.Report, error) {
	r, err := appnetutil.Collect(options())
	if err != nil {
		_ = Errorf("%s: %v", call, err)
		return nil, err
	}
	return r, nil
}

// GetCPUInfo returns the CPUs this process may run on. In a pod without
// dedicated CPUs that is every CPU of the node.
func GetCPUInfo() (*CPUResponse, error) {
	r, err := collect("GetCPUInfo")
	if err != nil {
		return nil, err
	}
	if r.CPUs == nil {
		return nil, appnetutil.ErrNoCPUs
	}
	return &CPUResponse{CPUSet: r.CPUs.CPUSet}, nil
}

// ErrNoHugepages is GetHugepages' error when the downward API names no
// hugepages (the predecessor's "hugepage data not found").
var ErrNoHugepages = errors.New("hugepage data not found")

// GetHugepages returns the hugepage requests and limits the downward API
// gives the pod's containers. It fails with ErrNoHugepages when there are
// none.
func GetHugepages() (*HugepagesResponse, error) {
	r, err := collect("GetHugepages")
	if err != nil {
		return nil, err
	}
	return hugepagesResponse(&r.Hugepages)
}

// GetHugepageInfo is GetHugepages under the name the design gives it.
func GetHugepageInfo() (*HugepagesResponse, error) {
	return GetHugepages()
}

func hugepagesResponse(h *appnetutil.Hugepages) (*HugepagesResponse, error) {
	if len(h.Containers) == 0 {
		return nil, ErrNoHugepages
	}
	resp := &HugepagesResponse{}
	if h.Container != nil {
		resp.MyContainerName = *h.Container
	}
	for _, c := range h.Containers {
		d := &HugepagesData{ContainerName: c.Name}
		d.Request, d.Request1G, d.Request2M = sizes(c.RequestMiB)
		d.Limit, d.Limit1G, d.Limit2M = sizes(c.LimitMiB)
		resp.Hugepages = append(resp.Hugepages, d)
	}
	return resp, nil
}

// sizes picks the unspecified, 1Gi and 2Mi amounts of a page size -> MiB
// map.
func sizes(m map[string]uint64) (unspecified, g1, m2 int64) {
	get := func(k string) int64 {
		v := m[k]
		if v > 1<<62 {
			return 1 << 62
		}
		return int64(v)
	}
	return get("unspecified"), get("1Gi"), get("2Mi")
}

// GetInterfaces returns every interface and device of the pod, in the
// contract's order: network-status first, then userspace-CNI interfaces,
// then devices known only from device-plugin variables.
func GetInterfaces() (*InterfaceResponse, error) {
	r, err := collect("GetInterfaces")
	if err != nil {
		return nil, err
	}
	return interfaceResponse(r.Interfaces), nil
}

func interfaceResponse(ifs []appnetutil.Interface) *InterfaceResponse {
	resp := &InterfaceResponse{Interface: []*InterfaceData{}}
	for i := range ifs {
		resp.Interface = append(resp.Interface, interfaceData(&ifs[i]))
	}
	return resp
}

func interfaceData(it *appnetutil.Interface) *InterfaceData {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	ns := NetworkStatus{
		Name:      s(it.Network),
		Interface: s(it.Name),
		IPs:       it.IPs,
		Mac:       s(it.MAC),
		Default:   it.Default,
		DNS: DNS{
			Nameservers: it.DNS.Nameservers,
			Domain:      s(it.DNS.Domain),
			Search:      it.DNS.Search,
			Options:     it.DNS.Options,
		},
		Gateway: it.Gateway,
	}
	if it.MTU != nil {
		ns.Mtu = *it.MTU
	}
	if d := it.DeviceInfo; d != nil {
		ns.DeviceInfo = &DeviceInfo{Type: d.Type, Version: s(d.Version)}
		if p := d.PCI; p != nil {
			ns.DeviceInfo.Pci = &PciDevice{PciAddress: p.PCIAddress, Vhostnet: p.VhostNet, RdmaDevice: p.RDMADevice,
				PfPciAddress: p.PFPCIAddress, RepresentorDevice: p.RepresentorDevice}
		}
		if p := d.Vdpa; p != nil {
			ns.DeviceInfo.Vdpa = &VdpaDevice{ParentDevice: p.ParentDevice, Driver: p.Driver, Path: p.Path,
				PciAddress: p.PCIAddress, PfPciAddress: p.PFPCIAddress, RepresentorDevice: p.RepresentorDevice}
		}
		if p := d.VhostUser; p != nil {
			ns.DeviceInfo.VhostUser = &VhostDevice{Mode: p.Mode, Path: p.Path}
		}
		if p := d.Memif; p != nil {
			ns.DeviceInfo.Memif = &MemifDevice{Role: p.Role, Path: p.Path, Mode: p.Mode}
		}
	}
	devType := string(it.DeviceType)
	switch it.DeviceType {
	case appnetutil.DevicePCI:
		if it.ResourceEnv != nil {
			devType = INTERFACE_TYPE_SRIOV
		}
	case appnetutil.DeviceUnknown:
		if it.DeviceInfo != nil {
			devType = it.DeviceInfo.Type
		}
	}
	return &InterfaceData{DeviceType: devType, NetworkStatus: ns}
}

// Level is a log level of the predecessor's logging package.
type Level uint32

// The predecessor's log levels.
const (
	ErrorLevel Level = iota
	WarningLevel
	InfoLevel
	DebugLevel
	MaxLevel
	UnknownLevel
)

// String is the level's name.
func (l Level) String() string {
	switch l {
	case ErrorLevel:
		return "error"
	case WarningLevel:
		return "warning"
	case InfoLevel:
		return "info"
	case DebugLevel:
		return "debug"
	}
	return "unknown"
}

func (l Level) appnetutil() appnetutil.Level {
	switch l {
	case WarningLevel:
		return appnetutil.LevelWarning
	case InfoLevel:
		return appnetutil.LevelInfo
	case DebugLevel:
		return appnetutil.LevelDebug
	}
	return appnetutil.LevelError
}

// SetLogLevel sets the most detailed level logged: "debug", "info",
// "warning" or "error" (the default). Another word is refused with a line
// on standard error, as the predecessor did.
func SetLogLevel(levelStr string) {
	var l Level
	switch strings.ToLower(levelStr) {
	case "debug":
		l = DebugLevel
	case "info":
		l = InfoLevel
	case "warning":
		l = WarningLevel
	case "error":
		l = ErrorLevel
	default:
		fmt.Fprintf(os.Stderr, "app-netutil logging: cannot set logging level to %s\n", levelStr)
		return
	}
	settings.Lock()
	defer settings.Unlock()
	settings.level = l
}

// GetLoggingLevel is the level set by SetLogLevel.
func GetLoggingLevel() Level {
	settings.Lock()
	defer settings.Unlock()
	return settings.level
}

// SetLogStderr writes log lines to standard error, or stops doing so.
func SetLogStderr(enable bool) {
	settings.Lock()
	defer settings.Unlock()
	settings.stderr = enable
}

// SetLogFile appends log lines to filename (created when missing); "" is
// ignored, as the predecessor did. Unlike the predecessor's, the file is
// not rotated or compressed.
func SetLogFile(filename string) {
	if filename == "" {
		return
	}
	f, err := os.OpenFile(filename, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "app-netutil logging: cannot open %s: %v\n", filename, err)
		return
	}
	settings.Lock()
	old := settings.file
	settings.file = f
	settings.Unlock()
	if old != nil {
		old.Close()
	}
}

// logLine writes one library message in the predecessor's format:
// "<RFC 3339 time> [<level>] <message>".
func logLine(level appnetutil.Level, msg string) {
	var l Level
	switch level {
	case appnetutil.LevelError:
		l = ErrorLevel
	case appnetutil.LevelWarning:
		l = WarningLevel
	case appnetutil.LevelInfo:
		l = InfoLevel
	default:
		l = DebugLevel
	}
	printf(l, "%s", msg)
}

func printf(level Level, format string, a ...any) {
	settings.Lock()
	defer settings.Unlock()
	if level > settings.level || !settings.stderr && settings.file == nil {
		return
	}
	line := fmt.Sprintf("%s [%s] %s\n", time.Now().Format(time.RFC3339), level, fmt.Sprintf(format, a...))
	if settings.stderr {
		_, _ = os.Stderr.WriteString(line)
	}
	if settings.file != nil {
		_, _ = settings.file.WriteString(line)
	}
}

// Debugf logs at debug level.
func Debugf(format string, a ...any) { printf(DebugLevel, format, a...) }

// Infof logs at info level.
func Infof(format string, a ...any) { printf(InfoLevel, format, a...) }

// Warningf logs at warning level and returns the message as an error.
func Warningf(format string, a ...any) error {
	printf(WarningLevel, format, a...)
	return fmt.Errorf(format, a...)
}

// Errorf logs at error level and returns the message as an error.
func Errorf(format string, a ...any) error {
	printf(ErrorLevel, format, a...)
	return fmt.Errorf(format, a...)
}
