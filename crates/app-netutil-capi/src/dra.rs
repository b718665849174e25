//! Devices from Dynamic Resource Allocation: the `--dra-dir` option and
//! the getters of an interface's `dra` object (`docs/dra.md`).

use std::ffi::{CString, c_char};
use std::ptr;

use app_netutil::report::Dra;

use crate::ffi::{CText, Out, arg_cstr, getter, opt_ptr, setter};
use crate::interface::netutil_interface;
use crate::netutil_status;
use crate::options::{netutil_options, path};

/// The C strings of an interface's `dra` object, made with the report.
#[derive(Debug, Default)]
pub(crate) struct DraFields {
    driver: Option<CString>,
    pool: Option<CString>,
    device: Option<CString>,
    claim_namespace: Option<CString>,
    claim_name: Option<CString>,
    claim_uid: Option<CString>,
    pod_claim_name: Option<CString>,
    request: Option<CString>,
    metadata_file: Option<CString>,
    metadata_version: Option<CString>,
    generation: Option<i64>,
    /// Attribute names and their typed values as compact JSON.
    attributes: Vec<(CString, CString)>,
    network_data: Option<CString>,
    env: Vec<(CString, CString)>,
}

impl DraFields {
    /// The C strings of `dra` of interface number `n`.
    pub(crate) fn new(dra: &Dra, n: usize, t: &mut CText) -> Self {
        let at = |field: &str| format!("interfaces[{n}].dra.{field}");
        let claim = dra.claim.as_ref();
        Self {
            driver: Some(t.s(&dra.driver, || at("driver"))),
            pool: t.opt(dra.pool.as_deref(), || at("pool")),
            device: Some(t.s(&dra.device, || at("device"))),
            claim_namespace: t.opt(claim.and_then(|c| c.namespace.as_deref()), || {
                at("claim.namespace")
            }),
            claim_name: t.opt(claim.and_then(|c| c.name.as_deref()), || at("claim.name")),
            claim_uid: t.opt(claim.and_then(|c| c.uid.as_deref()), || at("claim.uid")),
            pod_claim_name: t.opt(claim.and_then(|c| c.pod_claim_name.as_deref()), || {
                at("claim.pod-claim-name")
            }),
            request: t.opt(dra.request.as_deref(), || at("request")),
            metadata_file: t.opt(dra.metadata_file.as_deref(), || at("metadata-file")),
            metadata_version: t.opt(dra.metadata_version.as_deref(), || at("metadata-version")),
            generation: dra.generation,
            // serde_json escapes NUL in JSON text, so the values never lose
            // anything; a name may hold one.
            attributes: dra
                .attributes
                .iter()
                .map(|(k, v)| {
                    (
                        t.s(k, || at(&format!("attributes[{k:?}]"))),
                        crate::ffi::cstring_lossy(&v.to_json()),
                    )
                })
                .collect(),
            network_data: dra
                .network_data
                .as_ref()
                .map(|v| crate::ffi::cstring_lossy(&v.to_json())),
            env: dra
                .env
                .iter()
                .map(|(k, v)| {
                    (
                        t.s(k, || at(&format!("env[{k:?}]"))),
                        t.s(v, || at(&format!("env.{k}"))),
                    )
                })
                .collect(),
        }
    }
}

/// Reads the DRA device metadata files (KEP-5304) from `dir` (a path on
/// this machine) instead of
/// `<root>/var/run/kubernetes.io/dra-device-attributes`. NULL restores the
/// default. A directory inside the root is the pod's own; any other is a
/// root of its own, which its links cannot leave. A given directory that
/// does not exist or is not one makes collection fail, as with
/// `netutil_options_set_podinfo_dir`; a missing default is no error.
///
/// # Safety
///
/// `opts` is NULL or live options not in use elsewhere; `dir` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_options_set_dra_dir(
    opts: *mut netutil_options,
    dir: *const c_char,
) -> netutil_status {
    setter!(
        SAFETY: "`opts` is NULL or live options not in use elsewhere (# Safety above)",
        opts => |o| {
            // SAFETY: `dir` is NULL or a NUL-terminated string (# Safety above).
            let dir = unsafe { arg_cstr(dir) };
            o.dra_dir = dir.map(path);
            netutil_status::NETUTIL_STATUS_OK
        }
    )
}

/// Whether a DRA input (a KEP-5304 metadata file, dra-driver-sriov's
/// `SRIOVNETWORK_*` variables) named the interface's device: the `dra`
/// object of the JSON. The `netutil_interface_dra_*` getters read it and
/// give NULL, 0 or false without it.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_has_dra(it: *const netutil_interface) -> bool {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.dra().is_some()
    )
}

/// The DRA driver's name ("sriovnetwork.k8snetworkplumbingwg.io").
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_driver(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.driver.as_ref()))
    )
}

