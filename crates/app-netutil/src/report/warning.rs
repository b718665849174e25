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
//!
//! Every warning carries a [`WarningCode`] and a subject beside its text:
//! the report's `warning-details`.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The most warnings listed about one source; the rest are counted in one
/// more warning.
pub const MAX_WARNINGS_PER_SOURCE: usize = 20;

/// What kind of problem a warning reports: a stable, closed set of codes,
/// documented in `docs/report.md` ("Warning codes"). The spellings never
/// change; a later version may add codes, so treat an unknown one like
/// [`WarningCode::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum WarningCode {
    /// An input is absent or could not be read, so what depends on it is
    /// unknown (`missing`).
    Missing,
    /// An entry, line, field or value was unusable and left out (`dropped`).
    Dropped,
    /// A value was used after a repair: trimmed, made canonical, a default
    /// taken for a missing part, a link placeholder followed (`repaired`).
    Repaired,
    /// A choice the inputs do not settle was made by a rule, such as a
    /// device given to an interface by position (`guessed`).
    Guessed,
    /// Two inputs disagree; the warning says which one was used
    /// (`conflict`).
    Conflict,
    /// An input was understood but names something this library does not
    /// support or report (`unsupported`).
    Unsupported,
    /// More problems were found about one subject than are listed; the
    /// warning counts them (`capped`).
    Capped,
    /// Not classified: a warning of a report saved by an older version,
    /// which had no codes (`other`).
    Other,
}

impl WarningCode {
    /// Every code, in the order of the documentation.
    pub const ALL: [Self; 8] = [
        Self::Missing,
        Self::Dropped,
        Self::Repaired,
        Self::Guessed,
        Self::Conflict,
        Self::Unsupported,
        Self::Capped,
        Self::Other,
    ];

    /// The code as the JSON contract spells it (`missing`, `dropped`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Dropped => "dropped",
            Self::Repaired => "repaired",
            Self::Guessed => "guessed",
            Self::Conflict => "conflict",
            Self::Unsupported => "unsupported",
            Self::Capped => "capped",
            Self::Other => "other",
        }
    }

    /// The code of a spelling; `None` for one this version does not know.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One warning of a report: its code, what it is about, and its text (the
/// same text as the report's `warnings` entry at the same place).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Warning {
    /// What kind of problem it is.
    pub code: WarningCode,
    /// What it is about: a file or directory as the pod sees it
    /// (`/etc/podnetinfo/annotations`), an environment variable's name, an
    /// annotation's key, an interface's name or a device's id or PCI
    /// address, or a report field (`interfaces[0].interface`).
    pub subject: String,
    /// The warning in words.
    pub message: String,
}

