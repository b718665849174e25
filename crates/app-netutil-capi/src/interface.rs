//! Interface getters.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use app_netutil::{DeviceType, Interface};

use crate::ffi::{CText, get, item_ptr, opt_ptr, put};

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

/// A string getter.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
unsafe fn text(
    it: *const netutil_interface,
    f: impl FnOnce(&netutil_interface) -> Option<&CString>,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |i| opt_ptr(f(i))) }
}

/// The interface name in the pod ("eth0", "net1"); NULL when unknown (a device known only from a device-plugin variable).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_name(it: *const netutil_interface) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.name.as_ref()) }
}

/// The network: the `name` of network-status (the NetworkAttachmentDefinition, "default/sriov-net-a") or of the userspace CNI; NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_network(it: *const netutil_interface) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.network.as_ref()) }
}

/// Whether this is the pod's default network (false when `it` is NULL).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_is_default(it: *const netutil_interface) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, false, |i| i.default) }
}

/// What kind of device backs the interface (`NETUTIL_DEVICE_UNKNOWN` when
/// `it` is NULL).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_type(
    it: *const netutil_interface,
) -> netutil_device_type {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, netutil_device_type::NETUTIL_DEVICE_UNKNOWN, |i| {
            i.device_type
        })
    }
}

/// The device type as the JSON contract spells it: "host", "pci", "vdpa",
/// "vhost-user", "memif", "auxiliary" or "unknown". NULL when `it` is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_type_str(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |i| i.device_type_str.as_ptr()) }
}

/// The MAC address, lower-case hex octets separated by `:`; NULL when
/// unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_mac(it: *const netutil_interface) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.mac.as_ref()) }
}

/// The InfiniBand GUID from network-status (`infiniband-guid`): 8 octets,
/// or the 20-octet IP-over-InfiniBand address, lower-case hex separated by
/// `:`; NULL when not given.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_infiniband_guid(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.infiniband_guid.as_ref()) }
}

/// The number of addresses, as given (bare or CIDR).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_ip_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.ips.len()) }
}

/// Address `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_ip(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.ips, i)) }
}

/// The MTU in `*mtu`; false (and `*mtu` untouched) when unknown or an
/// argument is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `mtu` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_mtu(
    it: *const netutil_interface,
    mtu: *mut u64,
) -> bool {
    if mtu.is_null() {
        return false;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, false, |i| match i.mtu {
            Some(m) => {
                put(mtu, m);
                true
            }
            None => false,
        })
    }
}

/// The number of gateways.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_gateway_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.gateways.len()) }
}

/// Gateway `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_gateway(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.gateways, i)) }
}

/// The number of routes other than default routes (from the userspace
/// CNI's result; the gateways of default routes are
/// `netutil_interface_gateway()`).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.routes.len()) }
}

/// The destination of route `i`, as given ("10.96.0.0/12"); NULL when out
/// of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_dst(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, ptr::null(), |x| {
            x.routes.get(i).map_or(ptr::null(), |(d, _)| d.as_ptr())
        })
    }
}

/// The next hop of route `i`, as given; NULL when the route has none or `i`
/// is out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_gw(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, ptr::null(), |x| {
            x.routes
                .get(i)
                .map_or(ptr::null(), |(_, g)| opt_ptr(g.as_ref()))
        })
    }
}

/// The number of DNS name servers.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_nameserver_count(
    it: *const netutil_interface,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.nameservers.len()) }
}

/// DNS name server `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_nameserver(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.nameservers, i)) }
}

/// The number of DNS search domains.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_search_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.search.len()) }
}

/// DNS search domain `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_search(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.search, i)) }
}

/// The number of DNS resolver options.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_option_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.dns_options.len()) }
}

/// DNS resolver option `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_option(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.dns_options, i)) }
}

/// The DNS domain; NULL when not given.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_domain(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.dns_domain.as_ref()) }
}

/// The PCI address of the interface's device, for `-a`: from its device-info (pci or vdpa), else its device-plugin id when that is a PCI address; NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci_address.as_ref()) }
}

/// The socket of a vhost-user or memif device, or the character device of a vDPA device, from its device-info; NULL for other types or when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_socket_path(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.socket_path.as_ref()) }
}

/// Whether the interface has a device-info object (NPWG device-info, as
/// given by network-status or userspace CNI, or synthesized from other
/// data).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_has_devinfo(it: *const netutil_interface) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, false, |i| i.has_devinfo) }
}

/// The device-info `type` as given ("pci", "vdpa", "vhost-user", "memif", or an unrecognised type); NULL when the interface has no device-info.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_type(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.devinfo_type.as_ref()) }
}

/// The device-info `version` as given ("1.0.0", "1.1.0"; "1.1.0" when app-netutil synthesized the device-info from other data); NULL when there is no device-info or it has no version.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_version(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.devinfo_version.as_ref()) }
}

/// Device-info `pci.pci-address`, normalised ("0000:3b:02.4"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci.pci_address.as_ref()) }
}

/// Device-info `pci.vhost-net` ("/dev/vhost-net"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_vhost_net(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci.vhost_net.as_ref()) }
}

/// Device-info `pci.rdma-device` ("mlx5_2", comma-separated when several); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_rdma_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci.rdma_device.as_ref()) }
}

