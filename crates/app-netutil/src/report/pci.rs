//! PCI addresses and device-plugin device ids.

use std::fmt;

use serde::Serialize;

/// A PCI address in the kernel's sysfs spelling: `dddd:bb:dd.f`, lower-case
/// hex, with the domain (wider than four digits when the domain needs it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PciAddress(String);

impl PciAddress {
    /// Parses `[domain:]bus:device.function` in hex, either case, with
    /// surrounding whitespace, and returns it normalised (`18:02.2` becomes
    /// `0000:18:02.2`). Returns `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if is_canonical(s) {
            return Some(Self(s.to_owned()));
        }
        let (rest, function) = s.rsplit_once('.')?;
        let function = parse_hex(function, 1)?;
        if function > 7 {
            return None;
        }
        let mut parts = rest.rsplitn(3, ':');
        let device = parse_hex(parts.next()?, 2)?;
        let bus = parse_hex(parts.next()?, 2)?;
        let domain = match parts.next() {
            Some(d) => parse_hex(d, 8)?,
            None => 0,
        };
        if device > 0x1f {
            return None;
        }
        Some(Self(format!(
            "{domain:04x}:{bus:02x}:{device:02x}.{function:x}"
        )))
    }

    /// The normalised address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as one number (domain, bus, device, function), for
    /// fast comparison.
    #[must_use]
    pub fn key(&self) -> u64 {
        self.0
            .bytes()
            .filter_map(|b| char::from(b).to_digit(16))
            .fold(0u64, |k, d| (k << 4) | u64::from(d))
    }

    /// The normalised address, as an owned string.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for PciAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `dddd:bb:dd.f` in lower-case hex with a device number up to 0x1f: the
/// common spelling, accepted as it is.
fn is_canonical(s: &str) -> bool {
    let b = s.as_bytes();
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    b.len() == 12
        && b[4] == b':'
        && b[7] == b':'
        && b[10] == b'.'
        && [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| hex(b[i]))
        && (b'0'..=b'7').contains(&b[11])
        && b[8] <= b'1'
}

fn parse_hex(s: &str, max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// A device id from a device-plugin variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviceId {
    /// A PCI device (SR-IOV VF or PF, accelerator).
    Pci(PciAddress),
    /// An auxiliary-bus device such as a Mellanox/NVIDIA sub-function,
    /// `mlx5_core.sf.4`, kept exactly as the device plugin wrote it.
    Auxiliary(String),
}

impl DeviceId {
    /// Classifies a trimmed id: a PCI address (normalised), an auxiliary
    /// device name `<driver>.<name>.<number>`, or `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(pci) = PciAddress::parse(s) {
            return Some(Self::Pci(pci));
        }
        is_auxiliary_name(s).then(|| Self::Auxiliary(s.to_owned()))
    }

    /// The id as it appears in the report (`device-id`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pci(p) => p.as_str(),
            Self::Auxiliary(a) => a,
        }
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `<driver>.<name>.<number>`, each of the first two parts made of
/// `[A-Za-z0-9_-]`, the last decimal.
fn is_auxiliary_name(s: &str) -> bool {
    let mut parts = s.split('.');
    let (Some(driver), Some(name), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    word(driver) && word(name) && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<String> {
        PciAddress::parse(s).map(|p| p.0)
    }

    #[test]
    fn normalises() {
        assert_eq!(norm("0000:18:02.2").as_deref(), Some("0000:18:02.2"));
        assert_eq!(norm("18:02.2").as_deref(), Some("0000:18:02.2"));
        assert_eq!(norm(" 0000:AF:0A.2\n").as_deref(), Some("0000:af:0a.2"));
        assert_eq!(norm("10000:00:00.0").as_deref(), Some("10000:00:00.0"));
        assert_eq!(norm("0:3:1.0").as_deref(), Some("0000:03:01.0"));
    }

    #[test]
    fn fast_path_agrees_with_slow_path() {
        for s in [
            "0000:18:02.2",
            "0000:3b:1f.7",
            "ffff:ff:00.0",
            "0000:18:20.0",
            "0000:18:02.8",
        ] {
            let fast = is_canonical(s);
            let mut parts = s.split([':', '.']);
            let (_d, _b, dev, f) = (parts.next(), parts.next(), parts.next(), parts.next());
            let dev = u32::from_str_radix(dev.unwrap(), 16).unwrap();
            let f: u32 = f.unwrap().parse().unwrap();
            assert_eq!(fast, dev <= 0x1f && f <= 7, "{s}");
            assert_eq!(norm(s).is_some(), fast, "{s}");
        }
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "0000:18:02",
            "0000:18:02.8",
            "0000:18:20.0",
            "0000:18:02.2;vlan=100",
            "0000:118:02.2",
            "zz:02.2",
            "mlx5_core.sf.4",
            "0000:18:02.2.1",
            ":18:02.2",
            "1:2:3:4.0",
        ] {
            assert_eq!(norm(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keys_tell_addresses_apart() {
        let k = |s: &str| PciAddress::parse(s).unwrap().key();
        assert_eq!(k("18:02.2"), k("0000:18:02.2"));
        assert_ne!(k("0000:18:02.2"), k("0000:18:02.3"));
        assert_ne!(k("0001:18:02.2"), k("0000:18:02.2"));
        assert_ne!(k("10000:00:00.0"), k("1000:00:00.0"));
        assert!(k("0000:18:02.2") < k("0000:18:02.3"));
    }

    #[test]
    fn device_ids() {
        assert_eq!(
            DeviceId::parse("mlx5_core.sf.4"),
            Some(DeviceId::Auxiliary("mlx5_core.sf.4".into()))
        );
        assert_eq!(
            DeviceId::parse(" 18:02.2 "),
            Some(DeviceId::Pci(PciAddress("0000:18:02.2".into())))
        );
        assert_eq!(DeviceId::parse("mlx5_core.sf.x"), None);
        assert_eq!(DeviceId::parse("mlx5_core.sf"), None);
        assert_eq!(DeviceId::parse("a.b.c.1"), None);
        assert_eq!(DeviceId::parse("0000:18:0a.3;vlan=100"), None);
    }
}
