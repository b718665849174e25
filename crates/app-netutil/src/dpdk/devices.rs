//! Which interfaces are used, and their `-a` / `--vdev` arguments.

use std::collections::BTreeSet;

use super::version::{DpdkVersion, Spelling};
use super::{DpdkError, DpdkOptions, Given};
use crate::report::{DeviceId, PciAddress};
use crate::report::{DeviceType, Interface, Report};
use crate::report::{MAX_NUMA_NODES, MAX_WARNINGS_PER_SOURCE};

/// Drivers through which DPDK drives a PCI device: the VFIO and UIO
/// drivers, and the bifurcated NVIDIA/Mellanox drivers, whose DPDK PMDs
/// work alongside the kernel driver.
const DPDK_DRIVERS: &[&str] = &[
    "vfio-pci",
    "uio_pci_generic",
    "igb_uio",
    "mlx5_core",
    "mlx4_core",
];

/// The longest UNIX socket path (`sizeof(sun_path) - 1`).
const MAX_SOCKET_PATH: usize = 107;

/// The first character of `value` that DPDK's devargs parser (`rte_kvargs`)
/// would read as syntax — `,` ends a pair, `=` splits one, `[` ... `]` is a
/// list that swallows the pairs after it — or that no argument should
/// carry: a control character (a newline, NUL). A value taken from the pod
/// with such a character is left out, never passed.
pub(crate) fn devarg_problem(value: &str) -> Option<char> {
    value
        .chars()
        .find(|&c| matches!(c, ',' | '=' | '[' | ']') || c.is_control())
}

/// The first control character of a path given as an argument of its own
/// (`--huge-dir`): a newline would split it in shell output, a NUL in every
/// output.
pub(crate) fn path_problem(value: &str) -> Option<char> {
    value.chars().find(|c| c.is_control())
}

/// A character in words, for warnings.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ',' => "a comma".to_owned(),
        '=' => "'='".to_owned(),
        '[' | ']' => format!("'{c}'"),
        '\0' => "a NUL byte".to_owned(),
        '\n' => "a newline".to_owned(),
        c => format!("the control character U+{:04X}", u32::from(c)),
    }
}

/// The device part of the EAL arguments.
#[derive(Debug, Default)]
pub(super) struct DevicePlan {
    /// `-a`, `--vdev` and `--no-pci` arguments.
    pub(super) args: Vec<String>,
    /// NUMA nodes of the used devices that report one.
    pub(super) numa_nodes: BTreeSet<u32>,
    /// A vhost-user socket is used (virtio-user needs
    /// `--single-file-segments`).
    pub(super) vhost_user: bool,
}

struct Chosen<'a> {
    iface: &'a Interface,
    explicit: bool,
    devargs: Vec<&'a str>,
}

/// How messages name an interface.
pub(super) fn label(iface: &Interface) -> String {
    match (&iface.interface, &iface.network) {
        (Some(name), Some(net)) => format!("{name} ({net})"),
        (Some(name), None) => name.clone(),
        (None, _) => match (&iface.device_id, &iface.resource_env) {
            (Some(id), Some(env)) => format!("device {id} ({env})"),
            (Some(id), None) => format!("device {id}"),
            (None, _) => iface.network.as_ref().map_or_else(
                || "an unnamed interface".to_owned(),
                |n| format!("network {n}"),
            ),
        },
    }
}

fn network_matches(selector: &str, iface: &Interface) -> bool {
    let Some(net) = iface.network.as_deref() else {
        return false;
    };
    net == selector
        || (!selector.contains('/')
            && net
                .rsplit_once('/')
                .is_some_and(|(_, name)| name == selector))
}

fn interface_matches(selector: &str, iface: &Interface) -> bool {
    iface.interface.as_deref() == Some(selector)
        || iface.device_id.as_deref() == Some(selector)
        || PciAddress::parse(selector).is_some_and(|a| iface.pci_address() == Some(a.as_str()))
}

