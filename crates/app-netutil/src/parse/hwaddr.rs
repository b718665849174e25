//! Link-layer addresses: Ethernet MACs and InfiniBand GUIDs.
//!
//! Producers write MACs in whatever form their source had: the CNI result's
//! text (upper-case hex from some plugins), the device-info spec's own
//! example with a leading space, `-` separators. The report holds one form
//! only: trimmed, lower-case hex octets separated by `:`. A value that is not
//! an address of the expected length is refused (the caller then reports it
//! as unknown, with a warning).

use std::fmt;

use crate::report::warning::{About, WarningCode};

/// The canonical form of an Ethernet MAC address: six hex octets separated
/// by `:` or `-` (one separator throughout, two digits per octet),
/// surrounding white space ignored, written lower-case with `:`. `None` when
/// `text` is not such an address.
///
/// ```
/// use app_netutil::internal::hwaddr::mac;
/// assert_eq!(mac(" 64:1F:74:32:2e:6d").as_deref(), Some("64:1f:74:32:2e:6d"));
/// assert_eq!(mac("00-AA-BB-CC-DD-01").as_deref(), Some("00:aa:bb:cc:dd:01"));
/// assert_eq!(mac("00:ZZ:BB:CC:DD:01"), None);
/// ```
#[must_use]
pub fn mac(text: &str) -> Option<String> {
    canonical(text, &[6])
}

/// The canonical form of an InfiniBand address as the network-status
/// `infiniband-guid` key carries it: an 8-octet GUID
/// (`24:8a:07:03:00:8d:ae:2f`, what the selection annotation requests) or
/// the 20-octet IP-over-InfiniBand hardware address whose last 8 octets are
/// the GUID (what the multi-net-spec's status example shows). Same rules as
/// [`mac`] otherwise.
#[must_use]
pub fn infiniband_guid(text: &str) -> Option<String> {
    canonical(text, &[8, 20])
}

/// The `mac` of an input in its canonical form; white space alone is no
/// address, anything else that is not a MAC is dropped with a warning
/// naming `context`.
pub(crate) fn checked_mac(
    raw: Option<String>,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Option<String> {
    checked(
        raw,
        "mac",
        mac,
        "an Ethernet MAC address (six hex octets separated by ':' or '-')",
        context,
        warnings,
    )
}

/// [`checked_mac`] for the `infiniband-guid` key.
pub(crate) fn checked_guid(
    raw: Option<String>,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Option<String> {
    checked(
        raw,
        "infiniband-guid",
        infiniband_guid,
        "an InfiniBand GUID (8 hex octets, or the 20-octet IP-over-InfiniBand address)",
        context,
        warnings,
    )
}

fn checked(
    raw: Option<String>,
    key: &str,
    canonical: fn(&str) -> Option<String>,
    what: &str,
    context: &dyn fmt::Display,
    warnings: &mut About<'_>,
) -> Option<String> {
    let raw = raw?;
    if raw.trim().is_empty() {
        return None;
    }
    let value = canonical(&raw);
    if value.is_none() {
        warnings.push(
            WarningCode::Dropped,
            format_args!("{context}: \"{key}\" {raw:?} is not {what}; left null"),
        );
    }
    value
}

/// `text` as `octets`-long hex octets separated by one `:` or `-`
/// throughout, lower-case with `:`.
fn canonical(text: &str, octets: &[usize]) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    // Two digits and a separator per octet, no separator after the last.
    let n = (bytes.len() + 1) / 3;
    if !octets.contains(&n) || bytes.len() != n * 3 - 1 {
        return None;
    }
    let sep = *bytes.get(2)?;
    if sep != b':' && sep != b'-' {
        return None;
    }
    let mut out = String::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if i % 3 == 2 {
            if b != sep {
                return None;
            }
            out.push(':');
        } else if b.is_ascii_hexdigit() {
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs() {
        for (input, want) in [
            ("0a:58:0a:80:02:0f", Some("0a:58:0a:80:02:0f")),
            (" 64:1f:74:32:2e:6d", Some("64:1f:74:32:2e:6d")),
            ("00:AA:BB:CC:DD:01\n", Some("00:aa:bb:cc:dd:01")),
            ("\t02-00-00-AA-bb-01 ", Some("02:00:00:aa:bb:01")),
            ("00:00:00:00:00:00", Some("00:00:00:00:00:00")),
            ("00:ZZ:BB:CC:DD:01", None),
            ("00:aa:bb:cc:dd", None),
            ("00:aa:bb:cc:dd:ee:ff", None),
            ("00:aa:bb-cc:dd:ee", None),
            ("0:aa:bb:cc:dd:ee", None),
            ("000:aa:bb:cc:dd:e", None),
            ("00aa.bbcc.ddee", None),
            ("0a58.0a80.020f", None),
            ("00.aa.bb.cc.dd.ee", None),
            ("00:aa:bb:cc:dd:e\u{e9}", None),
            ("00:aa:bb:cc:dd:+e", None),
            ("", None),
            ("   ", None),
            (":::::", None),
            ("<nil>", None),
            // A 20-octet IPoIB hardware address is not an Ethernet MAC.
            (
                "80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22",
                None,
            ),
        ] {
            assert_eq!(mac(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn infiniband() {
        assert_eq!(
            infiniband_guid("24:8A:07:03:00:8d:ae:2f").as_deref(),
            Some("24:8a:07:03:00:8d:ae:2f")
        );
        assert_eq!(
            infiniband_guid(" 80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22")
                .as_deref(),
            Some("80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22")
        );
        assert_eq!(infiniband_guid("02:00:00:aa:bb:01"), None);
        assert_eq!(infiniband_guid("24:8a:07:03:00:8d:ae"), None);
        assert_eq!(infiniband_guid("24:8a:07:03:00:8d:ae:2g"), None);
    }

    proptest::proptest! {
        /// Whatever the input, the result is canonical and a fixed point.
        #[test]
        fn canonical_is_a_fixed_point(s in "[ 0-9a-fA-FzZ:.-]{0,24}") {
            if let Some(m) = mac(&s) {
                proptest::prop_assert_eq!(m.len(), 17);
                proptest::prop_assert!(m.bytes().all(|b| b == b':' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
                proptest::prop_assert_eq!(mac(&m), Some(m.clone()));
                proptest::prop_assert_eq!(mac(&m.to_ascii_uppercase().replace(':', "-")), Some(m));
            }
        }

        /// Every six octets, in any case and with either separator, are a
        /// MAC that prints back as the octets.
        #[test]
        fn every_mac_is_accepted(octets in proptest::array::uniform6(0u8..), dash in proptest::bool::ANY, upper in proptest::bool::ANY) {
            let want: Vec<String> = octets.iter().map(|o| format!("{o:02x}")).collect();
            let mut text = want.join(if dash { "-" } else { ":" });
            if upper {
                text = text.to_ascii_uppercase();
            }
            proptest::prop_assert_eq!(mac(&text), Some(want.join(":")));
        }
    }
}
