package appnetutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

func str(s string) *string { return &s }

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// What the typed fields hold on fixture pods of every kind, field by field.
func TestCollectFixturePods(t *testing.T) {
	type iface struct {
		name, devType, pci, socket, deviceID, resourceEnv string
		sources                                           []Source
	}
	cases := []struct {
		pod        string
		cpuset     string
		source     CPUSource
		ifaces     []iface
		check      func(t *testing.T, r *Report)
		noWarnings bool
	}{
		{
			pod: "clean_full_pod", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}},
				{name: "net1", devType: "pci", pci: "0000:3b:02.6", deviceID: "0000:3b:02.6",
					resourceEnv: "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK",
					sources:     []Source{SourceNetworkStatus, SourceDevicePluginEnv}},
			},
			check: func(t *testing.T, r *Report) {
				if got := r.CPUs.List; !reflect.DeepEqual(got, []int{4, 5, 6, 7}) {
					t.Errorf("cpus list %v", got)
				}
				own := r.Hugepages.Own()
				if own == nil || own.Name != "dpdk-app" || own.LimitMiB["1Gi"] != 2048 || own.RequestMiB["1Gi"] != 2048 {
					t.Errorf("own hugepages %+v", own)
				}
				if m := r.Hugepages.Mounts; len(m) != 1 || m[0] != (HugetlbfsMount{Path: "/dev/hugepages", PageSize: "1Gi"}) {
					t.Errorf("mounts %+v", m)
				}
				eth0, net1 := r.Interfaces[0], r.Interfaces[1]
				if !eth0.Default || net1.Default || deref(eth0.Network) != "ovn-kubernetes" || deref(net1.Network) != "default/sriov-net-a" {
					t.Errorf("default/network: %+v %+v", eth0, net1)
				}
				if deref(net1.MAC) != "4a:0b:3c:aa:bb:cc" || net1.MTU == nil || *net1.MTU != 9000 ||
					!reflect.DeepEqual(net1.IPs, []string{"192.168.1.10"}) || !reflect.DeepEqual(net1.Gateway, []string{"192.168.1.1"}) {
					t.Errorf("net1 addresses: %+v", net1)
				}
				if !reflect.DeepEqual(net1.DNS.Nameservers, []string{"192.168.1.53"}) || !reflect.DeepEqual(net1.DNS.Search, []string{"example.com"}) ||
					net1.DNS.Domain != nil || len(net1.DNS.Options) != 0 {
					t.Errorf("net1 dns: %+v", net1.DNS)
				}
				if d := net1.DeviceInfo; d == nil || d.Type != "pci" || deref(d.Version) != "1.1.0" || d.PCI.PCIAddress != "0000:3b:02.6" {
					t.Errorf("net1 device-info: %+v", d)
				}
				if s, ok := net1.DevicePluginInfo.String("vfio", "dev-mount"); !ok || s != "/dev/vfio/169" {
					t.Errorf("device-plugin-info vfio.dev-mount: %q", s)
				}
				if eth0.DevicePluginInfo != nil || eth0.DeviceInfo != nil || eth0.PCIDevice != nil {
					t.Errorf("eth0 has device data: %+v", eth0)
				}
			},
		},
		{
			pod: "pci_numa1_vfio_and_kernel_driver", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}},
				{name: "net1", devType: "pci", pci: "0000:af:02.1", deviceID: "0000:af:02.1", resourceEnv: "PCIDEVICE_INTEL_COM_SRIOV_DPDK",
					sources: []Source{SourceNetworkStatus, SourceDevicePluginEnv}},
				{name: "net2", devType: "pci", pci: "0000:af:02.2", deviceID: "0000:af:02.2", resourceEnv: "PCIDEVICE_INTEL_COM_SRIOV_KERNEL",
					sources: []Source{SourceNetworkStatus, SourceDevicePluginEnv}},
				{name: "net3", devType: "pci", pci: "0000:00:05.0", sources: []Source{SourceNetworkStatus}},
				{devType: "pci", pci: "0000:af:02.3", deviceID: "0000:af:02.3", resourceEnv: "PCIDEVICE_INTEL_COM_SRIOV_DPDK",
					sources: []Source{SourceDevicePluginEnv}},
			},
			check: func(t *testing.T, r *Report) {
				p := r.Interfaces[1].PCIDevice
				if p == nil || p.NUMANode == nil || *p.NUMANode != 1 || deref(p.Driver) != "vfio-pci" || p.IOMMUGroup == nil ||
					*p.IOMMUGroup != 142 || deref(p.VFIODevice) != "/dev/vfio/142" || deref(p.Vendor) != "0x8086" ||
					deref(p.Device) != "0x154c" || deref(p.PhysFn) != "0000:af:00.0" || len(p.Netdevs) != 0 {
					t.Errorf("net1 pci-device: %+v", p)
				}
				if p := r.Interfaces[2].PCIDevice; p == nil || !reflect.DeepEqual(p.Netdevs, []string{"net2"}) || p.VFIODevice != nil {
					t.Errorf("net2 pci-device: %+v", p)
				}
				if p := r.Interfaces[3].PCIDevice; p == nil || p.NUMANode != nil || p.PhysFn != nil || deref(p.VFIODevice) != "/dev/vfio/noiommu-0" {
					t.Errorf("net3 pci-device: %+v", p)
				}
				if d := r.Interfaces[2].DeviceInfo; d == nil || d.PCI.PFPCIAddress != "0000:af:00.0" {
					t.Errorf("net2 pf-pci-address: %+v", d)
				}
			},
		},
		{
			pod: "auxiliary_subfunction_env", cpuset: "8-11", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}},
				{devType: "auxiliary", deviceID: "mlx5_core.sf.4", resourceEnv: "PCIDEVICE_NVIDIA_COM_BF3_SF",
					sources: []Source{SourceDevicePluginEnv}},
			},
			check: func(t *testing.T, r *Report) {
				if r.Interfaces[1].Name != nil || r.Interfaces[1].DeviceInfo != nil {
					t.Errorf("an auxiliary device known only from its variable: %+v", r.Interfaces[1])
				}
				if r.Hugepages.Container != nil || r.Hugepages.Own() != nil {
					t.Errorf("no container name: %+v", r.Hugepages)
				}
			},
		},
		{
			pod: "devinfo_memif", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}},
				{name: "net1", devType: "memif", socket: "/var/lib/cni/usrspcni/memif-5d2e8c1f0a9b-net1.sock", sources: []Source{SourceNetworkStatus}},
			},
			check: func(t *testing.T, r *Report) {
				if m := r.Interfaces[1].DeviceInfo.Memif; m == nil || m.Role != "master" || m.Mode != "ethernet" {
					t.Errorf("memif payload: %+v", m)
				}
			},
		},
		{
			pod: "sample_no_networkstatus", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth_vhost0", devType: "vhost-user", sources: []Source{SourceUserspaceCNI},
					socket: "/var/lib/nimbess/cni/8ca6413b0ba66d184a9d7eb8ea15333d1438c4f0a1a86ed7142a56572f0e59fe_vhost.sock"},
			},
			check: func(t *testing.T, r *Report) {
				if v := r.Interfaces[0].DeviceInfo.VhostUser; v == nil || v.Mode != "client" {
					t.Errorf("vhost-user payload: %+v", v)
				}
			},
		},
		{
			pod: "numa_256cpu_2node_smt", cpuset: "60-67,188-195", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{
				{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}},
				{name: "net1", devType: "pci", pci: "0000:d8:02.0", deviceID: "0000:d8:02.0", resourceEnv: "PCIDEVICE_INTEL_COM_SRIOV_DPDK_A",
					sources: []Source{SourceNetworkStatus, SourceDevicePluginEnv}},
			},
			check: func(t *testing.T, r *Report) {
				c := r.CPUs
				if !reflect.DeepEqual(c.NUMANodes[1], []int{64, 65, 66, 67, 192, 193, 194, 195}) || len(c.NUMANodes) != 2 {
					t.Errorf("numa-nodes %v", c.NUMANodes)
				}
				if c.Exclusive == nil || !*c.Exclusive || len(c.SMTSiblings) != 8 || !reflect.DeepEqual(c.Isolated, []int{64, 65, 66, 67, 192, 193, 194, 195}) {
					t.Errorf("cpus %+v", c)
				}
				h := r.Hugepages
				if h.CgroupLimitMiB["1Gi"] != 8192 || h.CgroupLimitMiB["2Mi"] != 0 || len(h.CgroupLimitMiB) != 2 {
					t.Errorf("cgroup limits %v", h.CgroupLimitMiB)
				}
				if p, ok := h.HostPools["2Mi"]; !ok || p.Total != 2048 || p.Free != 1536 || len(p.NUMANodes) == 0 {
					t.Errorf("host pools %+v", h.HostPools)
				}
			},
		},
		{
			pod: "hugepages_two_containers", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			ifaces: []iface{{name: "eth0", devType: "host", sources: []Source{SourceNetworkStatus}}},
			check: func(t *testing.T, r *Report) {
				h := r.Hugepages
				if len(h.Containers) != 2 || h.Containers[1].Name != "sidecar" || h.Containers[1].LimitMiB["2Mi"] != 256 {
					t.Errorf("containers %+v", h.Containers)
				}
				if own := h.Own(); own == nil || own.Name != "dpdk-app" || own.LimitMiB["1Gi"] != 2048 {
					t.Errorf("own %+v", own)
				}
			},
		},
		{
			pod: "userspace_vhost_group_and_host_local_routes", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			check: func(t *testing.T, r *Report) {
				eth0, net1 := r.Interfaces[0], r.Interfaces[1]
				if eth0.Routes == nil || len(eth0.Routes) != 0 {
					t.Errorf("eth0 routes %#v, want empty", eth0.Routes)
				}
				want := []Route{{Dst: "192.168.0.0/16", GW: str("10.10.5.1")}, {Dst: "3ffe:ffff:0:01ff::1/64"}}
				if !reflect.DeepEqual(net1.Routes, want) {
					t.Errorf("net1 routes %+v", net1.Routes)
				}
				if v := net1.DeviceInfo.VhostUser; v == nil || v.Group != "hugetlbfs" || v.Mode != "server" {
					t.Errorf("vhost-user payload %+v", v)
				}
			},
		},
		{
			pod: "pod_identity_downward_atomic_writer", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			check: func(t *testing.T, r *Report) {
				want := Pod{Hostname: str("dpdk-app-6f9c7d5b8-x2kqv"), Name: str("dpdk-app-6f9c7d5b8-x2kqv"),
					Namespace: str("cnf-telco"), UID: str("8d3f6c2a-41b7-4e0d-9a55-2c7e1f0b6d93")}
				if !reflect.DeepEqual(r.Pod, want) {
					t.Errorf("pod %s %s %s %s", deref(r.Pod.Hostname), deref(r.Pod.Name), deref(r.Pod.Namespace), deref(r.Pod.UID))
				}
			},
		},
		{
			pod: "multi_net_spec_infiniband_single_gateway", cpuset: "4-7", source: CPUSourceProcStatus, noWarnings: true,
			check: func(t *testing.T, r *Report) {
				ib0 := r.Interfaces[2]
				if ib0.IfName() != "ib0" || deref(ib0.InfinibandGUID) != "80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22" || ib0.MAC != nil {
					t.Errorf("ib0: %s guid %s mac %s", ib0.IfName(), deref(ib0.InfinibandGUID), deref(ib0.MAC))
				}
				if r.Interfaces[0].InfinibandGUID != nil || deref(r.Interfaces[0].MAC) != "02:11:22:33:44:54" {
					t.Errorf("eth5: guid %s mac %s", deref(r.Interfaces[0].InfinibandGUID), deref(r.Interfaces[0].MAC))
				}
				if r.Pod.Name != nil || r.Pod.Namespace != nil || r.Pod.UID != nil {
					t.Errorf("a pod without the downward-API files name, namespace, uid: %+v", r.Pod)
				}
			},
		},
		{
			pod: "malformed_json_network_status", cpuset: "4-7", source: CPUSourceProcStatus,
			check: func(t *testing.T, r *Report) {
				if len(r.Warnings) == 0 || !strings.Contains(strings.Join(r.Warnings, "\n"), "network-status") {
					t.Errorf("warnings %q", r.Warnings)
				}
			},
		},
	}
	for _, tc := range cases {
		tc := tc
		t.Run(tc.pod, func(t *testing.T) {
			r, err := Collect(Options{Root: testpods.Pod(t, tc.pod)})
			if err != nil {
				t.Fatal(err)
			}
			if r.CPUs == nil || r.CPUs.CPUSet != tc.cpuset || r.CPUs.Source != tc.source {
				t.Errorf("cpus %+v, want %s from %s", r.CPUs, tc.cpuset, tc.source)
			}
			if tc.noWarnings && len(r.Warnings) != 0 {
				t.Errorf("warnings: %q", r.Warnings)
			}
			if tc.ifaces != nil {
				if len(r.Interfaces) != len(tc.ifaces) {
					t.Fatalf("%d interfaces, want %d: %+v", len(r.Interfaces), len(tc.ifaces), r.Interfaces)
				}
				for i, want := range tc.ifaces {
					it := &r.Interfaces[i]
					got := iface{name: it.IfName(), devType: string(it.DeviceType), pci: it.PCIAddress(), socket: it.SocketPath(),
						deviceID: strings.TrimPrefix(deref(it.DeviceID), "<nil>"), resourceEnv: strings.TrimPrefix(deref(it.ResourceEnv), "<nil>"),
						sources: it.Sources}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("interfaces[%d] = %+v, want %+v", i, got, want)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestCollectErrors(t *testing.T) {
	pod := testpods.Pod(t, "clean_full_pod")
	file := filepath.Join(pod, "case.txt")
	for _, tc := range []struct {
		name string
		opts Options
		want error
		msg  string
	}{
		{"missing root", Options{Root: filepath.Join(t.TempDir(), "none")}, ErrPodUnreadable, "none"},
		{"root is a file", Options{Root: file}, ErrPodUnreadable, "case.txt"},
		{"missing podinfo dir", Options{Root: pod, PodinfoDir: filepath.Join(pod, "no-such-dir")}, ErrPodUnreadable, "no-such-dir"},
		{"NUL in root", Options{Root: pod + "\x00/x"}, ErrInvalidArgument, "root"},
		{"NUL in podinfo dir", Options{Root: pod, PodinfoDir: "/etc\x00"}, ErrInvalidArgument, "podinfo dir"},
		{"unknown log level", Options{Root: pod, Log: func(Level, string) {}, LogLevel: 9}, ErrInvalidArgument, "log level"},
	} {
		r, err := Collect(tc.opts)
		if r != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, r, err, tc.want)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, tc.msg) || !strings.HasPrefix(err.Error(), "appnetutil: ") {
			t.Errorf("%s: message %q should name %q", tc.name, err, tc.msg)
		}
		if errors.Is(err, ErrEALOptions) {
			t.Errorf("%s: %v is not an EAL options error", tc.name, err)
		}
	}
}

func TestVersion(t *testing.T) {
	v := Version()
	if v == "" || strings.Count(v, ".") != 2 {
		t.Errorf("Version() = %q", v)
	}
	if err := checkABI(); err != nil {
		t.Error(err)
	}
}

type logLine struct {
	level Level
	msg   string
}

func TestLogging(t *testing.T) {
	pod := testpods.Pod(t, "malformed_json_network_status")
	var lines []logLine
	log := func(l Level, m string) { lines = append(lines, logLine{l, m}) }

	// Warning level (the default): the report's warnings, nothing more
	// detailed.
	r, err := Collect(Options{Root: pod, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < len(r.Warnings) || len(r.Warnings) == 0 {
		t.Fatalf("%d lines for %d warnings: %v", len(lines), len(r.Warnings), lines)
	}
	for i, w := range r.Warnings {
		if lines[i] != (logLine{LevelWarning, w}) {
			t.Errorf("line %d = %v, want the warning %q", i, lines[i], w)
		}
	}
	for _, l := range lines {
		if l.level > LevelWarning || strings.Contains(l.msg, "\n") {
			t.Errorf("line above the level or with a newline: %v", l)
		}
	}

	// Debug: every file read, info and warnings too.
	lines = nil
	if _, err := Collect(Options{Root: pod, Log: log, LogLevel: LevelDebug}); err != nil {
		t.Fatal(err)
	}
	seen := map[Level]int{}
	for _, l := range lines {
		seen[l.level]++
	}
	if seen[LevelDebug] == 0 || seen[LevelInfo] == 0 || seen[LevelWarning] != len(r.Warnings) {
		t.Errorf("levels seen at debug: %v", seen)
	}

	// Error level: a failure is logged.
	lines = nil
	if _, err := Collect(Options{Root: filepath.Join(pod, "none"), Log: log, LogLevel: LevelError}); err == nil {
		t.Fatal("no error")
	}
	if len(lines) != 1 || lines[0].level != LevelError || !strings.Contains(lines[0].msg, "none") {
		t.Errorf("error lines: %v", lines)
	}

	// EAL arguments: logged at info level.
	lines = nil
	r, err = Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	args, _, err := r.EALArgs(EALOptions{Log: log, LogLevel: LevelInfo})
	if err != nil {
		t.Fatal(err)
	}
	want := logLine{LevelInfo, "EAL arguments: " + strings.Join(args, " ")}
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("EAL log %v, want %v", lines, want)
	}

	for l, s := range map[Level]string{LevelError: "error", LevelWarning: "warning", LevelInfo: "info", LevelDebug: "debug", 7: "level 7"} {
		if l.String() != s {
			t.Errorf("%d.String() = %q", uint32(l), l.String())
		}
	}
}

// A panic in the log function is raised again in the caller once the
// library has returned, and the next call works.
func TestLogPanic(t *testing.T) {
	pod := testpods.Pod(t, "malformed_json_network_status")
	calls := 0
	boom := func(Level, string) {
		calls++
		panic(fmt.Sprintf("boom %d", calls))
	}
	for i, run := range []func(){
		func() { _, _ = Collect(Options{Root: pod, Log: boom}) },
		func() { _, _ = Collect(Options{Root: filepath.Join(pod, "none"), Log: boom, LogLevel: LevelError}) },
		func() {
			r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
			if err != nil {
				t.Fatal(err)
			}
			_, _, _ = r.EALArgs(EALOptions{Log: boom, LogLevel: LevelInfo})
		},
	} {
		calls = 0
		got := func() (v any) {
			defer func() { v = recover() }()
			run()
			return nil
		}()
		if got != "boom 1" || calls != 1 {
			t.Errorf("case %d: recovered %v after %d calls; want the first panic, and no call after it", i, got, calls)
		}
	}
	r, err := Collect(Options{Root: pod, Log: func(Level, string) {}})
	if err != nil || len(r.Warnings) == 0 {
		t.Fatalf("after the panics: %v", err)
	}
}

// Collect and EALArgs leave no goroutine behind. (The OS threads of the Go
// runtime are its own; the C tests show the library starts none.)
func TestNoGoroutineLeftBehind(t *testing.T) {
	pod := testpods.Pod(t, "clean_full_pod")
	runtime.GC()
	before := runtime.NumGoroutine()
	for i := 0; i < 200; i++ {
		r, err := Collect(Options{Root: pod, Log: func(Level, string) {}, LogLevel: LevelDebug})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.EALArgs(EALOptions{NoHuge: true, Log: func(Level, string) {}, LogLevel: LevelDebug}); err != nil {
			t.Fatal(err)
		}
		if _, err := GetInterfaces(); err != nil {
			t.Fatal(err)
		}
	}
	// The reports' finalizers run on the runtime's finalizer goroutine.
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// Goroutines collecting and building at once get what one alone gets.
func TestConcurrentCollect(t *testing.T) {
	pods := []string{testpods.Pod(t, "clean_full_pod"), testpods.Pod(t, "pci_numa1_vfio_and_kernel_driver")}
	type result struct {
		json string
		args []string
	}
	want := map[string]result{}
	shared := map[string]*Report{}
	for _, p := range pods {
		r, err := Collect(Options{Root: p})
		if err != nil {
			t.Fatal(err)
		}
		args, _, err := r.EALArgs(EALOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want[p] = result{string(r.libraryJSON()), args}
		shared[p] = r
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				p := pods[(g+i)%len(pods)]
				r, err := Collect(Options{Root: p, Log: func(Level, string) {}, LogLevel: LevelDebug})
				if err != nil {
					errs <- err
					return
				}
				for _, from := range []*Report{r, shared[p]} {
					args, _, err := from.EALArgs(EALOptions{})
					if err != nil {
						errs <- err
						return
					}
					if got := (result{string(r.libraryJSON()), args}); !reflect.DeepEqual(got, want[p]) {
						errs <- fmt.Errorf("goroutine %d: %s differs", g, p)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The calls of the design read the pod the process runs in: this test's
// machine, which is no pod, so they give what the library finds here.
func TestSeedCalls(t *testing.T) {
	r, err := Collect(Options{})
	if err != nil {
		t.Fatal(err)
	}
	cpus, err := GetCPUInfo()
	if r.CPUs == nil {
		if !errors.Is(err, ErrNoCPUs) {
			t.Errorf("GetCPUInfo without CPUs: %v", err)
		}
	} else if err != nil || cpus.CPUSet != r.CPUs.CPUSet || cpus.Source != CPUSourceAffinity {
		t.Errorf("GetCPUInfo() = %+v, %v; want %+v", cpus, err, r.CPUs)
	}
	ifs, err := GetInterfaces()
	if err != nil || len(ifs) != len(r.Interfaces) {
		t.Errorf("GetInterfaces() = %d, %v; want %d", len(ifs), err, len(r.Interfaces))
	}
	h1, err1 := GetHugepageInfo()
	h2, err2 := GetHugepages()
	if err1 != nil || err2 != nil || !reflect.DeepEqual(h1.Mounts, r.Hugepages.Mounts) || !reflect.DeepEqual(h1, h2) {
		t.Errorf("GetHugepageInfo() = %+v, %v; GetHugepages() = %+v, %v", h1, err1, h2, err2)
	}
	if _, err := os.Stat("/proc/self/status"); err == nil && r.CPUs == nil {
		t.Errorf("no CPUs on a machine with /proc")
	}
}

func TestClose(t *testing.T) {
	r, err := Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	copied := *r
	want, _, err := copied.EALArgs(EALOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprint(r.Interfaces, r.CPUs.List)
	r.Close()
	r.Close()
	if _, _, err := r.EALArgs(EALOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if _, _, err := copied.EALArgs(EALOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("a copy after Close: %v", err)
	}
	if fmt.Sprint(r.Interfaces, r.CPUs.List) != before || len(want) == 0 {
		t.Errorf("Close changed the Go fields")
	}
	var none *Report
	none.Close()
	(&Report{}).Close()

	// Close while other goroutines build: each build either succeeds or
	// says the report is closed.
	r, err = Collect(Options{Root: testpods.Pod(t, "clean_full_pod")})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				args, _, err := r.EALArgs(EALOptions{})
				if err != nil && !errors.Is(err, ErrClosed) || err == nil && !reflect.DeepEqual(args, want) {
					t.Errorf("%q, %v", args, err)
					return
				}
			}
		}()
	}
	r.Close()
	wg.Wait()
}
