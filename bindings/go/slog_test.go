//go:build go1.21

package appnetutil

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

func TestSlog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if got := SlogMaxLevel(logger); got != LevelWarning {
		t.Errorf("SlogMaxLevel = %s", got)
	}
	r, err := Collect(Options{Root: testpods.Pod(t, "malformed_json_network_status"), Log: SlogFunc(logger), LogLevel: SlogMaxLevel(logger)})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "level=WARN") != len(r.Warnings) || !strings.Contains(out, "component=app-netutil") {
		t.Errorf("slog output for %d warnings:\n%s", len(r.Warnings), out)
	}
	for l, s := range map[Level]slog.Level{LevelError: slog.LevelError, LevelWarning: slog.LevelWarn, LevelInfo: slog.LevelInfo, LevelDebug: slog.LevelDebug} {
		if l.SlogLevel() != s {
			t.Errorf("%s: %s", l, l.SlogLevel())
		}
	}
	debug := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	quiet := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	if SlogMaxLevel(debug) != LevelDebug || SlogMaxLevel(quiet) != LevelError {
		t.Errorf("SlogMaxLevel: %s %s", SlogMaxLevel(debug), SlogMaxLevel(quiet))
	}
}
