//! The metadata object's parts, as this library keeps them.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::parse::dra::{CNI_DEVICE_ID_ATTRIBUTE, PCI_BUS_ID_ATTRIBUTE};
use crate::report::PciAddress;

/// The metadata object a file was read from.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct DeviceMetadata {
    /// The `apiVersion` of the object used.
    pub api_version: String,
    /// The ResourceClaim (`metadata`).
    pub claim: ClaimRef,
    /// The pod's name for a claim made from a template (`podClaimName`).
    pub pod_claim_name: Option<String>,
    /// The requests, in file order.
    pub requests: Vec<MetadataRequest>,
}

/// The ResourceClaim a metadata object describes; each part `None` when
/// absent or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimRef {
    /// `metadata.name`: the claim's name (for a template claim, the
    /// generated one).
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.uid`.
    pub uid: Option<String>,
    /// `metadata.generation`: 1 when written at prepare, one more per
    /// update (the network data arrives with an update).
    pub generation: Option<i64>,
}

/// One request of a claim and the devices one driver allocated for it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MetadataRequest {
    /// The request's name as given (`vf`, or `gpu/high-memory` for a
    /// subrequest); `None` when absent or empty.
    pub name: Option<String>,
    /// The devices, in file order.
    pub devices: Vec<MetadataDevice>,
}

/// One allocated device.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MetadataDevice {
    /// The DRA driver's name.
    pub driver: String,
    /// The pool (usually the node's name); `None` when absent.
    pub pool: Option<String>,
    /// The device's name within the pool (`0000-3b-02-1`, `br-dpdk0`).
    pub name: String,
    /// Attributes by qualified name as given.
    pub attributes: BTreeMap<String, Attribute>,
    /// The network data, when the driver gave any.
    pub network_data: Option<NetworkData>,
}

/// A typed attribute value (Kubernetes `DeviceAttribute`). Serialized as
/// the upstream object: `{"int": 5}`, `{"strings": ["a"]}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Attribute {
    /// `int`: a 64-bit integer.
    Int(i64),
    /// `bool`.
    Bool(bool),
    /// `string`.
    String(String),
    /// `version`: a semantic version, as given.
    Version(String),
    /// `ints`.
    Ints(Vec<i64>),
    /// `bools`.
    Bools(Vec<bool>),
    /// `strings`.
    Strings(Vec<String>),
    /// `versions`.
    Versions(Vec<String>),
}

impl Attribute {
    /// The JSON key of the value's type (`int`, `strings`, ...).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Int(_) => "int",
            Self::Bool(_) => "bool",
            Self::String(_) => "string",
            Self::Version(_) => "version",
            Self::Ints(_) => "ints",
            Self::Bools(_) => "bools",
            Self::Strings(_) => "strings",
            Self::Versions(_) => "versions",
        }
    }

    /// The value of a `string` or `version` attribute.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) | Self::Version(s) => Some(s),
            _ => None,
        }
    }

    /// The value of an `int` attribute.
    #[must_use]
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The value of a `bool` attribute.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// A device's network data (Kubernetes `NetworkDeviceData`), each field as
/// given; empty ones are absent, as the writer omits them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkData {
    /// `interfaceName`: the interface's name in the pod.
    pub interface_name: Option<String>,
    /// `ips`: addresses in CIDR form.
    pub ips: Vec<String>,
    /// `hardwareAddress`: the MAC address as the driver wrote it.
    pub hardware_address: Option<String>,
}

impl Serialize for NetworkData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        if let Some(n) = &self.interface_name {
            m.serialize_entry("interfaceName", n)?;
        }
        if !self.ips.is_empty() {
            m.serialize_entry("ips", &self.ips)?;
        }
        if let Some(h) = &self.hardware_address {
            m.serialize_entry("hardwareAddress", h)?;
        }
        m.end()
    }
}

impl MetadataDevice {
    /// An attribute of the driver's own domain: `<driver>/<local>`, else
    /// the unqualified `<local>` (which means the same).
    #[must_use]
    pub fn own_attribute(&self, local: &str) -> Option<&Attribute> {
        let mut qualified = String::with_capacity(self.driver.len() + 1 + local.len());
        qualified.push_str(&self.driver);
        qualified.push('/');
        qualified.push_str(local);
        self.attributes
            .get(&qualified)
            .or_else(|| self.attributes.get(local))
    }

    /// Every PCI address the device's attributes give, in the order they
    /// are trusted, each with the attribute it came from:
    /// `resource.kubernetes.io/pciBusID`, the driver's `pciAddress`, and
    /// `k8s.cni.cncf.io/deviceID` when it is a PCI address. Normalised;
    /// values that are not PCI addresses are left out (the first two with
    /// a reason in [`MetadataDevice::bad_pci_attributes`]).
    #[must_use]
    pub fn pci_addresses(&self) -> Vec<(String, PciAddress)> {
        let mut out = Vec::new();
        for (name, attr) in self.pci_attributes() {
            if let Some(a) = attr.as_str().and_then(PciAddress::parse) {
                out.push((name, a));
            }
        }
        out
    }

    /// The PCI address attributes (`pciBusID`, the driver's `pciAddress`)
    /// whose value is not a PCI address string.
    #[must_use]
    pub fn bad_pci_attributes(&self) -> Vec<String> {
        self.pci_attributes()
            .into_iter()
            .filter(|(name, attr)| {
                name != CNI_DEVICE_ID_ATTRIBUTE
                    && attr.as_str().and_then(PciAddress::parse).is_none()
            })
            .map(|(name, _)| name)
            .collect()
    }

    fn pci_attributes(&self) -> Vec<(String, &Attribute)> {
        let mut out = Vec::new();
        if let Some(a) = self.attributes.get(PCI_BUS_ID_ATTRIBUTE) {
            out.push((PCI_BUS_ID_ATTRIBUTE.to_owned(), a));
        }
        let qualified = format!("{}/pciAddress", self.driver);
        if let Some(a) = self.attributes.get(&qualified) {
            out.push((qualified, a));
        } else if let Some(a) = self.attributes.get("pciAddress") {
            out.push(("pciAddress".to_owned(), a));
        }
        if let Some(a) = self.attributes.get(CNI_DEVICE_ID_ATTRIBUTE) {
            out.push((CNI_DEVICE_ID_ATTRIBUTE.to_owned(), a));
        }
        out
    }
}
