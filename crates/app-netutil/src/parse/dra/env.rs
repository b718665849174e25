//! The variables dra-driver-sriov gives a container through CDI.
//!
//! Per allocated VF, with `<D>` its DRA device name with `-` replaced by
//! `_` (`0000_3b_02_1`, lower-case hex as sysfs spells it):
//!
//! - `SRIOVNETWORK_VF_DEVICE_<D>`: the VF's PCI address (authoritative;
//!   `<D>` only cross-checks it);
//! - `SRIOVNETWORK_<D>_VFIO_DEVICE`: the container path of the VF's VFIO
//!   group device, when the VF is bound to `vfio-pci`;
//! - `SRIOVNETWORK_<D>_RDMA_UVERB`, `_RDMA_UMAD`, `_RDMA_ISSM`, `_RDMA_CM`:
//!   RDMA character devices, and `_RDMA_DEVICE`: the RDMA device's name,
//!   for an RDMA-capable VF.
//!
//! And once per container, whatever the number of VFs:
//!
//! - `SRIOVNETWORK_NET_ATTACH_DEF_NAME`: the NetworkAttachmentDefinition of
//!   the VF's configuration, a bare name, empty when none is configured.
//!   Every VF's edits set it, the last one applied wins, so with several
//!   VFs it belongs to one of them, which one the container cannot tell.
//! - `SRIOVNETWORK_PCI_ADDRESSES`: every VF prepared for the *pod*, across
//!   its containers, comma-separated: a hint, not this container's list.

use std::collections::BTreeMap;

use crate::report::PciAddress;
use crate::report::warning::{WarningCode, Warnings};

/// The prefix of every variable of the driver.
pub const PREFIX: &str = "SRIOVNETWORK_";

/// The prefix of a VF's address variable.
pub const VF_DEVICE_PREFIX: &str = "SRIOVNETWORK_VF_DEVICE_";

/// The NetworkAttachmentDefinition variable.
pub const NET_ATTACH_DEF_NAME_VAR: &str = "SRIOVNETWORK_NET_ATTACH_DEF_NAME";

/// The pod-wide list of VF addresses.
pub const PCI_ADDRESSES_VAR: &str = "SRIOVNETWORK_PCI_ADDRESSES";

/// The suffixes of the per-VF variables other than the address.
pub const DEVICE_SUFFIXES: [&str; 6] = [
    "_VFIO_DEVICE",
    "_RDMA_UVERB",
    "_RDMA_UMAD",
    "_RDMA_ISSM",
    "_RDMA_CM",
    "_RDMA_DEVICE",
];

/// The longest value read, in bytes (the kernel's `MAX_ARG_STRLEN`).
pub const MAX_VALUE_BYTES: usize = 128 * 1024;

/// The most `SRIOVNETWORK_*` variables read; the rest are counted in one
/// warning.
pub const MAX_VARIABLES: usize = 4096;

/// The most VFs read (address variables); the rest are counted in one
/// warning.
pub const MAX_DEVICES: usize = 1024;

/// The longest path or name value kept, in bytes (`PATH_MAX`).
pub const MAX_PATH_BYTES: usize = 4096;

/// What the `SRIOVNETWORK_*` variables of a container say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SriovEnv {
    /// One entry per VF, sorted by PCI address.
    pub devices: Vec<SriovVf>,
    /// `SRIOVNETWORK_NET_ATTACH_DEF_NAME` as given (`Some("")` when set
    /// empty); `None` when absent.
    pub net_attach_def_name: Option<String>,
    /// `SRIOVNETWORK_PCI_ADDRESSES`, normalised, in listed order without
    /// repeats; `None` when absent.
    pub pci_addresses: Option<Vec<PciAddress>>,
}

