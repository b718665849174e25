//! Decoding one metadata object, field by field: a field of the wrong
//! type costs only itself.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::parse::dra::metadata::model::{
    Attribute, ClaimRef, DeviceMetadata, MetadataDevice, MetadataRequest, NetworkData,
};
use crate::parse::json::{self, Capped, Field, Key, Obj};
use crate::report::warning::{About, WarningCode};

/// The most requests read from one object (a claim holds at most 32; a
/// file normally one); the rest are counted in a warning.
pub const MAX_REQUESTS: usize = 32;

/// The most devices read from one object, over all its requests (a claim
/// holds at most 32 allocation results); the rest are counted in a warning.
pub const MAX_DEVICES: usize = 128;

/// The most attributes read for one device (a ResourceSlice allows 32
/// attributes and capacities together); the rest are counted in a warning.
pub const MAX_ATTRIBUTES: usize = 128;

/// Names a place in the file in warnings.
struct Ctx<'a> {
    file: &'a str,
    request: Option<usize>,
    device: Option<(usize, Option<&'a str>)>,
}

impl fmt::Display for Ctx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file)?;
        if let Some(r) = self.request {
            write!(f, ": request {r}")?;
        }
        if let Some((d, name)) = self.device {
            write!(f, " device {d}")?;
            if let Some(n) = name {
                write!(f, " ({n})")?;
            }
        }
        Ok(())
    }
}

pub(super) fn decode(
    obj: &Obj<'_>,
    api_version: String,
    file: &str,
    driver: Option<&str>,
    w: &mut About<'_>,
) -> DeviceMetadata {
    let top = Ctx {
        file,
        request: None,
        device: None,
    };
    let mut claim = ClaimRef::default();
    if let Some(meta) = obj.object("metadata", &top, w) {
        let ctx = format!("{file}: metadata");
        claim.name = meta.string("name", &ctx, w);
        claim.namespace = meta.string("namespace", &ctx, w);
        claim.uid = meta.string("uid", &ctx, w);
        claim.generation = match meta.get("generation").map(scalar) {
            None | Some(Scalar::Null) => None,
            Some(Scalar::Int(n)) => Some(n),
            Some(other) => {
                w.push(
                    WarningCode::Dropped,
                    format_args!(
                        "{ctx}: \"generation\" should be an integer, found {}; dropped",
                        other.kind()
                    ),
                );
                None
            }
        };
    }
    let pod_claim_name = obj.string("podClaimName", &top, w);
    let mut requests = Vec::new();
    let mut devices_left = MAX_DEVICES;
    let mut devices_over = 0usize;
    if let Some(raw) = obj.get("requests") {
        match array::<MAX_REQUESTS>(raw) {
            Err(found) => w.push(
                WarningCode::Dropped,
                format_args!("{file}: \"requests\" should be an array, found {found}; dropped"),
            ),
            Ok(list) => {
                if list.skipped() > 0 {
                    w.push(
                        WarningCode::Dropped,
                        format_args!(
                            "{file}: {} requests past the first {MAX_REQUESTS} are not read",
                            list.skipped()
                        ),
                    );
                }
                for (i, elem) in list.items.into_iter().enumerate() {
                    let ctx = Ctx {
                        file,
                        request: Some(i + 1),
                        device: None,
                    };
                    let Some(r) = Obj::parse(elem) else {
                        w.push(
                            WarningCode::Dropped,
                            format_args!(
                                "{ctx}: should be an object, found {}; dropped",
                                json::kind(elem)
                            ),
                        );
                        continue;
                    };
                    let mut request = MetadataRequest {
                        name: r.string("name", &ctx, w),
                        devices: Vec::new(),
                    };
                    if let Some(raw) = r.get("devices") {
                        match array::<MAX_DEVICES>(raw) {
                            Err(found) => w.push(
                                WarningCode::Dropped,
                                format_args!(
                                    "{ctx}: \"devices\" should be an array, found {found}; dropped"
                                ),
                            ),
                            Ok(list) => {
                                devices_over += list.skipped();
                                for (j, elem) in list.items.into_iter().enumerate() {
                                    if devices_left == 0 {
                                        devices_over += 1;
                                        continue;
                                    }
                                    devices_left -= 1;
                                    if let Some(d) = device(elem, file, i + 1, j + 1, driver, w) {
                                        request.devices.push(d);
                                    }
                                }
                            }
                        }
                    }
                    requests.push(request);
                }
            }
        }
    }
    if devices_over > 0 {
        w.push(
            WarningCode::Dropped,
            format_args!(
                "{file}: {devices_over} devices past the first {MAX_DEVICES} are not read"
            ),
        );
    }
    DeviceMetadata {
        api_version,
        claim,
        pod_claim_name,
        requests,
    }
}

