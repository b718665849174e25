package appnetutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// On every fixture pod, json.Marshal of the collected Report is the
// library's JSON, compared as parsed JSON: nothing lost, nothing added,
// nothing changed. A key the Go types do not know yet fails here, named,
// and so does one that Collect does not read through the getters.
func TestRoundTripEveryPod(t *testing.T) {
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		name, dir := name, dirs[name]
		t.Run(name, func(t *testing.T) {
			r, err := Collect(Options{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			lib := r.libraryJSON()
			want := testpods.Parse(t, "library JSON", lib)
			checkStrict(t, lib)

			// The Go types: the library's JSON decoded, then marshalled.
			decoded, err := r.libraryDecoded()
			if err != nil {
				t.Fatal(err)
			}
			typesOK := checkNoExtra(t, &decoded)
			if d := testpods.Diff(want, marshal(t, &decoded)); len(d) > 0 {
				typesOK = false
				t.Errorf("json.Marshal of the library's JSON decoded into a Report differs from that JSON "+
					"(the Go types lack a key, or spell or type it differently: bindings/go/report.go, devinfo.go):\n%s\n%s",
					testpods.Summary(d), testpods.AddingAKey)
			}

			// Collect: the report read through the getters.
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if d := testpods.Diff(want, testpods.Parse(t, "json.Marshal", got)); len(d) > 0 {
				where := "Collect reads the getters (bindings/go/tape.c) into the Go types (tape.go): one of them misses the key"
				if !typesOK {
					where = "see the difference above first"
				}
				t.Errorf("json.Marshal(Collect(...)) differs from the library's JSON (%s):\n%s\n%s",
					where, testpods.Summary(d), testpods.AddingAKey)
			}
			// Decoding the marshalled report again gives the same value.
			var again Report
			if err := json.Unmarshal(got, &again); err != nil {
				t.Fatal(err)
			}
			again.c = r.c
			if !reflect.DeepEqual(&again, r) {
				t.Errorf("decode(marshal(report)) differs from the report")
			}
		})
	}
}

// marshal is json.Marshal of v, as parsed JSON.
func marshal(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return testpods.Parse(t, "json.Marshal", b)
}

// The same, against `app-netutil show --json` run as a command.
func TestMarshalEqualsShowJSONEveryPod(t *testing.T) {
	testpods.CLI(t)
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		name, dir := name, dirs[name]
		t.Run(name, func(t *testing.T) {
			want := testpods.Run(t, "show", "--json", "-q", "--root", dir)
			r, err := Collect(Options{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if d := testpods.Diff(testpods.Parse(t, "app-netutil show --json", want), testpods.Parse(t, "json.Marshal", got)); len(d) > 0 {
				t.Errorf("json.Marshal(report) differs from app-netutil show --json:\n%s\n%s", testpods.Summary(d), testpods.AddingAKey)
			}
		})
	}
}

// checkStrict decodes the library's JSON refusing unknown keys: every key
// outside the free-form parts must have its Go field.
func checkStrict(t *testing.T, lib []byte) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(lib))
	d.DisallowUnknownFields()
	var r plainReport // Report's UnmarshalJSON would not pass the option on
	if err := d.Decode(&r); err != nil {
		t.Errorf("the Go types do not know every key of the library's JSON (%v): add its field in bindings/go/report.go; %s", err, testpods.AddingAKey)
	}
}

// checkNoExtra fails for every device-info key the Go types keep only as
// raw JSON: the library writes it, so the types should know it. It
// returns whether there was none.
func checkNoExtra(t *testing.T, r *Report) bool {
	t.Helper()
	ok := true
	for i, it := range r.Interfaces {
		d := it.DeviceInfo
		if d == nil {
			continue
		}
		extras := map[string]map[string]json.RawMessage{"device-info": d.Extra}
		if d.PCI != nil {
			extras["device-info.pci"] = d.PCI.Extra
		}
		if d.Vdpa != nil {
			extras["device-info.vdpa"] = d.Vdpa.Extra
		}
		if d.VhostUser != nil {
			extras["device-info.vhost-user"] = d.VhostUser.Extra
		}
		if d.Memif != nil {
			extras["device-info.memif"] = d.Memif.Extra
		}
		for where, extra := range extras {
			for k := range extra {
				t.Errorf("interfaces[%d].%s.%s: kept only in Extra; the Go types do not know this key yet: add its field in bindings/go/devinfo.go; %s", i, where, k, testpods.AddingAKey)
				ok = false
			}
		}
	}
	return ok
}

