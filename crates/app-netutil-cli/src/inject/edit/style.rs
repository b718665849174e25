//! Writing new content in the style of the text around it: indentation, sequence style, quoting.

use super::*;

/// How a document indents its block collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    /// Columns from a key to the keys of the mapping under it.
    pub(super) map_step: usize,
    /// Columns from a key to the dashes of the sequence under it.
    pub(super) seq_offset: usize,
    /// Columns from a dash to the item's content.
    pub(super) gap: usize,
}

pub(super) const DEFAULT_LAYOUT: Layout = Layout {
    map_step: 2,
    seq_offset: 0,
    gap: 2,
};

#[derive(Clone, Copy)]
pub(super) struct Text<'a> {
    pub(super) text: &'a str,
    /// Byte offsets of every `\n`, for line numbers and starts in
    /// logarithmic time.
    pub(super) newlines: &'a [usize],
    pub(super) nl: &'static str,
    pub(super) json: bool,
    /// Between flow entries on one line: `, ` (YAML, most JSON) or `,`.
    pub(super) sep: &'static str,
    /// Between a flow key and its value: `: ` (YAML, most JSON) or `:`.
    pub(super) kv: &'static str,
    /// Strings already checked by [`plain_is_safe`].
    pub(super) plain: &'a RefCell<HashMap<String, bool>>,
}

impl Text<'_> {
    pub(super) fn line_start(&self, pos: usize) -> usize {
        let line = self.line_of(pos);
        if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        }
    }

    pub(super) fn col(&self, pos: usize) -> usize {
        pos - self.line_start(pos)
    }

    /// The 0-based line that holds `pos`.
    pub(super) fn line_of(&self, pos: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < pos)
    }

    /// Whether a node's text runs over more than one line.
    pub(super) fn spans_lines(&self, node: &Node) -> bool {
        node.end > node.start && self.line_of(node.start) != self.line_of(node.end - 1)
    }

    /// Leading spaces of the line that holds `pos`.
    pub(super) fn indent_of_line(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        self.text[start..].len() - self.text[start..].trim_start_matches(' ').len()
    }

    /// The column of the dash before a block sequence item that starts at
    /// `pos`.
    pub(super) fn dash_col(&self, pos: usize) -> Option<usize> {
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
    pub(super) fn after_lines(&self, node: &Node) -> (usize, bool) {
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

pub(super) fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// Whether YAML reads `s`, written plain, back as the string `s` in block
/// and flow context, under YAML 1.2 and as `kubectl` (YAML 1.1) reads it.
pub(super) fn plain_is_safe(s: &str) -> bool {
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
    pub(super) fn scalar(&self, v: &Value) -> String {
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

    pub(super) fn key(&self, k: &str) -> String {
        self.scalar(&Value::String(k.to_owned()))
    }

    /// One line of flow style: `{a: b, c: [d]}`.
    pub(super) fn flow(&self, v: &Value) -> String {
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
    pub(super) fn flow_lines(&self, v: &Value, indent: usize, step: usize) -> String {
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
    pub(super) fn block_entries<'v>(
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
    pub(super) fn block_items(&self, items: &[Value], dash: usize, layout: Layout) -> String {
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
pub(super) fn learn_layout(t: &Text<'_>, node: &Node, found: &mut [Option<usize>; 3]) {
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
