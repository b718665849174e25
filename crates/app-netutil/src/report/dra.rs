//! What Dynamic Resource Allocation said about an interface's device: the
//! report's `dra` object (`docs/report.md`, `docs/dra.md`).

use std::collections::BTreeMap;

use super::Value;
use serde::{Deserialize, Serialize};

/// The DRA device behind an interface: where it was allocated, its
/// attributes and network data as the driver wrote them, and the
/// `SRIOVNETWORK_*` variables that name it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Dra {
    /// The DRA driver's name (`sriovnetwork.k8snetworkplumbingwg.io`).
    pub driver: String,
    /// The device's pool (usually the node's name); `None` when only the
    /// variables named the device.
    #[serde(default)]
    pub pool: Option<String>,
    /// The device's name in its pool (`0000-3b-02-1`, `br-dpdk0`).
    pub device: String,
    /// The ResourceClaim, from the metadata file; `None` when only the
    /// variables named the device.
    #[serde(default)]
    pub claim: Option<DraClaim>,
    /// The request as the metadata file names it (`vf`, or `vf/sub` for a
    /// subrequest).
    #[serde(default)]
    pub request: Option<String>,
    /// The metadata file the device came from, as the container sees it.
    #[serde(default)]
    pub metadata_file: Option<String>,
    /// The `apiVersion` of the metadata object used.
    #[serde(default)]
    pub metadata_version: Option<String>,
    /// The metadata object's `metadata.generation`.
    #[serde(default)]
    pub generation: Option<i64>,
    /// Attributes by qualified name as given, each the upstream typed
    /// value as given (`{"int": 0}`, `{"string": "0000:3b:02.1"}`).
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
    /// The device's `networkData` with the upstream keys
    /// (`interfaceName`, `ips`, `hardwareAddress`).
    #[serde(default)]
    pub network_data: Option<Value>,
    /// The `SRIOVNETWORK_*` variables naming this device, name -> value as
    /// given.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

/// The ResourceClaim a DRA device was allocated for. Each part is `None`
/// when the metadata file does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct DraClaim {
    /// `metadata.namespace`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// `metadata.name` (for a claim made from a template, the generated
    /// name).
    #[serde(default)]
    pub name: Option<String>,
    /// `metadata.uid`.
    #[serde(default)]
    pub uid: Option<String>,
    /// The pod's name for a claim made from a template (`podClaimName`).
    #[serde(default)]
    pub pod_claim_name: Option<String>,
}

impl Dra {
    /// An attribute of the driver's own domain: `<driver>/<local>`, else
    /// the unqualified `<local>` (which names the same attribute).
    #[must_use]
    pub fn own_attribute(&self, local: &str) -> Option<&Value> {
        self.attributes
            .get(&format!("{}/{local}", self.driver))
            .or_else(|| self.attributes.get(local))
    }

    /// The value of a `string` or `version` attribute.
    #[must_use]
    pub fn attribute_str(&self, name: &str) -> Option<&str> {
        let v = self.attributes.get(name)?;
        v.get("string").or_else(|| v.get("version"))?.as_str()
    }

    /// The value of an `int` attribute.
    #[must_use]
    pub fn attribute_int(&self, name: &str) -> Option<i64> {
        self.attributes.get(name)?.get("int")?.as_number()?.as_i64()
    }

    /// The value of a `bool` attribute.
    #[must_use]
    pub fn attribute_bool(&self, name: &str) -> Option<bool> {
        self.attributes.get(name)?.get("bool")?.as_bool()
    }

    /// The NUMA node the driver gives (`dra.net/numaNode`), when it is one
    /// (`-1` and other negative values mean none).
    #[must_use]
    pub fn numa_node(&self) -> Option<u32> {
        self.attribute_int(NUMA_NODE_ATTRIBUTE)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n < super::MAX_NUMA_NODES)
    }

    /// `networkData.interfaceName`.
    #[must_use]
    pub fn network_interface_name(&self) -> Option<&str> {
        self.network_data.as_ref()?.get("interfaceName")?.as_str()
    }
}

/// The attribute holding a device's NUMA node (dra-driver-sriov; `-1` when
/// none).
pub const NUMA_NODE_ATTRIBUTE: &str = "dra.net/numaNode";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let dra: Dra = serde_json::from_value(serde_json::json!({
            "driver": "d.example.com",
            "device": "x",
            "attributes": {
                "d.example.com/mtu": {"int": 9000},
                "model": {"string": "m"},
                "v": {"version": "1.0.0"},
                "b": {"bool": true},
                "dra.net/numaNode": {"int": -1}
            },
            "network-data": {"interfaceName": "net1"}
        }))
        .unwrap();
        assert_eq!(
            dra.own_attribute("mtu")
                .and_then(|v| v.get("int"))
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64()),
            Some(9000)
        );
        assert_eq!(
            dra.own_attribute("model")
                .and_then(|v| v.get("string"))
                .and_then(Value::as_str),
            Some("m")
        );
        assert_eq!(dra.attribute_str("v"), Some("1.0.0"));
        assert_eq!(dra.attribute_bool("b"), Some(true));
        assert_eq!(dra.attribute_int("d.example.com/mtu"), Some(9000));
        assert_eq!(dra.numa_node(), None);
        assert_eq!(dra.network_interface_name(), Some("net1"));
        assert_eq!(dra.claim, None);
        assert!(dra.env.is_empty());
    }
}
