//! Lenient, low-allocation access to JSON objects.
//!
//! Annotation values are decoded field by field so that one field of the
//! wrong type costs only that field (contract "Conflicts and repairs").
//! Building a `serde_json::Value` tree for that allocates every string,
//! array and map of the input; a 214 KB network-status would spend most of
//! its time in the allocator. Instead an object is split into its keys and
//! the *raw text* of each value (`RawValue`, borrowed from the input), and
//! only the fields that are kept are decoded, each straight into its final
//! type.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::report::warning::{About, WarningCode};

/// The JSON type of a raw value, as warnings name it.
pub(crate) fn kind(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A key, borrowed from the input unless it holds escapes.
pub(crate) struct Key<'a>(Cow<'a, str>);

impl Key<'_> {
    /// The key.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON object as its keys and the raw text of their values. A repeated
/// key keeps its last value, as `serde_json::Value` does.
///
/// An object made by [`Obj::parse_go`] matches keys the way Go's
/// `encoding/json` decoder does: case-insensitively (with Unicode simple
/// case folding, so the Kelvin sign `K` is a `k` and the long `ſ` an `s`),
/// the last matching key winning. Objects nested in it match the same way.
#[derive(Debug)]
pub(crate) struct Obj<'a> {
    fields: Vec<(Cow<'a, str>, &'a RawValue)>,
    fold: bool,
}

/// Whether a key of the input names the ASCII field `name` for Go's
/// decoder: equal under Unicode simple case folding. The only non-ASCII
/// characters that fold to ASCII letters are U+212A KELVIN SIGN (`k`) and
/// U+017F LATIN SMALL LETTER LONG S (`s`).
pub(crate) fn go_key_matches(key: &str, name: &str) -> bool {
    let mut want = name.bytes();
    for c in key.chars() {
        let folded = match c {
            '\u{212A}' => b'k',
            '\u{017F}' => b's',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return false,
        };
        match want.next() {
            Some(w) if w.to_ascii_lowercase() == folded => {}
            _ => return false,
        }
    }
    want.next().is_none()
}

impl<'de> Deserialize<'de> for Obj<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Obj<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some((k, v)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    fields.push((k.0, v));
                }
                Ok(Obj {
                    fields,
                    fold: false,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// A JSON array as the raw text of its elements.
pub(crate) struct Arr<'a>(pub(crate) Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for Arr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Arr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(8));
                while let Some(v) = seq.next_element::<&'de RawValue>()? {
                    items.push(v);
                }
                Ok(Arr(items))
            }
        }
        d.deserialize_seq(V)
    }
}

/// An element of an array: an object, or the kind of whatever else it is.
pub(crate) enum Elem<'a> {
    /// An object.
    Obj(Obj<'a>),
    /// Not an object: its JSON type, for warnings.
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Elem<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Elem<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Obj::deserialize(de::value::MapAccessDeserializer::new(map)).map(Elem::Obj)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Elem::Other("an array"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Elem::Other("a string"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Elem::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Elem::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Elem::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Elem::Other("a number"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Elem::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The first `MAX` elements of a JSON array, and how many it held: the
/// elements past the cap are checked and skipped, never stored.
pub(crate) struct Capped<T, const MAX: usize> {
    /// The first `MAX` elements.
    pub(crate) items: Vec<T>,
    /// How many elements the array held.
    pub(crate) total: usize,
}

impl<T, const MAX: usize> Capped<T, MAX> {
    /// How many elements were skipped.
    pub(crate) fn skipped(&self) -> usize {
        self.total - self.items.len()
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for Capped<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, const MAX: usize>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for V<T, MAX> {
            type Value = Capped<T, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(MAX));
                while items.len() < MAX {
                    match seq.next_element::<T>()? {
                        Some(v) => items.push(v),
                        None => {
                            let total = items.len();
                            return Ok(Capped { items, total });
                        }
                    }
                }
                let mut total = items.len();
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    total += 1;
                }
                Ok(Capped { items, total })
            }
        }
        d.deserialize_seq(V::<T, MAX>(std::marker::PhantomData))
    }
}

/// Parses `text` as an array of objects in one pass, keeping the first
/// `MAX` elements. A value that is valid JSON but not an array gives
/// `Err(Ok(kind))`; invalid JSON gives `Err(Err(error))`.
pub(crate) fn parse_objects<const MAX: usize>(
    text: &str,
) -> Result<Capped<Elem<'_>, MAX>, Result<&'static str, serde_json::Error>> {
    match serde_json::from_str::<Capped<Elem<'_>, MAX>>(text) {
        Ok(items) => Ok(items),
        Err(e) => match serde_json::from_str::<&RawValue>(text) {
            // Valid JSON after all: the top level is not an array.
            Ok(raw) if !raw.get().trim_start().starts_with('[') => Err(Ok(kind(raw))),
            Ok(_) => Err(Err(e)),
            Err(e) => Err(Err(e)),
        },
    }
}

