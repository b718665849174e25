package appnetutil

/*
#include <stdlib.h>
#include "tape.h"
*/
import "C"

import (
	"encoding/json"
	"strings"
	"unsafe"
)

// Collect reads the library's report through its getters, all called in C
// by tape.c in the cgo call that collects, and builds the Report from the
// two streams it returns: much cheaper than having the library write the
// report as JSON and decoding that (the library's JSON writer alone costs
// more than everything done here; BenchmarkCollectViaJSON).
//
// The getters and the JSON say the same, with three exceptions where the
// getters cannot tell two JSON values apart; the report is then decoded
// from the library's JSON instead (fromTape returns false):
//   - a string held a NUL byte: the C API gives U+FFFD in its place and adds
//     a warning, the JSON keeps the NUL (any U+FFFD sends the report to the
//     JSON path);
//   - a device-info payload of the device-info's own type with no key at
//     all: absent, or given as {};
//   - a device-plugin-info (given as JSON text) the quick decoder of
//     decode.go does not take.
//
// A key added to the contract needs its Go field (report.go, devinfo.go),
// its getter called in tape.c and read here in the same order, and its row
// in docs/go.md ("Adding a report key"). TestTapeCallsEveryGetter fails
// until tape.c calls every getter of the header, TestRoundTripEveryPod and
// TestTapeEqualsJSONEveryPod until the key reaches the Go value.
//
// One difference remains, in a pod whose sysfs contradicts itself: when
// NUMA node directories exist but none lists one of the pod's CPUs, the
// JSON has "numa-nodes": {} and the getters give no node, so CPUs.NUMANodes
// is nil. (In a real sysfs every online CPU is on a node.) The tests check
// that every fixture pod gives exactly the library's JSON.

// tapeReader reads the streams in the order tape.c wrote them. Any
// mismatch sets bad.
type tapeReader struct {
	nums []uint64
	strs []C.struct_appnetutil_go_str
	all  string // every string, one after the other
	off  int    // where the next string starts in all
	si   int
	// Backing arrays shared by the fields, so that a report is a few
	// allocations instead of one per field. Lists are cut with their
	// capacity at their length, so that appending to one copies it.
	strPool []string // *string fields and string lists
	intPool []int    // *int fields and CPU lists
	bad     bool
}

func (t *tapeReader) num() uint64 {
	if len(t.nums) == 0 {
		t.bad = true
		return 0
	}
	n := t.nums[0]
	t.nums = t.nums[1:]
	return n
}

// count reads a list length, refusing one longer than what is left.
func (t *tapeReader) count() int {
	n := t.num()
	if n > uint64(len(t.nums)+len(t.strs)-t.si) {
		t.bad = true
		return 0
	}
	return int(n)
}

// str reads a string; present is false for NULL.
func (t *tapeReader) str() (s string, present bool) {
	if t.si >= len(t.strs) {
		t.bad = true
		return "", false
	}
	e := t.strs[t.si]
	t.si++
	if e.p == nil {
		return "", false
	}
	n := int(e.len)
	if t.off+n > len(t.all) {
		t.bad = true
		return "", false
	}
	s = t.all[t.off : t.off+n]
	t.off += n
	return s, true
}

// strings returns n strings of the pool (a new array when it is full).
func (t *tapeReader) strings(n int) []string {
	if n == 0 {
		return []string{} // an empty list is [], not null
	}
	if len(t.strPool)+n > cap(t.strPool) { // only when tape.c counted wrong
		t.strPool = make([]string, 0, n+len(t.strs)-t.si)
	}
	start := len(t.strPool)
	t.strPool = t.strPool[:start+n]
	return t.strPool[start : start+n : start+n]
}

func (t *tapeReader) ints(n int) []int {
	if n == 0 {
		return []int{}
	}
	if len(t.intPool)+n > cap(t.intPool) { // only when tape.c counted wrong
		t.intPool = make([]int, 0, n)
	}
	start := len(t.intPool)
	t.intPool = t.intPool[:start+n]
	return t.intPool[start : start+n : start+n]
}

func (t *tapeReader) optStr() *string {
	s, ok := t.str()
	if !ok {
		return nil
	}
	p := &t.strings(1)[0]
	*p = s
	return p
}

func (t *tapeReader) strList() []string {
	l := t.strings(t.count())
	for i := range l {
		l[i], _ = t.str()
	}
	return l
}

func (t *tapeReader) intList() []int {
	l := t.ints(t.count())
	for i := range l {
		l[i] = int(t.num())
	}
	return l
}

func (t *tapeReader) optInt() *int {
	flag, v := t.num(), int(t.num())
	if flag == 0 {
		return nil
	}
	p := &t.ints(1)[0]
	*p = v
	return p
}

