//! Edits a manifest's text in place: only the volume, mounts and variables
//! that `inject` adds are new; every other byte stays as it was.
//!
//! `transform` works on the document tree ([`Value`]) and only ever adds:
//! new keys at the end of a mapping, new items at the end of a sequence, or
//! a list where a key held null. [`plan`] finds those additions by comparing
//! the tree before and after, and [`apply`] writes each one into the text at
//! the place the YAML parser's positions give, in the style of its
//! surroundings:
//!
//! * **Block** mappings and sequences get whole new lines after the last line
//!   of their last entry, at the column of their existing keys or dashes;
//!   nested new content uses the document's own indentation step and
//!   sequence style (`key:\n- item` or `key:\n  - item`), learnt from the
//!   first examples in the document (2 and "dash at the key's column" when it
//!   has none). Comments, blank lines and `---`/`...` after the last entry
//!   stay after the new lines.
//! * **Flow** mappings and sequences (`{name: c}`, `[a, b]`, and JSON) get
//!   the new entries after their last entry, still in flow style: on the same
//!   line (`, key: value`) when the collection is written on one line, else
//!   each on its own line at the column of the last entry, nested the same
//!   way as the rest of the collection. A flow node is never turned into a
//!   block one.
//! * A key whose value is null (`volumes:`, `env: ~`) gets its list: in block
//!   style on the following lines (the `null`/`~` word is removed, a comment
//!   after it stays), in flow style inside flow collections.
//!
//! New scalars are written plain when YAML (1.1 as `kubectl` reads it, and
//! 1.2) reads them back as the same string, else double-quoted; in JSON
//! everything is JSON. Line ends follow the file (LF or CRLF).
//!
//! Refused, with an error naming the place: a change through an alias
//! (`*name`) or inside an anchored node that an alias repeats (editing the
//! text would change the copy too, or not change it where the tree did),
//! and keys that only exist through a merge key (`<<`). The edited text is
//! always parsed again and compared with the tree `transform` produced; a
//! difference is an error, never silent output.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, Span, StructureStyle};

use super::value::{self, Format, Value};

/// Why a document could not be edited in place.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EditError {
    /// The place to add to is written as an alias or comes from a merge key.
    #[error("{path}: cannot add here without changing other parts of the document: {reason}")]
    NotEditable {
        /// Where, e.g. `spec.containers[0]`.
        path: String,
        /// Why.
        reason: String,
    },
    /// The YAML parser's positions could not be read (a parser that read
    /// the document once refused it the second time).
    #[error("cannot read the positions of the text: {0}")]
    Positions(String),
    /// The edited text does not read back as the injected document.
    #[error(
        "the edited text does not read back as the injected document ({0}); this is a bug in app-netutil, please report it with the input"
    )]
    Verify(String),
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

fn path_string(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    if out.is_empty() {
        out.push_str("(document)");
    }
    out
}

/// One addition `transform` made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Addition {
    /// New keys at the end of the mapping at `path`.
    Entries {
        /// The mapping.
        path: Vec<Step>,
        /// The new keys and their values, in order.
        entries: Vec<(String, Value)>,
    },
    /// New items at the end of the sequence at `path`.
    Items {
        /// The sequence.
        path: Vec<Step>,
        /// The new items, in order.
        items: Vec<Value>,
    },
    /// The null at `path` became `value`.
    ReplaceNull {
        /// The null node.
        path: Vec<Step>,
        /// What it is now.
        value: Value,
    },
}

/// The additions that turn `before` into `after`, or an error when
/// `after` changed something other than by adding.
pub(crate) fn plan(before: &Value, after: &Value) -> Result<Vec<Addition>, EditError> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    diff(before, after, &mut path, &mut out)?;
    Ok(out)
}

