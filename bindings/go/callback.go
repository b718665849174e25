package appnetutil

// This file holds the Go function the library's log callback calls. A cgo
// file with //export may only declare things in its preamble; the C
// trampoline that adapts the signature is in capi.go.

/*
#include <stdint.h>
*/
import "C"

import "runtime/cgo"

// logState is what one call's log callback reaches through its user data.
// It is only touched on the calling goroutine, during the call.
type logState struct {
	fn         LogFunc
	panicked   bool
	panicValue any
}

//export appnetutilGoLog
func appnetutilGoLog(userData C.uintptr_t, level C.uint32_t, message *C.char) {
	st, ok := cgo.Handle(userData).Value().(*logState)
	if !ok || st.panicked {
		return
	}
	// A panic must not unwind through the library's frames: keep it and
	// raise it again once the library has returned.
	defer func() {
		if r := recover(); r != nil {
			st.panicked = true
			st.panicValue = r
		}
	}()
	st.fn(Level(level), C.GoString(message))
}
