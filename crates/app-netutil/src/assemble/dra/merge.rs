//! DRA devices into the interface list (`docs/report.md`, "DRA devices"):
//!
//! 1. A device whose PCI address is an interface's (its device-info
//!    address, or the id a device plugin gave it) belongs to that
//!    interface; a device plugin and DRA both listing it is a conflict.
//! 2. Else a device whose interface name is an interface's joins it when
//!    that interface has no usable device-info.
//! 3. Else it is an interface of its own, after the network-status and
//!    userspace interfaces and before the device-plugin-only ones.
//!
//! A joined interface keeps what network-status said; a DRA value that
//! contradicts it (interface name, MAC) is a warning. DRA devices are never
//! given to an interface by position.

use crate::parse::dra::SRIOV_DRIVER;
use crate::parse::dra::env::SriovEnv;
use crate::parse::hwaddr;
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{DeviceInfo, Interface, PciAddress, Source};

use super::devices::DraDevice;

/// Puts the DRA devices into the interface list.
pub(crate) fn merge(
    ifs: &mut Vec<Interface>,
    devices: Vec<DraDevice>,
    env: &SriovEnv,
    warnings: &mut Warnings,
) {
    if devices.is_empty() {
        return;
    }
    let network = attributed_network(&devices, env, warnings);
    // Device-plugin-only interfaces (contract rule 6) stay last.
    let mut tail = ifs
        .iter()
        .rposition(|i| i.sources.first() != Some(&Source::DevicePluginEnv))
        .map_or(0, |p| p + 1);
    for dev in devices {
        let network = if dev.vf.is_some() {
            network.as_deref()
        } else {
            None
        };
        let target = find(ifs, &dev, warnings);
        match target {
            Some(index) => join(&mut ifs[index], dev, network, warnings),
            None => {
                let mut iface = Interface::default();
                join(&mut iface, dev, network, warnings);
                ifs.insert(tail, iface);
                tail += 1;
            }
        }
    }
}

/// The interface a device belongs to, by PCI address, else by name.
fn find(ifs: &[Interface], dev: &DraDevice, warnings: &mut Warnings) -> Option<usize> {
    if let Some(addr) = &dev.pci {
        let by_pci = ifs.iter().position(|i| {
            i.dra.is_none() && i.pci_address().and_then(PciAddress::parse).as_ref() == Some(addr)
        });
        if by_pci.is_some() {
            return by_pci;
        }
    }
    let name = dev.interface_name()?;
    let index = ifs
        .iter()
        .position(|i| i.dra.is_none() && i.interface.as_deref() == Some(name))?;
    let iface = &ifs[index];
    match iface.device_info.as_ref() {
        Some(info) if info.is_usable() => {
            let theirs = info.pci_address().unwrap_or(info.kind.as_str());
            let ours = dev
                .pci
                .as_ref()
                .map_or("no PCI address", PciAddress::as_str);
            warnings.push(
                WarningCode::Conflict,
                &dev.origin,
                format!(
                    "{}: device {} is interface {name}, but the interface {name} already listed is device {theirs}, not {ours}; both are reported",
                    dev.origin, dev.dra.device
                ),
            );
            None
        }
        _ => Some(index),
    }
}

