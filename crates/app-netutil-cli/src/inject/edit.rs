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

mod insert;
mod positions;
mod style;
use insert::*;
use positions::*;
use style::*;

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