/// A JSON array's elements (the first `MAX`), or the type found instead.
fn array<const MAX: usize>(raw: &RawValue) -> Result<Capped<&RawValue, MAX>, &'static str> {
    if !raw.get().trim_start().starts_with('[') {
        return Err(json::kind(raw));
    }
    serde_json::from_str(raw.get()).map_err(|_| "invalid JSON")
}

/// An object's members in order, repeats included: for the objects whose
/// every key matters (a device, its attributes, its network data).
struct Entries<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Entries<'a> {
    /// The members of an object; `Err` with the JSON type of anything else.
    fn parse(raw: &'a RawValue) -> Result<Self, &'static str> {
        if !raw.get().trim_start().starts_with('{') {
            return Err(json::kind(raw));
        }
        serde_json::from_str(raw.get()).map_err(|_| "invalid JSON")
    }

    /// The last value of `key`.
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| *v)
    }

    /// A non-empty string member (see [`Field::string`]).
    fn string(&self, key: &str, ctx: &dyn fmt::Display, w: &mut About<'_>) -> Option<String> {
        self.get(key)
            .map_or(Field::Null, Field::<String>::from_raw)
            .string(key, ctx, w)
    }
}

/// The members every device has; others are named in a warning.
const DEVICE_KEYS: [&str; 5] = ["driver", "pool", "name", "attributes", "networkData"];

fn device(
    raw: &RawValue,
    file: &str,
    request: usize,
    index: usize,
    expected_driver: Option<&str>,
    w: &mut About<'_>,
) -> Option<MetadataDevice> {
    let mut ctx = Ctx {
        file,
        request: Some(request),
        device: Some((index, None)),
    };
    let obj = match Entries::parse(raw) {
        Ok(o) => o,
        Err(kind) => {
            w.push(
                WarningCode::Dropped,
                format_args!("{ctx}: should be an object, found {kind}; dropped"),
            );
            return None;
        }
    };
    let name = obj.string("name", &ctx, w);
    let driver = obj.string("driver", &ctx, w);
    let (Some(name), Some(driver)) = (name, driver) else {
        w.push(
            WarningCode::Dropped,
            format_args!("{ctx}: a device needs a \"driver\" and a \"name\"; dropped"),
        );
        return None;
    };
    ctx.device = Some((index, Some(&name)));
    if let Some(expected) = expected_driver {
        if driver != expected {
            w.push(
                WarningCode::Conflict,
                format_args!(
                    "{ctx}: driver {driver:?} is not the {expected:?} the file name says; the device is kept"
                ),
            );
        }
    }
    let pool = obj.string("pool", &ctx, w);
    let attributes = obj
        .get("attributes")
        .map(|raw| attributes(raw, &ctx, w))
        .unwrap_or_default();
    let network_data = obj
        .get("networkData")
        .and_then(|raw| network_data(raw, &ctx, w));
    let mut unknown: Vec<&str> = obj
        .0
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !DEVICE_KEYS.contains(k))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        w.push(
            WarningCode::Unsupported,
            format_args!(
                "{ctx}: keys {unknown:?} are not device fields this library reads; ignored"
            ),
        );
    }
    Some(MetadataDevice {
        driver,
        pool,
        name,
        attributes,
        network_data,
    })
}

/// The value kinds of an attribute, as JSON keys.
const ATTRIBUTE_KINDS: [&str; 8] = [
    "int", "bool", "string", "version", "ints", "bools", "strings", "versions",
];

