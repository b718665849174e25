//! The DRA devices of a pod, one per device whatever number of inputs name
//! it: metadata devices (in file order) joined with the VFs of the
//! `SRIOVNETWORK_*` variables, non-network devices left out.

use std::collections::BTreeMap;

use crate::log::{Log, LogLevel};
use crate::parse::dra::env::SriovVf;
use crate::parse::dra::metadata::{Attribute, MetadataDevice, NetworkData};
use crate::parse::dra::{SRIOV_DRIVER, VHOST_USER_PATH_ATTRIBUTE, is_network_driver};
use crate::report::PciAddress;
use crate::report::warning::{WarningCode, Warnings};
use crate::report::{Dra, DraClaim};

use super::read::{DraInputs, MetadataFile};

/// One DRA device and everything the inputs say about it.
#[derive(Debug, Clone)]
pub(crate) struct DraDevice {
    /// The report's `dra` object.
    pub(crate) dra: Dra,
    /// Its PCI address, when it is a PCI device.
    pub(crate) pci: Option<PciAddress>,
    /// The typed attributes (the report holds them as given).
    pub(crate) attributes: BTreeMap<String, Attribute>,
    /// The network data.
    pub(crate) network_data: Option<NetworkData>,
    /// Whether a metadata file named it.
    pub(crate) from_metadata: bool,
    /// The VF of the variables, when they named it.
    pub(crate) vf: Option<SriovVf>,
    /// The claim and request it was allocated for, to tell whether
    /// several devices share one configuration.
    pub(crate) allocation: Option<(String, String)>,
    /// What warnings about it are about: its metadata file, else its
    /// address variable.
    pub(crate) origin: String,
}

impl DraDevice {
    /// The interface name the driver gives: `networkData.interfaceName`,
    /// else the driver's `interfaceName` attribute.
    pub(crate) fn interface_name(&self) -> Option<&str> {
        self.network_data
            .as_ref()
            .and_then(|n| n.interface_name.as_deref())
            .or_else(|| {
                self.own_attribute("interfaceName")
                    .and_then(Attribute::as_str)
            })
            .filter(|n| !n.is_empty())
    }

    /// An attribute of the driver's domain (qualified or not).
    pub(crate) fn own_attribute(&self, local: &str) -> Option<&Attribute> {
        self.attributes
            .get(&format!("{}/{local}", self.dra.driver))
            .or_else(|| self.attributes.get(local))
    }

    /// The vhost-user socket path attribute.
    pub(crate) fn vhost_user_path(&self) -> Option<&str> {
        self.own_attribute(VHOST_USER_PATH_ATTRIBUTE)
            .and_then(Attribute::as_str)
    }
}

/// Base class 0x02 of a PCI class code: a network controller.
const NETWORK_CLASS: u32 = 0x02;

/// The devices of the inputs. `pci_class` gives the sysfs class code of a
/// PCI device (`0x020000`), when the pod's sysfs shows it.
pub(crate) fn collect(
    inputs: &DraInputs,
    pci_class: &mut dyn FnMut(&PciAddress) -> Option<u32>,
    log: Log<'_>,
    warnings: &mut Warnings,
) -> Vec<DraDevice> {
    let mut out: Vec<DraDevice> = Vec::new();
    let mut by_pci: BTreeMap<u64, usize> = BTreeMap::new();
    for file in &inputs.files {
        for request in &file.stream.metadata.requests {
            for device in &request.devices {
                let Some(dev) = from_metadata(file, request.name.as_deref(), device, warnings)
                else {
                    continue;
                };
                if !is_network_device(&dev, pci_class) {
                    log.log(LogLevel::Debug, || {
                        format!(
                            "{}: device {} of driver {} is not a network device; left out",
                            file.path, dev.dra.device, dev.dra.driver
                        )
                    });
                    continue;
                }
                if let Some(addr) = &dev.pci {
                    if let Some(&first) = by_pci.get(&addr.key()) {
                        let first: &DraDevice = &out[first];
                        warnings.push(
                            WarningCode::Conflict,
                            &file.path,
                            format!(
                                "{}: device {} is PCI device {addr}, which {} already names; the first is used",
                                file.path, dev.dra.device, first.origin
                            ),
                        );
                        continue;
                    }
                    by_pci.insert(addr.key(), out.len());
                }
                out.push(dev);
            }
        }
    }
    for vf in &inputs.env.devices {
        let var = vf_var(vf);
        let found = by_pci.get(&vf.pci_address.key()).copied().or_else(|| {
            out.iter().position(|d| {
                d.vf.is_none() && d.dra.driver == SRIOV_DRIVER && d.dra.device == vf.device
            })
        });
        let Some(index) = found else {
            by_pci.insert(vf.pci_address.key(), out.len());
            out.push(from_env(vf, &var));
            continue;
        };
        let dev = &mut out[index];
        match &dev.pci {
            Some(a) if *a != vf.pci_address => warnings.push(
                WarningCode::Conflict,
                &var,
                format!(
                    "environment variable {var} names VF {}, but {} gives device {} address {a}; {a} is used",
                    vf.pci_address, dev.origin, dev.dra.device
                ),
            ),
            Some(_) => {}
            None => dev.pci = Some(vf.pci_address.clone()),
        }
        dev.dra.env.clone_from(&vf.env);
        dev.vf = Some(vf.clone());
    }
    out
}

