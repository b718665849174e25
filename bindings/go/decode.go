package appnetutil

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeReport decodes contract JSON into r: quickly for JSON shaped as the
// library writes it, with encoding/json for anything else. Collect uses it
// when the library's getters cannot say exactly what the JSON says (see
// tape.go), and the quick decoder also reads each device-plugin-info the
// getters give as JSON text.
//
// The quick decoder below (several times faster than encoding/json's
// reflection) accepts only what it is sure encoding/json decodes to the
// same value: every key exactly one of the type's field names, each once,
// every value of the field's JSON type, numbers as plain non-negative
// integers, strings that are valid UTF-8 without lone surrogates. On
// anything else it gives up and encoding/json decodes the whole document,
// so the result, and any error, are always encoding/json's.
// FuzzQuickDecode checks exactly that.
//
// Strings are substrings of one copy of the document, so decoding
// allocates little.
func decodeReport(data []byte, r *Report) error {
	if q, ok := quickDecode(data); ok {
		*r = q
		return nil
	}
	return json.Unmarshal(data, r)
}

// quickDecode is the quick decoder alone: false when it gives up.
func quickDecode(data []byte) (Report, bool) {
	d := quick{s: string(data)}
	var r Report
	if !d.report(&r) {
		return Report{}, false
	}
	return r, true
}

// quick is the state of the quick decoder: the document and a position.
// Every method returns false when the input is not what it accepts.
type quick struct {
	s string
	i int
	b []byte // when not nil, the same text: raw values are cut from it
}

func (d *quick) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\n', '\t', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (d *quick) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *quick) eat(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

func (d *quick) lit(word string) bool {
	d.ws()
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return true
	}
	return false
}

// null consumes a null, if that is what comes next.
func (d *quick) null() bool {
	return d.peek() == 'n' && d.lit("null")
}

func (d *quick) end() bool {
	d.ws()
	return d.i == len(d.s)
}