/// Device-info `pci.pf-pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_pf_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci.pf_pci_address.as_ref()) }
}

/// Device-info `pci.representor-device` (spec 1.1.0); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_pci_representor_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pci.representor_device.as_ref()) }
}

/// Device-info `vdpa.parent-device` ("vdpa3"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_parent_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.parent_device.as_ref()) }
}

/// Device-info `vdpa.driver` ("vhost" or "virtio"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_driver(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.driver.as_ref()) }
}

/// Device-info `vdpa.path` ("/dev/vhost-vdpa-0"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_path(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.path.as_ref()) }
}

/// Device-info `vdpa.pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.pci_address.as_ref()) }
}

/// Device-info `vdpa.pf-pci-address`, normalised; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_pf_pci_address(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.pf_pci_address.as_ref()) }
}

/// Device-info `vdpa.representor-device` (spec 1.1.0); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vdpa_representor_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vdpa.representor_device.as_ref()) }
}

/// Device-info `vhost-user.mode`: "client" (the host creates the socket) or "server" (the pod's application does); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_mode(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vhost_user.mode.as_ref()) }
}

/// Device-info `vhost-user.path`, the socket in the container; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_path(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vhost_user.path.as_ref()) }
}

/// Device-info `vhost-user.group`, the group owning the socket (userspace
/// CNI `vhost.group`; not a key of the device-info spec); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_vhost_user_group(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.vhost_user.group.as_ref()) }
}

/// Device-info `memif.role`: "master" (the pod's application creates the socket) or "slave" (the host does); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_role(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.memif.role.as_ref()) }
}

/// Device-info `memif.mode`: "ethernet", "ip", "inject-punt" (or "punt"); NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_mode(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.memif.mode.as_ref()) }
}

/// Device-info `memif.path`, the socket in the container; NULL when absent.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_devinfo_memif_path(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.memif.path.as_ref()) }
}

/// The id a device plugin gave this device: a normalised PCI address, or an auxiliary device name ("mlx5_core.sf.4"); NULL when no device plugin listed it.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_id(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.device_id.as_ref()) }
}

/// The device-plugin variable that listed the device ("PCIDEVICE_INTEL_COM_SRIOV_NET_A"); NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_resource_env(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.resource_env.as_ref()) }
}

/// This device's entry in the matching `PCIDEVICE_*_INFO` variable, as compact JSON text (provider -> key -> value: `{"generic":{"deviceID":"0000:3b:02.4"},"vfio":{...}}`); NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_plugin_info(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.device_plugin_info.as_ref()) }
}

/// Whether the pod's sysfs showed the interface's PCI device (the
/// `pci-device` object of the JSON); the `netutil_interface_pcidev_*`
/// getters read it.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_has_pcidev(it: *const netutil_interface) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, false, |i| i.pcidev.present) }
}

/// sysfs: the PCI device's NUMA node in `*node`; false (and `*node`
/// untouched) when unknown (the kernel's -1), when there is no pci-device,
/// or an argument is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `node` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_numa_node(
    it: *const netutil_interface,
    node: *mut u32,
) -> bool {
    if node.is_null() {
        return false;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, false, |i| match i.pcidev.numa_node {
            Some(n) => {
                put(node, n);
                true
            }
            None => false,
        })
    }
}

/// sysfs: the driver bound to the PCI device ("vfio-pci", "iavf", "mlx5_core"); NULL when unknown or there is no pci-device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_driver(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pcidev.driver.as_ref()) }
}

/// sysfs: the PCI device's IOMMU group in `*group`; false (and `*group`
/// untouched) when unknown, when there is no pci-device, or an argument is
/// NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `group` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_iommu_group(
    it: *const netutil_interface,
    group: *mut u32,
) -> bool {
    if group.is_null() {
        return false;
    }
    // SAFETY: forwarded caller contract.
    unsafe {
        get(it, false, |i| match i.pcidev.iommu_group {
            Some(g) => {
                put(group, g);
                true
            }
            None => false,
        })
    }
}

/// sysfs: the VFIO group device in the container ("/dev/vfio/169", "/dev/vfio/noiommu-0") when it exists; NULL otherwise.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_vfio_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pcidev.vfio_device.as_ref()) }
}

/// The number of kernel network interfaces of the PCI device (sysfs; 0 when there is no pci-device).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_netdev_count(
    it: *const netutil_interface,
) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.pcidev.netdevs.len()) }
}

/// Kernel network interface `i` of the PCI device; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_netdev(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.pcidev.netdevs, i)) }
}

/// sysfs: the PCI vendor id ("0x8086"); NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_vendor(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pcidev.vendor.as_ref()) }
}

/// sysfs: the PCI device id ("0x154c"); NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_device(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pcidev.device.as_ref()) }
}

/// sysfs: the PF's PCI address, for a VF; NULL otherwise.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_pcidev_physfn(
    it: *const netutil_interface,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { text(it, |i| i.pcidev.physfn.as_ref()) }
}

/// The number of ways this entry was found ("network-status", "networks-status", "userspace-cni", "device-plugin-env", "sysfs", "positional"), in the order the steps happened.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_source_count(it: *const netutil_interface) -> usize {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, 0, |i| i.sources.len()) }
}

/// Source `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_source(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    unsafe { get(it, ptr::null(), |x| item_ptr(&x.sources, i)) }
}
