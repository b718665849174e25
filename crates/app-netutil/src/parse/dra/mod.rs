//! Devices allocated by Dynamic Resource Allocation (DRA): what a container
//! sees of them (`docs/dra.md` has the formats with their upstream sources).
//!
//! - [`metadata`]: the KEP-5304 device metadata files that the DRA
//!   kubelet-plugin library writes for a driver and bind-mounts below
//!   [`CONTAINER_DIR`], one JSON object stream per claim, request and
//!   driver.
//! - [`env`]: the `SRIOVNETWORK_*` variables that dra-driver-sriov gives a
//!   container through CDI.
//!
//! Both are pure parsers; the directory is listed and the files read
//! through the pod view by assembly.

pub mod env;
pub mod metadata;

/// Where the device metadata files are in a container
/// (`k8s.io/dynamic-resource-allocation/api/metadata.ContainerDir`).
pub const CONTAINER_DIR: &str = "/var/run/kubernetes.io/dra-device-attributes";

/// The subdirectory of [`CONTAINER_DIR`] for claims the pod names
/// (`pod.spec.resourceClaims[].resourceClaimName`), by claim name.
pub const RESOURCE_CLAIMS_DIR: &str = "resourceclaims";

/// The subdirectory of [`CONTAINER_DIR`] for claims made from a template,
/// by the pod's name for the claim (`pod.spec.resourceClaims[].name`).
pub const RESOURCE_CLAIM_TEMPLATES_DIR: &str = "resourceclaimtemplates";

/// What a metadata file's name ends with; the driver name comes before it.
pub const METADATA_FILE_SUFFIX: &str = "-metadata.json";

/// The DRA driver (and CDI vendor) name of dra-driver-sriov.
pub const SRIOV_DRIVER: &str = "sriovnetwork.k8snetworkplumbingwg.io";

/// The DRA driver name of dra-driver-ovsdpdk.
pub const OVSDPDK_DRIVER: &str = "ovsdpdk.k8snetworkplumbingwg.io";

/// The standard attribute holding a PCI device's address (lower-case BDF).
pub const PCI_BUS_ID_ATTRIBUTE: &str = "resource.kubernetes.io/pciBusID";

/// The attribute under which Multus finds a device's id (dra-driver-sriov
/// sets it to the VF's address).
pub const CNI_DEVICE_ID_ATTRIBUTE: &str = "k8s.cni.cncf.io/deviceID";

/// The attribute (in the driver's own domain) holding a vhost-user
/// socket's container path (dra-driver-ovsdpdk writes it unqualified).
pub const VHOST_USER_PATH_ATTRIBUTE: &str = "vhost-user-path";

/// Whether a driver is one of the network drivers this library knows, whose
/// every device is a network device.
#[must_use]
pub fn is_network_driver(driver: &str) -> bool {
    driver == SRIOV_DRIVER || driver == OVSDPDK_DRIVER
}

/// The DRA device name of a PCI address as dra-driver-sriov spells it:
/// `:` and `.` replaced by `-` (`0000:3b:02.1` is `0000-3b-02-1`).
#[must_use]
pub fn sriov_device_name(addr: &crate::report::PciAddress) -> String {
    addr.as_str().replace([':', '.'], "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::PciAddress;

    #[test]
    fn names() {
        let a = PciAddress::parse("0000:3B:02.1").unwrap();
        assert_eq!(sriov_device_name(&a), "0000-3b-02-1");
        assert!(is_network_driver(SRIOV_DRIVER));
        assert!(is_network_driver(OVSDPDK_DRIVER));
        assert!(!is_network_driver("gpu.example.com"));
    }
}
