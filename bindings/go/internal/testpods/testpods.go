// Package testpods is what the tests of this module share: the fixture
// pods of the repository, the app-netutil command to compare with, and a
// comparison of two JSON documents that names every difference.
//
// The tests need the repository around the module (bindings/go is two
// levels below its root, next to fixtures/pods) and, for the comparisons
// with the command line, the app-netutil binary: $APP_NETUTIL_BIN when set,
// else it is built with `cargo build -p app-netutil-cli` (cargo on PATH)
// and taken from the cargo target directory. Without either, those tests
// are skipped with a message saying so.
package testpods

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// RepoRoot is the repository's root directory: the first directory above
// the working directory that holds fixtures/pods and Cargo.toml.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isDir(filepath.Join(d, "fixtures", "pods")) && isFile(filepath.Join(d, "Cargo.toml")) {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no repository root (fixtures/pods and Cargo.toml) above %s", dir)
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Pod is the directory of the fixture pod name.
func Pod(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "fixtures", "pods", name)
	if !isDir(p) {
		t.Fatalf("no fixture pod %s", p)
	}
	return p
}

// Pods lists the fixture pods: name -> directory, in name order.
func Pods(t testing.TB) (names []string, dirs map[string]string) {
	t.Helper()
	base := filepath.Join(RepoRoot(t), "fixtures", "pods")
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	dirs = map[string]string{}
	for _, e := range entries {
		p := filepath.Join(base, e.Name())
		if isDir(p) {
			names = append(names, e.Name())
			dirs[e.Name()] = p
		}
	}
	if len(names) == 0 {
		t.Fatalf("no fixture pods in %s", base)
	}
	return names, dirs
}

var cli struct {
	once sync.Once
	path string
	err  error
}

// CLI is the app-netutil binary: $APP_NETUTIL_BIN, else built with cargo
// (once per test binary). The test is skipped when neither is available.
func CLI(t testing.TB) string {
	t.Helper()
	root := RepoRoot(t)
	cli.once.Do(func() {
		if p := os.Getenv("APP_NETUTIL_BIN"); p != "" {
			cli.path, cli.err = filepath.Abs(p)
			return
		}
		cargo, err := exec.LookPath("cargo")
		if err != nil {
			cli.err = fmt.Errorf("skip: neither $APP_NETUTIL_BIN nor cargo is available to get the app-netutil command")
			return
		}
		cmd := exec.Command(cargo, "build", "-q", "--locked", "-p", "app-netutil-cli")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			cli.err = fmt.Errorf("cargo build -p app-netutil-cli: %v\n%s", err, out)
			return
		}
		target := os.Getenv("CARGO_TARGET_DIR")
		if target == "" {
			target = filepath.Join(root, "target")
		} else if !filepath.IsAbs(target) {
			target = filepath.Join(root, target)
		}
		cli.path = filepath.Join(target, "debug", "app-netutil")
	})
	if cli.err != nil {
		if strings.HasPrefix(cli.err.Error(), "skip: ") {
			t.Skipf("SKIP: %v (set APP_NETUTIL_BIN=/path/to/app-netutil)", strings.TrimPrefix(cli.err.Error(), "skip: "))
		}
		t.Fatal(cli.err)
	}
	return cli.path
}

// Run runs the app-netutil command with args and returns its standard
// output; it fails the test when the command fails.
func Run(t testing.TB, args ...string) []byte {
	t.Helper()
	out, stderr, err := RunStatus(t, args...)
	if err != nil {
		t.Fatalf("app-netutil %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// RunStatus runs the app-netutil command with args: standard output,
// standard error and the error of a non-zero exit.
func RunStatus(t testing.TB, args ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	cmd := exec.Command(CLI(t), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// Parse decodes a JSON document into maps, slices and json.Number values
// (numbers are compared as written, without a float conversion).
func Parse(t testing.TB, what string, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, data)
	}
	return v
}

// AddingAKey says where a key added to the report goes; the tests that
// find one missing print it.
const AddingAKey = `a key of the library's JSON needs its Go field (bindings/go/report.go, devinfo.go for device-info), ` +
	`its C getter called in bindings/go/tape.c and read in the same order in tape.go, and its row in docs/go.md: ` +
	`see docs/go.md, "Adding a report key"`

// Diff lists every difference between want (the reference, such as
// app-netutil's JSON) and got (what the Go value marshalled to), one line
// each with its path. A key only in want is one the Go types do not know
// yet, or one Collect does not read.
func Diff(want, got any) []string {
	var out []string
	diff("$", want, got, &out)
	return out
}

// Summary joins differences one per line, at most 30 of them.
func Summary(d []string) string {
	if len(d) > 30 {
		return strings.Join(d[:30], "\n") + fmt.Sprintf("\n... and %d more", len(d)-30)
	}
	return strings.Join(d, "\n")
}

func diff(path string, want, got any, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: want an object, the Go value gives %s", path, show(got)))
			return
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			gv, inG := g[k]
			p := path + "." + k
			switch {
			case !inG:
				file := "bindings/go/report.go"
				if strings.Contains(p, ".device-info.") {
					file = "bindings/go/devinfo.go"
				}
				*out = append(*out, fmt.Sprintf("%s: in the library's JSON (%s), not in the Go value's: a key the Go types lack (%s) or Collect does not read (bindings/go/tape.c, tape.go)", p, show(wv), file))
			case !inW:
				*out = append(*out, fmt.Sprintf("%s: written by the Go types (%s) but not in the library's JSON", p, show(gv)))
			default:
				diff(p, wv, gv, out)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: want an array, the Go value gives %s", path, show(got)))
			return
		}
		if len(w) != len(g) {
			*out = append(*out, fmt.Sprintf("%s: want %d elements, the Go value has %d", path, len(w), len(g)))
			return
		}
		for i := range w {
			diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], out)
		}
	default:
		if !scalarEqual(want, got) {
			*out = append(*out, fmt.Sprintf("%s: want %s, the Go value gives %s", path, show(want), show(got)))
		}
	}
}

func scalarEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case nil:
		return b == nil
	default:
		return a == b
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