/// Picks the interfaces to use.
fn select<'a>(
    report: &'a Report,
    opts: &'a DpdkOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Chosen<'a>>, DpdkError> {
    let explicit = !opts.networks.is_empty() || !opts.interfaces.is_empty();
    let mut chosen = Vec::new();
    if explicit {
        for sel in &opts.networks {
            check_selector(report, sel, network_matches, DpdkError::UnknownNetwork)?;
        }
        for sel in &opts.interfaces {
            check_selector(report, sel, interface_matches, DpdkError::UnknownInterface)?;
        }
    }
    for iface in &report.interfaces {
        if explicit {
            let picked = opts.networks.iter().any(|s| network_matches(s, iface))
                || opts.interfaces.iter().any(|s| interface_matches(s, iface));
            if !picked || iface.device_type == DeviceType::Host {
                continue;
            }
        } else if iface.device_type == DeviceType::Host {
            continue;
        }
        chosen.push(Chosen {
            iface,
            explicit,
            devargs: Vec::new(),
        });
    }
    for (target, args) in &opts.devargs {
        let mut used = false;
        for c in &mut chosen {
            if interface_matches(target, c.iface) || network_matches(target, c.iface) {
                c.devargs.push(args.trim_matches(','));
                used = true;
            }
        }
        if !used {
            return Err(DpdkError::UnknownDevargsTarget(target.clone()));
        }
    }
    if chosen.is_empty() {
        warnings.push(
            "the pod has no device for DPDK (no SR-IOV, vDPA, sub-function, vhost-user or memif interface): no device arguments".to_owned(),
        );
    }
    Ok(chosen)
}

/// A selector must match an interface, and not only kernel interfaces.
fn check_selector(
    report: &Report,
    selector: &str,
    matches: fn(&str, &Interface) -> bool,
    unknown: fn(String) -> DpdkError,
) -> Result<(), DpdkError> {
    let mut any = false;
    let mut device = false;
    for iface in report.interfaces.iter().filter(|i| matches(selector, i)) {
        any = true;
        device |= iface.device_type != DeviceType::Host;
    }
    match (any, device) {
        (false, _) => Err(unknown(selector.to_owned())),
        (true, false) => Err(DpdkError::NoDevice(selector.to_owned())),
        (true, true) => Ok(()),
    }
}

