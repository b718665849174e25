//! `app-netutil inject`: add the `podnetinfo` downward-API volume, its mounts
//! and `CONTAINER_NAME` to Kubernetes manifests, as the Network Resources
//! Injector webhook would, for clusters that do not run it.
//!
//! Input is YAML or JSON (several documents allowed). The additions are
//! written into the input text in place ([`edit`]): comments, key order,
//! quoting, flow or block style and every document without a pod template
//! stay byte for byte, and only the new lines (or, in flow collections and
//! JSON, the new entries) differ. Objects without a pod template pass
//! through unchanged with a note on stderr; input that is not a Kubernetes
//! object at all is refused with status 2.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::common::{EXIT_USAGE, write_stdout};

mod edit;
mod transform;
mod value;

use edit::EditError;
pub(crate) use transform::InjectError;
use value::ParseError;

/// `app-netutil inject`.
#[derive(Args, Debug)]
pub(crate) struct InjectArgs {
    /// Manifest file (YAML or JSON, one or more documents); standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Write the result to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["in_place", "check"])]
    pub(crate) output: Option<PathBuf>,
    /// Rewrite the input file (left untouched when nothing needs adding).
    #[arg(short, long, requires = "file", conflicts_with = "check")]
    pub(crate) in_place: bool,
    /// Write nothing; exit with status 1 when a document still needs injecting.
    #[arg(long)]
    pub(crate) check: bool,
    /// Do not print notes (objects passed through, kept values) to standard error.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// A document could not be injected.
#[derive(Debug, thiserror::Error)]
#[error("document {index}: {source}")]
pub(crate) struct DocumentError {
    /// 1-based position of the document in the input.
    pub(crate) index: usize,
    /// What was wrong with it.
    #[source]
    pub(crate) source: DocumentProblem,
}

/// What was wrong with one document.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DocumentProblem {
    /// Not a Kubernetes object, or a malformed workload.
    #[error(transparent)]
    Inject(#[from] InjectError),
    /// The additions cannot be written into the text in place.
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// Why a whole input was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StreamError {
    /// Neither YAML nor JSON, or empty.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A document is not a Kubernetes object, a workload is malformed, or
    /// the additions cannot be written in place.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// The result of injecting a stream of documents.
#[derive(Debug)]
pub(crate) struct Injected {
    /// The input with the additions written in (the input itself when
    /// nothing changed).
    pub(crate) text: String,
    /// 1-based indexes of the documents that changed.
    pub(crate) changed: Vec<usize>,
    /// Notes for stderr, each naming its document.
    pub(crate) notes: Vec<String>,
}

/// Injects every document of `input` and returns the text with the
/// additions written in place (see [`edit`]): documents that need nothing
/// and everything around the additions stay byte for byte.
pub(crate) fn inject_stream(input: &str) -> Result<Injected, StreamError> {
    let (format, docs) = value::parse(input)?;
    let mut changed = Vec::new();
    let mut notes = Vec::new();
    let mut afters = Vec::with_capacity(docs.len());
    let mut additions = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let index = i + 1;
        let (after, doc_notes) =
            transform::inject(doc.clone()).map_err(|source| DocumentError {
                index,
                source: source.into(),
            })?;
        notes.extend(
            doc_notes
                .into_iter()
                .map(|n| format!("document {index}: {n}")),
        );
        let plan = edit::plan(doc, &after).map_err(|source| DocumentError {
            index,
            source: source.into(),
        })?;
        if !plan.is_empty() {
            changed.push(index);
        }
        additions.push(plan);
        afters.push(after);
    }
    let text = if changed.is_empty() {
        input.to_owned()
    } else {
        edit::apply(input, format, &additions, &afters).map_err(|(index, source)| {
            DocumentError {
                index,
                source: source.into(),
            }
        })?
    };
    Ok(Injected {
        text,
        changed,
        notes,
    })
}

fn read_input(file: Option<&Path>) -> Result<(String, String), String> {
    let (label, bytes) = match file {
        None => read_stdin()?,
        Some(p) if p == Path::new("-") => read_stdin()?,
        Some(p) => {
            let label = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| format!("{label}: {e}"))?;
            (label, bytes)
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((label, text)),
        Err(_) => Err(format!("{label}: not UTF-8 text, so not YAML or JSON")),
    }
}

fn read_stdin() -> Result<(String, Vec<u8>), String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("<stdin>: {e}"))?;
    Ok(("<stdin>".to_owned(), bytes))
}

/// Replaces `path` with `text` through a temporary file in the same
/// directory, so a failed write leaves the original intact.
fn write_file_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.app-netutil-inject.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Runs `app-netutil inject`.
pub(crate) fn run(args: &InjectArgs) -> ExitCode {
    if args.in_place && args.file.as_deref() == Some(Path::new("-")) {
        eprintln!("app-netutil: inject: --in-place needs a file, not standard input");
        return ExitCode::from(EXIT_USAGE);
    }
    let (label, input) = match read_input(args.file.as_deref()) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("app-netutil: inject: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let injected = match inject_stream(&input) {
        Ok(injected) => injected,
        Err(e) => {
            eprintln!("app-netutil: inject: {label}: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if !args.quiet {
        for note in &injected.notes {
            eprintln!("app-netutil: inject: note: {label}: {note}");
        }
    }
    if args.check {
        if injected.changed.is_empty() {
            return ExitCode::SUCCESS;
        }
        for index in &injected.changed {
            eprintln!("app-netutil: inject: {label}: document {index} is not injected");
        }
        return ExitCode::FAILURE;
    }
    let target = if args.in_place {
        if injected.changed.is_empty() {
            // Nothing to add: keep the file as written, comments included.
            return ExitCode::SUCCESS;
        }
        args.file.as_deref()
    } else {
        args.output.as_deref()
    };
    match target {
        Some(path) => match write_file_atomically(path, &injected.text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("app-netutil: inject: writing {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
        None => match write_stdout(&injected.text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_output_is_stable_when_injected_again() {
        let input = "\
# a comment that is kept
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  template:
    spec:
      containers:
      - {name: a, resources: {limits: {hugepages-1Gi: 1Gi}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
";
        let once = inject_stream(input).unwrap();
        assert_eq!(once.changed, [1]);
        assert_eq!(
            once.notes,
            ["document 2: Service \"web\" (v1) has no pod template: passed through unchanged"]
        );
        assert!(once.text.starts_with("# a comment that is kept\n"));
        assert!(once.text.ends_with("---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"));
        let twice = inject_stream(&once.text).unwrap();
        assert_eq!(twice.text, once.text);
        assert!(twice.changed.is_empty());
    }

    #[test]
    fn json_in_gives_json_out() {
        let input = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}}"#;
        let out = inject_stream(input).unwrap();
        assert!(
            out.text.starts_with(
                r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","volumeMounts":[{"name":"podnetinfo","mountPath":"/etc/podnetinfo","readOnly":true}]}],"volumes":[{"#
            ),
            "{}",
            out.text
        );
        let back: serde_json::Value = serde_json::from_str(&out.text).unwrap();
        assert_eq!(back["spec"]["volumes"][0]["downwardAPI"]["items"][4]["path"], "uid");
        assert_eq!(inject_stream(&out.text).unwrap().text, out.text);
    }

    #[test]
    fn errors_name_the_document() {
        let err = inject_stream("apiVersion: v1\nkind: Service\n---\n- 1\n- 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "document 2: it is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)"
        );
        assert!(matches!(
            err,
            StreamError::Document(DocumentError { index: 2, .. })
        ));
    }
}