/// The device's pool (usually the node's name); NULL when only the
/// variables named the device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_pool(it: *const netutil_interface) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.pool.as_ref()))
    )
}

/// The device's name in its pool ("0000-3b-02-1", "br-dpdk0").
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_device(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.device.as_ref()))
    )
}

/// The ResourceClaim's namespace; NULL when the metadata does not say.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_claim_namespace(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.claim_namespace.as_ref()))
    )
}

/// The ResourceClaim's name (the generated one for a claim made from a
/// template); NULL when the metadata does not say.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_claim_name(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.claim_name.as_ref()))
    )
}

/// The ResourceClaim's uid; NULL when the metadata does not say.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_claim_uid(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.claim_uid.as_ref()))
    )
}

/// The pod's name for a claim made from a template (`podClaimName`);
/// NULL otherwise.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_pod_claim_name(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.pod_claim_name.as_ref()))
    )
}

/// The request as the metadata names it ("vf", "vf/sub"); NULL when
/// only the variables named the device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_request(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.request.as_ref()))
    )
}

/// The metadata file the device came from, as the container sees it;
/// NULL when only the variables named the device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_metadata_file(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.metadata_file.as_ref()))
    )
}

/// The `apiVersion` of the metadata object used
/// ("metadata.resource.k8s.io/v1alpha1").
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_metadata_version(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.metadata_version.as_ref()))
    )
}

/// The device's `networkData` as compact JSON with the upstream keys
/// (`interfaceName`, `ips`, `hardwareAddress`); NULL when none.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_network_data(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dra().and_then(|d| d.network_data.as_ref()))
    )
}

/// Writes the metadata object's `metadata.generation` to `*generation` and
/// returns true; false (nothing written) when unknown or an argument is
/// NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `generation` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_generation(
    it: *const netutil_interface,
    generation: *mut i64,
) -> bool {
    // SAFETY: `generation` is NULL or writable (# Safety above).
    let generation = unsafe { Out::new(generation) };
    if generation.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| match i.dra().and_then(|d| d.generation) {
            Some(g) => {
                generation.set(g);
                true
            }
            None => false,
        }
    )
}

/// How many attributes the device has.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_attribute_count(
    it: *const netutil_interface,
) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.dra().map_or(0, |d| d.attributes.len())
    )
}

/// The qualified name of attribute `i` (sorted by name), as given
/// ("resource.kubernetes.io/pciBusID", "vhost-user-path"); NULL when out
/// of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_attribute_name(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| x.dra().map_or(ptr::null(), |d| {
            d.attributes.get(i).map_or(ptr::null(), |(k, _)| k.as_ptr())
        })
    )
}

/// The typed value of attribute `i` as compact JSON, exactly one of
/// `int`, `bool`, `string`, `version`, `ints`, `bools`, `strings`,
/// `versions` (`{"int":0}`); NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_attribute_json(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| x.dra().map_or(ptr::null(), |d| {
            d.attributes.get(i).map_or(ptr::null(), |(_, v)| v.as_ptr())
        })
    )
}

/// How many `SRIOVNETWORK_*` variables name the device.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_env_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.dra().map_or(0, |d| d.env.len())
    )
}

/// The name of variable `i` (sorted by name); NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_env_name(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| x.dra().map_or(ptr::null(), |d| {
            d.env.get(i).map_or(ptr::null(), |(k, _)| k.as_ptr())
        })
    )
}

/// The value of variable `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dra_env_value(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| x.dra().map_or(ptr::null(), |d| {
            d.env.get(i).map_or(ptr::null(), |(_, v)| v.as_ptr())
        })
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_a_dra_object() {
        let json = r#"{"apiVersion":"app-netutil/v1","interfaces":[{"dra":{"driver":"d.example.com","pool":null,"device":"br0","claim":null,"request":"r","metadata-file":null,"metadata-version":null,"generation":3,"attributes":{"mtu":{"int":9000}},"network-data":{"interfaceName":"net1"},"env":{"A":"b"}}}]}"#;
        let dra: Dra = serde_json::from_value(
            serde_json::from_str::<serde_json::Value>(json).unwrap()["interfaces"][0]["dra"]
                .clone(),
        )
        .unwrap();
        let mut t = CText::default();
        let f = DraFields::new(&dra, 0, &mut t);
        assert_eq!(
            f.driver.as_deref().unwrap().to_str().unwrap(),
            "d.example.com"
        );
        assert!(f.pool.is_none());
        assert_eq!(f.generation, Some(3));
        assert_eq!(f.attributes[0].1.to_str().unwrap(), r#"{"int":9000}"#);
        assert_eq!(
            f.network_data.as_deref().unwrap().to_str().unwrap(),
            r#"{"interfaceName":"net1"}"#
        );
        assert_eq!(f.env[0].0.to_str().unwrap(), "A");
        assert!(t.repaired.is_empty());
    }
}
