package appnetutil

/*
#cgo pkg-config: appnetutil
#include <stdlib.h>
#include <appnetutil.h>
#include "tape.h"

// Defined in callback.go (cgo export).
extern void appnetutilGoLog(uintptr_t user_data, uint32_t level, char *message);

// The library calls back with a const message; the Go export takes char *.
static void appnetutil_go_log_trampoline(void *user_data, uint32_t level, const char *message)
{
	appnetutilGoLog((uintptr_t)user_data, level, (char *)message);
}

// The user data is a runtime/cgo handle, an integer, never a Go pointer.
static netutil_status appnetutil_set_go_log(netutil_options *o, uintptr_t handle)
{
	return netutil_options_set_log_callback(o, appnetutil_go_log_trampoline, (void *)handle);
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"
)

// Options say which pod to read and where log messages go. The zero value
// reads the pod the process runs in, without logging.
type Options struct {
	// Root reads the pod below this directory instead of "/" (a copy of a
	// pod, or a fixture such as fixtures/pods/clean_full_pod): its
	// downward-API files, <Root>/proc/self/environ for the environment,
	// <Root>/proc/self/status for the CPUs, cgroup and sysfs files. ""
	// means "/", the live pod: the process's own environment and CPU
	// affinity.
	Root string
	// PodinfoDir reads the downward-API files from this directory (a path
	// on this machine, not below Root) instead of <Root>/etc/podnetinfo,
	// or <Root>/etc/podinfo when only that exists. When it is set and is
	// not a directory, Collect fails with ErrPodUnreadable.
	PodinfoDir string
	// Log receives log messages up to LogLevel; nil logs nothing.
	Log LogFunc
	// LogLevel is the most detailed level passed to Log; 0 means
	// LevelWarning.
	LogLevel Level
}

// cReport owns the library's report, for EALArgs. Report.Close frees it;
// otherwise a finalizer does, once no Report refers to it
// (runtime.SetFinalizer: the Go runtime's finalizer goroutine, which
// exists from program start, runs it; nothing here starts a goroutine).
type cReport struct {
	mu sync.RWMutex // EALArgs read-lock it; Close locks it
	p  *C.netutil_report
}

func newCReport(p *C.netutil_report) *cReport {
	c := &cReport{p: p}
	runtime.SetFinalizer(c, (*cReport).free)
	return c
}

func (c *cReport) free() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p != nil {
		C.netutil_report_free(c.p)
		c.p = nil
	}
}

// Close frees the library's copy of the report now instead of when the
// garbage collector finds it unreachable; afterwards EALArgs fails with
// ErrClosed. The Go fields stay as they are. A program that collects
// repeatedly (polling a pod, say) should Close the reports it is done
// with: the Go garbage collector does not see the library's memory, so
// it frees it late. Close may be called more than once, and from any
// goroutine; copies of the Report share the library's copy.
func (r *Report) Close() {
	if r == nil || r.c == nil {
		return
	}
	r.c.free()
	runtime.SetFinalizer(r.c, nil)
}

// cOptions is one call's netutil_options and its log callback.
type cOptions struct {
	p      *C.netutil_options
	log    *logState
	handle cgo.Handle
}

func newCOptions(log LogFunc, level Level) (*cOptions, error) {
	p := C.netutil_options_new()
	if p == nil {
		return nil, &Error{Status: StatusPanic, Message: "netutil_options_new failed"}
	}
	o := &cOptions{p: p}
	if log == nil {
		return o, nil
	}
	if level == 0 {
		level = LevelWarning
	}
	if err := o.check("log level", C.netutil_options_set_log_level(p, C.uint32_t(level))); err != nil {
		o.free()
		return nil, err
	}
	o.log = &logState{fn: log}
	o.handle = cgo.NewHandle(o.log)
	if err := o.check("log callback", C.appnetutil_set_go_log(p, C.uintptr_t(o.handle))); err != nil {
		o.free()
		return nil, err
	}
	return o, nil
}

// free frees the options and the callback's handle.
func (o *cOptions) free() {
	C.netutil_options_free(o.p)
	o.p = nil
	if o.handle != 0 {
		o.handle.Delete()
		o.handle = 0
	}
}

// repanic raises again a panic of the log function, once the caller has
// freed what the library gave it.
func (o *cOptions) repanic() {
	if o.log != nil && o.log.panicked {
		panic(o.log.panicValue)
	}
}

// check turns a setter's status into an error naming the option.
func (o *cOptions) check(what string, st C.netutil_status) error {
	if st == 0 {
		return nil
	}
	return &Error{
		Status:  Status(st),
		Message: fmt.Sprintf("option %s: %s", what, C.GoString(C.netutil_status_str(C.uint32_t(st)))),
	}
}

// str calls set with value as a C string; "" leaves the library's
// default.
func (o *cOptions) str(what, value string, set func(*C.netutil_options, *C.char) C.netutil_status) error {
	if value == "" {
		return nil
	}
	if strings.IndexByte(value, 0) >= 0 {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("option %s: %q contains a NUL byte", what, value)}
	}
	cs := C.CString(value)
	defer C.free(unsafe.Pointer(cs))
	return o.check(what, set(o.p, cs))
}

// takeError turns a failed call's status and error object into an *Error,
// and frees the object.
func takeError(st C.netutil_status, e *C.netutil_error) *Error {
	err := &Error{Status: Status(st)}
	if e != nil {
		err.Message = C.GoString(C.netutil_error_message(e))
		C.netutil_error_free(e)
	} else {
		err.Message = C.GoString(C.netutil_status_str(C.uint32_t(st)))
	}
	return err
}

// checkABI compares the loaded library's ABI version with the header's.
func checkABI() error {
	if got := C.netutil_abi_version(); got != C.NETUTIL_ABI_VERSION {
		return &Error{
			Status: StatusABIMismatch,
			Message: fmt.Sprintf("the loaded libappnetutil has ABI version %d, this package was built for %d",
				uint32(got), uint32(C.NETUTIL_ABI_VERSION)),
		}
	}
	return nil
}

func setRoot(p *C.netutil_options, s *C.char) C.netutil_status {
	return C.netutil_options_set_root(p, s)
}

// Version is the release of the loaded libappnetutil, such as "0.1.0".
func Version() string {
	return C.GoString(C.netutil_version())
}

// Collect reads the pod that opts names and returns its report.
//
// Collection is best-effort: whatever the pod's files and variables hold,
// a report is produced, and every input that was ignored, repaired or
// guessed at is in Report.Warnings. It fails only when the root or the
// downward-API directory is not a directory (ErrPodUnreadable), when an
// option cannot be used (ErrInvalidArgument), or when the loaded library
// is not the one this package was built for (ErrABIMismatch). Nothing is
// cached: each call reads the pod anew.
//
// Collect is one cgo call, which collects and reads the whole report
// through the library's getters (tape.go); it starts no goroutine and no
// thread, and any number of goroutines may call it at once. Close the
// Report when done with it if you collect repeatedly.
func Collect(opts Options) (*Report, error) {
	return collect(opts, true)
}

// collect is Collect; keep says whether the library's report is kept for
// EALArgs (else it is freed before returning).
func collect(opts Options, keep bool) (*Report, error) {
	if err := checkABI(); err != nil {
		return nil, err
	}
	o, err := newCOptions(opts.Log, opts.LogLevel)
	if err != nil {
		return nil, err
	}
	defer o.free()
	if err := o.str("root", opts.Root, setRoot); err != nil {
		return nil, err
	}
	if err := o.str("podinfo dir", opts.PodinfoDir, func(p *C.netutil_options, s *C.char) C.netutil_status {
		return C.netutil_options_set_podinfo_dir(p, s)
	}); err != nil {
		return nil, err
	}

	var cr *C.netutil_report
	var cerr *C.netutil_error
	var tape C.struct_appnetutil_go_tape
	var tapeOK C.int
	if st := C.appnetutil_go_collect(o.p, &cr, &cerr, &tape, &tapeOK); st != 0 {
		err := takeError(st, cerr)
		o.repanic()
		return nil, err
	}
	if o.log != nil && o.log.panicked {
		if tapeOK != 0 {
			C.appnetutil_go_tape_free(&tape)
		}
		C.netutil_report_free(cr)
		o.repanic()
	}

	var r Report
	if tapeOK == 0 || !readTape(&tape, &r) {
		// What the getters cannot tell apart, the JSON can. encoding/json
		// copies what it keeps, so the report may be freed afterwards.
		r = Report{}
		var n C.size_t
		text := C.netutil_report_json(cr, &n)
		err = json.Unmarshal(unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)), &r)
	}
	if err != nil || !keep {
		C.netutil_report_free(cr)
		if err != nil {
			return nil, fmt.Errorf("appnetutil: decoding the report: %w", err)
		}
		return &r, nil
	}
	r.c = newCReport(cr)
	return &r, nil
}
