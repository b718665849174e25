//! An order-preserving document tree, read from and written to YAML or JSON.
//!
//! `serde_json::Value` sorts object keys unless `serde_json/preserve_order` is
//! on, and that feature would be unified into the library crate's build too
//! (its report has `serde_json::Map` fields). So `inject` keeps its own small
//! tree: a mapping is a `Vec` of entries in document order, which both
//! `serde-saphyr` and `serde_json` read and write through serde.
//!
//! Writing a tree and reading it back gives the same tree (property-tested
//! below), which is what makes `inject` idempotent byte for byte. One
//! exception: a JSON float written with 16 or more significant digits may
//! come back one unit in the last place off (serde_json's default float
//! parser); Kubernetes numbers are integers or quantity strings.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// One node of a YAML or JSON document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A negative integer.
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// A finite floating-point number.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping with string keys, in document order.
    Map(Map),
}

/// A mapping with string keys that keeps its entries in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Map(Vec<(String, Value)>);

impl Map {
    /// An empty mapping.
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }

    /// The value under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, appending `default()` first when it is absent.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: &str,
        default: impl FnOnce() -> Value,
    ) -> &mut Value {
        let index = match self.0.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.0.push((key.to_owned(), default()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }

    /// The string under `key`, if there is one.
    pub(crate) fn get_str(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The entries in document order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<const N: usize> From<[(&str, Value); N]> for Map {
    fn from(entries: [(&str, Value); N]) -> Self {
        Self(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Self::Map(m)
    }
}

impl Value {
    /// What kind of node this is, for messages ("a string", "a sequence").
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Int(_) | Self::UInt(_) | Self::Float(_) => "a number",
            Self::String(_) => "a string",
            Self::Seq(_) => "a sequence",
            Self::Map(_) => "a mapping",
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Int(i) => serializer.serialize_i64(*i),
            Self::UInt(u) => serializer.serialize_u64(*u),
            Self::Float(f) => serializer.serialize_f64(*f),
            Self::String(s) => serializer.serialize_str(s),
            Self::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Map(map) => map.serialize(serializer),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            out.serialize_entry(k, v)?;
        }
        out.end()
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value with string keys")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(match u64::try_from(i) {
            Ok(u) => Value::UInt(u),
            Err(_) => Value::Int(i),
        })
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::UInt(u))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        if f.is_finite() {
            Ok(Value::Float(f))
        } else {
            Err(E::custom("a number is not finite"))
        }
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.get(&key).is_some() {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = access.next_value()?;
            map.0.push((key, value));
        }
        Ok(Value::Map(map))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// The syntax a stream of documents was written in; output uses the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// One or more JSON texts.
    Json,
    /// A YAML stream, documents separated by `---`.
    Yaml,
}

/// Why a stream could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ParseError {
    /// Neither JSON nor YAML.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// The stream holds no document at all.
    #[error("no document in the input")]
    Empty,
}

/// Why a tree could not be written.
#[cfg(test)]
#[derive(Debug, thiserror::Error)]
#[error("cannot write {format:?}: {message}")]
pub(crate) struct EmitError {
    format: Format,
    message: String,
}

/// Reads a stream of documents: JSON when the whole input is one or more
/// JSON texts, YAML otherwise.
///
/// YAML is read the way `kubectl` (YAML 1.1 via go-yaml v2) reads manifests
/// where that matters for numbers: `0644` is the octal number 420.
pub(crate) fn parse(input: &str) -> Result<(Format, Vec<Value>), ParseError> {
    parse_with_nodes(input, DEFAULT_MAX_NODES)
}

/// The YAML reader's default bound on nodes in one input.
const DEFAULT_MAX_NODES: usize = 250_000;

