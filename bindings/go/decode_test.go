package appnetutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// Inputs the quick decoder takes, and inputs it leaves to encoding/json;
// where it takes one, the result is encoding/json's.
func TestQuickDecodeEdges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		json  string
		quick bool
	}{
		{"device-plugin-info", `{"vfio":{"a":"/dev/vfio/1","n":[1,2]},"none":null,"empty":{}}`, true},
		{"null", `null`, true},
		{"empty", `{}`, true},
		{"white space", " \t\r\n{ \"generic\" : { \"deviceID\" : \"0000:3b:02.6\" } } \n", true},
		{"escapes in keys and values", `{"a\"b\\c\/d\u00e9":{"k\n":"\b\f\n\r\t\u0000\ud83d\ude00 é"}}`, true},
		{"raw values of every kind", `{"p":{"n":[-0.5e+3,0,12.25E-1,-7],"o":{"x":[true,false,null]},"s":""}}`, true},
		{"raw value with keys twice", `{"p":{"k":{"a":1,"a":2}}}`, true},
		{"provider twice", `{"vfio":{},"vfio":{"a":1}}`, false},
		{"key twice", `{"vfio":{"a":1,"a":2}}`, false},
		{"provider not an object", `{"vfio":"x"}`, false},
		{"not an object", `[]`, false},
		{"empty input", ``, false},
		{"trailing data", `{}x`, false},
		{"two values", `{} {}`, false},
		{"lone high surrogate", `{"p":{"k":"\ud83d x"}}`, false},
		{"lone low surrogate", `{"p":{"k":"\ude00"}}`, false},
		{"high surrogate then no low one", `{"p":{"k":"\ud83d\u0041"}}`, false},
		{"invalid UTF-8", "{\"p\":{\"k\":\"\xff\"}}", false},
		{"invalid UTF-8 in a key", "{\"\xff\":{}}", false},
		{"control character", "{\"p\":{\"k\":\"a\tb\"}}", false},
		{"bad escape", `{"p":{"k":"\x"}}`, false},
		{"short unicode escape", `{"p":{"k":"\u12"}}`, false},
		{"unterminated string", `{"p":{"k":"abc`, false},
		{"bad raw number", `{"p":{"n":-}}`, false},
		{"leading zero", `{"p":{"n":01}}`, false},
		{"fraction without digits", `{"p":{"n":1.}}`, false},
		{"exponent without digits", `{"p":{"n":1e}}`, false},
		{"bad literal", `{"p":{"n":nul}}`, false},
		{"missing colon", `{"p" {}}`, false},
		{"trailing comma", `{"p":{},}`, false},
		{"too deep", `{"p":{"k":` + strings.Repeat("[", 1002) + strings.Repeat("]", 1002) + `}}`, false},
	} {
		checkQuick(t, tc.name, []byte(tc.json), &tc.quick)
	}
}

// checkQuick asserts that where the quick decoder succeeds, encoding/json
// succeeds with the same value. want, when not nil, is whether the quick
// decoder should succeed.
func checkQuick(t *testing.T, name string, data []byte, want *bool) {
	t.Helper()
	q, ok := decodeDevicePluginInfo(string(data))
	if want != nil && ok != *want {
		t.Errorf("%s: quick decoder took it: %v, want %v", name, ok, *want)
	}
	if !ok {
		return
	}
	var std DevicePluginInfo
	if err := json.Unmarshal(data, &std); err != nil {
		t.Errorf("%s: quick decoder took input encoding/json refuses (%v): %q", name, err, data)
	} else if !reflect.DeepEqual(q, std) {
		t.Errorf("%s: quick decoding differs from encoding/json on %q:\n%#v\n%#v", name, data, q, std)
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
		for _, it := range r.Interfaces {
			if it.DevicePluginInfo == nil {
				continue
			}
			b, err := json.Marshal(it.DevicePluginInfo)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
			var indented bytes.Buffer
			if err := json.Indent(&indented, b, "", "  "); err != nil {
				f.Fatal(err)
			}
			f.Add(indented.Bytes())
		}
	}
	f.Add([]byte(`{"p":{"x":"\ud83d\ude00","y":[1e5,{"a":null}]},"q":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkQuick(t, "fuzz", data, nil)
	})
}