fn diff(
    before: &Value,
    after: &Value,
    path: &mut Vec<Step>,
    out: &mut Vec<Addition>,
) -> Result<(), EditError> {
    match (before, after) {
        (Value::Map(a), Value::Map(b)) => {
            let mut new = Vec::new();
            for (k, vb) in b.iter() {
                match a.get(k) {
                    Some(va) => {
                        path.push(Step::Key(k.to_owned()));
                        diff(va, vb, path, out)?;
                        path.pop();
                    }
                    None => new.push((k.to_owned(), vb.clone())),
                }
            }
            if a.iter().any(|(k, _)| b.get(k).is_none()) {
                return Err(EditError::Verify(format!(
                    "{}: a key was removed",
                    path_string(path)
                )));
            }
            if !new.is_empty() {
                out.push(Addition::Entries {
                    path: path.clone(),
                    entries: new,
                });
            }
        }
        (Value::Seq(a), Value::Seq(b)) if b.len() >= a.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                path.push(Step::Index(i));
                diff(va, vb, path, out)?;
                path.pop();
            }
            if b.len() > a.len() {
                out.push(Addition::Items {
                    path: path.clone(),
                    items: b[a.len()..].to_vec(),
                });
            }
        }
        (Value::Null, Value::Seq(_) | Value::Map(_)) => out.push(Addition::ReplaceNull {
            path: path.clone(),
            value: after.clone(),
        }),
        _ if before == after => {}
        _ => {
            return Err(EditError::Verify(format!(
                "{}: a value was changed",
                path_string(path)
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The positions of a document's nodes, from the parser's events.
// ---------------------------------------------------------------------------

#[derive(Debug)]
enum Kind {
    Scalar,
    Alias,
    Seq(Vec<Node>),
    /// Entries: the key's string when it is a scalar, the key node, the value.
    Map(Vec<(Option<String>, Node, Node)>),
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    flow: bool,
    /// First byte of the node's content (for a flow collection, its bracket).
    start: usize,
    /// Byte after the node's last content: a scalar's last character, a flow
    /// collection's closing bracket, a block collection's last entry.
    end: usize,
    /// Flow collections: the byte after the opening bracket.
    open: usize,
    /// Whether `end` is the end of a block scalar (`|`, `>`), whose span
    /// runs into the indentation of the next line.
    ends_in_block_scalar: bool,
    /// Anchor id, 0 when none.
    anchor: usize,
}

/// One document of the stream, as positions.
#[derive(Debug)]
struct Doc {
    root: Node,
    /// Anchor ids that some alias in the document repeats.
    aliased: HashSet<usize>,
}

/// How deep collections may nest; the value parser refused deeper input
/// already, this keeps the recursion here bounded on its own.
const MAX_DEPTH: usize = 1000;

struct Reader<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    base: usize,
    aliased: HashSet<usize>,
}

fn offset(span_marker: granit_parser::Marker, base: usize) -> Result<usize, EditError> {
    span_marker
        .byte_offset()
        .map(|b| b + base)
        .ok_or_else(|| EditError::Positions("no byte offset".into()))
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        Self {
            parser: Parser::new_from_str(text),
            base,
            aliased: HashSet::new(),
        }
    }

    fn next(&mut self) -> Result<Option<(Event<'a>, Span)>, EditError> {
        match self.parser.next_event() {
            None => Ok(None),
            Some(Ok(ev)) => Ok(Some(ev)),
            Some(Err(e)) => Err(EditError::Positions(e.to_string())),
        }
    }

    /// The next node event, skipping presentation events (comments).
    fn next_node_or_end(&mut self) -> Result<(Event<'a>, Span), EditError> {
        loop {
            match self.next()? {
                None => return Err(EditError::Positions("the stream ended early".into())),
                Some((ev, span)) => {
                    if ev.is_node()
                        || matches!(
                            ev,
                            Event::SequenceEnd
                                | Event::MappingEnd
                                | Event::DocumentEnd
                                | Event::DocumentStart(..)
                                | Event::StreamEnd
                        )
                    {
                        return Ok((ev, span));
                    }
                }
            }
        }
    }

    /// Reads every document; null documents (empty, `~`, `null`) are left
    /// out, as the value parser leaves them out.
    fn documents(&mut self) -> Result<Vec<Doc>, EditError> {
        let mut docs = Vec::new();
        loop {
            let (ev, span) = self.next_node_or_end()?;
            match ev {
                Event::StreamEnd => return Ok(docs),
                Event::DocumentStart(..) => {
                    self.aliased.clear();
                    let (ev, span) = self.next_node_or_end()?;
                    let skip = is_null_root(&ev);
                    let root = self.node(ev, span, 0)?;
                    let (end, _) = self.next_node_or_end()?;
                    if !matches!(end, Event::DocumentEnd) {
                        return Err(EditError::Positions("a document has two roots".into()));
                    }
                    if !skip {
                        docs.push(Doc {
                            root,
                            aliased: std::mem::take(&mut self.aliased),
                        });
                    }
                }
                Event::DocumentEnd => {}
                _ => {
                    return Err(EditError::Positions(format!(
                        "unexpected event {ev:?} at byte {}",
                        offset(span.start, self.base)?
                    )));
                }
            }
        }
    }

    fn node(&mut self, ev: Event<'a>, span: Span, depth: usize) -> Result<Node, EditError> {
        if depth > MAX_DEPTH {
            return Err(EditError::Positions("nested too deeply".into()));
        }
        let start = offset(span.start, self.base)?;
        let end = offset(span.end, self.base)?;
        let leaf = |kind, anchor, block| Node {
            kind,
            flow: false,
            start,
            end,
            open: end,
            ends_in_block_scalar: block,
            anchor,
        };
        match ev {
            Event::Scalar(_, style, anchor, _) => Ok(leaf(
                Kind::Scalar,
                anchor,
                matches!(style, ScalarStyle::Literal | ScalarStyle::Folded),
            )),
            Event::Alias(id) => {
                self.aliased.insert(id);
                Ok(leaf(Kind::Alias, 0, false))
            }
            Event::UnresolvedAlias(_) => Ok(leaf(Kind::Alias, 0, false)),
            Event::SequenceStart(style, anchor, _) => {
                let flow = style == StructureStyle::Flow;
                let mut items = Vec::new();
                loop {
                    let (ev, span) = self.next_node_or_end()?;
                    if matches!(ev, Event::SequenceEnd) {
                        return self.collection(Kind::Seq(items), flow, start, end, span, anchor);
                    }
                    items.push(self.node(ev, span, depth + 1)?);
                }
            }
            Event::MappingStart(style, anchor, _) => {
                let flow = style == StructureStyle::Flow;
                let mut entries = Vec::new();
                loop {
                    let (ev, span) = self.next_node_or_end()?;
                    if matches!(ev, Event::MappingEnd) {
                        return self.collection(Kind::Map(entries), flow, start, end, span, anchor);
                    }
                    let name = ev.scalar().map(|(s, _)| s.to_owned());
                    let key = self.node(ev, span, depth + 1)?;
                    let (ev, span) = self.next_node_or_end()?;
                    let value = self.node(ev, span, depth + 1)?;
                    entries.push((name, key, value));
                }
            }
            other => Err(EditError::Positions(format!(
                "unexpected event {other:?} at byte {start}"
            ))),
        }
    }

    fn collection(
        &self,
        kind: Kind,
        flow: bool,
        start: usize,
        open: usize,
        end_span: Span,
        anchor: usize,
    ) -> Result<Node, EditError> {
        let (end, block_scalar) = if flow {
            (offset(end_span.end, self.base)?, false)
        } else {
            // A block collection ends where its last entry ends.
            let last = match &kind {
                Kind::Seq(items) => items.last().map(|n| (n.end, n.ends_in_block_scalar)),
                Kind::Map(entries) => entries
                    .last()
                    .map(|(_, k, v)| (k.end.max(v.end), v.ends_in_block_scalar && v.end >= k.end)),
                _ => None,
            };
            last.unwrap_or((start, false))
        };
        let start = if flow {
            start
        } else {
            match &kind {
                Kind::Seq(items) => items.first().map_or(start, |n| n.start),
                Kind::Map(entries) => entries.first().map_or(start, |(_, k, _)| k.start),
                _ => start,
            }
        };
        Ok(Node {
            kind,
            flow,
            start,
            end,
            open,
            ends_in_block_scalar: block_scalar,
            anchor,
        })
    }
}

fn is_null_root(ev: &Event<'_>) -> bool {
    match ev {
        Event::Scalar(value, ScalarStyle::Plain, _, tag) => {
            tag.as_ref()
                .is_none_or(|t| t.is_yaml_core_schema_tag("null"))
                && matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL")
        }
        _ => false,
    }
}

/// Reads the positions of every document of `text`.
fn read_documents(text: &str, format: Format) -> Result<Vec<Doc>, EditError> {
    match format {
        Format::Yaml => Reader::new(text, 0).documents(),
        Format::Json => {
            // Several JSON texts one after the other are no YAML stream:
            // read each on its own, where serde_json says it ends.
            let mut docs = Vec::new();
            let mut stream =
                serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
            let mut from = 0;
            while let Some(next) = stream.next() {
                next.map_err(|e| EditError::Positions(e.to_string()))?;
                let to = stream.byte_offset();
                let start = from + (text[from..to].len() - text[from..to].trim_start().len());
                let piece = &text[start..to];
                let mut found = Reader::new(piece, start).documents()?;
                if found.len() != 1 {
                    return Err(EditError::Positions(format!(
                        "the JSON text at byte {start} is not one YAML document"
                    )));
                }
                docs.append(&mut found);
                from = to;
            }
            Ok(docs)
        }
    }
}

// ---------------------------------------------------------------------------
// Writing new content in the style of the text around it.
// ---------------------------------------------------------------------------

/// How a document indents its block collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// Columns from a key to the keys of the mapping under it.
    map_step: usize,
    /// Columns from a key to the dashes of the sequence under it.
    seq_offset: usize,
    /// Columns from a dash to the item's content.
    gap: usize,
}

const DEFAULT_LAYOUT: Layout = Layout {
    map_step: 2,
    seq_offset: 0,
    gap: 2,
};

#[derive(Clone, Copy)]
struct Text<'a> {
    text: &'a str,
    /// Byte offsets of every `\n`, for line numbers and starts in
    /// logarithmic time.
    newlines: &'a [usize],
    nl: &'static str,
    json: bool,
    /// Between flow entries on one line: `, ` (YAML, most JSON) or `,`.
    sep: &'static str,
    /// Between a flow key and its value: `: ` (YAML, most JSON) or `:`.
    kv: &'static str,
    /// Strings already checked by [`plain_is_safe`].
    plain: &'a RefCell<HashMap<String, bool>>,
}