/// Whether `output` reads as exactly `expected` (documents, order, types
/// and values), in `format`. Used on `inject`'s own output, which may hold
/// up to [`MAX_OUTPUT_NODES`] nodes. No second tree is built: each
/// document read is reduced to a 128-bit fingerprint on the fly (two
/// SipHash functions with keys drawn at random for the process) and
/// compared with the fingerprint of the expected document.
pub(crate) fn reads_as(
    output: &str,
    format: Format,
    expected: &[Value],
) -> Result<bool, ParseError> {
    let got: Vec<Fingerprint> = match format {
        Format::Json => {
            let docs: Result<Vec<Fingerprint>, _> = serde_json::Deserializer::from_str(output)
                .into_iter::<Fingerprint>()
                .collect();
            docs.map_err(|e| ParseError::Yaml(e.to_string()))?
        }
        Format::Yaml => {
            if output.trim_start().starts_with(['{', '[']) {
                // It must not read as JSON now when the input did not.
                if serde_json::Deserializer::from_str(output)
                    .into_iter::<de::IgnoredAny>()
                    .all(|r| r.is_ok())
                {
                    return Ok(false);
                }
            }
            let mut budget = serde_saphyr::Budget::default();
            budget.max_nodes = MAX_OUTPUT_NODES + 1;
            let options = serde_saphyr::options! {
                legacy_octal_numbers: true,
                with_snippet: false,
                budget: Some(budget),
            };
            serde_saphyr::from_multiple_with_options(output, options).map_err(|e| yaml_error(&e))?
        }
    };
    Ok(got.len() == expected.len()
        && got
            .iter()
            .zip(expected)
            .all(|(g, e)| *g == Fingerprint::of(e)))
}

/// The most nodes (scalars, sequences, mappings) `inject` writes in one
/// output: the YAML reader's own bound on an input.
pub(crate) const MAX_OUTPUT_NODES: usize = DEFAULT_MAX_NODES;

