//! The interfaces of a report: the C view of each, made once when the
//! report is collected; its getters are in the submodules (the header
//! declares them in the order of these modules).

use std::ffi::{CStr, CString};

use app_netutil::{DeviceType, Interface};

use crate::ffi::CText;

mod network;

mod devinfo;

mod pcidev;

pub use devinfo::*;
pub use network::*;
pub use pcidev::*;

/// What kind of device backs an interface. The numbers never change; new
/// kinds may be added, so treat an unknown value like
/// `NETUTIL_DEVICE_UNKNOWN`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum netutil_device_type {
    /// A kernel interface with no device of its own ("host").
    NETUTIL_DEVICE_HOST = 0,
    /// A PCI device, an SR-IOV VF or PF ("pci").
    NETUTIL_DEVICE_PCI = 1,
    /// A vDPA device ("vdpa").
    NETUTIL_DEVICE_VDPA = 2,
    /// A vhost-user socket ("vhost-user").
    NETUTIL_DEVICE_VHOST_USER = 3,
    /// A memif socket ("memif").
    NETUTIL_DEVICE_MEMIF = 4,
    /// An auxiliary-bus device, a sub-function ("auxiliary").
    NETUTIL_DEVICE_AUXILIARY = 5,
    /// A device-info type this library does not know ("unknown"; the type
    /// as given is `netutil_interface_devinfo_type()`).
    NETUTIL_DEVICE_UNKNOWN = 6,
}

/// The payload fields of one device-info type.
#[derive(Debug, Default)]
struct PciFields {
    pci_address: Option<CString>,
    vhost_net: Option<CString>,
    rdma_device: Option<CString>,
    pf_pci_address: Option<CString>,
    representor_device: Option<CString>,
}

#[derive(Debug, Default)]
struct VdpaFields {
    parent_device: Option<CString>,
    driver: Option<CString>,
    path: Option<CString>,
    pci_address: Option<CString>,
    pf_pci_address: Option<CString>,
    representor_device: Option<CString>,
}

#[derive(Debug, Default)]
struct VhostUserFields {
    mode: Option<CString>,
    path: Option<CString>,
    group: Option<CString>,
}

#[derive(Debug, Default)]
struct MemifFields {
    role: Option<CString>,
    mode: Option<CString>,
    path: Option<CString>,
}

#[derive(Debug, Default)]
struct PciDevFields {
    present: bool,
    numa_node: Option<u32>,
    driver: Option<CString>,
    iommu_group: Option<u32>,
    vfio_device: Option<CString>,
    netdevs: Vec<CString>,
    vendor: Option<CString>,
    device: Option<CString>,
    physfn: Option<CString>,
}

/// One network interface or device of the pod, borrowed from its report.
#[derive(Debug)]
pub struct netutil_interface {
    name: Option<CString>,
    network: Option<CString>,
    default: bool,
    device_type: netutil_device_type,
    device_type_str: CString,
    mac: Option<CString>,
    infiniband_guid: Option<CString>,
    ips: Vec<CString>,
    mtu: Option<u64>,
    gateways: Vec<CString>,
    routes: Vec<(CString, Option<CString>)>,
    nameservers: Vec<CString>,
    search: Vec<CString>,
    dns_options: Vec<CString>,
    dns_domain: Option<CString>,
    has_devinfo: bool,
    devinfo_type: Option<CString>,
    devinfo_version: Option<CString>,
    pci: PciFields,
    vdpa: VdpaFields,
    vhost_user: VhostUserFields,
    memif: MemifFields,
    pci_address: Option<CString>,
    socket_path: Option<CString>,
    device_id: Option<CString>,
    resource_env: Option<CString>,
    device_plugin_info: Option<CString>,
    pcidev: PciDevFields,
    sources: Vec<CString>,
    dra: Option<crate::dra::DraFields>,
}