impl Text<'_> {
    fn line_start(&self, pos: usize) -> usize {
        let line = self.line_of(pos);
        if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        }
    }

    fn col(&self, pos: usize) -> usize {
        pos - self.line_start(pos)
    }

    /// The 0-based line that holds `pos`.
    fn line_of(&self, pos: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < pos)
    }

    /// Whether a node's text runs over more than one line.
    fn spans_lines(&self, node: &Node) -> bool {
        node.end > node.start && self.line_of(node.start) != self.line_of(node.end - 1)
    }

    /// Leading spaces of the line that holds `pos`.
    fn indent_of_line(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        self.text[start..].len() - self.text[start..].trim_start_matches(' ').len()
    }

    /// The column of the dash before a block sequence item that starts at
    /// `pos`.
    fn dash_col(&self, pos: usize) -> Option<usize> {
        let before = self.text[..pos].trim_end_matches(' ');
        before
            .ends_with('-')
            .then(|| self.col(before.len() - 1))
            .or_else(|| {
                // `- &anchor item`: the line's first character is the dash.
                let start = self.line_start(pos);
                let line = &self.text[start..pos];
                let indent = line.len() - line.trim_start_matches(' ').len();
                line[indent..].starts_with("- ").then_some(indent)
            })
    }

    /// Where new lines go after `node`: the start of the line after its
    /// last content. The second value says a line break must come first
    /// (the text ends without one there).
    fn after_lines(&self, node: &Node) -> (usize, bool) {
        let end = node.end;
        if node.ends_in_block_scalar {
            // A block scalar's span runs into the next line's indentation.
            let start = self.line_start(end);
            if self.text[start..end].bytes().all(|b| b == b' ') {
                return (start, false);
            }
        }
        match self.text[end..].find('\n') {
            Some(i) => (end + i + 1, false),
            None => (self.text.len(), !self.text.ends_with('\n')),
        }
    }
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// Whether YAML reads `s`, written plain, back as the string `s` in block
/// and flow context, under YAML 1.2 and as `kubectl` (YAML 1.1) reads it.
fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
    {
        return false;
    }
    if !(first.is_ascii_alphanumeric() || first == '/') {
        return false;
    }
    // YAML 1.1 booleans and nulls (`yes`, `on`, `n`, ...).
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf",
    ];
    if WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return false;
    }
    // Anything that could be a number in YAML 1.1 (`1_000`, `0x1F`, `1e3`,
    // `0o17`, `0b1`, `.5`) needs a letter outside the number alphabet.
    if first.is_ascii_digit()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | 'x' | 'X' | 'o' | 'O' | 'b' | 'B' | 'e' | 'E' | 'a'..='f' | 'A'..='F'))
    {
        return false;
    }
    // And the parser agrees.
    matches!(
        value::parse(&format!("[{s}]\n")),
        Ok((Format::Yaml, docs)) if docs == [Value::Seq(vec![Value::String(s.to_owned())])]
    )
}