/// Builds the device arguments.
pub(super) fn plan(
    report: &Report,
    opts: &DpdkOptions,
    sp: Spelling,
    given: &Given<'_>,
    warnings: &mut Vec<String>,
) -> Result<DevicePlan, DpdkError> {
    let chosen = select(report, opts, warnings)?;
    let mut plan = DevicePlan::default();
    let mut pci_seen: BTreeSet<String> = BTreeSet::new();
    let mut virtio_user = 0u32;
    let mut memif = 0u32;
    let mut has_pci = false;
    let mut unknown_numa = Vec::new();
    for c in &chosen {
        let iface = c.iface;
        let name = label(iface);
        let node = iface.pci_device.as_ref().and_then(|p| p.numa_node);
        if let Some(n) = node.filter(|&n| n >= MAX_NUMA_NODES) {
            // Only a saved report can hold one (collection refuses them).
            warnings.push(format!(
                "{name}: NUMA node {n} is beyond the {MAX_NUMA_NODES} nodes a kernel can have; taken as unknown"
            ));
        }
        // Sysfs first; a DRA driver's NUMA attribute when sysfs has none.
        let node = node
            .filter(|&n| n < MAX_NUMA_NODES)
            .or_else(|| iface.dra.as_ref().and_then(crate::report::Dra::numa_node));
        match iface.device_type {
            DeviceType::Pci => {
                let Some(raw) = iface.pci_address() else {
                    warnings.push(format!("{name}: PCI device without an address; left out"));
                    continue;
                };
                // A collected report holds normalised addresses; a saved
                // one may hold anything.
                let Some(addr) = PciAddress::parse(raw) else {
                    warnings.push(format!(
                        "{name}: PCI address {raw:?} is not a PCI address; left out"
                    ));
                    continue;
                };
                let addr = addr.as_str();
                if !pci_driver_ok(iface, &name, c.explicit, warnings) {
                    continue;
                }
                if !pci_seen.insert(addr.to_owned()) {
                    continue;
                }
                plan.args.push(sp.allow.to_owned());
                plan.args.push(with_devargs(addr.to_owned(), &c.devargs));
                has_pci = true;
                note_node(node, &name, &mut plan.numa_nodes, &mut unknown_numa);
            }
            DeviceType::Auxiliary => {
                let Some(id) = iface.device_id.as_deref() else {
                    warnings.push(format!("{name}: auxiliary device without an id; left out"));
                    continue;
                };
                if !matches!(DeviceId::parse(id), Some(DeviceId::Auxiliary(_))) {
                    warnings.push(format!(
                        "{name}: device id {id:?} is not an auxiliary device name; left out"
                    ));
                    continue;
                }
                if sp.older_than(DpdkVersion::V21_08) {
                    warnings.push(format!(
                        "{name}: DPDK's auxiliary bus (for sub-functions) exists since 21.08; the target release cannot use it"
                    ));
                }
                plan.args.push(sp.allow.to_owned());
                plan.args
                    .push(with_devargs(format!("auxiliary:{id}"), &c.devargs));
                note_node(node, &name, &mut plan.numa_nodes, &mut unknown_numa);
            }
            DeviceType::Vdpa => {
                let Some(path) = vdpa_path(iface, &name, warnings) else {
                    continue;
                };
                if sp.older_than(DpdkVersion::V20_11) {
                    warnings.push(format!(
                        "{name}: virtio-user drives vhost-vDPA devices since DPDK 20.11; the target release cannot"
                    ));
                }
                let mut vdev = format!("virtio_user{virtio_user},path={path}");
                virtio_user += 1;
                push_mac(&mut vdev, iface, &name, warnings);
                plan.args
                    .push(format!("--vdev={}", with_devargs(vdev, &c.devargs)));
                if let Some(n) = node.filter(|&n| n < MAX_NUMA_NODES) {
                    plan.numa_nodes.insert(n);
                }
            }
            DeviceType::VhostUser => {
                let Some(info) = iface
                    .device_info
                    .as_ref()
                    .and_then(|d| d.vhost_user.as_ref())
                else {
                    warnings.push(format!(
                        "{name}: vhost-user device without details; left out"
                    ));
                    continue;
                };
                let Some(path) = socket_path(info.path.as_deref(), &name, warnings) else {
                    continue;
                };
                let server = match info.mode.as_deref() {
                    Some("server") => true,
                    Some("client") => false,
                    None => {
                        warnings.push(format!(
                            "{name}: vhost-user mode not given; assuming client (the host side creates the socket)"
                        ));
                        false
                    }
                    Some(other) => {
                        warnings.push(format!(
                            "{name}: vhost-user mode {other:?} is neither client nor server; left out"
                        ));
                        continue;
                    }
                };
                let mut vdev = format!("virtio_user{virtio_user},path={path}");
                virtio_user += 1;
                if server {
                    vdev.push_str(",server=1");
                }
                push_mac(&mut vdev, iface, &name, warnings);
                plan.args
                    .push(format!("--vdev={}", with_devargs(vdev, &c.devargs)));
                plan.vhost_user = true;
            }
            DeviceType::Memif => {
                let Some(vdev) = memif_vdev(iface, &name, memif, sp, warnings) else {
                    continue;
                };
                memif += 1;
                plan.args
                    .push(format!("--vdev={}", with_devargs(vdev, &c.devargs)));
            }
            DeviceType::Unknown => {
                let kind = iface
                    .device_info
                    .as_ref()
                    .map_or("unknown", |d| d.kind.as_str());
                warnings.push(format!(
                    "{name}: device-info type {kind:?} is not one DPDK arguments can be built for; left out"
                ));
            }
            // Host interfaces were never chosen; future device types are
            // not known here.
            _ => {
                warnings.push(format!(
                    "{name}: device type {} is not supported; left out",
                    iface.device_type.as_str()
                ));
            }
        }
    }
    if !plan.numa_nodes.is_empty() {
        // One warning per device, each about one subject; as with the
        // report's warnings, at most MAX_WARNINGS_PER_SOURCE are listed.
        let nodes = join_nodes(&plan.numa_nodes);
        for name in unknown_numa.iter().take(MAX_WARNINGS_PER_SOURCE) {
            warnings.push(format!(
                "{name}: NUMA node unknown; memory and lcores follow the other devices (node {nodes})"
            ));
        }
        let more = unknown_numa.len().saturating_sub(MAX_WARNINGS_PER_SOURCE);
        if more > 0 {
            let s = if more == 1 { "" } else { "s" };
            warnings.push(format!(
                "NUMA node unknown: {more} more device{s} not listed; memory and lcores follow the other devices (node {nodes})"
            ));
        }
    }
    if plan.numa_nodes.len() > 1 {
        warnings.push(format!(
            "the devices are on NUMA nodes {}: hugepage memory is split evenly over them, and each port is best polled by an lcore of its own node",
            join_nodes(&plan.numa_nodes)
        ));
    }
    if !has_pci
        && !given.has(
            &[
                "--no-pci",
                "--allow",
                "--pci-whitelist",
                "--block",
                "--pci-blacklist",
            ],
            &['a', 'w', 'b'],
        )
    {
        plan.args.push("--no-pci".to_owned());
    }
    Ok(plan)
}