/// One field decoded in a single pass, whatever JSON type it holds: its
/// value, `null`, or the JSON type found instead of the expected one. A
/// `Field` never fails to deserialize from valid JSON, so a wrongly typed
/// field costs only itself.
#[derive(Debug, Default)]
pub(crate) enum Field<T> {
    /// `null`, or (as the serde default) absent.
    #[default]
    Null,
    /// A value of the expected type.
    Value(T),
    /// A value of another type: its JSON type.
    Wrong(&'static str),
}

/// What a JSON value of each type makes of a [`Field`].
pub(crate) trait FromJson<'de>: Sized {
    /// From a string.
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    /// From a boolean.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    /// From a non-negative integer.
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    /// From an object; `Ok(None)` after consuming it when objects are not
    /// expected.
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(None)
    }
    /// From an array; `Ok(None)` after consuming it when arrays are not
    /// expected.
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl FromJson<'_> for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl FromJson<'_> for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl FromJson<'_> for u64 {
    fn from_u64(n: u64) -> Option<Self> {
        Some(n)
    }
}

impl<'de, T: FromJson<'de>> FromJson<'de> for Vec<Field<T>> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(item) = seq.next_element::<Field<T>>()? {
            items.push(item);
        }
        Ok(Some(items))
    }
}

impl<'de, T: FromJson<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        fn field<T>(v: Option<T>, kind: &'static str) -> Field<T> {
            v.map_or(Field::Wrong(kind), Field::Value)
        }
        impl<'de, T: FromJson<'de>> Visitor<'de> for V<T> {
            type Value = Field<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(field(T::from_str(s), "a string"))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                Ok(field(T::from_bool(b), "a boolean"))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(field(T::from_u64(n), "a number"))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                Ok(match u64::try_from(n) {
                    Ok(n) => field(T::from_u64(n), "a number"),
                    Err(_) => Field::Wrong("a number"),
                })
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Field::Wrong("a number"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::Null)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Ok(field(T::from_map(map)?, "an object"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(field(T::from_seq(seq)?, "an array"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T> Field<T> {
    /// Decodes one field from its raw text (never fails on valid JSON).
    pub(crate) fn from_raw<'de>(raw: &'de RawValue) -> Self
    where
        T: FromJson<'de>,
    {
        serde_json::from_str(raw.get()).unwrap_or(Field::Wrong("invalid JSON"))
    }
}

impl Field<String> {
    /// A non-empty string; a value of another type is dropped with a
    /// warning, `null` and `""` count as absent.
    pub(crate) fn string(
        self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<String> {
        match self {
            Field::Value(s) if !s.is_empty() => Some(s),
            Field::Value(_) | Field::Null => None,
            Field::Wrong(found) => {
                warnings.push(
                    WarningCode::Dropped,
                    format_args!("{context}: \"{key}\" should be a string, found {found}; dropped"),
                );
                None
            }
        }
    }
}

impl Field<Vec<Field<String>>> {
    /// An array of strings; a value of another type is dropped with a
    /// warning, and so is each element that is not a string.
    pub(crate) fn string_list(
        self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Vec<String> {
        match self {
            Field::Null => Vec::new(),
            Field::Wrong(found) => {
                warnings.push(
                    WarningCode::Dropped,
                    format_args!(
                        "{context}: \"{key}\" should be an array of strings, found {found}; dropped"
                    ),
                );
                Vec::new()
            }
            Field::Value(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Field::Value(s) => out.push(s),
                        Field::Null => warnings.push(WarningCode::Dropped, format_args!(
                            "{context}: an element of \"{key}\" should be a string, found null; dropped"
                        )),
                        Field::Wrong(found) => warnings.push(WarningCode::Dropped, format_args!(
                            "{context}: an element of \"{key}\" should be a string, found {found}; dropped"
                        )),
                    }
                }
                out
            }
        }
    }
}

impl Field<bool> {
    /// A boolean; absent, `null` or (with a warning) another type is
    /// `false`.
    pub(crate) fn boolean(
        self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> bool {
        match self {
            Field::Value(b) => b,
            Field::Null => false,
            Field::Wrong(found) => {
                warnings.push(
                    WarningCode::Repaired,
                    format_args!(
                        "{context}: \"{key}\" should be a boolean, found {found}; taken as false"
                    ),
                );
                false
            }
        }
    }
}

impl<T> Field<T> {
    /// A nested object; `null` is `None`, another type is `None` with a
    /// warning.
    pub(crate) fn object(
        self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            Field::Null => None,
            Field::Wrong(found) => {
                warnings.push(
                    WarningCode::Dropped,
                    format_args!(
                        "{context}: \"{key}\" should be an object, found {found}; dropped"
                    ),
                );
                None
            }
        }
    }
}

impl<'a> Obj<'a> {
    /// The object a raw value holds, or `None` when it is not an object.
    pub(crate) fn parse(raw: &'a RawValue) -> Option<Self> {
        if !raw.get().trim_start().starts_with('{') {
            return None;
        }
        serde_json::from_str(raw.get()).ok()
    }

    /// The object a raw value holds, its keys (and those of the objects
    /// nested in it) matched as Go's decoder matches them; `None` when it is
    /// not an object.
    pub(crate) fn parse_go(raw: &'a RawValue) -> Option<Self> {
        Self::parse(raw).map(|o| o.folding(true))
    }

    /// The same object, matching keys case-insensitively or not.
    pub(crate) fn folding(mut self, fold: bool) -> Self {
        self.fold = fold;
        self
    }

    /// Whether keys are matched as Go's decoder matches them.
    pub(crate) fn folds(&self) -> bool {
        self.fold
    }

    /// The raw value of a key (the last one when repeated); `None` when
    /// absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'a RawValue> {
        let fold = self.fold;
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key || (fold && go_key_matches(k, key)))
            .map(|(_, v)| *v)
    }

    /// A non-empty string field (see [`Field::string`]).
    pub(crate) fn string(
        &self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<String> {
        self.field::<String>(key).string(key, context, warnings)
    }

    /// A field decoded as a [`Field`]; absent is [`Field::Null`].
    pub(crate) fn field<T: FromJson<'a>>(&self, key: &str) -> Field<T> {
        self.get(key).map_or(Field::Null, Field::from_raw)
    }

    /// A nested object; absent or `null` is `None`, another type is `None`
    /// with a warning.
    pub(crate) fn object(
        &self,
        key: &str,
        context: &dyn fmt::Display,
        warnings: &mut About<'_>,
    ) -> Option<Obj<'a>> {
        let raw = self.get(key)?;
        let field = match Obj::parse(raw) {
            Some(o) => Field::Value(o.folding(self.fold)),
            None if raw.get().trim() == "null" => Field::Null,
            None => Field::Wrong(kind(raw)),
        };
        field.object(key, context, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::warning::Warnings;

    fn raw(s: &str) -> &RawValue {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn fields_and_types() {
        let r = raw(
            r#"{"a":"x","b":["1","2"],"c":true,"d":null,"e":"","k\u0065y":"esc","a":"last","n":5}"#,
        );
        let o = Obj::parse(r).unwrap();
        let mut sink = Warnings::new();
        let mut w = sink.source("ctx");
        assert_eq!(o.string("a", &"ctx", &mut w).as_deref(), Some("last"));
        assert_eq!(o.string("key", &"ctx", &mut w).as_deref(), Some("esc"));
        assert_eq!(
            o.field::<Vec<Field<String>>>("b")
                .string_list("b", &"ctx", &mut w),
            ["1", "2"]
        );
        assert!(o.field::<bool>("c").boolean("c", &"ctx", &mut w));
        assert_eq!(o.string("d", &"ctx", &mut w), None);
        assert_eq!(o.string("e", &"ctx", &mut w), None);
        assert!(w.is_empty());
        assert_eq!(o.string("n", &"ctx", &mut w), None);
        assert_eq!(
            o.field::<Vec<Field<String>>>("a")
                .string_list("a", &"ctx", &mut w),
            Vec::<String>::new()
        );
        assert!(!o.field::<bool>("a").boolean("a", &"ctx", &mut w));
        assert!(o.object("a", &"ctx", &mut w).is_none());
        let w = sink.into_vec();
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("a number"));
    }

    #[test]
    fn mixed_list() {
        let o = Obj::parse(raw(r#"{"ips":["10.0.0.1",7,"fd00::1",null]}"#)).unwrap();
        let mut sink = Warnings::new();
        assert_eq!(
            o.field::<Vec<Field<String>>>("ips").string_list(
                "ips",
                &"net1",
                &mut sink.source("net1")
            ),
            ["10.0.0.1", "fd00::1"]
        );
        assert_eq!(sink.len(), 2);
    }

    #[test]
    fn go_key_folding() {
        assert!(go_key_matches("ifName", "ifName"));
        assert!(go_key_matches("IfName", "ifName"));
        assert!(go_key_matches("IFNAME", "ifName"));
        assert!(go_key_matches("ifname", "ifName"));
        assert!(go_key_matches("\u{212A}ey", "key"));
        assert!(go_key_matches("\u{017F}ocketfile", "socketfile"));
        assert!(!go_key_matches("ifNam", "ifName"));
        assert!(!go_key_matches("ifNamee", "ifName"));
        assert!(!go_key_matches("if_name", "ifName"));
        assert!(!go_key_matches("\u{0131}fName", "ifName"));
        assert!(!go_key_matches("", "a"));
        assert!(go_key_matches("", ""));
        // The last matching key wins, whatever its spelling; nested objects
        // fold too.
        let o = Obj::parse_go(raw(
            r#"{"ifName":"a","IFNAME":"b","Config":{"IfType":"memif"},"name":"n","Name":"N"}"#,
        ))
        .unwrap();
        let mut sink = Warnings::new();
        let mut w = sink.source("ctx");
        assert_eq!(o.string("ifName", &"ctx", &mut w).as_deref(), Some("b"));
        assert_eq!(o.string("name", &"ctx", &mut w).as_deref(), Some("N"));
        let c = o.object("config", &"ctx", &mut w).unwrap();
        assert_eq!(c.string("iftype", &"ctx", &mut w).as_deref(), Some("memif"));
        assert!(w.is_empty());
        // Without folding, only the exact spelling.
        let o = Obj::parse(raw(r#"{"IfName":"a"}"#)).unwrap();
        assert_eq!(o.string("ifName", &"ctx", &mut w), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind(raw(" \"s\"")), "a string");
        assert_eq!(kind(raw("[1]")), "an array");
        assert_eq!(kind(raw("-1.5")), "a number");
        assert_eq!(kind(raw("false")), "a boolean");
        assert!(Obj::parse(raw("[1]")).is_none());
    }
}
