//! Why a saved report could not be read back.

use thiserror::Error;

/// Why [`crate::Report::from_json`] refused a text: where in the text the
/// problem is and what it is. The library's own type, so that the JSON
/// library used inside is not part of the public interface.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReportJsonError {
    /// The text is not JSON at all (a stray character, a bad escape, ...).
    #[error("not JSON: {reason} at line {line} column {column}")]
    Syntax {
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// What the JSON reader found wrong.
        reason: String,
    },
    /// The text ends in the middle of a JSON value (cut short).
    #[error("cut short: {reason} at line {line} column {column}")]
    Truncated {
        /// 1-based line where the text ends.
        line: usize,
        /// 1-based column where the text ends.
        column: usize,
        /// What the JSON reader expected.
        reason: String,
    },
    /// The text is JSON but not a contract v1 report: a key with a value of
    /// the wrong type, a required key missing, an unknown enum value, ...
    #[error("not a contract v1 report: {reason} at line {line} column {column}")]
    NotAReport {
        /// 1-based line of the offending value.
        line: usize,
        /// 1-based column of the offending value.
        column: usize,
        /// Which key or value is wrong and how.
        reason: String,
    },
    /// The report names an `apiVersion` this version does not read.
    #[error(
        "apiVersion {found:?} is not supported: this version reads {:?} (or a report without apiVersion)",
        crate::report::API_VERSION
    )]
    ApiVersion {
        /// The `apiVersion` the report gives.
        found: String,
    },
    /// The document is not a pod report.
    #[error(
        "kind {found:?} is not a report: expected {:?} (or no kind)",
        crate::report::KIND
    )]
    Kind {
        /// The `kind` the document gives.
        found: String,
    },
}

impl From<serde_json::Error> for ReportJsonError {
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let (line, column) = (e.line(), e.column());
        // serde_json's message ends with " at line L column C"; the
        // position is kept in fields of its own.
        let text = e.to_string();
        let reason = match text.rfind(" at line ") {
            Some(at) => text.get(..at).unwrap_or(&text).to_owned(),
            None => text,
        };
        match e.classify() {
            Category::Eof => Self::Truncated {
                line,
                column,
                reason,
            },
            Category::Data => Self::NotAReport {
                line,
                column,
                reason,
            },
            // `Io` cannot happen when reading from a string.
            Category::Syntax | Category::Io => Self::Syntax {
                line,
                column,
                reason,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Report;

    use super::ReportJsonError;

    fn err(text: &str) -> ReportJsonError {
        Report::from_json(text).unwrap_err()
    }

    #[test]
    fn not_json() {
        let e = err("{\"apiVersion\": x}");
        assert!(
            matches!(
                e,
                ReportJsonError::Syntax {
                    line: 1,
                    column: 16,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "not JSON: expected value at line 1 column 16"
        );
    }

    #[test]
    fn cut_short() {
        let e = err("{\"apiVersion\":\n \"v1");
        assert!(
            matches!(e, ReportJsonError::Truncated { line: 2, .. }),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("cut short: "), "{e}");
    }

    #[test]
    fn not_a_report() {
        let e = err("{\"interfaces\": 3}");
        assert!(
            matches!(e, ReportJsonError::NotAReport { line: 1, .. }),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("not a contract v1 report: invalid type: integer `3`"),
            "{e}"
        );
        let e = err("[]");
        assert!(matches!(e, ReportJsonError::NotAReport { .. }), "{e:?}");
    }
}
