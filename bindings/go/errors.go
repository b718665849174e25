package appnetutil

import (
	"errors"
	"fmt"
)

// Status is the library's status number for a failure (netutil_status of
// the C API). The numbers never change; new ones may be added.
type Status uint32

// The statuses a call can fail with.
const (
	// StatusNullArgument: a required argument was missing (a bug in this
	// package if it ever happens).
	StatusNullArgument Status = 1
	// StatusInvalidArgument: an option has a value the library cannot use
	// (a string with a NUL byte, an unknown log level, a page size or DPDK
	// version that does not parse, a number out of range).
	StatusInvalidArgument Status = 2
	// StatusPodUnreadable: the root or the downward-API directory is not a
	// directory. (Anything wrong inside the pod is a warning of the report
	// instead.)
	StatusPodUnreadable Status = 3
	// StatusEALOptions: the EAL options are invalid or do not fit the
	// report (a network or interface that matches nothing, a main CPU
	// outside the pod's set, a file prefix EAL rejects).
	StatusEALOptions Status = 4
	// StatusIO: a file could not be opened.
	StatusIO Status = 5
	// StatusPanic: a bug in the library was caught; the call had no effect.
	StatusPanic Status = 6
	// StatusABIMismatch: the loaded libappnetutil is not the ABI version
	// this package was built against (Go only; the library has no such
	// status).
	StatusABIMismatch Status = 1000
)

// String is a short English description of the status.
func (s Status) String() string {
	switch s {
	case StatusNullArgument:
		return "NULL argument"
	case StatusInvalidArgument:
		return "invalid argument"
	case StatusPodUnreadable:
		return "pod unreadable"
	case StatusEALOptions:
		return "EAL options"
	case StatusIO:
		return "I/O error"
	case StatusPanic:
		return "internal error"
	case StatusABIMismatch:
		return "ABI version mismatch"
	}
	return fmt.Sprintf("status %d", uint32(s))
}

// Error is a failure of Collect or EALArgs: the library's status and its
// one-line message naming what failed. Compare with errors.Is against
// ErrPodUnreadable, ErrEALOptions, ErrInvalidArgument; any *Error with an
// empty Message matches every error of its Status.
type Error struct {
	Status  Status
	Message string
}

// Error is "appnetutil: " and the message.
func (e *Error) Error() string {
	if e.Message == "" {
		return "appnetutil: " + e.Status.String()
	}
	return "appnetutil: " + e.Message
}

// Is reports whether target is an *Error of the same Status with no
// message (the Err... values), or an equal *Error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status && (t.Message == "" || t.Message == e.Message)
}

// Errors to compare with errors.Is.
var (
	// ErrInvalidArgument: an option value the library cannot use.
	ErrInvalidArgument = &Error{Status: StatusInvalidArgument}
	// ErrPodUnreadable: the root or downward-API directory is not a
	// directory.
	ErrPodUnreadable = &Error{Status: StatusPodUnreadable}
	// ErrEALOptions: the EAL options are invalid or do not fit the report.
	ErrEALOptions = &Error{Status: StatusEALOptions}
	// ErrIO: a file could not be opened.
	ErrIO = &Error{Status: StatusIO}
	// ErrABIMismatch: the loaded library is not the ABI version this
	// package was built against.
	ErrABIMismatch = &Error{Status: StatusABIMismatch}
	// ErrNotCollected: EALArgs was called on a Report that Collect did not
	// make (one decoded from JSON, or the zero value).
	ErrNotCollected = errors.New("appnetutil: EAL arguments need a report made by Collect")
	// ErrClosed: EALArgs was called after Close.
	ErrClosed = errors.New("appnetutil: EAL arguments of a closed report")
	// ErrNoCPUs: GetCPUInfo found no readable CPU source.
	ErrNoCPUs = errors.New("appnetutil: no CPU source could be read")
)
