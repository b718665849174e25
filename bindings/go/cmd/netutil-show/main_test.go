package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// The netutil-show binary, built once by TestMain with the go command
// that runs the tests.
var binaryPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netutil-show-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binaryPath = filepath.Join(dir, "netutil-show")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", binaryPath, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func runShow(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binaryPath, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// On every fixture pod, netutil-show prints the report app-netutil show
// --json prints (compared as parsed JSON), on one line.
func TestShowEqualsAppNetutilEveryPod(t *testing.T) {
	testpods.CLI(t)
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		dir := dirs[name]
		want := testpods.Run(t, "show", "--json", "-q", "--root", dir)
		got, stderr, code := runShow(t, "--root", dir)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
			t.Errorf("%s: not one line", name)
		}
		if d := testpods.Diff(testpods.Parse(t, "app-netutil", want), testpods.Parse(t, "netutil-show", []byte(got))); len(d) > 0 {
			t.Errorf("%s: netutil-show differs from app-netutil show --json:\n%s\n%s", name, testpods.Summary(d), testpods.AddingAKey)
		}
	}
}

func TestShowPodinfoDir(t *testing.T) {
	testpods.CLI(t)
	root := testpods.Pod(t, "clean_full_pod")
	other := filepath.Join(testpods.Pod(t, "devinfo_memif"), "etc", "podnetinfo")
	want := testpods.Run(t, "show", "--json", "-q", "--root", root, "--podinfo-dir", other)
	got, _, code := runShow(t, "-root", root, "--podinfo-dir", other)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if d := testpods.Diff(testpods.Parse(t, "app-netutil", want), testpods.Parse(t, "netutil-show", []byte(got))); len(d) > 0 {
		t.Errorf("%s", testpods.Summary(d))
	}
}

func TestShowErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--root", "/no/such/dir"}, 2, "/no/such/dir"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-h"}, 0, "usage: netutil-show"},
	} {
		out, stderr, code := runShow(t, tc.args...)
		if code != tc.code || out != "" || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d naming %q", tc.args, code, out, stderr, tc.code, tc.stderr)
		}
	}
}