// object reads an object, calling field for each key with the position
// at its value; field consumes the value and returns the key's bit (0 for
// a map key), so that a field given twice is refused.
func (d *quick) object(field func(key string) (bit uint64, ok bool)) bool {
	if !d.eat('{') {
		return false
	}
	if d.eat('}') {
		return true
	}
	var seen uint64
	for {
		key, ok := d.str()
		if !ok || !d.eat(':') {
			return false
		}
		bit, ok := field(key)
		if !ok || bit&seen != 0 {
			return false
		}
		seen |= bit
		if d.eat('}') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// mapObject reads an object whose keys are not field names (a map). A
// key given twice would make encoding/json merge or replace entries: the
// callers compare the map's size with the number of entries read.
func (d *quick) mapObject(entry func(key string) bool) bool {
	return d.object(func(key string) (uint64, bool) { return 0, entry(key) })
}

func (d *quick) array(elem func() bool) bool {
	if !d.eat('[') {
		return false
	}
	if d.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.eat(']') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// str reads a string. Without escapes it is a substring of the document.
func (d *quick) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	d.i++
	start := d.i
	ascii := true
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			if !ascii && !utf8.ValidString(s) {
				return "", false
			}
			return s, true
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// escaped finishes a string that has an escape, from start (after the
// opening quote).
func (d *quick) escaped(start int) (string, bool) {
	b := make([]byte, 0, d.i-start+16)
	b = append(b, d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(b) {
				return "", false
			}
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.s) {
			return "", false
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a high surrogate followed by a low one.
				if r >= 0xdc00 || !d.lit(`\u`) {
					return "", false
				}
				r2, ok := d.hex4()
				if !ok || r2 < 0xdc00 || r2 > 0xdfff {
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (d *quick) hex4() (rune, bool) {
	if len(d.s)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// optStr reads a string or null.
func (d *quick) optStr(p **string) bool {
	if d.null() {
		*p = nil
		return true
	}
	s, ok := d.str()
	if !ok {
		return false
	}
	*p = &s
	return true
}

// uint reads a non-negative integer without sign, fraction or exponent.
func (d *quick) uint() (uint64, bool) {
	d.ws()
	start := d.i
	for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' {
		d.i++
	}
	digits := d.s[start:d.i]
	if digits == "" || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	if d.i < len(d.s) {
		switch d.s[d.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil
}

func (d *quick) int() (int, bool) {
	n, ok := d.uint()
	if !ok || n > uint64(maxInt) {
		return 0, false
	}
	return int(n), true
}

const maxInt = int(^uint(0) >> 1)

func (d *quick) optInt(p **int) bool {
	if d.null() {
		*p = nil
		return true
	}
	n, ok := d.int()
	if !ok {
		return false
	}
	*p = &n
	return true
}

func (d *quick) bool() (bool, bool) {
	switch d.peek() {
	case 't':
		return true, d.lit("true")
	case 'f':
		return false, d.lit("false")
	}
	return false, false
}

// intKey is a map key that encoding/json turns into the same int: plain
// digits without a leading zero.
func intKey(key string) (int, bool) {
	if key == "" || len(key) > 1 && key[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < '0' || key[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(key, 10, 64)
	return int(n), err == nil && n <= int64(maxInt)
}

func (d *quick) ints(p *[]int) bool {
	if d.null() {
		return false
	}
	l := []int{}
	ok := d.array(func() bool {
		n, ok := d.int()
		l = append(l, n)
		return ok
	})
	*p = l
	return ok
}

func (d *quick) strs(p *[]string) bool {
	if d.null() {
		return false
	}
	l := []string{}
	ok := d.array(func() bool {
		s, ok := d.str()
		l = append(l, s)
		return ok
	})
	*p = l
	return ok
}

// raw reads any JSON value and returns a copy of its text.
func (d *quick) raw() (json.RawMessage, bool) {
	d.ws()
	start := d.i
	if !d.skip(0) {
		return nil, false
	}
	if d.b != nil {
		return json.RawMessage(d.b[start:d.i:d.i]), true
	}
	return json.RawMessage(d.s[start:d.i]), true
}

// skip passes over one JSON value (validating it as encoding/json would).
func (d *quick) skip(depth int) bool {
	if depth > 1000 {
		return false
	}
	switch c := d.peek(); {
	case c == '{':
		// encoding/json keeps a raw value as it is, keys given twice
		// included.
		return d.mapObject(func(string) bool { return d.skip(depth + 1) })
	case c == '[':
		return d.array(func() bool { return d.skip(depth + 1) })
	case c == '"':
		_, ok := d.str()
		return ok
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return false
}

// number passes over a JSON number.
func (d *quick) number() bool {
	d.ws()
	s, i := d.s, d.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	d.i = i
	return true
}

// The types, one method each, with the keys of their JSON tags.

func (d *quick) report(r *Report) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "cpus":
			if d.null() {
				return 1, true
			}
			r.CPUs = &CPUs{}
			return 1, d.cpus(r.CPUs)
		case "hugepages":
			return 2, d.hugepages(&r.Hugepages)
		case "interfaces":
			if d.null() {
				return 0, false
			}
			r.Interfaces = []Interface{}
			return 4, d.array(func() bool {
				r.Interfaces = append(r.Interfaces, Interface{})
				return d.iface(&r.Interfaces[len(r.Interfaces)-1])
			})
		case "warnings":
			return 8, d.strs(&r.Warnings)
		case "pod":
			if d.null() {
				return 16, true
			}
			r.Pod = &Pod{}
			return 16, d.pod(r.Pod)
		}
		return 0, false
	}) && d.end()
}

func (d *quick) pod(p *Pod) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "hostname":
			return 1, d.optStr(&p.Hostname)
		case "name":
			return 2, d.optStr(&p.Name)
		case "namespace":
			return 4, d.optStr(&p.Namespace)
		case "uid":
			return 8, d.optStr(&p.UID)
		}
		return 0, false
	})
}

func (d *quick) cpus(c *CPUs) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "list":
			return 1, d.ints(&c.List)
		case "cpuset":
			s, ok := d.str()
			c.CPUSet = s
			return 2, ok
		case "source":
			s, ok := d.str()
			c.Source = CPUSource(s)
			return 4, ok
		case "numa-nodes":
			if d.null() {
				return 0, false
			}
			m := map[int][]int{}
			n := 0
			ok := d.mapObject(func(key string) bool {
				node, ok := intKey(key)
				var l []int
				n++
				ok = ok && d.ints(&l)
				m[node] = l
				return ok
			})
			c.NUMANodes = m
			return 8, ok && len(m) == n
		case "exclusive":
			if d.null() {
				c.Exclusive = nil
				return 16, true
			}
			b, ok := d.bool()
			c.Exclusive = &b
			return 16, ok
		case "isolated":
			return 32, d.ints(&c.Isolated)
		case "smt-siblings":
			if d.null() {
				return 0, false
			}
			c.SMTSiblings = [][]int{}
			return 64, d.array(func() bool {
				var l []int
				ok := d.ints(&l)
				c.SMTSiblings = append(c.SMTSiblings, l)
				return ok
			})
		}
		return 0, false
	})
}

// mib reads a page size -> MiB object.
func (d *quick) mib(p *map[string]uint64) bool {
	if d.null() {
		return false
	}
	m := map[string]uint64{}
	n := 0
	ok := d.mapObject(func(key string) bool {
		v, ok := d.uint()
		m[key] = v
		n++
		return ok
	})
	*p = m
	return ok && len(m) == n
}