// A report saved before pod, infiniband-guid and routes were in the
// contract decodes as the library reads it (every part of pod nil,
// infiniband-guid nil, routes empty) and marshals back with those keys,
// as the library writes them.
func TestOlderSavedReport(t *testing.T) {
	r, err := Collect(Options{Root: testpods.Pod(t, "pod_identity_downward_atomic_writer")})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.libraryJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["apiVersion"] != ReportAPIVersion || doc["kind"] != ReportKind {
		t.Errorf("the library's JSON has apiVersion %v, kind %v", doc["apiVersion"], doc["kind"])
	}
	delete(doc, "apiVersion")
	delete(doc, "kind")
	delete(doc, "pod")
	for _, it := range doc["interfaces"].([]any) {
		delete(it.(map[string]any), "routes")
		delete(it.(map[string]any), "infiniband-guid")
	}
	old, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(old, &back); err != nil {
		t.Fatal(err)
	}
	if back.APIVersion != ReportAPIVersion || back.Kind != ReportKind {
		t.Errorf("apiVersion %q, kind %q", back.APIVersion, back.Kind)
	}
	if back.Pod != (Pod{}) || len(back.Interfaces) == 0 {
		t.Errorf("pod %+v, %d interfaces", back.Pod, len(back.Interfaces))
	}
	for i, it := range back.Interfaces {
		if it.Routes == nil || len(it.Routes) != 0 || it.InfinibandGUID != nil {
			t.Errorf("interfaces[%d]: routes %#v, infiniband-guid %v", i, it.Routes, it.InfinibandGUID)
		}
	}
	doc["apiVersion"] = ReportAPIVersion
	doc["kind"] = ReportKind
	doc["pod"] = map[string]any{"hostname": nil, "name": nil, "namespace": nil, "uid": nil}
	for _, it := range doc["interfaces"].([]any) {
		it.(map[string]any)["routes"] = []any{}
		it.(map[string]any)["infiniband-guid"] = nil
	}
	want, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if d := testpods.Diff(testpods.Parse(t, "want", want), testpods.Parse(t, "got", got)); len(d) > 0 {
		t.Errorf("%s", testpods.Summary(d))
	}
	// encoding/json's errors and its merging into a non-zero value stay.
	if err := json.Unmarshal([]byte(`{"interfaces":[{"routes":[{"dst":1}]}]}`), &back); err == nil {
		t.Error("a route with a numeric dst decoded")
	}
	keep := Report{Warnings: []string{"kept"}}
	if err := json.Unmarshal([]byte(`{"interfaces":[]}`), &keep); err != nil || len(keep.Warnings) != 1 {
		t.Errorf("%v %q", err, keep.Warnings)
	}
}

// A report of another apiVersion or kind is refused with an
// *UnsupportedReportError; the report's JSON opens with the two keys.
func TestOtherAPIVersionOrKindIsRefused(t *testing.T) {
	for _, tc := range []struct{ in, key, found string }{
		{`{"apiVersion":"app-netutil/v2","kind":"PodReport","interfaces":[]}`, "apiVersion", "app-netutil/v2"},
		{`{"apiVersion":"app-netutil/v1","kind":"Pod","interfaces":[]}`, "kind", "Pod"},
		{`{"kind":"List"}`, "kind", "List"},
	} {
		var r Report
		err := json.Unmarshal([]byte(tc.in), &r)
		var u *UnsupportedReportError
		if !errors.As(err, &u) || u.Key != tc.key || u.Found != tc.found {
			t.Errorf("%s: %v", tc.in, err)
		} else if !strings.Contains(err.Error(), strconv.Quote(tc.found)) {
			t.Errorf("%s: %v does not name the value", tc.in, err)
		}
	}
	r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"apiVersion":"app-netutil/v1","kind":"PodReport",`; !bytes.HasPrefix(out, []byte(want)) {
		t.Errorf("json.Marshal(report) starts %.60s, not %s", out, want)
	}
	// netutil_report_json is pretty-printed.
	if want := "{\n  \"apiVersion\": \"app-netutil/v1\",\n  \"kind\": \"PodReport\",\n"; !bytes.HasPrefix(r.libraryJSON(), []byte(want)) {
		t.Errorf("the library's JSON starts %.60q, not %q", r.libraryJSON(), want)
	}
}

// Keys a newer library may write are kept where the contract is free-form
// (device-info, device-plugin-info) and written back in place.
func TestUnknownDeviceInfoKeysAreKept(t *testing.T) {
	in := `{"type":"pci","version":"1.3.0","pci":{"pci-address":"0000:3b:02.6","future-key":{"a":[1,2]}},` +
		`"future-payload":{"x":"y"}}`
	var d DeviceInfo
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	if d.PCI == nil || d.PCI.PCIAddress != "0000:3b:02.6" || string(d.PCI.Extra["future-key"]) != `{"a":[1,2]}` {
		t.Fatalf("pci payload: %+v", d.PCI)
	}
	if string(d.Extra["future-payload"]) != `{"x":"y"}` || len(d.Extra) != 1 {
		t.Fatalf("extra: %v", d.Extra)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := testpods.Diff(testpods.Parse(t, "in", []byte(in)), testpods.Parse(t, "out", out)); len(diff) > 0 {
		t.Fatalf("%s\n%s", out, strings.Join(diff, "\n"))
	}

	// encoding/json fills a field from a key that differs only in case;
	// such a key is not kept twice.
	var p PCIInfo
	if err := json.Unmarshal([]byte(`{"PCI-Address":"0000:00:01.0"}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.PCIAddress != "0000:00:01.0" || p.Extra != nil {
		t.Fatalf("%+v", p)
	}

	var info DevicePluginInfo
	if err := json.Unmarshal([]byte(`{"vfio":{"dev-mount":"/dev/vfio/169","n":3},"new":{"k":null}}`), &info); err != nil {
		t.Fatal(err)
	}
	if s, ok := info.String("vfio", "dev-mount"); !ok || s != "/dev/vfio/169" {
		t.Errorf("String(vfio, dev-mount) = %q, %v", s, ok)
	}
	if _, ok := info.String("vfio", "n"); ok {
		t.Error("a number is not a string")
	}
	if _, ok := info.String("none", "k"); ok {
		t.Error("a missing provider has no value")
	}
	if string(info["new"]["k"]) != "null" {
		t.Errorf("unknown provider lost: %v", info)
	}
}

