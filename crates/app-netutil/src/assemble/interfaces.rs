//! Assembling the interface list and matching devices to interfaces
//! (contract "Order and matching rules" 1-8).

use std::collections::{BTreeMap, HashMap};

use crate::parse::devplugin::ResourceVar;
use crate::parse::netstatus::NetworkStatusEntry;
use crate::parse::userspace::{self, UserspaceInterface};
use crate::report::DeviceInfo;
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{DeviceId, PciAddress};
use crate::report::{DeviceType, Interface, Source};
use crate::source::sysfs::Backing;

/// The inputs of the interface list.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    pub(crate) network_status: Vec<NetworkStatusEntry>,
    pub(crate) network_status_source: Option<Source>,
    pub(crate) userspace: Vec<UserspaceInterface>,
    pub(crate) resources: Vec<ResourceVar>,
}

struct Pending<'a> {
    var: &'a ResourceVar,
    id: &'a DeviceId,
}

/// Builds the interface list. `backing` answers rule 3 for a named
/// interface.
pub(crate) fn build(
    inputs: Inputs,
    backing: &mut dyn FnMut(&str) -> Backing,
    warnings: &mut Warnings,
) -> Vec<Interface> {
    let Inputs {
        network_status,
        network_status_source,
        userspace,
        resources,
    } = inputs;
    let source = network_status_source.unwrap_or(Source::NetworkStatus);
    // Rule 5 for a status that marks no entry default: its first entry is
    // still the cluster network (Multus attaches it first), so it never
    // receives a device by guess.
    let guard_first = !network_status.is_empty() && !network_status.iter().any(|e| e.default);
    // Warnings about the network-status entries are about its annotation.
    let status_source = match source {
        Source::NetworksStatus => crate::parse::netstatus::NETWORKS_STATUS_SOURCE,
        _ => crate::parse::netstatus::NETWORK_STATUS_SOURCE,
    };
    // Rule 1: network-status entries first, in annotation order.
    let mut ifs: Vec<Interface> = network_status
        .into_iter()
        .map(|e| Interface {
            interface: e.interface,
            network: e.name,
            default: e.default,
            mac: e.mac,
            infiniband_guid: e.infiniband_guid,
            ips: e.ips,
            mtu: e.mtu,
            gateway: e.gateway,
            dns: e.dns,
            device_info: e.device_info,
            sources: {
                // Room for the usual sources without growing.
                let mut v = Vec::with_capacity(3);
                v.push(source);
                v
            },
            ..Interface::default()
        })
        .collect();
    warn_duplicate_names(&ifs, status_source, warnings);
    merge_userspace(&mut ifs, userspace, warnings);

    let mut pending: Vec<Pending<'_>> = resources
        .iter()
        .flat_map(|var| var.ids.iter().map(move |id| Pending { var, id }))
        .collect();

    // Rule 2: an id equal to a device-info PCI address.
    let mut by_address: BTreeMap<u64, usize> = BTreeMap::new();
    for (index, iface) in ifs.iter().enumerate() {
        let Some(addr) = iface
            .device_info
            .as_ref()
            .and_then(DeviceInfo::pci_address)
            .and_then(PciAddress::parse)
        else {
            continue;
        };
        if let Some(&first) = by_address.get(&addr.key()) {
            // About one thing, the device, though it names two interfaces.
            warnings.about_as(
                WarningCode::Conflict,
                status_source,
                addr.as_str(),
                format!(
                    "interfaces {} and {} both name PCI device {addr} in their device-info",
                    label(&ifs[first]),
                    label(iface)
                ),
            );
        } else {
            by_address.insert(addr.key(), index);
        }
    }
    pending.retain(|p| {
        let DeviceId::Pci(addr) = p.id else {
            return true;
        };
        match by_address.get(&addr.key()) {
            Some(&index) => {
                attach(&mut ifs[index], p.var, p.id, None, status_source, warnings);
                false
            }
            None => true,
        }
    });
    // Each id is listed once (the variables' duplicates were dropped), so
    // a PCI address finds at most one pending device.
    let mut pending_by_address: BTreeMap<u64, usize> = pending
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.id {
            DeviceId::Pci(a) => Some((a.key(), i)),
            DeviceId::Auxiliary(_) => None,
        })
        .collect();
    let mut taken = vec![false; pending.len()];

    // Rule 3: sysfs shows which PCI device backs a kernel interface.
    let mut virtual_ifs = vec![false; ifs.len()];
    for index in 0..ifs.len() {
        let Some(name) = ifs[index].interface.clone() else {
            continue;
        };
        match backing(&name) {
            Backing::Virtual => virtual_ifs[index] = true,
            Backing::Pci(addr) => {
                if ifs[index].device_id.is_some() {
                    continue;
                }
                let di_addr = ifs[index]
                    .device_info
                    .as_ref()
                    .and_then(DeviceInfo::pci_address)
                    .map(str::to_owned);
                if let Some(di_addr) = di_addr {
                    if di_addr != addr.as_str() {
                        warnings.about_as(WarningCode::Conflict,
                            status_source,
                            &name,
                            format!(
                                "interface {name}: device-info names PCI device {di_addr}, but sysfs shows {addr}; the device-info is kept"
                            ),
                        );
                    }
                    continue;
                }
                if let Some(pos) = pending_by_address.remove(&addr.key()) {
                    taken[pos] = true;
                    let p = &pending[pos];
                    attach(
                        &mut ifs[index],
                        p.var,
                        p.id,
                        Some(Source::Sysfs),
                        status_source,
                        warnings,
                    );
                }
            }
            Backing::Unknown | Backing::Other => {}
        }
    }

    // Rules 4 and 5: remaining ids, in order, to non-default interfaces
    // without a usable device-info, never to a virtual kernel interface.
    let mut rest = pending
        .into_iter()
        .zip(taken)
        .filter_map(|(p, taken)| (!taken).then_some(p));
    for index in 0..ifs.len() {
        let iface = &ifs[index];
        // The first entry of a status that marks none default counts as
        // the default.
        let is_default = iface.default || (index == 0 && guard_first);
        let eligible = !is_default
            && iface.device_id.is_none()
            && !virtual_ifs[index]
            && !iface
                .device_info
                .as_ref()
                .is_some_and(DeviceInfo::is_usable);
        if !eligible {
            continue;
        }
        let Some(p) = rest.next() else { break };
        warnings.about(WarningCode::Guessed,
            &format!("environment variable {}", p.var.name),
            format_args!(
                "{}: device {} given to interface {} by position: a guess, since nothing in the pod ties this device to a network",
                p.var.name,
                p.id,
                label(&ifs[index])
            ),
        );
        attach(
            &mut ifs[index],
            p.var,
            p.id,
            Some(Source::Positional),
            status_source,
            warnings,
        );
    }

    // Rule 6: ids left over become interfaces of their own.
    for p in rest {
        let mut iface = Interface::default();
        attach(&mut iface, p.var, p.id, None, status_source, warnings);
        ifs.push(iface);
    }

    // Rule 7: the device type follows the device; interfaces without one
    // are `host`.
    for iface in &mut ifs {
        iface.device_type = device_type(iface);
    }
    ifs
}

