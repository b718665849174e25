//! NPWG device-info objects (Device Information Specification 1.0.0 and
//! 1.1.0) as the report holds them. `crate::parse::devinfo` decodes them.

use serde::{Deserialize, Serialize};

use crate::report::PciAddress;

/// The device-info version this library writes when it synthesizes one.
pub const SYNTHESIZED_VERSION: &str = "1.1.0";

/// A device-info object, with the spec's key names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct DeviceInfo {
    /// `pci`, `vdpa`, `vhost-user`, `memif`, or an unrecognised type as given.
    #[serde(rename = "type")]
    pub kind: String,
    /// The spec version as given (`1.0.0`, `1.1.0`, `v1.0.0`); null when the
    /// producer left it out.
    pub version: Option<String>,
    /// Payload of a `pci` device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci: Option<PciInfo>,
    /// Payload of a `vdpa` device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vdpa: Option<VdpaInfo>,
    /// Payload of a `vhost-user` device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vhost_user: Option<VhostUserInfo>,
    /// Payload of a `memif` device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memif: Option<MemifInfo>,
}

/// The `pci` payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct PciInfo {
    /// The device's PCI address, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci_address: Option<String>,
    /// Path of the vhost-net character device for the virtio-user exception
    /// path (`/dev/vhost-net`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vhost_net: Option<String>,
    /// RDMA device name(s), comma-separated as the device plugin writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdma_device: Option<String>,
    /// The PF's PCI address, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pf_pci_address: Option<String>,
    /// The representor netdev on the host (spec 1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representor_device: Option<String>,
}

/// The `vdpa` payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct VdpaInfo {
    /// Name of the vDPA device under `/sys/bus/vdpa/devices` (`vdpa3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_device: Option<String>,
    /// `vhost` or `virtio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// The character device (`/dev/vhost-vdpa-0`) for the `vhost` driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The VF's PCI address, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci_address: Option<String>,
    /// The PF's PCI address, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pf_pci_address: Option<String>,
    /// The representor netdev on the host (spec 1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representor_device: Option<String>,
}

/// The `vhost-user` payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct VhostUserInfo {
    /// `client`: the host creates the socket and the pod attaches;
    /// `server`: the pod's application creates the socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The socket path in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The group that owns the socket (userspace CNI `vhost.group`; not a
    /// key of the device-info spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The `memif` payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct MemifInfo {
    /// `master`: the pod's application creates the socket; `slave`: the host
    /// does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `ethernet`, `ip`, `inject-punt` (or `punt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The socket path in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl DeviceInfo {
    /// A synthesized `pci` device-info for `address`, version 1.1.0.
    #[must_use]
    pub fn synthesized_pci(address: &PciAddress) -> Self {
        Self {
            kind: "pci".to_owned(),
            version: Some(SYNTHESIZED_VERSION.to_owned()),
            pci: Some(PciInfo {
                pci_address: Some(address.to_string()),
                ..PciInfo::default()
            }),
            ..Self::default()
        }
    }

    /// A synthesized `vhost-user` device-info.
    #[must_use]
    pub fn synthesized_vhost_user(mode: Option<String>, path: String) -> Self {
        Self {
            kind: "vhost-user".to_owned(),
            version: Some(SYNTHESIZED_VERSION.to_owned()),
            vhost_user: Some(VhostUserInfo {
                mode,
                path: Some(path),
                group: None,
            }),
            ..Self::default()
        }
    }

    /// A synthesized `memif` device-info.
    #[must_use]
    pub fn synthesized_memif(role: Option<String>, mode: Option<String>, path: String) -> Self {
        Self {
            kind: "memif".to_owned(),
            version: Some(SYNTHESIZED_VERSION.to_owned()),
            memif: Some(MemifInfo {
                role,
                mode,
                path: Some(path),
            }),
            ..Self::default()
        }
    }

    /// Whether the type is one the spec defines.
    #[must_use]
    pub fn is_known_type(&self) -> bool {
        matches!(self.kind.as_str(), "pci" | "vdpa" | "vhost-user" | "memif")
    }

    /// The PCI address of a `pci` or `vdpa` device.
    #[must_use]
    pub fn pci_address(&self) -> Option<&str> {
        match self.kind.as_str() {
            "pci" => self.pci.as_ref()?.pci_address.as_deref(),
            "vdpa" => self.vdpa.as_ref()?.pci_address.as_deref(),
            _ => None,
        }
    }

    /// Whether this device-info identifies a device (contract matching rule
    /// 4): a known type needs its payload, and `pci`/`vdpa` need an address.
    /// An unrecognised type counts as usable: it names a device this library
    /// cannot interpret, which must not be replaced by a guess.
    #[must_use]
    pub fn is_usable(&self) -> bool {
        match self.kind.as_str() {
            "pci" | "vdpa" => self.pci_address().is_some(),
            "vhost-user" => self.vhost_user.is_some(),
            "memif" => self.memif.is_some(),
            _ => true,
        }
    }

    /// Whether `other` describes the same device: the same type and
    /// payloads, whatever the versions.
    #[must_use]
    pub fn same_device(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.pci == other.pci
            && self.vdpa == other.vdpa
            && self.vhost_user == other.vhost_user
            && self.memif == other.memif
    }

    /// Sets the PCI address of a `pci` or `vdpa` device-info that lacks one,
    /// creating the payload when it is missing. Any other type becomes a
    /// `pci` device-info with this address, keeping its version.
    pub fn complete_with_address(&mut self, address: &PciAddress) {
        match self.kind.as_str() {
            "vdpa" => {
                self.vdpa.get_or_insert_with(VdpaInfo::default).pci_address =
                    Some(address.to_string());
            }
            _ => {
                let version = self.version.take();
                *self = Self::synthesized_pci(address);
                self.version = version;
            }
        }
    }
}