/// One VF the variables name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SriovVf {
    /// The DRA device name `<D>` stands for: lower-case, `_` made `-`
    /// (`0000-3b-02-1`).
    pub device: String,
    /// The address `SRIOVNETWORK_VF_DEVICE_<D>` holds.
    pub pci_address: PciAddress,
    /// `SRIOVNETWORK_<D>_VFIO_DEVICE`.
    pub vfio_device: Option<String>,
    /// `SRIOVNETWORK_<D>_RDMA_DEVICE`: the RDMA device's name.
    pub rdma_device: Option<String>,
    /// The RDMA character devices (`_RDMA_UVERB`, `_RDMA_UMAD`,
    /// `_RDMA_ISSM`, `_RDMA_CM`), in that order.
    pub rdma_char_devices: Vec<String>,
    /// Every variable naming this VF, name -> value as given.
    pub env: BTreeMap<String, String>,
}

/// Reads the `SRIOVNETWORK_*` variables of an environment (name, value
/// pairs in environment order; a repeated name keeps its first value, as
/// `getenv` does). Warnings go to `warnings`.
#[must_use]
pub fn parse<'a, I>(env: I, warnings: &mut Vec<String>) -> SriovEnv
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut w = Warnings::new();
    let out = parse_into(env, &mut w);
    warnings.extend(w.into_vec());
    out
}

/// The per-VF variables of one `<D>`, before they are checked.
#[derive(Default)]
struct Group<'a> {
    /// The address variable: name, `<D>` as spelled, value.
    address: Option<(&'a str, &'a str, &'a str)>,
    /// Suffix variables: suffix, name, value.
    others: Vec<(&'static str, &'a str, &'a str)>,
}

/// [`parse`] into the warnings of a collection.
pub(crate) fn parse_into<'a, I>(env: I, warnings: &mut Warnings) -> SriovEnv
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut out = SriovEnv::default();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut groups: BTreeMap<String, Group<'a>> = BTreeMap::new();
    let mut not_read = 0u64;
    for (name, value) in env {
        if !name.starts_with(PREFIX) {
            continue;
        }
        if let Some(first) = seen.get(name) {
            if *first != value {
                warnings.push(
                    WarningCode::Conflict,
                    name,
                    format!(
                        "environment variable {name} is set twice with different values; the first is used"
                    ),
                );
            }
            continue;
        }
        if seen.len() >= MAX_VARIABLES {
            not_read += 1;
            continue;
        }
        seen.insert(name, value);
        if value.len() > MAX_VALUE_BYTES {
            warnings.push(
                WarningCode::Dropped,
                name,
                format!(
                    "environment variable {name} is {} bytes long, more than a process environment can hold ({MAX_VALUE_BYTES}); ignored",
                    value.len()
                ),
            );
            continue;
        }
        if name == NET_ATTACH_DEF_NAME_VAR {
            out.net_attach_def_name = net_attach_def_name(name, value, warnings);
        } else if name == PCI_ADDRESSES_VAR {
            out.pci_addresses = Some(pci_addresses(name, value, warnings));
        } else if let Some(d) = name
            .strip_prefix(VF_DEVICE_PREFIX)
            .filter(|d| !d.is_empty())
        {
            groups.entry(d.to_ascii_lowercase()).or_default().address = Some((name, d, value));
        } else if let Some((d, suffix)) = DEVICE_SUFFIXES.iter().find_map(|s| {
            name[PREFIX.len()..]
                .strip_suffix(s)
                .filter(|d| !d.is_empty())
                .map(|d| (d, *s))
        }) {
            groups
                .entry(d.to_ascii_lowercase())
                .or_default()
                .others
                .push((suffix, name, value));
        } else {
            warnings.push(
                WarningCode::Unsupported,
                name,
                format!("environment variable {name} is not one dra-driver-sriov sets; ignored"),
            );
        }
    }
    if not_read > 0 {
        warnings.push(
            WarningCode::Dropped,
            PREFIX,
            format!(
                "{not_read} more {PREFIX} variables after the first {MAX_VARIABLES} are not read"
            ),
        );
    }
    let mut by_address: BTreeMap<PciAddress, SriovVf> = BTreeMap::new();
    let mut over = 0u64;
    for (key, group) in groups {
        let Some((addr_name, d, value)) = group.address else {
            for (suffix, name, _) in &group.others {
                let d = &name[PREFIX.len()..name.len() - suffix.len()];
                warnings.push(
                    WarningCode::Dropped,
                    name,
                    format!(
                        "environment variable {name} names a VF that no {VF_DEVICE_PREFIX}{d} gives; ignored"
                    ),
                );
            }
            continue;
        };
        let Some(addr) = PciAddress::parse(value) else {
            warnings.push(
                WarningCode::Dropped,
                addr_name,
                format!(
                    "environment variable {addr_name}: {value:?} is not a PCI address; the VF and its other variables are ignored"
                ),
            );
            continue;
        };
        if let Some(named) = address_of_name(d) {
            if named != addr {
                warnings.push(
                    WarningCode::Conflict,
                    addr_name,
                    format!(
                        "environment variable {addr_name} holds {addr}, but its name says {named}; {addr} is used"
                    ),
                );
            }
        }
        if by_address.contains_key(&addr) {
            warnings.push(
                WarningCode::Conflict,
                addr_name,
                format!(
                    "environment variable {addr_name}: VF {addr} is already named by another variable; its variables are merged"
                ),
            );
        } else if by_address.len() >= MAX_DEVICES {
            over += 1;
            continue;
        }
        let vf = by_address.entry(addr.clone()).or_insert_with(|| SriovVf {
            device: key.replace('_', "-"),
            pci_address: addr,
            vfio_device: None,
            rdma_device: None,
            rdma_char_devices: Vec::new(),
            env: BTreeMap::new(),
        });
        vf.env.insert(addr_name.to_owned(), value.to_owned());
        let mut others = group.others;
        others.sort_by_key(|(suffix, _, _)| DEVICE_SUFFIXES.iter().position(|s| s == suffix));
        for (suffix, name, value) in others {
            vf.env.insert(name.to_owned(), value.to_owned());
            match suffix {
                "_RDMA_DEVICE" => {
                    if is_device_name(value) {
                        vf.rdma_device = Some(value.to_owned());
                    } else {
                        warnings.push(
                            WarningCode::Dropped,
                            name,
                            format!(
                                "environment variable {name}: {value:?} is not an RDMA device name; ignored"
                            ),
                        );
                    }
                }
                _ if !is_device_path(value) => warnings.push(
                    WarningCode::Dropped,
                    name,
                    format!(
                        "environment variable {name}: {value:?} is not an absolute path; ignored"
                    ),
                ),
                "_VFIO_DEVICE" => vf.vfio_device = Some(value.to_owned()),
                _ => vf.rdma_char_devices.push(value.to_owned()),
            }
        }
    }
    if over > 0 {
        warnings.push(
            WarningCode::Dropped,
            VF_DEVICE_PREFIX,
            format!("{over} more VFs after the first {MAX_DEVICES} are not read"),
        );
    }
    out.devices = by_address.into_values().collect();
    out
}