pub(crate) fn device_type(iface: &Interface) -> DeviceType {
    match iface.device_info.as_ref().map(|d| d.kind.as_str()) {
        Some("pci") => DeviceType::Pci,
        Some("vdpa") => DeviceType::Vdpa,
        Some("vhost-user") => DeviceType::VhostUser,
        Some("memif") => DeviceType::Memif,
        Some(_) => DeviceType::Unknown,
        None if iface.device_id.is_some() => {
            if iface
                .device_id
                .as_deref()
                .and_then(PciAddress::parse)
                .is_some()
            {
                DeviceType::Pci
            } else {
                DeviceType::Auxiliary
            }
        }
        None => DeviceType::Host,
    }
}

/// Gives a device-plugin id to an interface.
fn attach(
    iface: &mut Interface,
    var: &ResourceVar,
    id: &DeviceId,
    how: Option<Source>,
    status_source: &str,
    warnings: &mut Warnings,
) {
    iface.device_id = Some(id.as_str().to_owned());
    iface.resource_env = Some(var.name.clone());
    iface.device_plugin_info = var.info.get(id.as_str()).cloned();
    iface.sources.push(Source::DevicePluginEnv);
    if let Some(how) = how {
        iface.sources.push(how);
    }
    let DeviceId::Pci(addr) = id else {
        return;
    };
    match &mut iface.device_info {
        None => iface.device_info = Some(DeviceInfo::synthesized_pci(addr)),
        Some(info) if info.pci_address().is_none() => {
            warnings.about(WarningCode::Repaired,
                status_source,
                format_args!(
                    "interface {}: its device-info of type {:?} names no PCI address; completed with {addr} from {}",
                    label_parts(iface.interface.as_deref(), iface.network.as_deref()),
                    info.kind,
                    var.name
                ),
            );
            info.complete_with_address(addr);
        }
        Some(_) => {}
    }
}

