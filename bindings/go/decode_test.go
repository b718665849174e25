package appnetutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// The library's JSON of every fixture pod takes the quick path, and gives
// what encoding/json gives.
func TestQuickDecodeEveryPod(t *testing.T) {
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		r, err := Collect(Options{Root: dirs[name]})
		if err != nil {
			t.Fatal(err)
		}
		lib := r.libraryJSON()
		for _, text := range [][]byte{lib, compact(t, lib)} {
			q, ok := quickDecode(text)
			if !ok {
				t.Errorf("%s: the quick decoder gave up on the library's JSON", name)
				continue
			}
			var want Report
			if err := json.Unmarshal(text, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(q, want) {
				t.Errorf("%s: quick decoding differs from encoding/json:\n%+v\n%+v", name, q, want)
			}
		}
	}
}

func compact(t testing.TB, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const minimal = `{"cpus":null,"hugepages":{"container":null,"containers":[],"cgroup-limit-mib":{},"mounts":[],"host-pools":{}},"interfaces":[%s],"warnings":[%s]}`

func iface(extra string) string {
	return `{"interface":"net1","network":null,"default":false,"device-type":"pci","mac":null,"ips":[],"mtu":null,"gateway":[],` +
		`"dns":{"nameservers":[],"domain":null,"search":[],"options":[]},"device-info":` + extra +
		`,"device-id":null,"resource-env":null,"device-plugin-info":null,"pci-device":null,"sources":[]}`
}

// Inputs the quick decoder takes, and inputs it leaves to encoding/json;
// either way the result is encoding/json's.
func TestQuickDecodeEdges(t *testing.T) {
	sprintf := func(ifaces, warnings string) string {
		return string(bytes.Replace(bytes.Replace([]byte(minimal), []byte("[%s],\"warnings\""), []byte("["+ifaces+"],\"warnings\""), 1),
			[]byte("[%s]}"), []byte("["+warnings+"]}"), 1))
	}
	for _, tc := range []struct {
		name  string
		json  string
		quick bool
	}{
		{"minimal", sprintf("", ""), true},
		{"escapes", sprintf("", `"a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\ud83d\ude00 é"`), true},
		{"lone high surrogate", sprintf("", `"\ud83d x"`), false},
		{"lone low surrogate", sprintf("", `"\ude00"`), false},
		{"invalid UTF-8", sprintf("", "\"\xff\""), false},
		{"control character", sprintf("", "\"a\tb\""), false},
		{"bad escape", sprintf("", `"\x"`), false},
		{"trailing data", sprintf("", "") + "x", false},
		{"trailing space", sprintf("", "") + " \n", true},
		{"key twice", `{"warnings":[],"warnings":["a"]}`, false},
		{"key in another case", `{"Warnings":[]}`, false},
		{"unknown key", `{"newkey":1}`, false},
		{"null list", `{"warnings":null}`, false},
		{"negative CPU", `{"cpus":{"list":[-1]}}`, false},
		{"fraction", `{"cpus":{"list":[1.0]}}`, false},
		{"exponent", `{"cpus":{"list":[1e2]}}`, false},
		{"leading zero", `{"cpus":{"list":[01]}}`, false},
		{"huge number", `{"hugepages":{"cgroup-limit-mib":{"2Mi":18446744073709551616}}}`, false},
		{"largest uint64", `{"hugepages":{"cgroup-limit-mib":{"2Mi":18446744073709551615}}}`, true},
		{"map key twice", `{"hugepages":{"cgroup-limit-mib":{"2Mi":1,"2Mi":2}}}`, false},
		{"numa key with a sign", `{"cpus":{"list":[],"numa-nodes":{"+1":[1]}}}`, false},
		{"numa key with a zero", `{"cpus":{"list":[],"numa-nodes":{"01":[1]}}}`, false},
		{"numa nodes", `{"cpus":{"list":[1,2],"numa-nodes":{"0":[1],"10":[2]},"exclusive":true,"isolated":[],"smt-siblings":[[1,2]]}}`, true},
		{"device-info with unknown keys", sprintf(iface(`{"type":"pci","version":null,"pci":{"pci-address":"0000:00:01.0","new":[1,{"a":"b"}]},"later":{"x":null}}`), ""), true},
		{"device-info unknown key twice", sprintf(iface(`{"type":"x","version":null,"new":1,"new":2}`), ""), false},
		{"device-info known key in another case", sprintf(iface(`{"Type":"x","version":null}`), ""), false},
		{"payload null value", sprintf(iface(`{"type":"pci","version":"1","pci":{"pci-address":null}}`), ""), true},
		{"payload null", sprintf(iface(`{"type":"pci","version":"1","pci":null,"memif":null}`), ""), true},
		{"raw value with keys twice", sprintf(iface(`{"type":"x","version":null,"new":{"a":1,"a":2}}`), ""), true},
		{"raw numbers", sprintf(iface(`{"type":"x","version":null,"n":[-0.5e+3,0,12.25E-1,-7]}`), ""), true},
		{"bad raw number", sprintf(iface(`{"type":"x","version":null,"n":-}`), ""), false},
		{"device-plugin-info", `{"interfaces":[{"device-plugin-info":{"vfio":{"a":"/dev/vfio/1","n":[1,2]},"none":null,"empty":{}}}]}`, true},
		{"device-plugin-info provider twice", `{"interfaces":[{"device-plugin-info":{"vfio":{},"vfio":{"a":1}}}]}`, false},
		{"device-plugin-info not an object", `{"interfaces":[{"device-plugin-info":{"vfio":"x"}}]}`, false},
		{"pod", `{"pod":{"hostname":"h","name":null,"namespace":"ns","uid":"u"}}`, true},
		{"empty", `{}`, true},
		{"not an object", `[]`, false},
		{"empty input", ``, false},
	} {
		checkQuick(t, tc.name, []byte(tc.json), &tc.quick)
	}
}

// checkQuick asserts that where the quick decoder succeeds, encoding/json
// succeeds with the same value, and that decodeReport always gives
// encoding/json's result. want, when not nil, is whether the quick decoder
// should succeed.
func checkQuick(t *testing.T, name string, data []byte, want *bool) {
	t.Helper()
	q, ok := quickDecode(data)
	if want != nil && ok != *want {
		t.Errorf("%s: quick decoder took it: %v, want %v", name, ok, *want)
	}
	var std Report
	stdErr := json.Unmarshal(data, &std)
	if ok {
		if stdErr != nil {
			t.Errorf("%s: quick decoder took input encoding/json refuses (%v): %q", name, stdErr, data)
		} else if !reflect.DeepEqual(q, std) {
			t.Errorf("%s: quick decoding differs from encoding/json on %q:\n%#v\n%#v", name, data, q, std)
		}
	}
	// With raw values cut from a []byte copy (the getters' path), the same.
	d := quick{s: string(data), b: append([]byte(nil), data...)}
	var withBytes Report
	if d.report(&withBytes) != ok || ok && !reflect.DeepEqual(withBytes, q) {
		t.Errorf("%s: the quick decoder over bytes differs", name)
	}
	var got Report
	err := decodeReport(data, &got)
	if (err == nil) != (stdErr == nil) || err == nil && !reflect.DeepEqual(got, std) {
		t.Errorf("%s: decodeReport gave %v, encoding/json %v", name, err, stdErr)
	}
}

// go test -fuzz FuzzQuickDecode: whatever the input, the quick decoder
// either gives up or agrees with encoding/json.
func FuzzQuickDecode(f *testing.F) {
	names, dirs := testpods.Pods(f)
	for _, name := range names {
		r, err := Collect(Options{Root: dirs[name]})
		if err != nil {
			f.Fatal(err)
		}
		if len(r.Interfaces) > 8 {
			continue
		}
		lib := r.libraryJSON()
		f.Add(lib)
		f.Add(compact(f, lib))
	}
	f.Add([]byte(`{"interfaces":[{"device-info":{"type":"pci","pci":{"x":"\ud83d\ude00"},"y":[1e5]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkQuick(t, "fuzz", data, nil)
	})
}