/// The address a `<D>` spells (`0000_3b_02_1`), either case.
fn address_of_name(d: &str) -> Option<PciAddress> {
    let mut parts = d.split('_');
    let (a, b, c, f) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    PciAddress::parse(&format!("{a}:{b}:{c}.{f}"))
}

/// Whether a value can be a device node's path: absolute, no control
/// characters, at most [`MAX_PATH_BYTES`].
fn is_device_path(value: &str) -> bool {
    value.starts_with('/') && value.len() <= MAX_PATH_BYTES && !value.chars().any(char::is_control)
}

/// Whether a value can be a kernel device name (`mlx5_3`).
fn is_device_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && !value.contains('/')
        && !value.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The NetworkAttachmentDefinition name, as given; a value no Kubernetes
/// name can have is dropped with a warning.
fn net_attach_def_name(name: &str, value: &str, warnings: &mut Warnings) -> Option<String> {
    if value.len() > 253 || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        warnings.push(
            WarningCode::Dropped,
            name,
            format!("environment variable {name}: {value:?} is not a Kubernetes name; ignored"),
        );
        return None;
    }
    Some(value.to_owned())
}

fn pci_addresses(name: &str, value: &str, warnings: &mut Warnings) -> Vec<PciAddress> {
    let source = format!("environment variable {name}");
    let mut out: Vec<PciAddress> = Vec::new();
    if value.is_empty() {
        return out;
    }
    for (i, item) in value.split(',').enumerate() {
        match PciAddress::parse(item) {
            Some(a) if out.contains(&a) => {}
            Some(a) if out.len() < MAX_DEVICES => out.push(a),
            Some(_) => {}
            None => warnings.about(
                WarningCode::Dropped,
                &source,
                format_args!(
                    "{source}: item {} {:?} is not a PCI address; ignored",
                    i + 1,
                    item.trim()
                ),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(env: &[(&str, &str)]) -> (SriovEnv, Vec<String>) {
        let mut w = Vec::new();
        let out = parse(env.iter().copied(), &mut w);
        (out, w)
    }

    #[test]
    fn standalone_vfio() {
        let (env, w) = run(&[
            ("PATH", "/bin"),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_1", "0000:3b:02.1"),
            ("SRIOVNETWORK_NET_ATTACH_DEF_NAME", "sriov-dpdk"),
            ("SRIOVNETWORK_0000_3b_02_1_VFIO_DEVICE", "/dev/vfio/142"),
            ("SRIOVNETWORK_PCI_ADDRESSES", "0000:3b:02.1,0000:3b:02.2"),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(env.net_attach_def_name.as_deref(), Some("sriov-dpdk"));
        assert_eq!(env.pci_addresses.as_ref().unwrap().len(), 2);
        assert_eq!(env.devices.len(), 1);
        let vf = &env.devices[0];
        assert_eq!(vf.device, "0000-3b-02-1");
        assert_eq!(vf.pci_address.as_str(), "0000:3b:02.1");
        assert_eq!(vf.vfio_device.as_deref(), Some("/dev/vfio/142"));
        assert_eq!(vf.env.len(), 2);
    }

    #[test]
    fn rdma_and_order() {
        let (env, w) = run(&[
            ("SRIOVNETWORK_0000_3b_00_2_RDMA_DEVICE", "mlx5_3"),
            (
                "SRIOVNETWORK_0000_3b_00_2_RDMA_CM",
                "/dev/infiniband/rdma_cm",
            ),
            (
                "SRIOVNETWORK_0000_3b_00_2_RDMA_UVERB",
                "/dev/infiniband/uverbs3",
            ),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_00_2", "0000:3b:00.2"),
            ("SRIOVNETWORK_VF_DEVICE_0000_18_00_3", "0000:18:00.3"),
            ("SRIOVNETWORK_NET_ATTACH_DEF_NAME", ""),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(env.net_attach_def_name.as_deref(), Some(""));
        assert_eq!(env.pci_addresses, None);
        let addrs: Vec<&str> = env.devices.iter().map(|d| d.pci_address.as_str()).collect();
        assert_eq!(addrs, ["0000:18:00.3", "0000:3b:00.2"]);
        let vf = &env.devices[1];
        assert_eq!(vf.rdma_device.as_deref(), Some("mlx5_3"));
        assert_eq!(
            vf.rdma_char_devices,
            ["/dev/infiniband/uverbs3", "/dev/infiniband/rdma_cm"]
        );
        assert_eq!(vf.env.len(), 4);
    }

    #[test]
    fn upper_case_name_and_disagreeing_value() {
        let (env, w) = run(&[
            ("SRIOVNETWORK_VF_DEVICE_0000_3B_02_1", "0000:3b:02.1"),
            ("SRIOVNETWORK_0000_3B_02_1_VFIO_DEVICE", "/dev/vfio/7"),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_2", "3b:02.3"),
        ]);
        assert_eq!(env.devices.len(), 2);
        assert_eq!(env.devices[0].device, "0000-3b-02-1");
        assert_eq!(env.devices[0].vfio_device.as_deref(), Some("/dev/vfio/7"));
        // The value wins, normalised, with a warning.
        assert_eq!(env.devices[1].pci_address.as_str(), "0000:3b:02.3");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("its name says 0000:3b:02.2"), "{w:?}");
    }

    #[test]
    fn nasty_values() {
        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        let (env, w) = run(&[
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_1", "not-an-address"),
            ("SRIOVNETWORK_0000_3b_02_1_VFIO_DEVICE", "/dev/vfio/1"),
            ("SRIOVNETWORK_0000_3b_02_4_VFIO_DEVICE", "/dev/vfio/2"),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_5", "0000:3b:02.5"),
            ("SRIOVNETWORK_0000_3b_02_5_VFIO_DEVICE", "vfio/3"),
            ("SRIOVNETWORK_0000_3b_02_5_RDMA_DEVICE", "../mlx5"),
            (
                "SRIOVNETWORK_0000_3b_02_5_RDMA_UMAD",
                "/dev/infiniband/umad\n0",
            ),
            ("SRIOVNETWORK_NET_ATTACH_DEF_NAME", "a b"),
            (
                "SRIOVNETWORK_PCI_ADDRESSES",
                "0000:3b:02.5,,junk,0000:3B:02.5",
            ),
            ("SRIOVNETWORK_VF_DEVICE_", "0000:3b:02.6"),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_7", &long),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_5", "0000:3b:02.9"),
            ("SRIOVNETWORK_SOMETHING", "x"),
        ]);
        assert_eq!(env.devices.len(), 1, "{env:?}");
        let vf = &env.devices[0];
        assert_eq!(vf.pci_address.as_str(), "0000:3b:02.5");
        assert_eq!(vf.vfio_device, None);
        assert_eq!(vf.rdma_device, None);
        assert!(vf.rdma_char_devices.is_empty());
        // Every variable naming it is listed, as given, even those not used.
        assert_eq!(vf.env.len(), 4);
        assert_eq!(env.net_attach_def_name, None);
        assert_eq!(
            env.pci_addresses.as_ref().unwrap(),
            &[PciAddress::parse("0000:3b:02.5").unwrap()]
        );
        let text = w.join("\n");
        for part in [
            "not a PCI address; the VF",
            "0000_3b_02_4_VFIO_DEVICE names a VF that no",
            "\"vfio/3\" is not an absolute path",
            "not an RDMA device name",
            "umad\\n0",
            "not a Kubernetes name",
            "item 2 \"\" is not a PCI address",
            "item 3 \"junk\"",
            "SRIOVNETWORK_VF_DEVICE_ is not one",
            "bytes long",
            "set twice with different values",
            "SRIOVNETWORK_SOMETHING is not one",
        ] {
            assert!(text.contains(part), "{part:?} not in\n{text}");
        }
    }

    #[test]
    fn two_names_one_address_are_merged() {
        let (env, w) = run(&[
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_1", "0000:3b:02.1"),
            ("SRIOVNETWORK_VF_DEVICE_0000_3b_02_2", "0000:3b:02.1"),
            ("SRIOVNETWORK_0000_3b_02_2_VFIO_DEVICE", "/dev/vfio/9"),
        ]);
        assert_eq!(env.devices.len(), 1);
        assert_eq!(env.devices[0].vfio_device.as_deref(), Some("/dev/vfio/9"));
        assert!(w.iter().any(|w| w.contains("already named")), "{w:?}");
    }

    #[test]
    fn caps() {
        let names: Vec<String> = (0..MAX_DEVICES + 5)
            .map(|i| format!("SRIOVNETWORK_VF_DEVICE_{i:04x}_00_00_0"))
            .collect();
        let values: Vec<String> = (0..MAX_DEVICES + 5)
            .map(|i| format!("{i:04x}:00:00.0"))
            .collect();
        let env: Vec<(&str, &str)> = names
            .iter()
            .zip(&values)
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let mut w = Vec::new();
        let out = parse(env.iter().copied(), &mut w);
        assert_eq!(out.devices.len(), MAX_DEVICES);
        assert!(w.iter().any(|w| w.contains("5 more VFs")), "{w:?}");
    }
}