/// The number of nodes of a tree.
pub(crate) fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        // A key is a node too.
        Value::Map(m) => m.iter().map(|(_, v)| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// A 128-bit digest of a document, computed while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint(u64, u64);

thread_local! {
    static KEYS: (std::hash::RandomState, std::hash::RandomState) =
        (std::hash::RandomState::new(), std::hash::RandomState::new());
}

/// Hashes one node from its tag and parts.
fn digest(tag: u8, parts: impl Fn(&mut dyn std::hash::Hasher)) -> Fingerprint {
    use std::hash::{BuildHasher, Hasher};
    KEYS.with(|(a, b)| {
        let mut ha = a.build_hasher();
        let mut hb = b.build_hasher();
        ha.write_u8(tag);
        hb.write_u8(tag);
        parts(&mut ha);
        parts(&mut hb);
        Fingerprint(ha.finish(), hb.finish())
    })
}

fn digest_children(tag: u8, children: &[Fingerprint]) -> Fingerprint {
    digest(tag, |h| {
        h.write_usize(children.len());
        for c in children {
            h.write_u64(c.0);
            h.write_u64(c.1);
        }
    })
}

fn digest_str(tag: u8, s: &str) -> Fingerprint {
    digest(tag, |h| {
        h.write_usize(s.len());
        h.write(s.as_bytes());
    })
}

impl Fingerprint {
    fn null() -> Self {
        digest(0, |_| {})
    }
    fn bool(b: bool) -> Self {
        digest(1, |h| h.write_u8(u8::from(b)))
    }
    fn int(i: i64) -> Self {
        match u64::try_from(i) {
            Ok(u) => Self::uint(u),
            Err(_) => digest(2, |h| h.write_i64(i)),
        }
    }
    fn uint(u: u64) -> Self {
        digest(3, |h| h.write_u64(u))
    }
    fn float(f: f64) -> Self {
        digest(4, |h| h.write_u64(f.to_bits()))
    }
    fn string(s: &str) -> Self {
        digest_str(5, s)
    }
    fn key(s: &str) -> Self {
        digest_str(8, s)
    }

    /// The fingerprint of a tree, as reading its text would give it.
    pub(crate) fn of(v: &Value) -> Self {
        match v {
            Value::Null => Self::null(),
            Value::Bool(b) => Self::bool(*b),
            Value::Int(i) => Self::int(*i),
            Value::UInt(u) => Self::uint(*u),
            Value::Float(f) => Self::float(*f),
            Value::String(s) => Self::string(s),
            Value::Seq(items) => {
                let children: Vec<Fingerprint> = items.iter().map(Self::of).collect();
                digest_children(6, &children)
            }
            Value::Map(m) => {
                let mut children = Vec::new();
                for (k, v) in m.iter() {
                    children.push(Self::key(k));
                    children.push(Self::of(v));
                }
                digest_children(7, &children)
            }
        }
    }
}

struct FingerprintVisitor;

impl<'de> Visitor<'de> for FingerprintVisitor {
    type Value = Fingerprint;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value with string keys")
    }
    fn visit_unit<E>(self) -> Result<Fingerprint, E> {
        Ok(Fingerprint::null())
    }
    fn visit_none<E>(self) -> Result<Fingerprint, E> {
        Ok(Fingerprint::null())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Fingerprint, D::Error> {
        Fingerprint::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Fingerprint, E> {
        Ok(Fingerprint::bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Fingerprint, E> {
        Ok(Fingerprint::int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Fingerprint, E> {
        Ok(Fingerprint::uint(u))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Fingerprint, E> {
        Ok(Fingerprint::float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Fingerprint, E> {
        Ok(Fingerprint::string(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fingerprint, A::Error> {
        let mut children = Vec::new();
        while let Some(item) = seq.next_element::<Fingerprint>()? {
            children.push(item);
        }
        Ok(digest_children(6, &children))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Fingerprint, A::Error> {
        let mut children = Vec::new();
        while let Some(key) = access.next_key::<String>()? {
            children.push(Fingerprint::key(&key));
            children.push(access.next_value::<Fingerprint>()?);
        }
        Ok(digest_children(7, &children))
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FingerprintVisitor)
    }
}

fn parse_with_nodes(input: &str, max_nodes: usize) -> Result<(Format, Vec<Value>), ParseError> {
    if input.trim_start().starts_with(['{', '[']) {
        let docs: Result<Vec<Value>, _> = serde_json::Deserializer::from_str(input)
            .into_iter::<Value>()
            .collect();
        if let Ok(docs) = docs {
            return if docs.is_empty() {
                Err(ParseError::Empty)
            } else {
                Ok((Format::Json, docs))
            };
        }
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = max_nodes;
    let options = serde_saphyr::options! {
        legacy_octal_numbers: true,
        with_snippet: false,
        budget: Some(budget),
    };
    let docs: Vec<Value> =
        serde_saphyr::from_multiple_with_options(input, options).map_err(|e| yaml_error(&e))?;
    if docs.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok((Format::Yaml, docs))
}

/// One line for a YAML error, with its position when known.
fn yaml_error(error: &serde_saphyr::Error) -> ParseError {
    ParseError::Yaml(match error.without_snippet() {
        serde_saphyr::Error::DuplicateMappingKey { key, location } => {
            let key = key.as_deref().map_or(String::new(), |k| format!(" `{k}`"));
            format!(
                "duplicate key{key} near line {}, column {}",
                location.line(),
                location.column()
            )
        }
        other => other.to_string(),
    })
}

/// Writes documents in `format`: YAML documents separated by `---`, JSON
/// texts pretty-printed one after the other; always ends with a newline.
/// (`inject` edits the input text instead; tests use this to compare
/// trees as text.)
#[cfg(test)]
pub(crate) fn emit(format: Format, docs: &[Value]) -> Result<String, EmitError> {
    let error = |message: String| EmitError { format, message };
    match format {
        Format::Yaml => {
            let options = serde_saphyr::ser_options! {
                // Long one-line strings stay on one line (no `>` folding);
                // multi-line strings still become `|` blocks.
                folded_wrap_chars: usize::MAX,
            };
            serde_saphyr::to_string_multiple_with_options(docs, options)
                .map_err(|e| error(e.to_string()))
        }
        Format::Json => {
            let mut out = String::new();
            for doc in docs {
                out.push_str(&serde_json::to_string_pretty(doc).map_err(|e| error(e.to_string()))?);
                out.push('\n');
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests;
