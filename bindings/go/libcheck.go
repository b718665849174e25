package appnetutil

// What the tests compare the Go values with: the library's own view of a
// collected report, through its C getters. (cgo cannot be used in _test.go
// files, so these live here; nothing else calls them.)

/*
#include <appnetutil.h>
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"unsafe"
)

// libraryJSON is the report's JSON as the library gives it (the bytes
// `app-netutil show --json` prints); nil for a Report Collect did not make.
func (r *Report) libraryJSON() []byte {
	if r.c == nil || r.c.p == nil {
		return nil
	}
	var n C.size_t
	p := C.netutil_report_json(r.c.p, &n)
	b := C.GoBytes(unsafe.Pointer(p), C.int(n))
	runtime.KeepAlive(r.c)
	return b
}

// libraryInterface is what the library's convenience getters say about
// interface i: its PCI address and its socket path ("" for NULL).
func (r *Report) libraryInterface(i int) (pciAddress, socketPath string, ok bool) {
	if r.c == nil || r.c.p == nil {
		return "", "", false
	}
	it := C.netutil_report_interface(r.c.p, C.size_t(i))
	if it == nil {
		return "", "", false
	}
	pciAddress = C.GoString(C.netutil_interface_pci_address(it))
	socketPath = C.GoString(C.netutil_interface_socket_path(it))
	runtime.KeepAlive(r.c)
	return pciAddress, socketPath, true
}

// libraryCollectOnly collects the pod below root and frees the report at
// once: the library's own cost, for the benchmarks.
func libraryCollectOnly(o *cOptions) bool {
	var cr *C.netutil_report
	if C.netutil_report_collect(o.p, &cr, nil) != 0 {
		return false
	}
	C.netutil_report_free(cr)
	return true
}

// libraryTape is the report read through the getters (fromTape), and
// whether that path could be taken.
func (r *Report) libraryTape() (Report, bool) {
	var t Report
	ok := fromTape(r.c.p, &t)
	runtime.KeepAlive(r.c)
	return t, ok
}

// libraryDecoded is the report decoded from the library's JSON.
func (r *Report) libraryDecoded() (Report, error) {
	var d Report
	err := json.Unmarshal(r.libraryJSON(), &d)
	return d, err
}

// collectViaJSON collects and decodes the library's JSON with
// encoding/json instead of reading the getters: what Collect does on its
// fallback path, for the benchmarks.
func collectViaJSON(o *cOptions) (Report, error) {
	var cr *C.netutil_report
	var r Report
	if st := C.netutil_report_collect(o.p, &cr, nil); st != 0 {
		return r, takeError(st, nil)
	}
	defer C.netutil_report_free(cr)
	var n C.size_t
	text := C.netutil_report_json(cr, &n)
	err := json.Unmarshal(unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)), &r)
	return r, err
}
