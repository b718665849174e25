//! Free-form JSON values: the parts of the report that carry a producer's
//! data as it was given (a device plugin's `_INFO` entry today), in a type
//! of the library's own so that the public API does not expose a JSON
//! library's types.
//!
//! An [`Object`] keeps its keys sorted and unique (a repeated key: the last
//! value), so that the same input always gives the same report; it
//! serializes to the JSON it was read from, up to key order and number
//! spelling (`1.0e3` is written `1000.0`).

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// A JSON number: an integer when it was written as one and fits 64 bits,
/// else a double.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(N);

#[derive(Debug, Clone, Copy, PartialEq)]
enum N {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

/// A JSON object: keys sorted and unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Value {
    /// Whether this is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if this is one.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    #[must_use]
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if this is one.
    #[must_use]
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The value of `key`, if this is an object that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// The JSON text of this value (compact).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Number {
    /// The number as an unsigned integer, if it is one.
    #[must_use]
    pub fn as_u64(self) -> Option<u64> {
        match self.0 {
            N::Unsigned(u) => Some(u),
            N::Signed(i) => u64::try_from(i).ok(),
            N::Float(_) => None,
        }
    }

    /// The number as a signed integer, if it is an integer that fits.
    #[must_use]
    pub fn as_i64(self) -> Option<i64> {
        match self.0 {
            N::Unsigned(u) => i64::try_from(u).ok(),
            N::Signed(i) => Some(i),
            N::Float(_) => None,
        }
    }

    /// The number as a double (an integer beyond 2^53 loses precision).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        match self.0 {
            N::Unsigned(u) => u as f64,
            N::Signed(i) => i as f64,
            N::Float(f) => f,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            N::Unsigned(u) => write!(f, "{u}"),
            N::Signed(i) => write!(f, "{i}"),
            N::Float(x) => write!(f, "{x}"),
        }
    }
}

impl Object {
    /// No entries.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    /// Whether the object has `key`.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many entries there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets `key` to `value` (replacing a value it had).
    pub fn insert(&mut self, key: String, value: Value) {
        match self
            .entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key.as_str()))
        {
            Ok(i) => self.entries[i].1 = value,
            Err(i) => self.entries.insert(i, (key, value)),
        }
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    /// The JSON text of this object (compact).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(Number::from(&n)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Object(Object::from(o)),
        }
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Object {
    fn from(m: serde_json::Map<String, serde_json::Value>) -> Self {
        // serde_json's map is sorted by key and has unique keys.
        let mut entries: Vec<(String, Value)> =
            m.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        Object { entries }
    }
}

impl From<&serde_json::Number> for Number {
    fn from(n: &serde_json::Number) -> Self {
        Number(if let Some(u) = n.as_u64() {
            N::Unsigned(u)
        } else if let Some(i) = n.as_i64() {
            N::Signed(i)
        } else {
            N::Float(n.as_f64().unwrap_or(0.0))
        })
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(o) => o.serialize(s),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            N::Unsigned(u) => s.serialize_u64(u),
            N::Signed(i) => s.serialize_i64(i),
            N::Float(f) => s.serialize_f64(f),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(Value::from)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Map::<String, serde_json::Value>::deserialize(d).map(Object::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_accessors() {
        let text = r#"{"vfio":{"dev-mount":"/dev/vfio/169","mount":"/dev/vfio/vfio"},"generic":{"deviceID":"0000:3b:02.4"},"n":[1,-2,2.5,true,null]}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        // Keys come out sorted, as they did from the JSON library's map.
        assert_eq!(
            v.to_json(),
            r#"{"generic":{"deviceID":"0000:3b:02.4"},"n":[1,-2,2.5,true,null],"vfio":{"dev-mount":"/dev/vfio/169","mount":"/dev/vfio/vfio"}}"#
        );
        assert_eq!(
            v.get("vfio")
                .and_then(|m| m.get("dev-mount"))
                .and_then(Value::as_str),
            Some("/dev/vfio/169")
        );
        let n = v.get("n").and_then(Value::as_array).unwrap();
        assert_eq!(n[0].as_number().and_then(Number::as_u64), Some(1));
        assert_eq!(n[1].as_number().and_then(Number::as_i64), Some(-2));
        assert_eq!(n[1].as_number().and_then(Number::as_u64), None);
        assert!((n[2].as_number().unwrap().as_f64() - 2.5).abs() < f64::EPSILON);
        assert_eq!(n[3].as_bool(), Some(true));
        assert!(n[4].is_null());
        let o = v.as_object().unwrap();
        assert_eq!(o.len(), 3);
        assert_eq!(
            o.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["generic", "n", "vfio"]
        );
        assert!(o.contains_key("generic") && !o.contains_key("x"));
    }

    #[test]
    fn repeated_keys_keep_the_last_value_and_insert_replaces() {
        let v: Value = serde_json::from_str(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(v.to_json(), r#"{"a":3,"b":2}"#);
        let mut o = Object::new();
        o.insert("z".into(), Value::Null);
        o.insert("a".into(), Value::Bool(false));
        o.insert("z".into(), Value::String("x".into()));
        assert_eq!(o.to_json(), r#"{"a":false,"z":"x"}"#);
        o.retain(|k, _| k != "a");
        assert_eq!(o.to_json(), r#"{"z":"x"}"#);
    }
}