func (d *quick) hugepages(h *Hugepages) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "container":
			return 1, d.optStr(&h.Container)
		case "containers":
			if d.null() {
				return 0, false
			}
			h.Containers = []ContainerHugepages{}
			return 2, d.array(func() bool {
				h.Containers = append(h.Containers, ContainerHugepages{})
				return d.container(&h.Containers[len(h.Containers)-1])
			})
		case "cgroup-limit-mib":
			return 4, d.mib(&h.CgroupLimitMiB)
		case "mounts":
			if d.null() {
				return 0, false
			}
			h.Mounts = []HugetlbfsMount{}
			return 8, d.array(func() bool {
				h.Mounts = append(h.Mounts, HugetlbfsMount{})
				m := &h.Mounts[len(h.Mounts)-1]
				return d.object(func(key string) (uint64, bool) {
					var ok bool
					switch key {
					case "path":
						m.Path, ok = d.str()
						return 1, ok
					case "page-size":
						m.PageSize, ok = d.str()
						return 2, ok
					}
					return 0, false
				})
			})
		case "host-pools":
			if d.null() {
				return 0, false
			}
			pools := map[string]HostPool{}
			n := 0
			ok := d.mapObject(func(size string) bool {
				var p HostPool
				n++
				ok := d.hostPool(&p)
				pools[size] = p
				return ok
			})
			h.HostPools = pools
			return 16, ok && len(pools) == n
		}
		return 0, false
	})
}

func (d *quick) container(c *ContainerHugepages) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "name":
			s, ok := d.str()
			c.Name = s
			return 1, ok
		case "request-mib":
			return 2, d.mib(&c.RequestMiB)
		case "limit-mib":
			return 4, d.mib(&c.LimitMiB)
		}
		return 0, false
	})
}

func (d *quick) hostPool(p *HostPool) bool {
	return d.object(func(key string) (uint64, bool) {
		var ok bool
		switch key {
		case "total":
			p.Total, ok = d.uint()
			return 1, ok
		case "free":
			p.Free, ok = d.uint()
			return 2, ok
		case "numa-nodes":
			if d.null() {
				return 0, false
			}
			nodes := map[int]NodePool{}
			n := 0
			ok := d.mapObject(func(key string) bool {
				node, ok := intKey(key)
				var np NodePool
				n++
				ok = ok && d.object(func(key string) (uint64, bool) {
					var ok bool
					switch key {
					case "total":
						np.Total, ok = d.uint()
						return 1, ok
					case "free":
						np.Free, ok = d.uint()
						return 2, ok
					}
					return 0, false
				})
				nodes[node] = np
				return ok
			})
			p.NUMANodes = nodes
			return 4, ok && len(nodes) == n
		}
		return 0, false
	})
}

func (d *quick) iface(it *Interface) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "interface":
			return 1 << 0, d.optStr(&it.Name)
		case "network":
			return 1 << 1, d.optStr(&it.Network)
		case "default":
			b, ok := d.bool()
			it.Default = b
			return 1 << 2, ok
		case "device-type":
			s, ok := d.str()
			it.DeviceType = DeviceType(s)
			return 1 << 3, ok
		case "mac":
			return 1 << 4, d.optStr(&it.MAC)
		case "ips":
			return 1 << 5, d.strs(&it.IPs)
		case "mtu":
			return 1 << 6, d.optInt(&it.MTU)
		case "gateway":
			return 1 << 7, d.strs(&it.Gateway)
		case "dns":
			return 1 << 8, d.dns(&it.DNS)
		case "device-info":
			if d.null() {
				it.DeviceInfo = nil
				return 1 << 9, true
			}
			it.DeviceInfo = &DeviceInfo{}
			return 1 << 9, d.deviceInfo(it.DeviceInfo)
		case "device-id":
			return 1 << 10, d.optStr(&it.DeviceID)
		case "resource-env":
			return 1 << 11, d.optStr(&it.ResourceEnv)
		case "device-plugin-info":
			return 1 << 12, d.devicePluginInfo(&it.DevicePluginInfo)
		case "pci-device":
			if d.null() {
				it.PCIDevice = nil
				return 1 << 13, true
			}
			it.PCIDevice = &PCIDevice{}
			return 1 << 13, d.pciDevice(it.PCIDevice)
		case "sources":
			if d.null() {
				return 0, false
			}
			it.Sources = []Source{}
			return 1 << 14, d.array(func() bool {
				s, ok := d.str()
				it.Sources = append(it.Sources, Source(s))
				return ok
			})
		case "infiniband-guid":
			return 1 << 15, d.optStr(&it.InfinibandGUID)
		}
		return 0, false
	})
}

func (d *quick) dns(n *DNS) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "nameservers":
			return 1, d.strs(&n.Nameservers)
		case "domain":
			return 2, d.optStr(&n.Domain)
		case "search":
			return 4, d.strs(&n.Search)
		case "options":
			return 8, d.strs(&n.Options)
		}
		return 0, false
	})
}