/// Userspace CNI data: merged into the network-status entry of the same
/// interface (network-status device-info wins), or appended after the
/// network-status entries (rule 1).
fn merge_userspace(
    ifs: &mut Vec<Interface>,
    userspace: Vec<UserspaceInterface>,
    warnings: &mut Warnings,
) {
    if userspace.is_empty() {
        return;
    }
    let source = userspace::CONFIGURATION_DATA_SOURCE;
    // The first interface of each name, as the list grows.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (index, iface) in ifs.iter().enumerate() {
        if let Some(name) = &iface.interface {
            by_name.entry(name.clone()).or_insert(index);
        }
    }
    for u in userspace {
        let existing = u
            .interface
            .as_deref()
            .and_then(|name| by_name.get(name).copied());
        let Some(index) = existing else {
            if let Some(name) = &u.interface {
                by_name.entry(name.clone()).or_insert(ifs.len());
            }
            ifs.push(Interface {
                interface: u.interface,
                network: u.network,
                mac: u.mac,
                ips: u.ips,
                gateway: u.gateway,
                routes: u.routes,
                dns: u.dns,
                device_info: u.device_info,
                sources: vec![Source::UserspaceCni],
                ..Interface::default()
            });
            continue;
        };
        let iface = &mut ifs[index];
        iface.sources.push(Source::UserspaceCni);
        match (&iface.device_info, &u.device_info) {
            (Some(ns), Some(us)) if ns.is_usable() => {
                if !same_device(ns, us) {
                    warnings.about(WarningCode::Conflict,
                        source,
                        format_args!(
                            "interface {}: userspace CNI data describes a different device ({}) than network-status ({}); the network-status device-info is used",
                            label(iface),
                            describe(us),
                            describe(ns)
                        ),
                    );
                }
            }
            (_, Some(_)) => iface.device_info = u.device_info,
            (_, None) => {}
        }
        if iface.network.is_none() {
            iface.network = u.network;
        }
        if iface.mac.is_none() {
            iface.mac = u.mac;
        }
        if iface.ips.is_empty() {
            iface.ips = u.ips;
        }
        if iface.gateway.is_empty() {
            iface.gateway = u.gateway;
        }
        if iface.routes.is_empty() {
            iface.routes = u.routes;
        }
        if iface.dns.is_empty() {
            iface.dns = u.dns;
        }
    }
}

/// Whether two device-infos describe the same device (versions aside).
fn same_device(a: &DeviceInfo, b: &DeviceInfo) -> bool {
    a.same_device(b)
}

fn describe(d: &DeviceInfo) -> String {
    let detail = match d.kind.as_str() {
        "vhost-user" => d.vhost_user.as_ref().map(|v| {
            format!(
                "mode {} path {}",
                v.mode.as_deref().unwrap_or("?"),
                v.path.as_deref().unwrap_or("?")
            )
        }),
        "memif" => d.memif.as_ref().map(|m| {
            format!(
                "role {} path {}",
                m.role.as_deref().unwrap_or("?"),
                m.path.as_deref().unwrap_or("?")
            )
        }),
        _ => d.pci_address().map(str::to_owned),
    };
    match detail {
        Some(detail) => format!("{} {detail}", d.kind),
        None => d.kind.clone(),
    }
}

fn warn_duplicate_names(ifs: &[Interface], source: &str, warnings: &mut Warnings) {
    let mut seen = BTreeMap::new();
    for iface in ifs {
        if let Some(name) = &iface.interface {
            if seen.insert(name.as_str(), ()).is_some() {
                warnings.about_as(
                    WarningCode::Conflict,
                    source,
                    name,
                    format!("network-status lists interface {name} more than once"),
                );
            }
        }
    }
}

fn label(iface: &Interface) -> String {
    label_parts(iface.interface.as_deref(), iface.network.as_deref())
}

