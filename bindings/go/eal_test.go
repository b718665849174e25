package appnetutil

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// cliEAL is `app-netutil dpdk-args --format json`.
type cliEAL struct {
	Args     []string `json:"args"`
	Warnings []string `json:"warnings"`
}

func runDPDKArgs(t *testing.T, root string, flags ...string) cliEAL {
	t.Helper()
	out := testpods.Run(t, append([]string{"dpdk-args", "-q", "--format", "json", "--root", root}, flags...)...)
	var c cliEAL
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("dpdk-args output %s: %v", out, err)
	}
	return c
}

func messages(ws []Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func intp(i int) *int { return &i }

// On every fixture pod, EALArgs with the default options gives what
// `app-netutil dpdk-args` prints: the same arguments and warnings.
func TestEALArgsEqualDPDKArgsEveryPod(t *testing.T) {
	testpods.CLI(t)
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		name, dir := name, dirs[name]
		t.Run(name, func(t *testing.T) {
			r, err := Collect(Options{Root: dir})
			if err != nil {
				t.Fatal(err)
			}
			args, warnings, err := r.EALArgs(EALOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := runDPDKArgs(t, dir)
			if !reflect.DeepEqual(args, want.Args) {
				t.Errorf("EALArgs:\n  %q\ndpdk-args:\n  %q", args, want.Args)
			}
			if got := messages(warnings); !reflect.DeepEqual(got, append([]string{}, want.Warnings...)) {
				t.Errorf("EALArgs warnings:\n  %q\ndpdk-args:\n  %q", got, want.Warnings)
			}
		})
	}
}

// Each option gives what the command-line flag of the same name gives.
func TestEALOptionsEqualDPDKArgsFlags(t *testing.T) {
	testpods.CLI(t)
	for _, tc := range []struct {
		pod   string
		opts  EALOptions
		flags []string
	}{
		{"clean_full_pod", EALOptions{NoHuge: true, InMemory: true, LcoreCount: 2, MainCPU: intp(5), FilePrefix: "x",
			ExtraArgs: []string{"--log-level=8", "-n", "4"}},
			[]string{"--no-huge", "--in-memory", "--lcore-count", "2", "--main-cpu", "5", "--file-prefix", "x",
				"--eal-arg=--log-level=8", "--eal-arg=-n", "--eal-arg=4"}},
		{"clean_full_pod", EALOptions{DPDKVersion: "20.08", PageSize: "1Gi", MemoryMiB: 1024, HugeDir: "/mnt/huge"},
			[]string{"--dpdk-version", "20.08", "--page-size", "1Gi", "--memory", "1024", "--huge-dir", "/mnt/huge"}},
		{"pci_numa1_vfio_and_kernel_driver", EALOptions{Interfaces: []string{"net2", "0000:AF:02.3"},
			Devargs: []Devargs{{"net2", "rxq_cqe_comp_en=1"}}},
			[]string{"--interface", "net2", "--interface", "0000:AF:02.3", "--devargs", "net2=rxq_cqe_comp_en=1"}},
		{"mixed_default_two_sriov_two_resources", EALOptions{Networks: []string{"sriov-net-b"}, MaxLcore: 4},
			[]string{"--network", "sriov-net-b", "--max-lcore", "4"}},
		{"numa_256cpu_2node_smt", EALOptions{MaxLcore: 64, LcoreCount: 3},
			[]string{"--max-lcore", "64", "--lcore-count", "3"}},
		{"devinfo_vhostuser_server_memif_slave", EALOptions{DPDKVersion: "25.07"},
			[]string{"--dpdk-version", "25.07"}},
	} {
		dir := testpods.Pod(t, tc.pod)
		r, err := Collect(Options{Root: dir})
		if err != nil {
			t.Fatal(err)
		}
		args, warnings, err := r.EALArgs(tc.opts)
		if err != nil {
			t.Errorf("%s %v: %v", tc.pod, tc.flags, err)
			continue
		}
		want := runDPDKArgs(t, dir, tc.flags...)
		if !reflect.DeepEqual(args, want.Args) || !reflect.DeepEqual(messages(warnings), append([]string{}, want.Warnings...)) {
			t.Errorf("%s %v:\nEALArgs   %q %q\ndpdk-args %q %q", tc.pod, tc.flags, args, messages(warnings), want.Args, want.Warnings)
		}
	}
}

func TestEALArgsHostname(t *testing.T) {
	r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	args, _, err := r.EALArgs(EALOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(args, "--file-prefix=dpdk-app-6f9c7d5b8-x2kqv_dpdk-app") {
		t.Errorf("the pod's host name and container make the prefix: %q", args)
	}
	args, _, err = r.EALArgs(EALOptions{Hostname: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(args, "--file-prefix=other_dpdk-app") {
		t.Errorf("Hostname replaces the pod's: %q", args)
	}
	// The arguments come from the report as collected, not from its Go
	// fields.
	r.Interfaces = nil
	r.CPUs = nil
	again, _, err := r.EALArgs(EALOptions{Hostname: "other"})
	if err != nil || !reflect.DeepEqual(again, args) {
		t.Errorf("after changing the Go fields: %q, %v; want %q", again, err, args)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestEALArgsErrors(t *testing.T) {
	r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts EALOptions
		want error
		msg  string
	}{
		{"main CPU outside the pod", EALOptions{MainCPU: intp(0)}, ErrEALOptions, "4-7"},
		{"negative main CPU", EALOptions{MainCPU: intp(-1)}, ErrInvalidArgument, "MainCPU"},
		{"main CPU above 32 bits", EALOptions{MainCPU: intp(1 << 40)}, ErrInvalidArgument, "MainCPU"},
		{"network matching nothing", EALOptions{Networks: []string{"no-such-net"}}, ErrEALOptions, "no-such-net"},
		{"devargs target matching nothing", EALOptions{Devargs: []Devargs{{"net9", "a=1"}}}, ErrEALOptions, "net9"},
		{"DPDK version", EALOptions{DPDKVersion: "latest"}, ErrInvalidArgument, "DPDKVersion"},
		{"page size", EALOptions{PageSize: "big"}, ErrInvalidArgument, "PageSize"},
		{"file prefix", EALOptions{FilePrefix: "a/b"}, ErrEALOptions, "a/b"},
		{"NUL in an extra argument", EALOptions{ExtraArgs: []string{"-n\x004"}}, ErrInvalidArgument, "ExtraArgs[0]"},
		{"NUL in a network", EALOptions{Networks: []string{"a", "b\x00"}}, ErrInvalidArgument, "Networks[1]"},
		{"NUL in devargs", EALOptions{Devargs: []Devargs{{"net1", "a=\x00"}}}, ErrInvalidArgument, "Devargs[0]"},
		{"NUL in the host name", EALOptions{Hostname: "h\x00"}, ErrInvalidArgument, "Hostname"},
		{"unknown log level", EALOptions{Log: func(Level, string) {}, LogLevel: 5}, ErrInvalidArgument, "log level"},
	} {
		args, warnings, err := r.EALArgs(tc.opts)
		var e *Error
		if args != nil || warnings != nil || !errors.Is(err, tc.want) || !errors.As(err, &e) || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s: %q, %v, %v; want %v naming %q", tc.name, args, warnings, err, tc.want, tc.msg)
		}
	}

	var decoded Report
	if err := json.Unmarshal(r.libraryJSON(), &decoded); err != nil {
		t.Fatal(err)
	}
	if _, _, err := decoded.EALArgs(EALOptions{}); !errors.Is(err, ErrNotCollected) {
		t.Errorf("a decoded report: %v", err)
	}
	var none *Report
	if _, _, err := none.EALArgs(EALOptions{}); !errors.Is(err, ErrNotCollected) {
		t.Errorf("a nil report: %v", err)
	}
}
