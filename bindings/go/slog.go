//go:build go1.21

package appnetutil

// An adapter for log/slog (Go 1.21 and later; this package itself builds
// with Go 1.19, where this file is left out).

import (
	"context"
	"log/slog"
)

// SlogLevel is the log/slog level of l: LevelError is slog.LevelError,
// LevelWarning slog.LevelWarn, LevelInfo slog.LevelInfo, LevelDebug
// slog.LevelDebug.
func (l Level) SlogLevel() slog.Level {
	switch l {
	case LevelError:
		return slog.LevelError
	case LevelWarning:
		return slog.LevelWarn
	case LevelInfo:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// SlogFunc is a LogFunc that passes each message to logger (nil:
// slog.Default()) at its level, with the attribute component=app-netutil.
// Set Options.LogLevel with SlogMaxLevel so that the library does not
// build messages the logger would drop.
//
//	opts := appnetutil.Options{Log: appnetutil.SlogFunc(logger), LogLevel: appnetutil.SlogMaxLevel(logger)}
func SlogFunc(logger *slog.Logger) LogFunc {
	if logger == nil {
		logger = slog.Default()
	}
	return func(level Level, message string) {
		logger.LogAttrs(context.Background(), level.SlogLevel(), message, slog.String("component", "app-netutil"))
	}
}

// SlogMaxLevel is the most detailed Level that logger (nil:
// slog.Default()) is enabled for; LevelError when it is enabled for none.
func SlogMaxLevel(logger *slog.Logger) Level {
	if logger == nil {
		logger = slog.Default()
	}
	ctx := context.Background()
	for _, l := range []Level{LevelDebug, LevelInfo, LevelWarning} {
		if logger.Enabled(ctx, l.SlogLevel()) {
			return l
		}
	}
	return LevelError
}