func (d *quick) pciDevice(p *PCIDevice) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "numa-node":
			return 1, d.optInt(&p.NUMANode)
		case "driver":
			return 2, d.optStr(&p.Driver)
		case "iommu-group":
			return 4, d.optInt(&p.IOMMUGroup)
		case "vfio-device":
			return 8, d.optStr(&p.VFIODevice)
		case "netdevs":
			return 16, d.strs(&p.Netdevs)
		case "vendor":
			return 32, d.optStr(&p.Vendor)
		case "device":
			return 64, d.optStr(&p.Device)
		case "physfn":
			return 128, d.optStr(&p.PhysFn)
		}
		return 0, false
	})
}

func (d *quick) devicePluginInfo(p *DevicePluginInfo) bool {
	if d.null() {
		*p = nil
		return true
	}
	info := DevicePluginInfo{}
	n := 0
	ok := d.mapObject(func(provider string) bool {
		n++
		if d.null() {
			info[provider] = nil
			return true
		}
		values := map[string]json.RawMessage{}
		m := 0
		ok := d.mapObject(func(key string) bool {
			m++
			v, ok := d.raw()
			values[key] = v
			return ok
		})
		info[provider] = values
		return ok && len(values) == m
	})
	*p = info
	return ok && len(info) == n
}

// extra reads an unknown device-info key into *m, refusing a key that
// encoding/json would match to a field (its names compare without case).
func (d *quick) extra(m *map[string]json.RawMessage, key string, known []string) bool {
	if isKnown(key, known) {
		return false
	}
	if *m == nil {
		*m = map[string]json.RawMessage{}
	} else if _, dup := (*m)[key]; dup {
		return false
	}
	v, ok := d.raw()
	(*m)[key] = v
	return ok
}

// payload reads a device-info payload whose keys are all string fields:
// field returns where a known key's value goes.
func (d *quick) payload(extra *map[string]json.RawMessage, known []string, field func(key string) (*string, uint64)) bool {
	return d.object(func(key string) (uint64, bool) {
		p, bit := field(key)
		if p == nil {
			return 0, d.extra(extra, key, known)
		}
		if d.null() {
			// encoding/json leaves a string field unchanged for null.
			return bit, true
		}
		s, ok := d.str()
		*p = s
		return bit, ok
	})
}

func (d *quick) deviceInfo(di *DeviceInfo) bool {
	return d.object(func(key string) (uint64, bool) {
		switch key {
		case "type":
			s, ok := d.str()
			di.Type = s
			return 1, ok
		case "version":
			return 2, d.optStr(&di.Version)
		case "pci":
			if d.null() {
				return 4, true
			}
			p := &PCIInfo{}
			di.PCI = p
			return 4, d.payload(&p.Extra, pciInfoKeys, func(key string) (*string, uint64) {
				switch key {
				case "pci-address":
					return &p.PCIAddress, 1
				case "vhost-net":
					return &p.VhostNet, 2
				case "rdma-device":
					return &p.RDMADevice, 4
				case "pf-pci-address":
					return &p.PFPCIAddress, 8
				case "representor-device":
					return &p.RepresentorDevice, 16
				}
				return nil, 0
			})
		case "vdpa":
			if d.null() {
				return 8, true
			}
			p := &VdpaInfo{}
			di.Vdpa = p
			return 8, d.payload(&p.Extra, vdpaInfoKeys, func(key string) (*string, uint64) {
				switch key {
				case "parent-device":
					return &p.ParentDevice, 1
				case "driver":
					return &p.Driver, 2
				case "path":
					return &p.Path, 4
				case "pci-address":
					return &p.PCIAddress, 8
				case "pf-pci-address":
					return &p.PFPCIAddress, 16
				case "representor-device":
					return &p.RepresentorDevice, 32
				}
				return nil, 0
			})
		case "vhost-user":
			if d.null() {
				return 16, true
			}
			p := &VhostUserInfo{}
			di.VhostUser = p
			return 16, d.payload(&p.Extra, vhostUserKeys, func(key string) (*string, uint64) {
				switch key {
				case "mode":
					return &p.Mode, 1
				case "path":
					return &p.Path, 2
				}
				return nil, 0
			})
		case "memif":
			if d.null() {
				return 32, true
			}
			p := &MemifInfo{}
			di.Memif = p
			return 32, d.payload(&p.Extra, memifInfoKeys, func(key string) (*string, uint64) {
				switch key {
				case "role":
					return &p.Role, 1
				case "mode":
					return &p.Mode, 2
				case "path":
					return &p.Path, 4
				}
				return nil, 0
			})
		}
		return 0, d.extra(&di.Extra, key, deviceInfoKeys)
	})
}