/// Gives a DRA device to an interface (new or listed).
fn join(iface: &mut Interface, dev: DraDevice, network: Option<&str>, warnings: &mut Warnings) {
    let origin = dev.origin.clone();
    if let Some(var) = &iface.resource_env {
        warnings.push(
            WarningCode::Conflict,
            &origin,
            format!(
                "{origin}: device {} is also listed by device-plugin variable {var}: allocated twice; one interface is reported",
                dev.dra.device
            ),
        );
    }
    // The sources in the order the steps happened, before `sysfs` or
    // `positional`.
    let at = iface
        .sources
        .iter()
        .position(|s| matches!(s, Source::Sysfs | Source::Positional))
        .unwrap_or(iface.sources.len());
    let mut added = Vec::with_capacity(2);
    if dev.from_metadata {
        added.push(Source::DraMetadata);
    }
    if dev.vf.is_some() {
        added.push(Source::DraEnv);
    }
    iface.sources.splice(at..at, added);

    let label = iface
        .interface
        .clone()
        .unwrap_or_else(|| format!("of DRA device {}", dev.dra.device));
    if let Some(name) = dev.interface_name() {
        match &iface.interface {
            None => iface.interface = Some(name.to_owned()),
            Some(listed) if listed != name => warnings.push(
                WarningCode::Conflict,
                &origin,
                format!(
                    "{origin}: device {} is interface {name}, but network-status says {listed}; {listed} is used",
                    dev.dra.device
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(nd) = &dev.network_data {
        if let Some(given) = &nd.hardware_address {
            match hwaddr::mac(given) {
                None => warnings.push(
                    WarningCode::Dropped,
                    &origin,
                    format!(
                        "{origin}: device {}: hardwareAddress {given:?} is not a MAC address; not used",
                        dev.dra.device
                    ),
                ),
                Some(mac) => match &iface.mac {
                    None => iface.mac = Some(mac),
                    Some(listed) if *listed != mac => warnings.push(
                        WarningCode::Conflict,
                        &origin,
                        format!(
                            "{origin}: interface {label}: DRA gives MAC {mac}, network-status {listed}; {listed} is used"
                        ),
                    ),
                    Some(_) => {}
                },
            }
        }
        if iface.ips.is_empty() {
            iface.ips.clone_from(&nd.ips);
        }
    }
    if iface.mtu.is_none() {
        iface.mtu = dev
            .own_attribute("mtu")
            .and_then(crate::parse::dra::metadata::Attribute::as_int)
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n > 0);
    }
    if let Some(nad) = network {
        match &iface.network {
            None => iface.network = Some(nad.to_owned()),
            Some(listed) => {
                let bare = listed.rsplit_once('/').map_or(listed.as_str(), |(_, n)| n);
                if bare != nad {
                    warnings.push(
                        WarningCode::Conflict,
                        &origin,
                        format!(
                            "interface {label}: SRIOVNETWORK_NET_ATTACH_DEF_NAME says network {nad}, network-status {listed}; {listed} is used"
                        ),
                    );
                }
            }
        }
    }
    if !iface
        .device_info
        .as_ref()
        .is_some_and(DeviceInfo::is_usable)
    {
        if let Some(info) = device_info(&dev, warnings) {
            iface.device_info = Some(info);
        }
    }
    iface.device_type = super::super::interfaces::device_type(iface);
    iface.dra = Some(dev.dra);
}

/// The device-info of a DRA device: `pci` for a PCI device (with the PF's
/// address and the RDMA device when known), `vhost-user` in mode `server`
/// for a vhost-user port (the pod creates the socket).
fn device_info(dev: &DraDevice, warnings: &mut Warnings) -> Option<DeviceInfo> {
    if let Some(addr) = &dev.pci {
        let mut info = DeviceInfo::synthesized_pci(addr);
        if let Some(pci) = info.pci.as_mut() {
            pci.pf_pci_address = dev
                .own_attribute("pfPciAddress")
                .and_then(crate::parse::dra::metadata::Attribute::as_str)
                .and_then(PciAddress::parse)
                .map(PciAddress::into_string);
            pci.rdma_device = dev.vf.as_ref().and_then(|v| v.rdma_device.clone());
        }
        return Some(info);
    }
    if let Some(path) = dev.vhost_user_path() {
        if path.starts_with('/') {
            return Some(DeviceInfo::synthesized_vhost_user(
                Some("server".to_owned()),
                path.to_owned(),
            ));
        }
        warnings.push(
            WarningCode::Dropped,
            &dev.origin,
            format!(
                "{}: device {}: vhost-user-path {path:?} is not an absolute path; no socket is reported",
                dev.origin, dev.dra.device
            ),
        );
    }
    None
}

/// The network `SRIOVNETWORK_NET_ATTACH_DEF_NAME` names, when it can be
/// tied to the container's SR-IOV devices: it is not empty, and there is
/// one VF variable, or the metadata shows every VF of the variables in one
/// claim and request (whose devices share one configuration).
fn attributed_network(
    devices: &[DraDevice],
    env: &SriovEnv,
    warnings: &mut Warnings,
) -> Option<String> {
    let nad = env
        .net_attach_def_name
        .as_deref()
        .filter(|n| !n.is_empty())?;
    let vfs: Vec<&DraDevice> = devices
        .iter()
        .filter(|d| d.vf.is_some() && d.dra.driver == SRIOV_DRIVER)
        .collect();
    if vfs.is_empty() {
        return None;
    }
    let one_allocation = vfs
        .first()
        .and_then(|d| d.allocation.as_ref())
        .is_some_and(|first| vfs.iter().all(|d| d.allocation.as_ref() == Some(first)));
    if env.devices.len() == 1 || one_allocation {
        return Some(nad.to_owned());
    }
    let var = crate::parse::dra::env::NET_ATTACH_DEF_NAME_VAR;
    warnings.push(
        WarningCode::Missing,
        var,
        format!(
            "environment variable {var} names network {nad}, but it belongs to one of {} VFs of different claims or requests and the container cannot tell which; their network is unknown",
            vfs.len()
        ),
    );
    None
}