fn device_type(t: DeviceType) -> netutil_device_type {
    use netutil_device_type as D;
    match t {
        DeviceType::Host => D::NETUTIL_DEVICE_HOST,
        DeviceType::Pci => D::NETUTIL_DEVICE_PCI,
        DeviceType::Vdpa => D::NETUTIL_DEVICE_VDPA,
        DeviceType::VhostUser => D::NETUTIL_DEVICE_VHOST_USER,
        DeviceType::Memif => D::NETUTIL_DEVICE_MEMIF,
        DeviceType::Auxiliary => D::NETUTIL_DEVICE_AUXILIARY,
        _ => D::NETUTIL_DEVICE_UNKNOWN,
    }
}

impl netutil_interface {
    /// Precomputes the C strings of interface number `n` of a report.
    pub(crate) fn new(it: &Interface, n: usize, t: &mut CText) -> Self {
        let at = |field: &str| format!("interfaces[{n}].{field}");
        let info = it.device_info.as_ref();
        let pci = info.and_then(|d| d.pci.as_ref());
        let vdpa = info.and_then(|d| d.vdpa.as_ref());
        let vu = info.and_then(|d| d.vhost_user.as_ref());
        let memif = info.and_then(|d| d.memif.as_ref());
        let pcidev = it.pci_device.as_ref();
        // In the order of the contract's keys, so that the warnings about
        // repaired strings come in that order too.
        let opt = |t: &mut CText, s: Option<&String>, field: &str| {
            t.opt(s.map(String::as_str), || at(field))
        };
        let list = |t: &mut CText, v: &[String], field: &str| t.list(v, &at(field));
        let name = opt(t, it.interface.as_ref(), "interface");
        let network = opt(t, it.network.as_ref(), "network");
        let mac = opt(t, it.mac.as_ref(), "mac");
        let infiniband_guid = opt(t, it.infiniband_guid.as_ref(), "infiniband-guid");
        let ips = list(t, &it.ips, "ips");
        let gateways = list(t, &it.gateway, "gateway");
        let mut routes = Vec::with_capacity(it.routes.len());
        for (k, r) in it.routes.iter().enumerate() {
            let dst = t.s(&r.dst, || at(&format!("routes[{k}].dst")));
            let gw = t.opt(r.gw.as_deref(), || at(&format!("routes[{k}].gw")));
            routes.push((dst, gw));
        }
        let nameservers = list(t, &it.dns.nameservers, "dns.nameservers");
        let search = list(t, &it.dns.search, "dns.search");
        let dns_options = list(t, &it.dns.options, "dns.options");
        let dns_domain = opt(t, it.dns.domain.as_ref(), "dns.domain");
        let devinfo_type = opt(t, info.map(|d| &d.kind), "device-info.type");
        let devinfo_version = opt(
            t,
            info.and_then(|d| d.version.as_ref()),
            "device-info.version",
        );
        let pci = PciFields {
            pci_address: opt(
                t,
                pci.and_then(|p| p.pci_address.as_ref()),
                "device-info.pci.pci-address",
            ),
            vhost_net: opt(
                t,
                pci.and_then(|p| p.vhost_net.as_ref()),
                "device-info.pci.vhost-net",
            ),
            rdma_device: opt(
                t,
                pci.and_then(|p| p.rdma_device.as_ref()),
                "device-info.pci.rdma-device",
            ),
            pf_pci_address: opt(
                t,
                pci.and_then(|p| p.pf_pci_address.as_ref()),
                "device-info.pci.pf-pci-address",
            ),
            representor_device: opt(
                t,
                pci.and_then(|p| p.representor_device.as_ref()),
                "device-info.pci.representor-device",
            ),
        };
        let vdpa = VdpaFields {
            parent_device: opt(
                t,
                vdpa.and_then(|p| p.parent_device.as_ref()),
                "device-info.vdpa.parent-device",
            ),
            driver: opt(
                t,
                vdpa.and_then(|p| p.driver.as_ref()),
                "device-info.vdpa.driver",
            ),
            path: opt(
                t,
                vdpa.and_then(|p| p.path.as_ref()),
                "device-info.vdpa.path",
            ),
            pci_address: opt(
                t,
                vdpa.and_then(|p| p.pci_address.as_ref()),
                "device-info.vdpa.pci-address",
            ),
            pf_pci_address: opt(
                t,
                vdpa.and_then(|p| p.pf_pci_address.as_ref()),
                "device-info.vdpa.pf-pci-address",
            ),
            representor_device: opt(
                t,
                vdpa.and_then(|p| p.representor_device.as_ref()),
                "device-info.vdpa.representor-device",
            ),
        };
        let vhost_user = VhostUserFields {
            mode: opt(
                t,
                vu.and_then(|p| p.mode.as_ref()),
                "device-info.vhost-user.mode",
            ),
            path: opt(
                t,
                vu.and_then(|p| p.path.as_ref()),
                "device-info.vhost-user.path",
            ),
            group: opt(
                t,
                vu.and_then(|p| p.group.as_ref()),
                "device-info.vhost-user.group",
            ),
        };
        let memif = MemifFields {
            role: opt(
                t,
                memif.and_then(|p| p.role.as_ref()),
                "device-info.memif.role",
            ),
            mode: opt(
                t,
                memif.and_then(|p| p.mode.as_ref()),
                "device-info.memif.mode",
            ),
            path: opt(
                t,
                memif.and_then(|p| p.path.as_ref()),
                "device-info.memif.path",
            ),
        };
        let device_id = opt(t, it.device_id.as_ref(), "device-id");
        let resource_env = opt(t, it.resource_env.as_ref(), "resource-env");
        let driver = opt(
            t,
            pcidev.and_then(|p| p.driver.as_ref()),
            "pci-device.driver",
        );
        let vfio_device = opt(
            t,
            pcidev.and_then(|p| p.vfio_device.as_ref()),
            "pci-device.vfio-device",
        );
        let netdevs = pcidev.map_or_else(Vec::new, |p| list(t, &p.netdevs, "pci-device.netdevs"));
        let vendor = opt(
            t,
            pcidev.and_then(|p| p.vendor.as_ref()),
            "pci-device.vendor",
        );
        let device = opt(
            t,
            pcidev.and_then(|p| p.device.as_ref()),
            "pci-device.device",
        );
        let physfn = opt(
            t,
            pcidev.and_then(|p| p.physfn.as_ref()),
            "pci-device.physfn",
        );
        // The convenience values repeat fields above: no second warning.
        let quiet = |s: Option<&str>| s.map(crate::ffi::cstring_lossy);
        let pcidev = PciDevFields {
            present: pcidev.is_some(),
            numa_node: pcidev.and_then(|p| p.numa_node),
            driver,
            iommu_group: pcidev.and_then(|p| p.iommu_group),
            vfio_device,
            netdevs,
            vendor,
            device,
            physfn,
        };
        Self {
            name,
            network,
            default: it.default,
            device_type: device_type(it.device_type),
            device_type_str: CString::new(it.device_type.as_str()).unwrap_or_default(),
            mac,
            infiniband_guid,
            ips,
            mtu: it.mtu,
            gateways,
            routes,
            nameservers,
            search,
            dns_options,
            dns_domain,
            has_devinfo: info.is_some(),
            devinfo_type,
            devinfo_version,
            pci,
            vdpa,
            vhost_user,
            memif,
            pci_address: quiet(it.pci_address()),
            socket_path: quiet(it.socket_path()),
            device_id,
            resource_env,
            // serde_json escapes NUL, so this never loses anything.
            device_plugin_info: it
                .device_plugin_info
                .as_ref()
                .map(|m| crate::ffi::cstring_lossy(&m.to_json())),
            pcidev,
            sources: it
                .sources
                .iter()
                .map(|s| CString::new(s.as_str()).unwrap_or_default())
                .collect(),
            dra: it.dra.as_ref().map(|d| crate::dra::DraFields::new(d, n, t)),
        }
    }

    pub(crate) fn dra(&self) -> Option<&crate::dra::DraFields> {
        self.dra.as_ref()
    }

    pub(crate) fn name_cstr(&self) -> Option<&CStr> {
        self.name.as_deref()
    }
}