// warningDetails reads the code and subject of each warning; the message
// is the warning.
func (t *tapeReader) warningDetails(warnings []string) []WarningDetail {
	n := t.count()
	if n != len(warnings) {
		t.bad = true
		return nil
	}
	l := make([]WarningDetail, n)
	for i := range l {
		l[i].Code, _ = t.str()
		l[i].Subject, _ = t.str()
		l[i].Message = warnings[i]
	}
	return l
}

// routes reads an interface's routes: a count, then destination and next
// hop of each.
func (t *tapeReader) routes() []Route {
	n := t.count()
	if n == 0 {
		return []Route{}
	}
	l := make([]Route, n)
	for i := range l {
		l[i].Dst, _ = t.str()
		l[i].GW = t.optStr()
	}
	return l
}

func (t *tapeReader) mib() map[string]uint64 {
	n := t.count()
	m := make(map[string]uint64, n)
	for i := 0; i < n; i++ {
		size, _ := t.str()
		m[size] = t.num()
	}
	return m
}

// fromTape builds r from the library's report; false when the getters
// cannot say exactly what the JSON says (see above) or the tape is not
// what this reader expects.
func fromTape(cr *C.netutil_report, r *Report) bool {
	var tape C.struct_appnetutil_go_tape
	if C.appnetutil_go_tape(cr, &tape) == 0 {
		return false
	}
	return readTape(&tape, r)
}

// readTape builds r from a tape, and frees the tape.
func readTape(tape *C.struct_appnetutil_go_tape, r *Report) bool {
	defer C.appnetutil_go_tape_free(tape)
	t := tapeReader{
		nums: unsafe.Slice((*uint64)(unsafe.Pointer(tape.nums)), int(tape.num_len)),
		strs: unsafe.Slice(tape.strs, int(tape.str_len)),
	}
	// Every string in one copy, and arrays for the fields that point into
	// arrays, each sized from what tape.c counted.
	var all strings.Builder
	all.Grow(int(tape.bytes))
	for _, e := range t.strs {
		if e.p != nil {
			all.Write(unsafe.Slice((*byte)(unsafe.Pointer(e.p)), int(e.len)))
		}
	}
	t.all = all.String()
	t.strPool = make([]string, 0, len(t.strs))
	t.intPool = make([]int, 0, int(tape.ints))
	if strings.Contains(t.all, "\uFFFD") {
		return false
	}

	if t.num() != C.APPNETUTIL_GO_TAPE_MAGIC {
		return false
	}
	// The library writes these two constants: the C API has no getter.
	r.APIVersion = ReportAPIVersion
	r.Kind = ReportKind
	r.Pod.Hostname = t.optStr()
	r.Pod.Name = t.optStr()
	r.Pod.Namespace = t.optStr()
	r.Pod.UID = t.optStr()
	if t.num() != 0 {
		r.CPUs = t.cpus()
	}
	t.hugepages(&r.Hugepages)
	n := t.count()
	r.Interfaces = make([]Interface, n)
	for i := range r.Interfaces {
		if !t.iface(&r.Interfaces[i]) {
			return false
		}
	}
	r.Warnings = t.strList()
	r.WarningDetails = t.warningDetails(r.Warnings)
	return !t.bad && t.num() == C.APPNETUTIL_GO_TAPE_MAGIC && len(t.nums) == 0 && t.si == len(t.strs)
}

func (t *tapeReader) cpus() *CPUs {
	c := &CPUs{List: t.intList()}
	c.CPUSet, _ = t.str()
	source, _ := t.str()
	c.Source = CPUSource(source)
	switch int64(t.num()) {
	case 0:
		c.Exclusive = new(bool)
	case 1:
		yes := true
		c.Exclusive = &yes
	}
	if n := t.count(); n > 0 {
		c.NUMANodes = make(map[int][]int, n)
		for i := 0; i < n; i++ {
			node := int(t.num())
			c.NUMANodes[node] = t.intList()
		}
	}
	if t.num() != 0 {
		c.Isolated = t.intList()
	} else if t.num() != 0 { // the empty list written for NULL
		t.bad = true
	}
	if n := t.count(); n > 0 {
		c.SMTSiblings = make([][]int, n)
		for i := range c.SMTSiblings {
			c.SMTSiblings[i] = t.intList()
		}
	}
	return c
}

func (t *tapeReader) hugepages(h *Hugepages) {
	h.Container = t.optStr()
	h.Containers = make([]ContainerHugepages, t.count())
	for i := range h.Containers {
		c := &h.Containers[i]
		c.Name, _ = t.str()
		c.RequestMiB = t.mib()
		c.LimitMiB = t.mib()
	}
	h.CgroupLimitMiB = t.mib()
	h.Mounts = make([]HugetlbfsMount, t.count())
	for i := range h.Mounts {
		h.Mounts[i].Path, _ = t.str()
		h.Mounts[i].PageSize, _ = t.str()
	}
	n := t.count()
	h.HostPools = make(map[string]HostPool, n)
	for i := 0; i < n; i++ {
		size, _ := t.str()
		p := HostPool{Total: t.num(), Free: t.num()}
		m := t.count()
		p.NUMANodes = make(map[int]NodePool, m)
		for j := 0; j < m; j++ {
			node := int(t.num())
			p.NUMANodes[node] = NodePool{Total: t.num(), Free: t.num()}
		}
		h.HostPools[size] = p
	}
}

