//! The warnings of one collection, with a cap per source.
//!
//! Every warning is about a *source*: one file (`/etc/podnetinfo/annotations`),
//! one environment variable, one annotation. Hostile input can make a source
//! produce a warning per line or per item (an 8 MiB file of junk lines, a
//! device-plugin variable with 600,000 bad ids); the first
//! [`MAX_WARNINGS_PER_SOURCE`] warnings about a source are listed, and the
//! rest are only counted, in one more warning `<source>: N more problems not
//! listed` placed where the first unlisted one would have been. So the
//! warnings take memory in proportion to the number of sources, not to the
//! input, and an unlisted warning is never even formatted.
//!
//! Warnings that the code can only give a fixed number of times per
//! collection (one per file read, one per pod-wide decision) are pushed
//! without a source and are never capped.

use std::collections::HashMap;
use std::fmt;

/// The most warnings listed about one source; the rest are counted in one
/// more warning.
pub const MAX_WARNINGS_PER_SOURCE: usize = 20;

/// One warning in order: its text, or the place of a source's count of
/// unlisted warnings.
#[derive(Debug)]
enum Item {
    Text {
        text: String,
        /// Index into `Warnings::sources`; `None` for an uncapped warning.
        source: Option<usize>,
    },
    Omitted {
        source: usize,
    },
}

#[derive(Debug)]
struct Tally {
    name: String,
    listed: usize,
    omitted: u64,
    /// Whether the `Omitted` item of this source has been placed.
    placed: bool,
}

/// Warnings in the order they were found, at most
/// [`MAX_WARNINGS_PER_SOURCE`] listed per source (see the module
/// documentation). The next step (typed warning codes) adds a code beside
/// the source.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    items: Vec<Item>,
    sources: Vec<Tally>,
    by_name: HashMap<String, usize>,
}

impl Warnings {
    /// No warnings.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A warning the code gives a bounded number of times (not capped).
    pub(crate) fn push(&mut self, text: String) {
        self.items.push(Item::Text { text, source: None });
    }

    /// Uncapped warnings, in order.
    pub(crate) fn extend(&mut self, texts: impl IntoIterator<Item = String>) {
        for text in texts {
            self.push(text);
        }
    }

    fn source_id(&mut self, source: &str) -> usize {
        if let Some(&id) = self.by_name.get(source) {
            return id;
        }
        let id = self.sources.len();
        self.sources.push(Tally {
            name: source.to_owned(),
            listed: 0,
            omitted: 0,
            placed: false,
        });
        self.by_name.insert(source.to_owned(), id);
        id
    }

    /// A warning about `source`; formatted only when it is listed.
    pub(crate) fn about(&mut self, source: &str, text: fmt::Arguments<'_>) {
        let id = self.source_id(source);
        if self.sources[id].listed < MAX_WARNINGS_PER_SOURCE {
            self.sources[id].listed += 1;
            self.items.push(Item::Text {
                text: fmt::format(text),
                source: Some(id),
            });
        } else {
            self.omit(id, 1);
        }
    }

    /// [`Warnings::about`] with an already formatted text.
    pub(crate) fn about_string(&mut self, source: &str, text: String) {
        let id = self.source_id(source);
        if self.sources[id].listed < MAX_WARNINGS_PER_SOURCE {
            self.sources[id].listed += 1;
            self.items.push(Item::Text {
                text,
                source: Some(id),
            });
        } else {
            self.omit(id, 1);
        }
    }

    fn omit(&mut self, id: usize, n: u64) {
        let tally = &mut self.sources[id];
        tally.omitted = tally.omitted.saturating_add(n);
        if !tally.placed {
            tally.placed = true;
            self.items.push(Item::Omitted { source: id });
        }
    }

