//! The pod's environment: this process's variables for the live root,
//! `<root>/proc/self/environ` otherwise.

use crate::report::warning::{Warning, WarningCode};

/// Whether a variable is one the library reads, so that a value it cannot
/// use deserves a warning.
pub(super) fn is_relevant_var(name: &str) -> bool {
    name.starts_with(crate::parse::devplugin::PREFIX)
        || name.starts_with(crate::parse::dra::env::PREFIX)
        || name == crate::parse::hugepages::CONTAINER_NAME_VAR
}

/// Environment variables, in their original order, held in one string as
/// the kernel's `environ` holds them (`NAME=VALUE` records, each ended by a
/// NUL), with the offsets of each record's `=` and NUL: 8 bytes per
/// variable beside the text, and no search when iterating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    text: String,
    /// Per variable, the offsets in `text` of its `=` and of its NUL.
    marks: Vec<(u32, u32)>,
}

impl Environment {
    /// Appends a variable. A name holding `=` or NUL, or a value holding
    /// NUL, cannot be a variable and is not stored; neither is one that
    /// would make the whole environment larger than 4 GiB.
    pub fn push(&mut self, name: &str, value: &str) {
        if memchr::memchr2(b'=', 0, name.as_bytes()).is_some()
            || memchr::memchr(0, value.as_bytes()).is_some()
        {
            return;
        }
        self.push_unchecked(name, value);
    }

    /// [`Environment::push`] of a name without `=` or NUL and a value
    /// without NUL.
    fn push_unchecked(&mut self, name: &str, value: &str) {
        let eq = self.text.len() + name.len();
        let end = eq + 1 + value.len();
        let (Ok(eq), Ok(end)) = (u32::try_from(eq), u32::try_from(end)) else {
            return;
        };
        self.text.reserve(name.len() + value.len() + 2);
        self.text.push_str(name);
        self.text.push('=');
        self.text.push_str(value);
        self.text.push('\0');
        self.marks.push((eq, end));
    }

    /// The variables as `(name, value)` pairs, in their original order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut start = 0usize;
        self.marks.iter().map(move |&(eq, end)| {
            let (eq, end) = (eq as usize, end as usize);
            // `=` and NUL are ASCII: the slices fall on character boundaries.
            let name = self.text.get(start..eq).unwrap_or_default();
            let value = self.text.get(eq + 1..end).unwrap_or_default();
            start = end + 1;
            (name, value)
        })
    }

    /// The first value of the variable `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|&(n, _)| n == name).map(|(_, v)| v)
    }

    /// How many variables there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}

/// Splits the kernel's `environ` format: NUL-terminated `KEY=VALUE` records
/// whose values may contain `=` and newlines. Returns the UTF-8 variables
/// and warnings about relevant records that could not be used (at most
/// [`crate::MAX_WARNINGS_PER_SOURCE`], then a count of the rest).
#[must_use]
pub fn parse_environ(data: &[u8]) -> (Environment, Vec<Warning>) {
    let mut warnings = crate::report::warning::Warnings::new();
    // The variables fit in the data's length, and there is one mark per
    // NUL at most: one allocation each.
    let mut env = Environment {
        text: String::with_capacity(data.len() + 1),
        marks: Vec::with_capacity(memchr::memchr_iter(0, data).count() + 1),
    };
    for record in crate::parse::sysfile::split_bytes(data, 0) {
        let Some(eq) = memchr::memchr(b'=', record) else {
            continue;
        };
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        let Ok(key) = std::str::from_utf8(key) else {
            continue;
        };
        match std::str::from_utf8(value) {
            // The record was split at its NUL and its first `=`.
            Ok(v) => env.push_unchecked(key, v),
            Err(_) if is_relevant_var(key) => warnings.about_as(
                WarningCode::Dropped,
                "/proc/self/environ",
                key,
                format!("environment variable {key}: value is not UTF-8; ignored"),
            ),
            Err(_) => {}
        }
    }
    (env, warnings.into_warnings())
}