impl Text<'_> {
    fn scalar(&self, v: &Value) -> String {
        match v {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::Float(f) => serde_json::to_string(f).unwrap_or_else(|_| "null".to_owned()),
            Value::String(s) => {
                let plain = !self.json && {
                    let mut memo = self.plain.borrow_mut();
                    match memo.get(s.as_str()) {
                        Some(known) => *known,
                        None => *memo.entry(s.clone()).or_insert_with(|| plain_is_safe(s)),
                    }
                };
                if plain {
                    s.clone()
                } else {
                    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
                }
            }
            Value::Seq(_) | Value::Map(_) => self.flow(v),
        }
    }

    fn key(&self, k: &str) -> String {
        self.scalar(&Value::String(k.to_owned()))
    }

    /// One line of flow style: `{a: b, c: [d]}`.
    fn flow(&self, v: &Value) -> String {
        match v {
            Value::Map(m) => {
                let entries: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{}{}{}", self.key(k), self.kv, self.flow(v)))
                    .collect();
                format!("{{{}}}", entries.join(self.sep))
            }
            Value::Seq(items) => {
                let items: Vec<String> = items.iter().map(|v| self.flow(v)).collect();
                format!("[{}]", items.join(self.sep))
            }
            scalar => self.scalar(scalar),
        }
    }

    /// Flow style over several lines, as pretty-printed JSON is: the
    /// opening bracket where the value starts, entries at `indent + step`,
    /// the closing bracket at `indent`.
    fn flow_lines(&self, v: &Value, indent: usize, step: usize) -> String {
        let inner = spaces(indent + step);
        match v {
            Value::Map(m) if m.iter().next().is_some() => {
                let entries: Vec<String> = m
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{inner}{}{}{}",
                            self.key(k),
                            self.kv,
                            self.flow_lines(v, indent + step, step)
                        )
                    })
                    .collect();
                format!(
                    "{{{nl}{}{nl}{}}}",
                    entries.join(&format!(",{}", self.nl)),
                    spaces(indent),
                    nl = self.nl
                )
            }
            Value::Seq(items) if !items.is_empty() => {
                let items: Vec<String> = items
                    .iter()
                    .map(|v| format!("{inner}{}", self.flow_lines(v, indent + step, step)))
                    .collect();
                format!(
                    "[{nl}{}{nl}{}]",
                    items.join(&format!(",{}", self.nl)),
                    spaces(indent),
                    nl = self.nl
                )
            }
            other => self.flow(other),
        }
    }

    /// Block mapping entries, each key at `col`.
    fn block_entries<'v>(
        &self,
        entries: impl Iterator<Item = (&'v str, &'v Value)>,
        col: usize,
        layout: Layout,
    ) -> String {
        let mut out = String::new();
        for (k, v) in entries {
            out.push_str(&spaces(col));
            out.push_str(&self.key(k));
            out.push(':');
            match v {
                Value::Map(m) if m.iter().next().is_some() => {
                    out.push_str(self.nl);
                    out.push_str(&self.block_entries(m.iter(), col + layout.map_step, layout));
                }
                Value::Seq(items) if !items.is_empty() => {
                    out.push_str(self.nl);
                    out.push_str(&self.block_items(items, col + layout.seq_offset, layout));
                }
                other => {
                    out.push(' ');
                    out.push_str(&self.flow(other));
                    out.push_str(self.nl);
                }
            }
        }
        out
    }

    /// Block sequence items, each dash at `dash`.
    fn block_items(&self, items: &[Value], dash: usize, layout: Layout) -> String {
        let gap = layout.gap.max(2);
        let mut out = String::new();
        for item in items {
            let body = match item {
                Value::Map(m) if m.iter().next().is_some() => {
                    self.block_entries(m.iter(), dash + gap, layout)
                }
                Value::Seq(s) if !s.is_empty() => self.block_items(s, dash + gap, layout),
                other => {
                    let _ = write!(out, "{}- {}{}", spaces(dash), self.flow(other), self.nl);
                    continue;
                }
            };
            out.push_str(&spaces(dash));
            out.push('-');
            out.push_str(&spaces(gap - 1));
            out.push_str(&body[dash + gap..]);
        }
        out
    }
}