impl Warning {
    /// A warning.
    #[must_use]
    pub fn new(code: WarningCode, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

/// The subject of a warning source: the file, variable or annotation the
/// source names, without the words that say which kind it is.
pub(crate) fn subject_of(source: &str) -> &str {
    ["annotation ", "environment variable ", "file "]
        .iter()
        .find_map(|p| source.strip_prefix(p))
        .unwrap_or(source)
}

/// One warning in order: a listed warning, or the place of a source's
/// count of unlisted warnings.
#[derive(Debug)]
enum Item {
    Listed {
        warning: Warning,
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
/// documentation), each with its code and subject.
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
    pub(crate) fn push(&mut self, code: WarningCode, subject: &str, text: String) {
        self.push_warning(Warning::new(code, subject, text));
    }

    /// An uncapped warning, already made.
    pub(crate) fn push_warning(&mut self, warning: Warning) {
        self.items.push(Item::Listed {
            warning,
            source: None,
        });
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

    /// A warning about `source` (its subject: [`subject_of`] the source);
    /// formatted only when it is listed.
    pub(crate) fn about(&mut self, code: WarningCode, source: &str, text: fmt::Arguments<'_>) {
        let id = self.source_id(source);
        if self.sources[id].listed < MAX_WARNINGS_PER_SOURCE {
            self.sources[id].listed += 1;
            self.items.push(Item::Listed {
                warning: Warning::new(code, subject_of(source), fmt::format(text)),
                source: Some(id),
            });
        } else {
            self.omit(id, 1);
        }
    }

    /// [`Warnings::about`] with a subject of its own: a warning counted
    /// against `source` (a file) but about something in it (a variable, a
    /// file of a directory).
    pub(crate) fn about_as(
        &mut self,
        code: WarningCode,
        source: &str,
        subject: &str,
        text: String,
    ) {
        let id = self.source_id(source);
        if self.sources[id].listed < MAX_WARNINGS_PER_SOURCE {
            self.sources[id].listed += 1;
            self.items.push(Item::Listed {
                warning: Warning::new(code, subject, text),
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
                Item::Listed {
                    warning,
                    source: None,
                } => self.push_warning(warning),
                Item::Listed {
                    warning,
                    source: Some(s),
                } => self.about_as(
                    warning.code,
                    &other.sources[s].name,
                    &warning.subject,
                    warning.message,
                ),
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

    /// The warnings, in order.
    pub(crate) fn into_warnings(self) -> Vec<Warning> {
        let sources = self.sources;
        self.items
            .into_iter()
            .map(|item| match item {
                Item::Listed { warning, .. } => warning,
                Item::Omitted { source } => {
                    let t = &sources[source];
                    let s = if t.omitted == 1 { "" } else { "s" };
                    Warning::new(
                        WarningCode::Capped,
                        subject_of(&t.name),
                        format!("{}: {} more problem{s} not listed", t.name, t.omitted),
                    )
                }
            })
            .collect()
    }

    /// The warnings' texts, in order.
    pub(crate) fn into_vec(self) -> Vec<String> {
        self.into_warnings()
            .into_iter()
            .map(|w| w.message)
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
    pub(crate) fn push(&mut self, code: WarningCode, text: fmt::Arguments<'_>) {
        self.warnings.about(code, self.source, text);
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
        w.push(WarningCode::Missing, "pod", "first".to_owned());
        for i in 0..25 {
            w.about(
                WarningCode::Dropped,
                "file a",
                format_args!("file a: line {i}"),
            );
            if i == 21 {
                w.about(WarningCode::Dropped, "file b", format_args!("file b: bad"));
            }
        }
        w.push(WarningCode::Missing, "pod", "last".to_owned());
        let v = w.into_vec();
        assert_eq!(v.len(), 1 + 20 + 1 + 1 + 1, "{v:?}");
        assert_eq!(v[0], "first");
        assert_eq!(v[20], "file a: line 19");
        assert_eq!(v[21], "file a: 5 more problems not listed");
        assert_eq!(v[22], "file b: bad");
        assert_eq!(v[23], "last");
    }

    #[test]
    fn codes_and_subjects_follow_the_warnings() {
        let mut w = Warnings::new();
        w.push(WarningCode::Missing, "/x", "x: gone".to_owned());
        for _ in 0..=MAX_WARNINGS_PER_SOURCE {
            w.about(
                WarningCode::Dropped,
                "environment variable PCIDEVICE_A",
                format_args!("bad"),
            );
        }
        w.about_as(
            WarningCode::Dropped,
            "/proc/self/environ",
            "PCIDEVICE_B",
            "b".to_owned(),
        );
        let all = w.into_warnings();
        assert_eq!(all.len(), 1 + MAX_WARNINGS_PER_SOURCE + 1 + 1);
        assert_eq!(all[0], Warning::new(WarningCode::Missing, "/x", "x: gone"));
        assert_eq!(all[1].subject, "PCIDEVICE_A");
        let capped = &all[MAX_WARNINGS_PER_SOURCE + 1];
        assert_eq!(capped.code, WarningCode::Capped);
        assert_eq!(capped.subject, "PCIDEVICE_A");
        assert_eq!(
            capped.message,
            "environment variable PCIDEVICE_A: 1 more problem not listed"
        );
        assert_eq!(all.last().unwrap().subject, "PCIDEVICE_B");
        for c in WarningCode::ALL {
            assert_eq!(WarningCode::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
        }
        assert_eq!(WarningCode::parse("bogus"), None);
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
            w.about(WarningCode::Dropped, "s", format_args!("x"));
        }
        w.about(WarningCode::Dropped, "s", format_args!("{Bomb}"));
        w.about(WarningCode::Dropped, "s", format_args!("{Bomb}"));
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
            a.about(WarningCode::Dropped, "s", format_args!("a{i}"));
            b.about(WarningCode::Dropped, "s", format_args!("b{i}"));
        }
        for i in 15..23 {
            b.about(WarningCode::Dropped, "s", format_args!("b{i}"));
        }
        b.push(WarningCode::Missing, "pod", "free".to_owned());
        a.append(b);
        let v = a.into_vec();
        assert_eq!(v.len(), 15 + 5 + 1 + 1, "{v:?}");
        assert_eq!(v[19], "b4");
        assert_eq!(v[20], "s: 18 more problems not listed");
        assert_eq!(v[21], "free");
        let mut one = Warnings::new();
        for _ in 0..=MAX_WARNINGS_PER_SOURCE {
            one.about(WarningCode::Dropped, "x", format_args!("x"));
        }
        assert!(!one.is_empty());
        assert_eq!(
            one.into_vec().last().map(String::as_str),
            Some("x: 1 more problem not listed")
        );
    }
}