fn attributes(
    raw: &RawValue,
    ctx: &dyn fmt::Display,
    w: &mut About<'_>,
) -> BTreeMap<String, Attribute> {
    let mut out = BTreeMap::new();
    let entries = match Entries::parse(raw) {
        Ok(e) => e,
        Err("null") => return out,
        Err(kind) => {
            w.push(
                WarningCode::Dropped,
                format_args!("{ctx}: \"attributes\" should be an object, found {kind}; dropped"),
            );
            return out;
        }
    };
    let mut over = 0usize;
    for (key, value) in entries.0 {
        let key = key.as_str();
        if !out.contains_key(key) && out.len() >= MAX_ATTRIBUTES {
            over += 1;
            continue;
        }
        match attribute(value) {
            Ok(Some(attr)) => {
                if out.insert(key.to_owned(), attr).is_some() {
                    w.push(
                        WarningCode::Conflict,
                        format_args!("{ctx}: attribute {key:?} is given twice; the last is used"),
                    );
                }
            }
            Ok(None) => {}
            Err(AttributeError::Unsupported(kinds)) => w.push(
                WarningCode::Unsupported,
                format_args!(
                    "{ctx}: attribute {key:?}: holds no value of a known type (found {kinds:?}); dropped"
                ),
            ),
            Err(e) => w.push(
                WarningCode::Dropped,
                format_args!("{ctx}: attribute {key:?}: {e}; dropped"),
            ),
        }
    }
    if over > 0 {
        w.push(
            WarningCode::Dropped,
            format_args!("{ctx}: {over} attributes past the first {MAX_ATTRIBUTES} are not read"),
        );
    }
    out
}

/// Why an attribute value is not used.
#[derive(Debug)]
enum AttributeError {
    NotAnObject(&'static str),
    Empty,
    Several(Vec<&'static str>),
    Unsupported(Vec<String>),
    WrongType {
        kind: &'static str,
        found: &'static str,
    },
}

impl fmt::Display for AttributeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject(found) => write!(f, "should be an object, found {found}"),
            Self::Empty => f.write_str("holds no value"),
            Self::Several(kinds) => write!(f, "holds several values ({})", kinds.join(", ")),
            Self::Unsupported(kinds) => {
                write!(f, "holds no value of a known type (found {kinds:?})")
            }
            Self::WrongType { kind, found } => {
                let expected = match *kind {
                    "int" => "an integer",
                    "bool" => "a boolean",
                    "string" | "version" => "a string",
                    "ints" => "an array of integers",
                    "bools" => "an array of booleans",
                    _ => "an array of strings",
                };
                write!(f, "\"{kind}\" should be {expected}, found {found}")
            }
        }
    }
}

/// One attribute value; `Ok(None)` for `null` (as if absent).
fn attribute(raw: &RawValue) -> Result<Option<Attribute>, AttributeError> {
    let entries = match Entries::parse(raw) {
        Ok(e) => e,
        Err("null") => return Ok(None),
        Err(found) => return Err(AttributeError::NotAnObject(found)),
    };
    let mut known: Vec<(&'static str, &RawValue)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for (key, value) in &entries.0 {
        if value.get().trim() == "null" {
            continue; // a nil pointer upstream: no value
        }
        match ATTRIBUTE_KINDS.iter().find(|k| **k == key.as_str()) {
            Some(kind) => {
                known.retain(|(k, _)| k != kind);
                known.push((kind, value));
            }
            None if unknown.len() < 8 => unknown.push(key.as_str().to_owned()),
            None => {}
        }
    }
    let (kind, value) = match known.as_slice() {
        [] if unknown.is_empty() => return Err(AttributeError::Empty),
        [] => return Err(AttributeError::Unsupported(unknown)),
        [one] => *one,
        several => {
            return Err(AttributeError::Several(
                several.iter().map(|(k, _)| *k).collect(),
            ));
        }
    };
    let wrong = |found| AttributeError::WrongType { kind, found };
    let attr = match (kind, scalar(value)) {
        ("int", Scalar::Int(n)) => Attribute::Int(n),
        ("bool", Scalar::Bool(b)) => Attribute::Bool(b),
        ("string", Scalar::Str(s)) => Attribute::String(s),
        ("version", Scalar::Str(s)) => Attribute::Version(s),
        ("ints" | "bools" | "strings" | "versions", Scalar::List(items)) => {
            list(kind, items).map_err(wrong)?
        }
        (_, other) => return Err(wrong(other.kind())),
    };
    Ok(Some(attr))
}

