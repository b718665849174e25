package appnetutil

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// On every fixture pod the getters' path is taken and gives what the
// library's JSON gives.
func TestTapeEqualsJSONEveryPod(t *testing.T) {
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		r, err := Collect(Options{Root: dirs[name]})
		if err != nil {
			t.Fatal(err)
		}
		viaTape, ok := r.libraryTape()
		if !ok {
			t.Errorf("%s: the getters' path was not taken", name)
			continue
		}
		viaJSON, err := r.libraryDecoded()
		if err != nil {
			t.Fatal(err)
		}
		a, err := json.Marshal(&viaJSON)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(&viaTape)
		if err != nil {
			t.Fatal(err)
		}
		if d := testpods.Diff(testpods.Parse(t, "JSON path", a), testpods.Parse(t, "getters' path", b)); len(d) > 0 {
			t.Errorf("%s: the getters' path differs from the JSON: a key's getter is not called in bindings/go/tape.c, "+
				"or not read in the same order in tape.go:\n%s\n%s", name, testpods.Summary(d), testpods.AddingAKey)
		}
	}
}

// The report's getters of the C API that tape.c does not call, each with
// why: they derive from or look up what tape.c reads, or are not the
// report's data.
var gettersNotOnTape = map[string]string{
	"netutil_report_collect":            "collects (appnetutil_go_collect calls it)",
	"netutil_report_free":               "frees",
	"netutil_report_json":               "the JSON, read only on the fallback path (capi.go)",
	"netutil_report_own_container":      "the entry of Containers named by Container: Hugepages.Own()",
	"netutil_report_interface_by_name":  "a lookup",
	"netutil_container_request_mib_for": "a lookup in RequestMiB",
	"netutil_container_limit_mib_for":   "a lookup in LimitMiB",
	"netutil_interface_device_type":     "the enum of netutil_interface_device_type_str, which tape.c reads",
	"netutil_interface_pci_address":     "derived: Interface.PCIAddress() (TestHelpersMatchTheLibrary)",
	"netutil_interface_socket_path":     "derived: Interface.SocketPath() (TestHelpersMatchTheLibrary)",
}

// Every getter of the report in the C header is called by tape.c, so that
// a key added to the C API is not missed even when no fixture pod has it.
func TestTapeCallsEveryGetter(t *testing.T) {
	root := testpods.RepoRoot(t)
	header, err := os.ReadFile(filepath.Join(root, "crates", "app-netutil-capi", "include", "appnetutil.h"))
	if err != nil {
		t.Fatal(err)
	}
	tape, err := os.ReadFile("tape.c")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`\bnetutil_(?:report|interface|container)_[a-z0-9_]+\b`)
	called := map[string]bool{}
	for _, n := range name.FindAllString(string(tape), -1) {
		called[n] = true
	}
	declared := map[string]bool{}
	for _, line := range strings.Split(string(header), "\n") {
		if l := strings.TrimSpace(line); l == "" || strings.HasPrefix(l, "*") || strings.HasPrefix(l, "/") || strings.HasPrefix(l, "#") {
			continue // comments and macros
		}
		for _, m := range regexp.MustCompile(`\b(netutil_(?:report|interface|container)_[a-z0-9_]+)\(`).FindAllStringSubmatch(line, -1) {
			declared[m[1]] = true
		}
	}
	if len(declared) < 50 {
		t.Fatalf("only %d getters found in appnetutil.h: the test no longer reads the header right", len(declared))
	}
	for n := range declared {
		if why, skip := gettersNotOnTape[n]; skip {
			if called[n] && n != "netutil_report_collect" {
				t.Errorf("%s is listed as not on the tape (%s) but tape.c calls it: remove it from gettersNotOnTape", n, why)
			}
			continue
		}
		if !called[n] {
			t.Errorf("bindings/go/tape.c does not call %s: call it where its key belongs in the report, read it in the same order "+
				"in tape.go, and give it its Go field; %s", n, testpods.AddingAKey)
		}
	}
	for n := range gettersNotOnTape {
		if !declared[n] {
			t.Errorf("gettersNotOnTape lists %s, which appnetutil.h does not declare", n)
		}
	}
}

// copyPod copies a fixture pod (following its links) so that a test can
// change one file.
func copyPod(t *testing.T, name string) string {
	t.Helper()
	src := testpods.Pod(t, name)
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.Mode()&os.ModeSymlink != 0 {
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Where the getters cannot say what the JSON says, the JSON is used, and
// Collect still gives exactly the library's JSON.
func TestTapeFallsBackToJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pod     string
		replace [2]string
	}{
		// A NUL byte in a name: the C API gives U+FFFD, the JSON keeps it.
		{"NUL in a network name", "clean_full_pod", [2]string{`\"name\": \"default/sriov-net-a\"`, `\"name\": \"default/sriov\\u0000net-a\"`}},
		// A memif payload given as {}.
		{"empty payload", "devinfo_memif", [2]string{
			`\"role\": \"master\",\n            \"path\": \"/var/lib/cni/usrspcni/memif-5d2e8c1f0a9b-net1.sock\",\n            \"mode\": \"ethernet\"`, ``}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyPod(t, tc.pod)
			ann := filepath.Join(dir, "etc", "podnetinfo", "annotations")
			b, err := os.ReadFile(ann)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tc.replace[0]) {
				t.Fatalf("%s has no %s:\n%s", ann, tc.replace[0], b)
			}
			if err := os.Remove(ann); err != nil { // it may be a link into the fixture
				t.Fatal(err)
			}
			if err := os.WriteFile(ann, []byte(strings.Replace(string(b), tc.replace[0], tc.replace[1], 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Collect(Options{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := r.libraryTape(); ok {
				t.Errorf("the getters' path was taken")
			}
			if tc.name == "empty payload" && (r.Interfaces[1].DeviceInfo.Memif == nil || r.Interfaces[1].DeviceInfo.Memif.Path != "") {
				t.Errorf("memif payload %+v", r.Interfaces[1].DeviceInfo)
			}
			if tc.name == "NUL in a network name" && *r.Interfaces[1].Network != "default/sriov\x00net-a" {
				t.Errorf("network %q", *r.Interfaces[1].Network)
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if d := testpods.Diff(testpods.Parse(t, "library", r.libraryJSON()), testpods.Parse(t, "Go", got)); len(d) > 0 {
				t.Errorf("%s", testpods.Summary(d))
			}
		})
	}
}

// The lists of a report share backing arrays; appending to one must not
// change another.
func TestListsAreIndependent(t *testing.T) {
	r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	it := &r.Interfaces[1]
	gateway := append([]string(nil), it.Gateway...)
	network := *it.Network
	it.IPs = append(it.IPs, "192.0.2.1", "192.0.2.2")
	it.DNS.Nameservers = append(it.DNS.Nameservers, "192.0.2.53")
	r.CPUs.List = append(r.CPUs.List, 99)
	if !reflect.DeepEqual(it.Gateway, gateway) || *it.Network != network || *r.Interfaces[1].MTU != 9000 {
		t.Errorf("appending changed other fields: %+v", it)
	}
	if len(r.Interfaces[0].IPs) != 1 || r.Interfaces[0].IPs[0] != "10.128.2.15" {
		t.Errorf("eth0's addresses changed: %q", r.Interfaces[0].IPs)
	}
}