/// Learns the document's block layout from its first examples.
fn learn_layout(t: &Text<'_>, node: &Node, found: &mut [Option<usize>; 3]) {
    match &node.kind {
        Kind::Map(entries) if !node.flow => {
            for (_, key, value) in entries {
                let key_col = t.col(key.start);
                match &value.kind {
                    Kind::Map(inner) if !value.flow && found[0].is_none() => {
                        if let Some((_, k, _)) = inner.first() {
                            let c = t.col(k.start);
                            if c > key_col && t.line_of(k.start) > t.line_of(key.start) {
                                found[0] = Some(c - key_col);
                            }
                        }
                    }
                    Kind::Seq(items) if !value.flow && found[1].is_none() => {
                        if let Some(dash) = items.first().and_then(|i| t.dash_col(i.start))
                            && dash >= key_col
                            && t.line_of(items[0].start) > t.line_of(key.start)
                        {
                            found[1] = Some(dash - key_col);
                        }
                    }
                    _ => {}
                }
                learn_layout(t, value, found);
            }
        }
        Kind::Seq(items) if !node.flow => {
            for item in items {
                if found[2].is_none()
                    && matches!(&item.kind, Kind::Map(_))
                    && !item.flow
                    && let Some(dash) = t.dash_col(item.start)
                {
                    let c = t.col(item.start);
                    if c > dash {
                        found[2] = Some(c - dash);
                    }
                }
                learn_layout(t, item, found);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Applying the additions.
// ---------------------------------------------------------------------------

/// A piece of new text, and optionally a range it replaces.
#[derive(Debug)]
struct Insert {
    at: usize,
    /// Bytes from `at` up to here are removed (a `null` word).
    remove_to: usize,
    text: String,
    /// Deeper nodes' text comes first where two go to the same place.
    depth: usize,
}

struct Target<'n> {
    node: &'n Node,
    /// The mapping entry's key when the last step was a key.
    key: Option<&'n Node>,
    /// Whether the parent is a flow collection.
    parent_flow: bool,
}

fn walk<'n>(doc: &'n Doc, path: &[Step]) -> Result<Target<'n>, EditError> {
    let refuse = |depth: usize, reason: String| EditError::NotEditable {
        path: path_string(&path[..depth]),
        reason,
    };
    let check = |node: &Node, depth: usize| {
        if node.anchor != 0 && doc.aliased.contains(&node.anchor) {
            return Err(refuse(
                depth,
                "it is anchored (&) and repeated by an alias (*) elsewhere; write the copies out in full"
                    .into(),
            ));
        }
        if matches!(node.kind, Kind::Alias) {
            return Err(refuse(
                depth,
                "it is an alias (*) of another node; write it out in full".into(),
            ));
        }
        Ok(())
    };
    let mut here = Target {
        node: &doc.root,
        key: None,
        parent_flow: false,
    };
    check(here.node, 0)?;
    for (depth, step) in path.iter().enumerate() {
        let parent_flow = here.node.flow;
        here = match (step, &here.node.kind) {
            (Step::Key(k), Kind::Map(entries)) => {
                let Some((_, key, value)) = entries
                    .iter()
                    .find(|(name, _, _)| name.as_deref() == Some(k.as_str()))
                else {
                    return Err(refuse(
                        depth + 1,
                        "the key comes from a merge key (<<); write it out in full".into(),
                    ));
                };
                Target {
                    node: value,
                    key: Some(key),
                    parent_flow,
                }
            }
            (Step::Index(i), Kind::Seq(items)) if *i < items.len() => Target {
                node: &items[*i],
                key: None,
                parent_flow,
            },
            _ => {
                return Err(EditError::Verify(format!(
                    "{}: the text has another shape than the document",
                    path_string(&path[..=depth])
                )));
            }
        };
        check(here.node, depth + 1)?;
    }
    Ok(here)
}

/// Where an entry or item of a flow collection goes and how it is
/// separated: after the last one, on the same line or on a line of its own.
fn flow_insert(
    t: &Text<'_>,
    node: &Node,
    last: Option<(usize, usize)>,
    parts: &[String],
    depth: usize,
) -> Insert {
    match last {
        None => {
            // Empty, `[]` or `{}`: the new entries on one line.
            Insert {
                at: node.open,
                remove_to: node.open,
                text: parts.join(t.sep),
                depth,
            }
        }
        Some((last_start, last_end)) => {
            let multi_line = t.line_of(last_start) != t.line_of(node.start);
            let text = if multi_line {
                let indent = t.col(last_start);
                parts
                    .iter()
                    .map(|p| format!(",{}{}{p}", t.nl, spaces(indent)))
                    .collect()
            } else {
                parts.iter().map(|p| format!("{}{p}", t.sep)).collect()
            };
            Insert {
                at: last_end,
                remove_to: last_end,
                text,
                depth,
            }
        }
    }
}

/// The separators a JSON text uses on one line (`, ` or `,`, `: ` or
/// `:`), from its first object with two entries on one line.
fn learn_json_separators(t: &Text<'_>, node: &Node) -> Option<(&'static str, &'static str)> {
    let children: Vec<&Node> = match &node.kind {
        Kind::Map(entries) => {
            if let [(_, k0, v0), (_, k1, _), ..] = entries.as_slice()
                && node.flow
                && t.line_of(k0.start) == t.line_of(k1.start)
                && k0.end <= v0.start
                && v0.end <= k1.start
            {
                let kv = match t.text[k0.end..v0.start].trim_end() {
                    ":" if t.text[k0.end..v0.start].len() > 1 => ": ",
                    ":" => ":",
                    _ => return None,
                };
                let sep = match t.text[v0.end..k1.start].trim_end() {
                    "," if t.text[v0.end..k1.start].len() > 1 => ", ",
                    "," => ",",
                    _ => return None,
                };
                return Some((sep, kv));
            }
            entries.iter().map(|(_, _, v)| v).collect()
        }
        Kind::Seq(items) => items.iter().collect(),
        _ => return None,
    };
    children
        .into_iter()
        .find_map(|c| learn_json_separators(t, c))
}

fn additions_to_inserts(
    t: &Text<'_>,
    doc: &Doc,
    layout: Layout,
    additions: &[Addition],
) -> Result<Vec<Insert>, EditError> {
    let mut out = Vec::new();
    for addition in additions {
        match addition {
            Addition::Entries { path, entries } => {
                let target = walk(doc, path)?;
                let node = target.node;
                let Kind::Map(existing) = &node.kind else {
                    return Err(EditError::Verify(format!(
                        "{}: not a mapping in the text",
                        path_string(path)
                    )));
                };
                if node.flow {
                    let (indent, step) = flow_geometry(t, node);
                    let multi = existing
                        .last()
                        .is_some_and(|(_, k, _)| t.line_of(k.start) != t.line_of(node.start));
                    // Values over several lines where the mapping's own
                    // are (or in pretty JSON), else on one line.
                    let pretty =
                        multi && (t.json || existing.iter().any(|(_, _, v)| t.spans_lines(v)));
                    let parts: Vec<String> = entries
                        .iter()
                        .map(|(k, v)| {
                            let value = if pretty {
                                t.flow_lines(v, indent, step)
                            } else {
                                t.flow(v)
                            };
                            format!("{}{}{value}", t.key(k), t.kv)
                        })
                        .collect();
                    let last = existing.last().map(|(_, k, v)| (k.start, k.end.max(v.end)));
                    out.push(flow_insert(t, node, last, &parts, path.len()));
                } else {
                    let col = existing
                        .first()
                        .map(|(_, k, _)| t.col(k.start))
                        .unwrap_or(0);
                    let (at, break_first) = t.after_lines(node);
                    let mut text = String::new();
                    if break_first {
                        text.push_str(t.nl);
                    }
                    text.push_str(&t.block_entries(
                        entries.iter().map(|(k, v)| (k.as_str(), v)),
                        col,
                        layout,
                    ));
                    out.push(Insert {
                        at,
                        remove_to: at,
                        text,
                        depth: path.len(),
                    });
                }
            }
            Addition::Items { path, items } => {
                let target = walk(doc, path)?;
                let node = target.node;
                let Kind::Seq(existing) = &node.kind else {
                    return Err(EditError::Verify(format!(
                        "{}: not a sequence in the text",
                        path_string(path)
                    )));
                };
                if node.flow {
                    let multi = existing
                        .last()
                        .is_some_and(|n| t.line_of(n.start) != t.line_of(node.start));
                    let (indent, step) = flow_geometry(t, node);
                    // Items over several lines where the last one is.
                    let pretty = multi && existing.last().is_some_and(|n| t.spans_lines(n));
                    let parts: Vec<String> = items
                        .iter()
                        .map(|v| {
                            if pretty {
                                t.flow_lines(v, indent, step)
                            } else {
                                t.flow(v)
                            }
                        })
                        .collect();
                    let last = existing.last().map(|n| (n.start, n.end));
                    out.push(flow_insert(t, node, last, &parts, path.len()));
                } else {
                    let Some(dash) = existing.iter().find_map(|n| t.dash_col(n.start)) else {
                        return Err(EditError::NotEditable {
                            path: path_string(path),
                            reason: "cannot find the dashes of this list".into(),
                        });
                    };
                    let gap = existing
                        .iter()
                        .find(|n| matches!(n.kind, Kind::Map(_)) && !n.flow)
                        .map(|n| t.col(n.start))
                        .filter(|c| *c > dash)
                        .map_or(layout.gap, |c| c - dash);
                    let (at, break_first) = t.after_lines(node);
                    let mut text = String::new();
                    if break_first {
                        text.push_str(t.nl);
                    }
                    text.push_str(&t.block_items(items, dash, Layout { gap, ..layout }));
                    out.push(Insert {
                        at,
                        remove_to: at,
                        text,
                        depth: path.len(),
                    });
                }
            }
            Addition::ReplaceNull { path, value } => {
                let target = walk(doc, path)?;
                let node = target.node;
                let token_empty = node.start >= node.end;
                let block_parent = !target.parent_flow && !t.json;
                match (target.key, block_parent, value) {
                    (Some(key), true, Value::Seq(_) | Value::Map(_))
                        if !matches!(value, Value::Seq(s) if s.is_empty())
                            && !matches!(value, Value::Map(m) if m.iter().next().is_none()) =>
                    {
                        let key_col = t.col(key.start);
                        if !token_empty {
                            // `key: null` / `key: ~`: the word goes, with the
                            // blanks before it.
                            let from = t.text[..node.start].trim_end_matches(' ').len();
                            out.push(Insert {
                                at: from,
                                remove_to: node.end,
                                text: String::new(),
                                depth: path.len(),
                            });
                        }
                        let last = Node {
                            kind: Kind::Scalar,
                            flow: false,
                            start: key.start,
                            end: key.end.max(node.end),
                            open: node.end,
                            ends_in_block_scalar: false,
                            anchor: 0,
                        };
                        let (at, break_first) = t.after_lines(&last);
                        let mut text = String::new();
                        if break_first {
                            text.push_str(t.nl);
                        }
                        match value {
                            Value::Seq(items) => text.push_str(&t.block_items(
                                items,
                                key_col + layout.seq_offset,
                                layout,
                            )),
                            Value::Map(m) => text.push_str(&t.block_entries(
                                m.iter(),
                                key_col + layout.map_step,
                                layout,
                            )),
                            _ => {}
                        }
                        out.push(Insert {
                            at,
                            remove_to: at,
                            text,
                            depth: path.len() + 1,
                        });
                    }
                    _ => {
                        if token_empty {
                            return Err(EditError::NotEditable {
                                path: path_string(path),
                                reason: "an empty value inside a flow collection; write `null` or `[]` there"
                                    .into(),
                            });
                        }
                        out.push(Insert {
                            at: node.start,
                            remove_to: node.end,
                            text: t.flow(value),
                            depth: path.len(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// For a flow collection: the column new entries start at (that of its
/// last entry) and the step its entries are indented by from the line it
/// opens on (2 when its first entry is on that line).
fn flow_geometry(t: &Text<'_>, node: &Node) -> (usize, usize) {
    let (first, last) = match &node.kind {
        Kind::Map(entries) => (
            entries.first().map(|(_, k, _)| k.start),
            entries.last().map(|(_, k, _)| k.start),
        ),
        Kind::Seq(items) => (
            items.first().map(|n| n.start),
            items.last().map(|n| n.start),
        ),
        _ => (None, None),
    };
    let (Some(first), Some(last)) = (first, last) else {
        return (t.indent_of_line(node.start), 2);
    };
    let base = t.indent_of_line(node.start);
    let first_col = t.col(first);
    let step = if t.line_of(first) != t.line_of(node.start) && first_col > base {
        first_col - base
    } else {
        2
    };
    (t.col(last), step)
}

/// Writes `additions` (per document, in stream order) into `input` and
/// checks the result reads back as `expected`.
pub(crate) fn apply(
    input: &str,
    format: Format,
    additions: &[Vec<Addition>],
    expected: &[Value],
) -> Result<String, (usize, EditError)> {
    let docs = read_documents(input, format).map_err(|e| (1, e))?;
    if docs.len() != additions.len() {
        return Err((
            1,
            EditError::Positions(format!(
                "{} documents by position, {} by value",
                docs.len(),
                additions.len()
            )),
        ));
    }
    let crlf = input
        .find('\n')
        .is_some_and(|i| i > 0 && input.as_bytes()[i - 1] == b'\r');
    let newlines: Vec<usize> = input
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect();
    let plain = RefCell::new(HashMap::new());
    let t = Text {
        text: input,
        newlines: &newlines,
        plain: &plain,
        nl: if crlf { "\r\n" } else { "\n" },
        json: format == Format::Json,
        sep: ", ",
        kv: ": ",
    };
    // The stream's layout where a document has no example of its own.
    let mut stream_found = [None; 3];
    for doc in &docs {
        learn_layout(&t, &doc.root, &mut stream_found);
    }
    let mut inserts = Vec::new();
    for (index, (doc, adds)) in docs.iter().zip(additions).enumerate() {
        if adds.is_empty() {
            continue;
        }
        let mut found = [None; 3];
        learn_layout(&t, &doc.root, &mut found);
        let pick = |i: usize, default: usize| found[i].or(stream_found[i]).unwrap_or(default);
        let layout = Layout {
            map_step: pick(0, DEFAULT_LAYOUT.map_step),
            seq_offset: pick(1, DEFAULT_LAYOUT.seq_offset),
            gap: pick(2, DEFAULT_LAYOUT.gap),
        };
        let mut td = t;
        if t.json
            && let Some((sep, kv)) = learn_json_separators(&t, &doc.root)
        {
            td.sep = sep;
            td.kv = kv;
        }
        let mut more = additions_to_inserts(&td, doc, layout, adds).map_err(|e| (index + 1, e))?;
        inserts.append(&mut more);
    }
    // Same place: the deeper node's text first (a container's new keys
    // before the pod spec's new `volumes`).
    inserts.sort_by(|a, b| a.at.cmp(&b.at).then(b.depth.cmp(&a.depth)));
    let mut out =
        String::with_capacity(input.len() + inserts.iter().map(|i| i.text.len()).sum::<usize>());
    let mut cursor = 0;
    for insert in &inserts {
        if insert.at < cursor {
            return Err((
                1,
                EditError::Verify(format!("overlapping changes at byte {}", insert.at)),
            ));
        }
        out.push_str(&input[cursor..insert.at]);
        out.push_str(&insert.text);
        cursor = insert.remove_to;
    }
    out.push_str(&input[cursor..]);

    match value::reads_as(&out, format, expected) {
        Ok(true) => Ok(out),
        Ok(false) => Err((1, EditError::Verify("different values".into()))),
        Err(e) => Err((1, EditError::Verify(e.to_string()))),
    }
}

#[cfg(test)]
mod tests;
