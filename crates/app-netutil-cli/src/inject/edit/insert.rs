//! Turning additions into text inserts at the places the parser's positions give.

use super::*;

/// A piece of new text, and optionally a range it replaces.
#[derive(Debug)]
pub(super) struct Insert {
    pub(super) at: usize,
    /// Bytes from `at` up to here are removed (a `null` word).
    pub(super) remove_to: usize,
    pub(super) text: String,
    /// Deeper nodes' text comes first where two go to the same place.
    pub(super) depth: usize,
}

pub(super) struct Target<'n> {
    pub(super) node: &'n Node,
    /// The mapping entry's key when the last step was a key.
    pub(super) key: Option<&'n Node>,
    /// Whether the parent is a flow collection.
    pub(super) parent_flow: bool,
}

pub(super) fn walk<'n>(doc: &'n Doc, path: &[Step]) -> Result<Target<'n>, EditError> {
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
pub(super) fn flow_insert(
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
pub(super) fn learn_json_separators(
    t: &Text<'_>,
    node: &Node,
) -> Option<(&'static str, &'static str)> {
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

pub(super) fn additions_to_inserts(
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
pub(super) fn flow_geometry(t: &Text<'_>, node: &Node) -> (usize, usize) {
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
