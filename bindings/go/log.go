package appnetutil

import "fmt"

// Level is the severity of a log message. Each level includes the ones
// before it.
type Level uint32

// The log levels (the C API's netutil_log_level values).
const (
	// LevelError: something failed.
	LevelError Level = 1
	// LevelWarning: an input was ignored, repaired or guessed at (each
	// report warning is also logged at this level), and each warning of
	// the EAL arguments.
	LevelWarning Level = 2
	// LevelInfo: what was found, and the EAL arguments built.
	LevelInfo Level = 3
	// LevelDebug: every file read and decision taken.
	LevelDebug Level = 4
)

// String is the level's name in lower case: "error", "warning", "info",
// "debug".
func (l Level) String() string {
	switch l {
	case LevelError:
		return "error"
	case LevelWarning:
		return "warning"
	case LevelInfo:
		return "info"
	case LevelDebug:
		return "debug"
	}
	return fmt.Sprintf("level %d", uint32(l))
}

// LogFunc receives the library's log messages: each is one line, without a
// trailing newline. It is called synchronously, on the goroutine that
// called Collect or EALArgs, during that call; there is no global logger
// and no goroutine. A LogFunc shared by calls running at once is called
// from each of them, so it must then be safe for concurrent use.
//
// A panic in the function is caught while the library runs, no further
// message is passed to it during that call, and the panic is raised again
// in the calling goroutine once the library has returned and freed what it
// allocated. The function must not call runtime.Goexit (t.FailNow,
// t.Fatal, t.SkipNow in a test): the library's C frames cannot be unwound
// that way. Use t.Error or t.Log.
type LogFunc func(level Level, message string)
