//! The positions of a document's nodes, read from the YAML parser's events.

use super::*;

#[derive(Debug)]
pub(super) enum Kind {
    Scalar,
    Alias,
    Seq(Vec<Node>),
    /// Entries: the key's string when it is a scalar, the key node, the value.
    Map(Vec<(Option<String>, Node, Node)>),
}

#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) flow: bool,
    /// First byte of the node's content (for a flow collection, its bracket).
    pub(super) start: usize,
    /// Byte after the node's last content: a scalar's last character, a flow
    /// collection's closing bracket, a block collection's last entry.
    pub(super) end: usize,
    /// Flow collections: the byte after the opening bracket.
    pub(super) open: usize,
    /// Whether `end` is the end of a block scalar (`|`, `>`), whose span
    /// runs into the indentation of the next line.
    pub(super) ends_in_block_scalar: bool,
    /// Anchor id, 0 when none.
    pub(super) anchor: usize,
}

/// One document of the stream, as positions.
#[derive(Debug)]
pub(super) struct Doc {
    pub(super) root: Node,
    /// Anchor ids that some alias in the document repeats.
    pub(super) aliased: HashSet<usize>,
}

/// How deep collections may nest; the value parser refused deeper input
/// already, this keeps the recursion here bounded on its own.
pub(super) const MAX_DEPTH: usize = 1000;

pub(super) struct Reader<'a> {
    pub(super) parser: Parser<'a, granit_parser::StrInput<'a>>,
    pub(super) base: usize,
    pub(super) aliased: HashSet<usize>,
}

pub(super) fn offset(span_marker: granit_parser::Marker, base: usize) -> Result<usize, EditError> {
    span_marker
        .byte_offset()
        .map(|b| b + base)
        .ok_or_else(|| EditError::Positions("no byte offset".into()))
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str, base: usize) -> Self {
        Self {
            parser: Parser::new_from_str(text),
            base,
            aliased: HashSet::new(),
        }
    }

    pub(super) fn next(&mut self) -> Result<Option<(Event<'a>, Span)>, EditError> {
        match self.parser.next_event() {
            None => Ok(None),
            Some(Ok(ev)) => Ok(Some(ev)),
            Some(Err(e)) => Err(EditError::Positions(e.to_string())),
        }
    }

    /// The next node event, skipping presentation events (comments).
    pub(super) fn next_node_or_end(&mut self) -> Result<(Event<'a>, Span), EditError> {
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
    pub(super) fn documents(&mut self) -> Result<Vec<Doc>, EditError> {
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

    pub(super) fn node(
        &mut self,
        ev: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<Node, EditError> {
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

    pub(super) fn collection(
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

pub(super) fn is_null_root(ev: &Event<'_>) -> bool {
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
pub(super) fn read_documents(text: &str, format: Format) -> Result<Vec<Doc>, EditError> {
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
