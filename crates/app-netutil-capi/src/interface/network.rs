//! An interface's name, network and addressing: MAC, addresses, MTU,
//! gateways, routes and DNS.

use std::ffi::c_char;
use std::ptr;

use super::{netutil_device_type, netutil_interface};
use crate::ffi::{Out, getter, item_ptr, opt_ptr};

/// The interface name in the pod ("eth0", "net1"); NULL when unknown (a device known only from a device-plugin variable).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_name(it: *const netutil_interface) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.name.as_ref())
    )
}

/// The network: the `name` of network-status (the NetworkAttachmentDefinition, "default/sriov-net-a") or of the userspace CNI; NULL when unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_network(it: *const netutil_interface) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.network.as_ref())
    )
}

/// Whether this is the pod's default network (false when `it` is NULL).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_is_default(it: *const netutil_interface) -> bool {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.default
    )
}

/// What kind of device backs the interface (`NETUTIL_DEVICE_UNKNOWN` when
/// `it` is NULL).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_type(
    it: *const netutil_interface,
) -> netutil_device_type {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| {
            i.device_type
        },
        else netutil_device_type::NETUTIL_DEVICE_UNKNOWN
    )
}

/// The device type as the JSON contract spells it: "host", "pci", "vdpa",
/// "vhost-user", "memif", "auxiliary" or "unknown". NULL when `it` is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_device_type_str(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.device_type_str.as_ptr()
    )
}

/// The MAC address, lower-case hex octets separated by `:`; NULL when
/// unknown.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_mac(it: *const netutil_interface) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.mac.as_ref())
    )
}

/// The InfiniBand GUID from network-status (`infiniband-guid`): 8 octets,
/// or the 20-octet IP-over-InfiniBand address, lower-case hex separated by
/// `:`; NULL when not given.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_infiniband_guid(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.infiniband_guid.as_ref())
    )
}

/// The number of addresses, as given (bare or CIDR).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_ip_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.ips.len()
    )
}

/// Address `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_ip(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.ips, i)
    )
}

/// The MTU in `*mtu`; false (and `*mtu` untouched) when unknown or an
/// argument is NULL.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report; `mtu` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_mtu(
    it: *const netutil_interface,
    mtu: *mut u64,
) -> bool {
    // SAFETY: `mtu` is NULL or writable (# Safety above).
    let mtu = unsafe { Out::new(mtu) };
    if mtu.is_null() {
        return false;
    }
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| match i.mtu {
            Some(m) => {
                mtu.set(m);
                true
            }
            None => false,
        }
    )
}

/// The number of gateways.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_gateway_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.gateways.len()
    )
}

/// Gateway `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_gateway(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.gateways, i)
    )
}

/// The number of routes other than default routes (from the userspace
/// CNI's result; the gateways of default routes are
/// `netutil_interface_gateway()`).
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.routes.len()
    )
}

/// The destination of route `i`, as given ("10.96.0.0/12"); NULL when out
/// of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_dst(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| {
            x.routes.get(i).map_or(ptr::null(), |(d, _)| d.as_ptr())
        }
    )
}

/// The next hop of route `i`, as given; NULL when the route has none or `i`
/// is out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_route_gw(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| {
            x.routes
                .get(i)
                .map_or(ptr::null(), |(_, g)| opt_ptr(g.as_ref()))
        }
    )
}

/// The number of DNS name servers.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_nameserver_count(
    it: *const netutil_interface,
) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.nameservers.len()
    )
}

/// DNS name server `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_nameserver(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.nameservers, i)
    )
}

/// The number of DNS search domains.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_search_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.search.len()
    )
}

/// DNS search domain `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_search(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.search, i)
    )
}

/// The number of DNS resolver options.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_option_count(it: *const netutil_interface) -> usize {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| i.dns_options.len()
    )
}

/// DNS resolver option `i`; NULL when out of range.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_option(
    it: *const netutil_interface,
    i: usize,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |x| item_ptr(&x.dns_options, i)
    )
}

/// The DNS domain; NULL when not given.
///
/// # Safety
///
/// `it` is NULL or an interface of a live report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_interface_dns_domain(
    it: *const netutil_interface,
) -> *const c_char {
    getter!(
        SAFETY: "`it` is NULL or an interface of a live report (# Safety above)",
        it => |i| opt_ptr(i.dns_domain.as_ref())
    )
}
