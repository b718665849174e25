package compat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appnetutil "github.com/app-netutil/app-netutil/bindings/go"
	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// onPod points the package at a fixture pod for the length of a test.
func onPod(t *testing.T, name string) {
	t.Helper()
	settings.Lock()
	settings.root = testpods.Pod(t, name)
	settings.Unlock()
	t.Cleanup(func() {
		settings.Lock()
		settings.root = ""
		settings.downwardAPI = DefaultDownwardAPIMountPath
		settings.level = ErrorLevel
		settings.stderr = false
		if settings.file != nil {
			settings.file.Close()
			settings.file = nil
		}
		settings.Unlock()
	})
}

func TestCleanFullPod(t *testing.T) {
	onPod(t, "clean_full_pod")
	cpu, err := GetCPUInfo()
	if err != nil || cpu.CPUSet != "4-7" {
		t.Errorf("GetCPUInfo() = %+v, %v", cpu, err)
	}
	ifs, err := GetInterfaces()
	if err != nil || len(ifs.Interface) != 2 {
		t.Fatalf("GetInterfaces() = %+v, %v", ifs, err)
	}
	want := []*InterfaceData{
		{DeviceType: "host", NetworkStatus: NetworkStatus{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.128.2.15"},
			Mac: "0a:58:0a:80:02:0f", Mtu: 1400, Default: true, DNS: DNS{Nameservers: []string{}, Search: []string{}, Options: []string{}},
			Gateway: []string{"10.128.2.1"}}},
		{DeviceType: "sr-iov", NetworkStatus: NetworkStatus{Name: "default/sriov-net-a", Interface: "net1", IPs: []string{"192.168.1.10"},
			Mac: "4a:0b:3c:aa:bb:cc", Mtu: 9000, DNS: DNS{Nameservers: []string{"192.168.1.53"}, Search: []string{"example.com"}, Options: []string{}},
			DeviceInfo: &DeviceInfo{Type: "pci", Version: "1.1.0", Pci: &PciDevice{PciAddress: "0000:3b:02.6"}},
			Gateway:    []string{"192.168.1.1"}}},
	}
	if !reflect.DeepEqual(ifs.Interface, want) {
		got, _ := json.Marshal(ifs.Interface)
		exp, _ := json.Marshal(want)
		t.Errorf("GetInterfaces():\n%s\nwant\n%s", got, exp)
	}
	// The JSON of the predecessor's types: its tags and the NAD client's.
	b, err := json.Marshal(ifs.Interface[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"device-type":"sr-iov"`, `"network-status":{`, `"default-route":["192.168.1.1"]`, `"pci-address":"0000:3b:02.6"`, `"mtu":9000`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("%s lacks %s", b, key)
		}
	}
	hp, err := GetHugepages()
	if err != nil {
		t.Fatal(err)
	}
	wantHP := &HugepagesResponse{MyContainerName: "dpdk-app", Hugepages: []*HugepagesData{{ContainerName: "dpdk-app", Request1G: 2048, Limit1G: 2048}}}
	if !reflect.DeepEqual(hp, wantHP) {
		t.Errorf("GetHugepages() = %+v", hp)
	}
	if hp2, err := GetHugepageInfo(); err != nil || !reflect.DeepEqual(hp2, hp) {
		t.Errorf("GetHugepageInfo() = %+v, %v", hp2, err)
	}
}

func TestDeviceTypes(t *testing.T) {
	for _, tc := range []struct {
		pod   string
		types []string
	}{
		{"devinfo_memif", []string{"host", "memif"}},
		{"auxiliary_subfunction_env", []string{"host", "auxiliary"}},
		{"devinfo_type_without_payload", nil},
		{"devinfo_vdpa_representor", nil},
		{"pci_numa1_vfio_and_kernel_driver", []string{"host", "sr-iov", "sr-iov", "pci", "sr-iov"}},
		{"sample_no_networkstatus", []string{"vhost-user"}},
	} {
		t.Run(tc.pod, func(t *testing.T) {
			onPod(t, tc.pod)
			ifs, err := GetInterfaces()
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, it := range ifs.Interface {
				types = append(types, it.DeviceType)
				if it.DeviceType == INTERFACE_TYPE_UNKNOWN || it.DeviceType == INTERFACE_TYPE_INVALID {
					t.Errorf("%s: %s", it.NetworkStatus.Interface, it.DeviceType)
				}
			}
			if tc.types != nil && !reflect.DeepEqual(types, tc.types) {
				t.Errorf("types %q, want %q", types, tc.types)
			}
		})
	}
	onPod(t, "devinfo_type_without_payload")
	ifs, _ := GetInterfaces()
	found := false
	for _, it := range ifs.Interface {
		if it.NetworkStatus.Interface == "net2" {
			found = it.DeviceType == "accelerator" && it.NetworkStatus.DeviceInfo.Type == "accelerator"
		}
	}
	if !found {
		t.Errorf("an unknown device-info type is given as it is: %+v", ifs.Interface)
	}
	onPod(t, "devinfo_vdpa_representor")
	ifs, _ = GetInterfaces()
	var vdpa *VdpaDevice
	for _, it := range ifs.Interface {
		if it.DeviceType == "vdpa" {
			vdpa = it.NetworkStatus.DeviceInfo.Vdpa
		}
	}
	if vdpa == nil || vdpa.Path != "/dev/vhost-vdpa-0" || vdpa.PciAddress != "0000:65:00.5" || vdpa.RepresentorDevice != "eth5" {
		t.Errorf("vdpa payload %+v", vdpa)
	}
}

// Every fixture pod: one InterfaceData per interface of the report, in
// its order, names and networks carried over.
func TestEveryPodMatchesTheReport(t *testing.T) {
	names, dirs := testpods.Pods(t)
	for _, name := range names {
		r, err := appnetutil.Collect(appnetutil.Options{Root: dirs[name]})
		if err != nil {
			t.Fatal(err)
		}
		resp := interfaceResponse(r.Interfaces)
		if len(resp.Interface) != len(r.Interfaces) {
			t.Fatalf("%s: %d interfaces, report %d", name, len(resp.Interface), len(r.Interfaces))
		}
		for i, it := range resp.Interface {
			ri := &r.Interfaces[i]
			if it.NetworkStatus.Interface != ri.IfName() || (it.NetworkStatus.DeviceInfo == nil) != (ri.DeviceInfo == nil) ||
				it.NetworkStatus.Default != ri.Default {
				t.Errorf("%s interfaces[%d]: %+v from %+v", name, i, it, ri)
			}
			if ri.DeviceType == appnetutil.DevicePCI && (it.DeviceType == INTERFACE_TYPE_SRIOV) != (ri.ResourceEnv != nil) {
				t.Errorf("%s interfaces[%d]: %s with resource-env %v", name, i, it.DeviceType, ri.ResourceEnv)
			}
		}
		if hp, err := hugepagesResponse(&r.Hugepages); err == nil {
			if len(hp.Hugepages) != len(r.Hugepages.Containers) {
				t.Errorf("%s: %d containers, report %d", name, len(hp.Hugepages), len(r.Hugepages.Containers))
			}
		} else if !errors.Is(err, ErrNoHugepages) || len(r.Hugepages.Containers) != 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestHugepages(t *testing.T) {
	onPod(t, "hugepages_legacy_request_limit")
	hp, err := GetHugepages()
	if err != nil {
		t.Fatal(err)
	}
	if len(hp.Hugepages) != 1 || *hp.Hugepages[0] != (HugepagesData{Request: 1024, Limit: 1024}) {
		t.Errorf("legacy files: %+v", hp.Hugepages[0])
	}
	onPod(t, "hugepages_two_containers")
	hp, err = GetHugepages()
	if err != nil || hp.MyContainerName != "dpdk-app" || len(hp.Hugepages) != 2 ||
		*hp.Hugepages[1] != (HugepagesData{ContainerName: "sidecar", Request1G: 1024, Limit1G: 1024, Request2M: 256, Limit2M: 256}) {
		t.Errorf("two containers: %+v, %v", hp, err)
	}
	onPod(t, "sample_no_networkstatus")
	if hp, err := GetHugepages(); hp != nil || !errors.Is(err, ErrNoHugepages) {
		t.Errorf("no hugepage files: %+v, %v", hp, err)
	}
}

func TestDownwardAPIMountPath(t *testing.T) {
	onPod(t, "clean_full_pod")
	if GetDownwardAPIMountPath() != "/etc/podnetinfo" {
		t.Errorf("default %q", GetDownwardAPIMountPath())
	}
	other := filepath.Join(testpods.Pod(t, "devinfo_memif"), "etc", "podnetinfo")
	SetDownwardAPIMountPath(other)
	if GetDownwardAPIMountPath() != other {
		t.Errorf("set %q", GetDownwardAPIMountPath())
	}
	// The pod's own variables still list its VF, which no network of
	// the other directory's annotations names.
	ifs, err := GetInterfaces()
	if err != nil || len(ifs.Interface) != 3 || ifs.Interface[1].DeviceType != "memif" || ifs.Interface[2].DeviceType != "sr-iov" {
		t.Errorf("read from %s: %+v, %v", other, ifs, err)
	}
	SetDownwardAPIMountPath(filepath.Join(t.TempDir(), "none"))
	if _, err := GetInterfaces(); !errors.Is(err, appnetutil.ErrPodUnreadable) {
		t.Errorf("a missing directory: %v", err)
	}
}

func TestLogging(t *testing.T) {
	onPod(t, "malformed_json_network_status")
	file := filepath.Join(t.TempDir(), "log")
	if GetLoggingLevel() != ErrorLevel {
		t.Errorf("default level %s", GetLoggingLevel())
	}
	SetLogFile("")
	SetLogFile(file)
	SetLogLevel("Warning")
	SetLogLevel("verbose") // refused; the level stays
	if GetLoggingLevel() != WarningLevel {
		t.Errorf("level %s", GetLoggingLevel())
	}
	if _, err := GetInterfaces(); err != nil {
		t.Fatal(err)
	}
	_ = Errorf("an error %d", 1)
	Infof("not logged at warning level")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) < 2 || !strings.Contains(lines[0], " [warning] ") || !strings.Contains(lines[0], "network-status") ||
		!strings.HasSuffix(lines[len(lines)-1], " [error] an error 1") || strings.Contains(string(b), "not logged") {
		t.Errorf("log file:\n%s", b)
	}
	if err := Warningf("w %s", "x"); err == nil || err.Error() != "w x" {
		t.Errorf("Warningf returns %v", err)
	}
	for l, s := range map[Level]string{ErrorLevel: "error", WarningLevel: "warning", InfoLevel: "info", DebugLevel: "debug", MaxLevel: "unknown"} {
		if l.String() != s {
			t.Errorf("%d: %s", l, l.String())
		}
	}
	if AppNetutilVersion != appnetutil.Version() || GitCommit != "" {
		t.Errorf("versions %q %q", AppNetutilVersion, GitCommit)
	}
}

// The calls of the predecessor read the pod the process runs in.
func TestLivePod(t *testing.T) {
	r, err := appnetutil.Collect(appnetutil.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cpu, err := GetCPUInfo()
	if r.CPUs != nil && (err != nil || cpu.CPUSet != r.CPUs.CPUSet) {
		t.Errorf("GetCPUInfo() = %+v, %v; want %s", cpu, err, r.CPUs.CPUSet)
	}
	ifs, err := GetInterfaces()
	if err != nil || len(ifs.Interface) != len(r.Interfaces) {
		t.Errorf("GetInterfaces() = %+v, %v", ifs, err)
	}
}