// The optional cpus keys are left out when nil and written when empty, as
// the library does.
func TestCPUsOptionalKeys(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{`{"list":[],"cpuset":"","source":"affinity","exclusive":null}`,
			`{"list":[],"cpuset":"","source":"affinity","exclusive":null}`},
		{`{"list":[1],"cpuset":"1","source":"proc-status","numa-nodes":{},"exclusive":true,"isolated":[],"smt-siblings":[]}`,
			`{"list":[1],"cpuset":"1","source":"proc-status","numa-nodes":{},"exclusive":true,"isolated":[],"smt-siblings":[]}`},
		{`{"list":[1,2],"cpuset":"1-2","source":"cgroup-v2","numa-nodes":{"10":[1],"2":[2]},"exclusive":false,"isolated":[2],"smt-siblings":[[1,2]]}`,
			`{"list":[1,2],"cpuset":"1-2","source":"cgroup-v2","numa-nodes":{"10":[1],"2":[2]},"exclusive":false,"isolated":[2],"smt-siblings":[[1,2]]}`},
	} {
		var c CPUs
		if err := json.Unmarshal([]byte(tc.in), &c); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if d := testpods.Diff(testpods.Parse(t, "want", []byte(tc.want)), testpods.Parse(t, "got", out)); len(d) > 0 {
			t.Errorf("%s -> %s:\n%s", tc.in, out, testpods.Summary(d))
		}
	}
}

func TestIsPCIAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"0000:3b:02.6":      true,
		"12345678:ff:1f.7":  true,
		"0000:3b:02.8":      false,
		"0000:3B:02.6":      false,
		"3b:02.6":           false,
		"000:3b:02.6":       false,
		"0000:3b:02:6":      false,
		"0000:3b:02.":       false,
		"mlx5_core.sf.4":    false,
		"":                  false,
		"0000:3g:02.6":      false,
		"123456789:3b:02.6": false,
	} {
		if got := isPCIAddress(s); got != want {
			t.Errorf("isPCIAddress(%q) = %v", s, got)
		}
	}
}

// The helpers agree with the library's convenience getters on every pod.
func TestHelpersMatchTheLibrary(t *testing.T) {
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		r, err := Collect(Options{Root: dirs[name]})
		if err != nil {
			t.Fatal(err)
		}
		for i := range r.Interfaces {
			it := &r.Interfaces[i]
			pci, sock, ok := r.libraryInterface(i)
			if !ok {
				t.Fatalf("%s: the library has no interface %d", name, i)
			}
			where := fmt.Sprintf("%s interfaces[%d]", name, i)
			if got := it.PCIAddress(); got != pci {
				t.Errorf("%s: PCIAddress() = %q, library %q", where, got, pci)
			}
			if got := it.SocketPath(); got != sock {
				t.Errorf("%s: SocketPath() = %q, library %q", where, got, sock)
			}
			if it.Name != nil && it.IfName() != *it.Name || it.Name == nil && it.IfName() != "" {
				t.Errorf("%s: IfName() = %q", where, it.IfName())
			}
			for _, s := range it.Sources {
				if !it.HasSource(s) {
					t.Errorf("%s: HasSource(%s) false", where, s)
				}
			}
			if it.HasSource("no-such-source") {
				t.Errorf("%s: HasSource of an unknown source", where)
			}
		}
	}
}