func (t *tapeReader) iface(it *Interface) bool {
	it.Name = t.optStr()
	it.Network = t.optStr()
	it.Default = t.num() != 0
	devType, _ := t.str()
	it.DeviceType = DeviceType(devType)
	it.MAC = t.optStr()
	it.InfinibandGUID = t.optStr()
	it.IPs = t.strList()
	it.MTU = t.optInt()
	it.Gateway = t.strList()
	it.Routes = t.routes()
	it.DNS.Nameservers = t.strList()
	it.DNS.Domain = t.optStr()
	it.DNS.Search = t.strList()
	it.DNS.Options = t.strList()
	if t.num() != 0 && !t.deviceInfo(it) {
		return false
	}
	it.DeviceID = t.optStr()
	it.ResourceEnv = t.optStr()
	if text, ok := t.str(); ok {
		info, ok := decodeDevicePluginInfo(text)
		if !ok || info == nil {
			return false
		}
		it.DevicePluginInfo = info
	}
	if t.num() != 0 {
		p := &PCIDevice{}
		p.NUMANode = t.optInt()
		p.Driver = t.optStr()
		p.IOMMUGroup = t.optInt()
		p.VFIODevice = t.optStr()
		p.Netdevs = t.strList()
		p.Vendor = t.optStr()
		p.Device = t.optStr()
		p.PhysFn = t.optStr()
		it.PCIDevice = p
	}
	if t.num() != 0 {
		it.DRA = t.dra()
	}
	n := t.count()
	it.Sources = make([]Source, n)
	for i := range it.Sources {
		s, _ := t.str()
		it.Sources[i] = Source(s)
	}
	return !t.bad
}

// deviceInfo reads a device-info. A payload is there when one of its keys
// is; the payload of the device-info's own type with no key is either
// absent or {}, which only the JSON tells.
func (t *tapeReader) deviceInfo(it *Interface) bool {
	d := &DeviceInfo{}
	d.Type, _ = t.str()
	d.Version = t.optStr()
	var s [17]string
	given := [4]bool{}
	kinds := [...]struct {
		name       string
		first, end int
	}{{"pci", 0, 5}, {"vdpa", 5, 11}, {"vhost-user", 11, 14}, {"memif", 14, 17}}
	for k, kind := range kinds {
		for i := kind.first; i < kind.end; i++ {
			var ok bool
			s[i], ok = t.str()
			given[k] = given[k] || ok
		}
		if !given[k] && d.Type == kind.name {
			return false
		}
	}
	if given[0] {
		d.PCI = &PCIInfo{PCIAddress: s[0], VhostNet: s[1], RDMADevice: s[2], PFPCIAddress: s[3], RepresentorDevice: s[4]}
	}
	if given[1] {
		d.Vdpa = &VdpaInfo{ParentDevice: s[5], Driver: s[6], Path: s[7], PCIAddress: s[8], PFPCIAddress: s[9], RepresentorDevice: s[10]}
	}
	if given[2] {
		d.VhostUser = &VhostUserInfo{Mode: s[11], Path: s[12], Group: s[13]}
	}
	if given[3] {
		d.Memif = &MemifInfo{Role: s[14], Mode: s[15], Path: s[16]}
	}
	it.DeviceInfo = d
	return true
}

// dra reads an interface's DRA device.
func (t *tapeReader) dra() *DRA {
	d := &DRA{}
	d.Driver, _ = t.str()
	d.Pool = t.optStr()
	d.Device, _ = t.str()
	ns, name, uid, podClaim := t.optStr(), t.optStr(), t.optStr(), t.optStr()
	d.Request = t.optStr()
	d.MetadataFile = t.optStr()
	d.MetadataVersion = t.optStr()
	if d.MetadataFile != nil {
		d.Claim = &DRAClaim{Namespace: ns, Name: name, UID: uid, PodClaimName: podClaim}
	}
	if flag, g := t.num(), int64(t.num()); flag != 0 {
		d.Generation = &g
	}
	n := t.count()
	d.Attributes = make(map[string]json.RawMessage, n)
	for i := 0; i < n; i++ {
		k, _ := t.str()
		v, _ := t.str()
		// The library's compact JSON text of the typed value.
		d.Attributes[k] = json.RawMessage(v)
	}
	if text, ok := t.str(); ok {
		raw := json.RawMessage(text)
		d.NetworkData = &raw
	}
	n = t.count()
	d.Env = make(map[string]string, n)
	for i := 0; i < n; i++ {
		k, _ := t.str()
		v, _ := t.str()
		d.Env[k] = v
	}
	return d
}
