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

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::common::{EXIT_USAGE, write_stdout};
use crate::{input, output};

mod edit;
mod transform;
mod value;

use edit::EditError;
pub(crate) use transform::InjectError;
use value::ParseError;

/// `app-netutil inject`.
#[derive(Args, Debug)]
#[command(after_help = "\
Each FILE is edited in place in its text: comments, key order, quoting and flow or block \
style are kept, documents without a pod template stay byte for byte, and only the new \
volume, mounts and variables are added. With several FILEs and neither --check nor \
--in-place, they are printed as one multi-document stream in the order given.

Inputs larger than 8 MiB (each) are refused; a named FIFO that no program opens for writing \
within 10 s is an error; directories, device nodes and sockets are refused.

Exit status: 0 done (--check: nothing to add), 1 --check found documents to inject or an \
output could not be written, 2 unusable input (nothing is written then).")]
pub(crate) struct InjectArgs {
    /// Manifest files (YAML or JSON, one or more documents each); standard input when none or `-`.
    #[arg(value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Write the result to FILE instead of standard output (a regular file or a new one; replaced atomically).
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["in_place", "check"])]
    pub(crate) output: Option<PathBuf>,
    /// Edit each FILE in place (a file that needs nothing is not touched). A FILE that is a symbolic link: the file it points to is edited and the link stays, as `sed -i --follow-symlinks` does; mode and owner are kept.
    #[arg(short, long, conflicts_with = "check")]
    pub(crate) in_place: bool,
    /// Write nothing; exit with status 1 when a document of any FILE still needs injecting.
    #[arg(long)]
    pub(crate) check: bool,
    /// Do not print notes (objects passed through, kept values, links followed) to standard error.
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
    /// The injected documents could be too large to read back.
    #[error(
        "the injected documents could have up to {nodes} YAML nodes, more than the limit of {} that app-netutil writes; split the input",
        value::MAX_OUTPUT_NODES
    )]
    TooLarge {
        /// How many nodes they could have.
        nodes: usize,
    },
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
    /// The input's format (the output's too).
    pub(crate) format: value::Format,
}

/// Injects every document of `input` and returns the text with the
/// additions written in place (see [`edit`]): documents that need nothing
/// and everything around the additions stay byte for byte.
pub(crate) fn inject_stream(input: &str) -> Result<Injected, StreamError> {
    let (format, mut docs) = value::parse(input)?;
    // What the documents could grow to, before anything is added: the
    // result must stay readable, and memory bounded.
    let bound: usize = docs
        .iter()
        .map(|d| value::count_nodes(d) + transform::growth_bound(d))
        .sum();
    let mut changed = Vec::new();
    let mut notes = Vec::new();
    let mut additions = Vec::with_capacity(docs.len());
    if bound > value::MAX_OUTPUT_NODES {
        return Err(StreamError::TooLarge { nodes: bound });
    }
    for (i, doc) in docs.iter_mut().enumerate() {
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
            // Only the injected tree is needed from here on.
            *doc = after;
        }
        additions.push(plan);
    }
    let text = if changed.is_empty() {
        input.to_owned()
    } else {
        edit::apply(input, format, &additions, &docs).map_err(|(index, source)| DocumentError {
            index,
            source: source.into(),
        })?
    };
    Ok(Injected {
        text,
        changed,
        notes,
        format,
    })
}

/// One input, read and injected.
struct Done {
    label: String,
    path: Option<PathBuf>,
    injected: Injected,
}

/// Why the inputs of `inject` could not be read or joined.
#[derive(Debug, thiserror::Error)]
enum InputsError {
    /// An input could not be read.
    #[error("{label}: {error}")]
    Read {
        /// The path, or `<stdin>`.
        label: String,
        /// What was wrong.
        error: input::InputError,
    },
    /// An input is not UTF-8.
    #[error("{0}: not UTF-8 text, so not YAML or JSON")]
    NotUtf8(String),
    /// An injected output does not parse again (a defect of `inject`).
    #[error(transparent)]
    Reparse(#[from] ParseError),
    /// The joined stream would not read as the files' documents.
    #[error(
        "the files cannot be joined into one stream of their documents; inject them one at a time"
    )]
    CannotJoin,
}

fn read_one(path: Option<&Path>) -> Result<(String, String), InputsError> {
    let label = match path {
        None => "<stdin>".to_owned(),
        Some(p) => p.display().to_string(),
    };
    let bytes = match path {
        None => input::read_stdin(input::MANIFEST),
        Some(p) => input::read_path(p, input::MANIFEST),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(error) => return Err(InputsError::Read { label, error }),
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((label, text)),
        Err(_) => Err(InputsError::NotUtf8(label)),
    }
}