fn label_parts(interface: Option<&str>, network: Option<&str>) -> String {
    match (interface, network) {
        (Some(i), Some(n)) => format!("{i} (network {n})"),
        (Some(i), None) => i.to_owned(),
        (None, Some(n)) => format!("of network {n}"),
        (None, None) => "without a name".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::netstatus::{self, NETWORK_STATUS_KEY};

    fn status(json: &str) -> Vec<NetworkStatusEntry> {
        let mut w = Vec::new();
        let entries = netstatus::parse(json.as_bytes(), NETWORK_STATUS_KEY, &mut w).unwrap();
        assert!(w.is_empty(), "{w:?}");
        entries
    }

    fn resources(env: &[(&str, &str)]) -> Vec<ResourceVar> {
        let mut w = Vec::new();
        let vars = crate::parse::devplugin::parse(env.iter().copied(), &mut w);
        assert!(w.is_empty(), "{w:?}");
        vars
    }

    fn run(
        entries: Vec<NetworkStatusEntry>,
        env: &[(&str, &str)],
    ) -> (Vec<Interface>, Vec<String>) {
        let mut w = Warnings::new();
        let ifs = build(
            Inputs {
                network_status: entries,
                network_status_source: Some(Source::NetworkStatus),
                userspace: Vec::new(),
                resources: resources(env),
            },
            &mut |_| Backing::Unknown,
            &mut w,
        );
        (ifs, w.into_vec())
    }

    #[test]
    fn first_entry_of_a_status_without_default_gets_no_device_by_guess() {
        // The NAD client's own test statuses: no entry says "default".
        let two = r#"[{"name":"cbr0","interface":"eth0","ips":["10.244.1.2"],"mac":"92:79:27:01:7c:ce","mtu":1500,"dns":{}},
                      {"name":"test-net-attach-def-1","interface":"net1","ips":["1.1.1.1"],"mac":"ea:0e:fa:63:95:f9","dns":{}}]"#;
        let (ifs, w) = run(
            status(two),
            &[("PCIDEVICE_INTEL_COM_SRIOV", "0000:03:02.1,0000:03:04.3")],
        );
        assert_eq!(ifs.len(), 3);
        assert!(!ifs[0].default);
        assert_eq!(ifs[0].device_id, None);
        assert_eq!(ifs[0].device_type, DeviceType::Host);
        assert_eq!(ifs[1].device_id.as_deref(), Some("0000:03:02.1"));
        assert!(ifs[1].has_source(Source::Positional));
        // The second VF has no eligible interface: one of its own.
        assert_eq!(ifs[2].interface, None);
        assert_eq!(ifs[2].device_id.as_deref(), Some("0000:03:04.3"));
        assert!(!ifs[2].has_source(Source::Positional));
        assert_eq!(w.len(), 1, "{w:?}");

        // A device-info address still ties a device to the first entry.
        let pci = r#"[{"name":"a","interface":"net0","device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:03:02.1"}}}]"#;
        let (ifs, _) = run(status(pci), &[("PCIDEVICE_X", "0000:03:02.1")]);
        assert_eq!(ifs.len(), 1);
        assert_eq!(ifs[0].resource_env.as_deref(), Some("PCIDEVICE_X"));
    }

    /// Issue 16, item 15: a warning naming two interfaces is about one
    /// thing, and its subject says which: the PCI device both name, or the
    /// interface listed twice.
    #[test]
    fn warnings_about_two_interfaces_have_one_subject() {
        let st = r#"[{"name":"a","interface":"net1","device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:03:02.1"}}},
                     {"name":"b","interface":"net2","device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:03:02.1"}}},
                     {"name":"c","interface":"net2"}]"#;
        let mut w = Warnings::new();
        build(
            Inputs {
                network_status: status(st),
                network_status_source: Some(Source::NetworkStatus),
                userspace: Vec::new(),
                resources: Vec::new(),
            },
            &mut |_| Backing::Unknown,
            &mut w,
        );
        let all = w.into_warnings();
        let both = all
            .iter()
            .find(|w| w.message.contains("both name PCI device"))
            .unwrap();
        assert_eq!(both.subject, "0000:03:02.1");
        assert_eq!(both.code, WarningCode::Conflict);
        let twice = all
            .iter()
            .find(|w| w.message.contains("more than once"))
            .unwrap();
        assert_eq!(twice.subject, "net2");
    }

    #[test]
    fn with_a_default_entry_the_first_entry_is_not_special() {
        let st = r#"[{"name":"a","interface":"net1"},{"name":"cbr0","interface":"eth0","default":true}]"#;
        let (ifs, _) = run(status(st), &[("PCIDEVICE_X", "0000:03:02.1")]);
        assert_eq!(ifs.len(), 2);
        assert_eq!(ifs[0].device_id.as_deref(), Some("0000:03:02.1"));
        assert!(ifs[0].has_source(Source::Positional));
        assert_eq!(ifs[1].device_id, None);
    }

    #[test]
    fn infiniband_guid_is_carried_to_the_interface() {
        let st = r#"[{"name":"a","interface":"eth0","default":true},
                     {"name":"ib","interface":"ib0","infiniband-guid":"24:8A:07:03:00:8D:AE:2F"}]"#;
        let (ifs, w) = run(status(st), &[]);
        assert!(w.is_empty());
        assert_eq!(ifs[0].infiniband_guid, None);
        assert_eq!(
            ifs[1].infiniband_guid.as_deref(),
            Some("24:8a:07:03:00:8d:ae:2f")
        );
    }
}