/// A list attribute from its elements; `Err` with the JSON type of the
/// first element of the wrong type.
fn list(kind: &'static str, items: Vec<Scalar>) -> Result<Attribute, &'static str> {
    fn all<T>(
        items: Vec<Scalar>,
        f: impl Fn(Scalar) -> Result<T, Scalar>,
    ) -> Result<Vec<T>, &'static str> {
        items
            .into_iter()
            .map(|s| f(s).map_err(|s| s.kind()))
            .collect::<Result<Vec<T>, &'static str>>()
            .map_err(|k| match k {
                "an array" => "an array holding an array",
                "an integer" => "an array holding an integer",
                "a boolean" => "an array holding a boolean",
                "a string" => "an array holding a string",
                "null" => "an array holding null",
                "an object" => "an array holding an object",
                _ => "an array holding a number that is not an integer",
            })
    }
    Ok(match kind {
        "ints" => Attribute::Ints(all(items, |s| match s {
            Scalar::Int(n) => Ok(n),
            s => Err(s),
        })?),
        "bools" => Attribute::Bools(all(items, |s| match s {
            Scalar::Bool(b) => Ok(b),
            s => Err(s),
        })?),
        "strings" => Attribute::Strings(all(items, |s| match s {
            Scalar::Str(v) => Ok(v),
            s => Err(s),
        })?),
        _ => Attribute::Versions(all(items, |s| match s {
            Scalar::Str(v) => Ok(v),
            s => Err(s),
        })?),
    })
}

/// The members of `networkData`.
const NETWORK_DATA_KEYS: [&str; 3] = ["interfaceName", "ips", "hardwareAddress"];

fn network_data(raw: &RawValue, ctx: &dyn fmt::Display, w: &mut About<'_>) -> Option<NetworkData> {
    let entries = match Entries::parse(raw) {
        Ok(e) => e,
        Err("null") => return None,
        Err(kind) => {
            w.push(
                WarningCode::Dropped,
                format_args!("{ctx}: \"networkData\" should be an object, found {kind}; dropped"),
            );
            return None;
        }
    };
    let nd_ctx = format!("{ctx}: networkData");
    let ips = entries
        .get("ips")
        .map_or(Field::Null, Field::<Vec<Field<String>>>::from_raw)
        .string_list("ips", &nd_ctx, w);
    let mut unknown: Vec<&str> = entries
        .0
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !NETWORK_DATA_KEYS.contains(k))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        w.push(
            WarningCode::Unsupported,
            format_args!(
                "{nd_ctx}: keys {unknown:?} are not network data fields this library reads; ignored"
            ),
        );
    }
    Some(NetworkData {
        interface_name: entries.string("interfaceName", &nd_ctx, w),
        ips,
        hardware_address: entries.string("hardwareAddress", &nd_ctx, w),
    })
}

/// A JSON value as the attribute decoder sees it.
enum Scalar {
    Int(i64),
    Bool(bool),
    Str(String),
    Null,
    /// An array of values (arrays inside it are [`Scalar::Wrong`]).
    List(Vec<Scalar>),
    /// Anything else: its JSON type.
    Wrong(&'static str),
}

impl Scalar {
    fn kind(&self) -> &'static str {
        match self {
            Self::Int(_) => "an integer",
            Self::Bool(_) => "a boolean",
            Self::Str(_) => "a string",
            Self::Null => "null",
            Self::List(_) => "an array",
            Self::Wrong(k) => k,
        }
    }
}

/// Decodes one value (never fails on valid JSON).
fn scalar(raw: &RawValue) -> Scalar {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    ScalarSeed { depth: 0 }
        .deserialize(&mut de)
        .unwrap_or(Scalar::Wrong("invalid JSON"))
}

/// Decodes a value; an array only at depth 0.
struct ScalarSeed {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(n).map_or(Scalar::Wrong("an integer out of range"), Scalar::Int))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Wrong("a number that is not an integer"))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(b))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Scalar::Wrong("an object"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        if self.depth > 0 {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            return Ok(Scalar::Wrong("an array"));
        }
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        while let Some(item) = seq.next_element_seed(ScalarSeed { depth: 1 })? {
            items.push(item);
        }
        Ok(Scalar::List(items))
    }
}