/// Joins the outputs of several inputs into one stream: JSON texts one
/// after the other when every input is JSON, else a YAML stream with `---`
/// between the files (each JSON text its own document).
fn join(done: &[Done]) -> Result<String, InputsError> {
    if let [one] = done {
        return Ok(one.injected.text.clone());
    }
    let all_json = done
        .iter()
        .all(|d| d.injected.format == value::Format::Json);
    let mut out = String::new();
    for d in done {
        let pieces: Vec<&str> = if d.injected.format == value::Format::Json && !all_json {
            json_texts(&d.injected.text)
        } else {
            vec![d.injected.text.as_str()]
        };
        for piece in pieces {
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                let first_line = piece.lines().next().unwrap_or("");
                if !all_json && first_line != "---" && !first_line.starts_with("--- ") {
                    // A directive may only follow a document that was ended.
                    out.push_str(if piece.starts_with('%') {
                        "...\n"
                    } else {
                        "---\n"
                    });
                }
            }
            out.push_str(piece);
        }
    }
    // The stream must read as the files' documents, in order.
    let mut want = Vec::new();
    for d in done {
        want.extend(value::parse(&d.injected.text)?.1);
    }
    match value::parse(&out) {
        Ok((_, got)) if got == want => Ok(out),
        _ => Err(InputsError::CannotJoin),
    }
}

/// The JSON texts of a stream of JSON texts, each with the whitespace
/// after it.
fn json_texts(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut from = 0;
    while let Some(Ok(_)) = stream.next() {
        let to = stream.byte_offset();
        let end = to + (text[to..].len() - text[to..].trim_start().len());
        out.push(&text[from..end]);
        from = end;
    }
    if from < text.len() {
        out.push(&text[from..]);
    }
    out
}

/// Runs `app-netutil inject`.
pub(crate) fn run(args: &InjectArgs) -> ExitCode {
    let stdin = Path::new("-");
    let paths: Vec<Option<&Path>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files
            .iter()
            .map(|p| (p.as_path() != stdin).then_some(p.as_path()))
            .collect()
    };
    if args.in_place && paths.iter().any(Option::is_none) {
        crate::common::say("inject: --in-place needs files, not standard input");
        return ExitCode::from(EXIT_USAGE);
    }
    if paths.iter().filter(|p| p.is_none()).count() > 1 {
        crate::common::say("inject: standard input (-) can be given once");
        return ExitCode::from(EXIT_USAGE);
    }

    // Everything is read and injected before anything is written: one
    // unusable input leaves every file as it was.
    let mut done = Vec::new();
    let mut failed = false;
    for path in paths {
        match read_one(path) {
            Ok((label, input)) => match inject_stream(&input) {
                Ok(injected) => done.push(Done {
                    label,
                    path: path.map(Path::to_owned),
                    injected,
                }),
                Err(e) => {
                    crate::common::say(&format!("inject: {label}: {e}"));
                    failed = true;
                }
            },
            Err(message) => {
                crate::common::say(&format!("inject: {message}"));
                failed = true;
            }
        }
    }
    if failed {
        return ExitCode::from(EXIT_USAGE);
    }
    if !args.quiet {
        for d in &done {
            for note in &d.injected.notes {
                crate::common::say(&format!("inject: note: {}: {note}", d.label));
            }
        }
    }

    if args.check {
        let mut missing = false;
        for d in &done {
            for index in &d.injected.changed {
                crate::common::say(&format!(
                    "inject: {}: document {index} is not injected",
                    d.label
                ));
                missing = true;
            }
        }
        return if missing {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }

    if args.in_place {
        let mut status = ExitCode::SUCCESS;
        for d in &done {
            let Some(path) = &d.path else { continue };
            if d.injected.changed.is_empty() {
                // Nothing to add: the file is not touched.
                continue;
            }
            match output::replace_file(
                path,
                d.injected.text.as_bytes(),
                output::Target::FollowLinks,
            ) {
                Ok(written) => {
                    if !args.quiet && written.path != *path {
                        crate::common::say(&format!(
                            "inject: note: {}: edited {}, where the link leads",
                            d.label,
                            written.path.display()
                        ));
                    }
                }
                Err(e) => {
                    crate::common::say(&format!("inject: writing the output: {e}"));
                    status = ExitCode::FAILURE;
                }
            }
        }
        return status;
    }

    let text = match join(&done) {
        Ok(text) => text,
        Err(e) => {
            crate::common::say(&format!("inject: {e}"));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match &args.output {
        Some(path) => match output::replace_file(path, text.as_bytes(), output::Target::Exact) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                crate::common::say(&format!("inject: writing the output: {e}"));
                ExitCode::FAILURE
            }
        },
        None => match write_stdout(&text) {
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
        assert!(
            once.text
                .ends_with("---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
        );
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
        assert_eq!(
            back["spec"]["volumes"][0]["downwardAPI"]["items"][4]["path"],
            "uid"
        );
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