fn note_node(node: Option<u32>, name: &str, nodes: &mut BTreeSet<u32>, unknown: &mut Vec<String>) {
    match node {
        Some(n) => {
            nodes.insert(n);
        }
        None => unknown.push(name.to_owned()),
    }
}

/// `0,1` or `0 and 1` style list of nodes for messages.
pub(super) fn join_nodes(nodes: &BTreeSet<u32>) -> String {
    let v: Vec<String> = nodes.iter().map(u32::to_string).collect();
    v.join(", ")
}

/// Whether a PCI device's driver lets DPDK use it; warns otherwise.
fn pci_driver_ok(
    iface: &Interface,
    name: &str,
    explicit: bool,
    warnings: &mut Vec<String>,
) -> bool {
    let Some(driver) = iface.pci_device.as_ref().and_then(|p| p.driver.as_deref()) else {
        return true;
    };
    if DPDK_DRIVERS.contains(&driver) {
        return true;
    }
    if explicit {
        warnings.push(format!(
            "{name}: bound to the kernel driver {driver}, which DPDK cannot drive; used because it was selected"
        ));
        true
    } else {
        warnings.push(format!(
            "{name}: bound to the kernel driver {driver}, not a DPDK-capable one (vfio-pci, uio_pci_generic, igb_uio, mlx5_core); left out (select it to use it anyway)"
        ));
        false
    }
}

fn vdpa_path<'a>(iface: &'a Interface, name: &str, warnings: &mut Vec<String>) -> Option<&'a str> {
    let Some(info) = iface.device_info.as_ref().and_then(|d| d.vdpa.as_ref()) else {
        warnings.push(format!("{name}: vDPA device without details; left out"));
        return None;
    };
    match info.driver.as_deref() {
        Some("vhost") | None => {}
        Some(driver) => {
            warnings.push(format!(
                "{name}: vDPA device bound to the {driver} driver (a kernel netdev), not vhost; DPDK cannot attach it with virtio-user; left out"
            ));
            return None;
        }
    }
    let Some(path) = info.path.as_deref().filter(|p| !p.is_empty()) else {
        warnings.push(format!(
            "{name}: vDPA device without a character device path; left out"
        ));
        return None;
    };
    if !path.starts_with('/') {
        warnings.push(format!(
            "{name}: character device path {path:?} is not absolute; left out"
        ));
        return None;
    }
    if let Some(c) = devarg_problem(path) {
        warnings.push(format!(
            "{name}: path {path:?} contains {}, which devargs cannot carry; left out",
            describe_char(c)
        ));
        return None;
    }
    Some(path)
}

