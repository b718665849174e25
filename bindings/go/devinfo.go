package appnetutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// DeviceInfo is an NPWG device-info object (`interfaces[].device-info`),
// with the specification's key names: a Type, a Version and one payload
// named after the type. The specification grows (new payload keys, new
// types); keys this package does not know are kept in Extra, as given,
// and written back by json.Marshal, so that nothing is lost.
type DeviceInfo struct {
	// Type is "pci", "vdpa", "vhost-user", "memif", or an unrecognised
	// type as given (then Interface.DeviceType is DeviceUnknown and only
	// Type and Version are kept).
	Type string `json:"type"`
	// Version is the specification version as given ("1.0.0", "1.1.0",
	// "v1.0.0"); nil when the producer left it out.
	Version *string `json:"version"`
	// PCI is the payload of a pci device.
	PCI *PCIInfo `json:"pci,omitempty"`
	// Vdpa is the payload of a vdpa device.
	Vdpa *VdpaInfo `json:"vdpa,omitempty"`
	// VhostUser is the payload of a vhost-user device.
	VhostUser *VhostUserInfo `json:"vhost-user,omitempty"`
	// Memif is the payload of a memif device.
	Memif *MemifInfo `json:"memif,omitempty"`
	// Extra holds the keys this package does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// pciAddress is the address of a pci or vdpa device-info, else "".
func (d *DeviceInfo) pciAddress() string {
	switch {
	case d == nil:
		return ""
	case d.Type == "pci" && d.PCI != nil:
		return d.PCI.PCIAddress
	case d.Type == "vdpa" && d.Vdpa != nil:
		return d.Vdpa.PCIAddress
	}
	return ""
}

// PCIInfo is the payload of a pci device-info. Empty strings are keys the
// producer did not give (or gave empty).
type PCIInfo struct {
	// PCIAddress is the device's PCI address, normalised
	// ("0000:3b:02.6").
	PCIAddress string `json:"pci-address,omitempty"`
	// VhostNet is the vhost-net character device, for the virtio-user
	// exception path ("/dev/vhost-net").
	VhostNet string `json:"vhost-net,omitempty"`
	// RDMADevice names the RDMA device(s), comma-separated as the device
	// plugin writes them.
	RDMADevice string `json:"rdma-device,omitempty"`
	// PFPCIAddress is the PF's PCI address, normalised.
	PFPCIAddress string `json:"pf-pci-address,omitempty"`
	// RepresentorDevice is the representor netdev on the host (spec 1.1.0).
	RepresentorDevice string `json:"representor-device,omitempty"`
	// Extra holds the keys this package does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// VdpaInfo is the payload of a vdpa device-info.
type VdpaInfo struct {
	// ParentDevice is the vDPA device's name under /sys/bus/vdpa/devices
	// ("vdpa3"). The multi-net-spec v1.3 form, the bus directory in
	// parent-device and the name in device, is reported with the name
	// here.
	ParentDevice string `json:"parent-device,omitempty"`
	// Driver is "vhost" or "virtio".
	Driver string `json:"driver,omitempty"`
	// Path is the character device of the vhost driver
	// ("/dev/vhost-vdpa-0").
	Path string `json:"path,omitempty"`
	// PCIAddress is the VF's PCI address, normalised.
	PCIAddress string `json:"pci-address,omitempty"`
	// PFPCIAddress is the PF's PCI address, normalised.
	PFPCIAddress string `json:"pf-pci-address,omitempty"`
	// RepresentorDevice is the representor netdev on the host (spec 1.1.0).
	RepresentorDevice string `json:"representor-device,omitempty"`
	// Extra holds the keys this package does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// VhostUserInfo is the payload of a vhost-user device-info.
type VhostUserInfo struct {
	// Mode is "client" (the host creates the socket) or "server" (the
	// pod's application does).
	Mode string `json:"mode,omitempty"`
	// Path is the socket's path in the container.
	Path string `json:"path,omitempty"`
	// Group is the group owning the socket, from the userspace CNI's
	// vhost.group; not a key of the device-info specification.
	Group string `json:"group,omitempty"`
	// Extra holds the keys this package does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// MemifInfo is the payload of a memif device-info.
type MemifInfo struct {
	// Role is "master" (the pod's application creates the socket) or
	// "slave" (the host does).
	Role string `json:"role,omitempty"`
	// Mode is "ethernet", "ip" or "inject-punt" (or "punt").
	Mode string `json:"mode,omitempty"`
	// Path is the socket's path in the container.
	Path string `json:"path,omitempty"`
	// Extra holds the keys this package does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"-"`
}

// The types below have no methods, so encoding/json decodes and encodes
// them field by field; the open types' methods go through them.
type (
	plainDeviceInfo    DeviceInfo
	plainPCIInfo       PCIInfo
	plainVdpaInfo      VdpaInfo
	plainVhostUserInfo VhostUserInfo
	plainMemifInfo     MemifInfo
)

// The JSON keys each open type knows, from its field tags.
var (
	deviceInfoKeys = jsonKeys(reflect.TypeOf(DeviceInfo{}))
	pciInfoKeys    = jsonKeys(reflect.TypeOf(PCIInfo{}))
	vdpaInfoKeys   = jsonKeys(reflect.TypeOf(VdpaInfo{}))
	vhostUserKeys  = jsonKeys(reflect.TypeOf(VhostUserInfo{}))
	memifInfoKeys  = jsonKeys(reflect.TypeOf(MemifInfo{}))
)

// UnmarshalJSON decodes a device-info object, keeping unknown keys in
// Extra.
func (d *DeviceInfo) UnmarshalJSON(data []byte) error {
	var p plainDeviceInfo
	extra, err := decodeOpen(data, &p, deviceInfoKeys)
	if err != nil {
		return err
	}
	p.Extra = extra
	*d = DeviceInfo(p)
	return nil
}

// MarshalJSON writes the known keys, then those of Extra.
func (d DeviceInfo) MarshalJSON() ([]byte, error) {
	return encodeOpen(plainDeviceInfo(d), d.Extra, deviceInfoKeys)
}

// UnmarshalJSON decodes a pci payload, keeping unknown keys in Extra.
func (p *PCIInfo) UnmarshalJSON(data []byte) error {
	var v plainPCIInfo
	extra, err := decodeOpen(data, &v, pciInfoKeys)
	if err != nil {
		return err
	}
	v.Extra = extra
	*p = PCIInfo(v)
	return nil
}

// MarshalJSON writes the known keys, then those of Extra.
func (p PCIInfo) MarshalJSON() ([]byte, error) {
	return encodeOpen(plainPCIInfo(p), p.Extra, pciInfoKeys)
}

// UnmarshalJSON decodes a vdpa payload, keeping unknown keys in Extra.
func (p *VdpaInfo) UnmarshalJSON(data []byte) error {
	var v plainVdpaInfo
	extra, err := decodeOpen(data, &v, vdpaInfoKeys)
	if err != nil {
		return err
	}
	v.Extra = extra
	*p = VdpaInfo(v)
	return nil
}

// MarshalJSON writes the known keys, then those of Extra.
func (p VdpaInfo) MarshalJSON() ([]byte, error) {
	return encodeOpen(plainVdpaInfo(p), p.Extra, vdpaInfoKeys)
}

// UnmarshalJSON decodes a vhost-user payload, keeping unknown keys in
// Extra.
func (p *VhostUserInfo) UnmarshalJSON(data []byte) error {
	var v plainVhostUserInfo
	extra, err := decodeOpen(data, &v, vhostUserKeys)
	if err != nil {
		return err
	}
	v.Extra = extra
	*p = VhostUserInfo(v)
	return nil
}

// MarshalJSON writes the known keys, then those of Extra.
func (p VhostUserInfo) MarshalJSON() ([]byte, error) {
	return encodeOpen(plainVhostUserInfo(p), p.Extra, vhostUserKeys)
}

// UnmarshalJSON decodes a memif payload, keeping unknown keys in Extra.
func (p *MemifInfo) UnmarshalJSON(data []byte) error {
	var v plainMemifInfo
	extra, err := decodeOpen(data, &v, memifInfoKeys)
	if err != nil {
		return err
	}
	v.Extra = extra
	*p = MemifInfo(v)
	return nil
}

// MarshalJSON writes the known keys, then those of Extra.
func (p MemifInfo) MarshalJSON() ([]byte, error) {
	return encodeOpen(plainMemifInfo(p), p.Extra, memifInfoKeys)
}

// jsonKeys lists the JSON names of a struct type's fields.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "-" && name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

// isKnown reports whether key names one of keys. encoding/json matches
// object keys to fields without regard to case, so a key that differs
// only in case fills the field and is not kept as unknown.
func isKnown(key string, keys []string) bool {
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// decodeOpen decodes the JSON object data into v (a pointer to a struct
// without JSON methods) and returns the keys that v's fields do not name,
// nil when there are none.
func decodeOpen(data []byte, v any, keys []string) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for k := range all {
		if isKnown(k, keys) {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// encodeOpen marshals v (a struct without JSON methods) and appends the
// keys of extra, sorted, that v's fields do not name.
func encodeOpen(v any, extra map[string]json.RawMessage, keys []string) ([]byte, error) {
	out, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return out, err
	}
	names := make([]string, 0, len(extra))
	for k := range extra {
		if !isKnown(k, keys) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.Write(out[:len(out)-1]) // without the closing brace
	for _, k := range names {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		if len(extra[k]) == 0 {
			b.WriteString("null")
		} else {
			b.Write(extra[k])
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