/// The address variable of a VF.
pub(crate) fn vf_var(vf: &SriovVf) -> String {
    vf.env
        .keys()
        .find(|k| k.starts_with(crate::parse::dra::env::VF_DEVICE_PREFIX))
        .cloned()
        .unwrap_or_default()
}

fn from_env(vf: &SriovVf, var: &str) -> DraDevice {
    DraDevice {
        dra: Dra {
            driver: SRIOV_DRIVER.to_owned(),
            device: vf.device.clone(),
            env: vf.env.clone(),
            ..Dra::default()
        },
        pci: Some(vf.pci_address.clone()),
        attributes: BTreeMap::new(),
        network_data: None,
        from_metadata: false,
        vf: Some(vf.clone()),
        allocation: None,
        origin: format!("environment variable {var}"),
    }
}

fn from_metadata(
    file: &MetadataFile,
    request: Option<&str>,
    device: &MetadataDevice,
    warnings: &mut Warnings,
) -> Option<DraDevice> {
    let md = &file.stream.metadata;
    if device.driver != file.driver {
        warnings.push(
            WarningCode::Conflict,
            &file.path,
            format!(
                "{}: device {} is of driver {}, but the file is named for driver {}; the device's driver is used",
                file.path, device.name, device.driver, file.driver
            ),
        );
    }
    let addrs = device.pci_addresses();
    for bad in device.bad_pci_attributes() {
        warnings.push(
            WarningCode::Dropped,
            &file.path,
            format!(
                "{}: device {}: attribute {bad:?} is not a PCI address string; not used",
                file.path, device.name
            ),
        );
    }
    let pci = addrs.first().map(|(_, a)| a.clone());
    if let Some((first_name, first)) = addrs.first() {
        if let Some((name, other)) = addrs.iter().find(|(_, a)| a != first) {
            warnings.push(
                WarningCode::Conflict,
                &file.path,
                format!(
                    "{}: device {}: {first_name} says {first} but {name} says {other}; {first} is used",
                    file.path, device.name
                ),
            );
        }
    }
    let attributes: BTreeMap<String, crate::report::Value> = device
        .attributes
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), serde_json::to_value(v).ok()?.into())))
        .collect();
    let network_data = device
        .network_data
        .as_ref()
        .and_then(|n| serde_json::to_value(n).ok())
        .map(crate::report::Value::from);
    let claim = DraClaim {
        namespace: md.claim.namespace.clone(),
        name: md.claim.name.clone(),
        uid: md.claim.uid.clone(),
        pod_claim_name: md.pod_claim_name.clone(),
    };
    Some(DraDevice {
        dra: Dra {
            driver: device.driver.clone(),
            pool: device.pool.clone(),
            device: device.name.clone(),
            claim: Some(claim),
            request: request.map(str::to_owned),
            metadata_file: Some(file.path.clone()),
            metadata_version: Some(md.api_version.clone()),
            generation: md.claim.generation,
            attributes,
            network_data,
            env: BTreeMap::new(),
        },
        pci,
        attributes: device.attributes.clone(),
        network_data: device.network_data.clone(),
        from_metadata: true,
        vf: None,
        allocation: Some((
            md.claim
                .uid
                .clone()
                .or_else(|| md.claim.name.clone())
                .unwrap_or_else(|| format!("{}/{}", file.template, file.claim_dir)),
            request.unwrap_or(&file.request_dir).to_owned(),
        )),
        origin: file.path.clone(),
    })
}

/// Whether a device is a network device (issue 14 item 3): a device of a
/// known network driver, with network data, with a vhost-user socket, or
/// a PCI network controller.
fn is_network_device(
    dev: &DraDevice,
    pci_class: &mut dyn FnMut(&PciAddress) -> Option<u32>,
) -> bool {
    is_network_driver(&dev.dra.driver)
        || dev.network_data.is_some()
        || dev.vhost_user_path().is_some()
        || dev
            .pci
            .as_ref()
            .and_then(&mut *pci_class)
            .is_some_and(|class| class >> 16 == NETWORK_CLASS)
}