    /// Moves the warnings of `other` after these, keeping the caps across
    /// both.
    pub(crate) fn append(&mut self, other: Self) {
        for item in other.items {
            match item {
                Item::Text { text, source: None } => self.push(text),
                Item::Text {
                    text,
                    source: Some(s),
                } => self.about_string(&other.sources[s].name, text),
                Item::Omitted { source } => {
                    let tally = &other.sources[source];
                    let id = self.source_id(&tally.name);
                    self.omit(id, tally.omitted);
                }
            }
        }
    }

    /// How many warnings there are (an unlisted count is one).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The warnings as text, in order.
    pub(crate) fn into_vec(self) -> Vec<String> {
        let sources = self.sources;
        self.items
            .into_iter()
            .map(|item| match item {
                Item::Text { text, .. } => text,
                Item::Omitted { source } => {
                    let t = &sources[source];
                    let s = if t.omitted == 1 { "" } else { "s" };
                    format!("{}: {} more problem{s} not listed", t.name, t.omitted)
                }
            })
            .collect()
    }
}

/// The warnings about one source: [`Warnings::about`] with the source
/// given once, for code that only ever warns about one source (the decoder
/// of one annotation).
#[derive(Debug)]
pub(crate) struct About<'a> {
    warnings: &'a mut Warnings,
    source: &'a str,
}

impl About<'_> {
    /// A warning about the source; formatted only when it is listed.
    pub(crate) fn push(&mut self, text: fmt::Arguments<'_>) {
        self.warnings.about(self.source, text);
    }

    /// Whether no warning was given about any source yet.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.warnings.is_empty()
    }
}

impl Warnings {
    /// The warnings about `source`.
    pub(crate) fn source<'a>(&'a mut self, source: &'a str) -> About<'a> {
        About {
            warnings: self,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_per_source_with_the_count_in_place() {
        let mut w = Warnings::new();
        w.push("first".to_owned());
        for i in 0..25 {
            w.about("file a", format_args!("file a: line {i}"));
            if i == 21 {
                w.about("file b", format_args!("file b: bad"));
            }
        }
        w.push("last".to_owned());
        let v = w.into_vec();
        assert_eq!(v.len(), 1 + 20 + 1 + 1 + 1, "{v:?}");
        assert_eq!(v[0], "first");
        assert_eq!(v[20], "file a: line 19");
        assert_eq!(v[21], "file a: 5 more problems not listed");
        assert_eq!(v[22], "file b: bad");
        assert_eq!(v[23], "last");
    }

    #[test]
    fn unlisted_warnings_are_not_formatted() {
        struct Bomb;
        impl fmt::Display for Bomb {
            fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                panic!("formatted");
            }
        }
        let mut w = Warnings::new();
        for _ in 0..MAX_WARNINGS_PER_SOURCE {
            w.about("s", format_args!("x"));
        }
        w.about("s", format_args!("{Bomb}"));
        w.about("s", format_args!("{Bomb}"));
        assert_eq!(w.len(), MAX_WARNINGS_PER_SOURCE + 1);
        assert_eq!(
            w.into_vec().last().map(String::as_str),
            Some("s: 2 more problems not listed")
        );
    }

    #[test]
    fn append_keeps_the_caps() {
        let mut a = Warnings::new();
        let mut b = Warnings::new();
        for i in 0..15 {
            a.about("s", format_args!("a{i}"));
            b.about("s", format_args!("b{i}"));
        }
        for i in 15..23 {
            b.about("s", format_args!("b{i}"));
        }
        b.push("free".to_owned());
        a.append(b);
        let v = a.into_vec();
        assert_eq!(v.len(), 15 + 5 + 1 + 1, "{v:?}");
        assert_eq!(v[19], "b4");
        assert_eq!(v[20], "s: 18 more problems not listed");
        assert_eq!(v[21], "free");
        let mut one = Warnings::new();
        for _ in 0..=MAX_WARNINGS_PER_SOURCE {
            one.about("x", format_args!("x"));
        }
        assert!(!one.is_empty());
        assert_eq!(
            one.into_vec().last().map(String::as_str),
            Some("x: 1 more problem not listed")
        );
    }
}