fn socket_path<'a>(
    path: Option<&'a str>,
    name: &str,
    warnings: &mut Vec<String>,
) -> Option<&'a str> {
    let Some(path) = path.filter(|p| !p.is_empty()) else {
        warnings.push(format!("{name}: no socket path; left out"));
        return None;
    };
    // Relative to what? Not to this process's working directory: the report
    // resolves what it can, the rest is left out.
    if !path.starts_with('/') {
        warnings.push(format!(
            "{name}: socket path {path:?} is relative; left out"
        ));
        return None;
    }
    if let Some(c) = devarg_problem(path) {
        warnings.push(format!(
            "{name}: socket path {path:?} contains {}, which devargs cannot carry; left out",
            describe_char(c)
        ));
        return None;
    }
    if path.len() > MAX_SOCKET_PATH {
        warnings.push(format!(
            "{name}: socket path is {} bytes long; UNIX sockets allow {MAX_SOCKET_PATH}, so the driver will fail to open it",
            path.len()
        ));
    }
    Some(path)
}

fn memif_vdev(
    iface: &Interface,
    name: &str,
    index: u32,
    sp: Spelling,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let Some(info) = iface.device_info.as_ref().and_then(|d| d.memif.as_ref()) else {
        warnings.push(format!("{name}: memif device without details; left out"));
        return None;
    };
    match info.mode.as_deref() {
        None | Some("ethernet") => {}
        Some(mode @ ("ip" | "inject-punt" | "punt")) => {
            warnings.push(format!(
                "{name}: memif mode {mode} is not supported by DPDK's memif driver (Ethernet only); left out"
            ));
            return None;
        }
        Some(mode) => {
            warnings.push(format!("{name}: unknown memif mode {mode:?}; left out"));
            return None;
        }
    }
    // The pod's role: master creates the socket (DPDK server).
    let server = match info.role.as_deref() {
        Some("master") => true,
        Some("slave") => false,
        None => {
            warnings.push(format!(
                "{name}: memif role not given; assuming slave (DPDK client: the other side creates the socket)"
            ));
            false
        }
        Some(role) => {
            warnings.push(format!(
                "{name}: memif role {role:?} is neither master nor slave; left out"
            ));
            return None;
        }
    };
    let path = socket_path(info.path.as_deref(), name, warnings)?;
    let role = match (server, sp.memif_new_roles) {
        (true, true) => "server",
        (false, true) => "client",
        (true, false) => "master",
        (false, false) => "slave",
    };
    let mut vdev = format!("net_memif{index},socket={path},role={role}");
    if sp.memif_socket_abstract {
        vdev.push_str(",socket-abstract=no");
    }
    push_mac(&mut vdev, iface, name, warnings);
    Some(vdev)
}

/// Adds `,mac=<mac>` when the interface's MAC is known and well-formed, in
/// the report's canonical form (a saved report may hold any text).
fn push_mac(vdev: &mut String, iface: &Interface, name: &str, warnings: &mut Vec<String>) {
    let Some(raw) = iface.mac.as_deref().filter(|m| !m.trim().is_empty()) else {
        return;
    };
    if let Some(mac) = crate::parse::hwaddr::mac(raw) {
        vdev.push_str(",mac=");
        vdev.push_str(&mac);
    } else {
        warnings.push(format!(
            "{name}: MAC {:?} is not an Ethernet address; not passed",
            raw.trim()
        ));
    }
}

fn with_devargs(mut base: String, devargs: &[&str]) -> String {
    for d in devargs {
        base.push(',');
        base.push_str(d);
    }
    base
}
