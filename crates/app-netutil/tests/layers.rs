//! The library's layout stays what `docs/data-flow.md` says it is: stages
//! that import only the stages below them, no import cycle between files,
//! no source file over 700 lines (in any crate of the workspace), and at
//! most eight public top-level modules.
//!
//! The imports are read from the source text: every `crate::name` path of
//! a non-test line (comments and `#[cfg(test)] mod tests` left out), and
//! the names of `use crate::{a, b::c}` groups.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of `src/`, lowest first: each may import only
/// the ones before it.
const LAYERS: &[&str] = &[
    "report", "log", "parse", "source", "pod", "error", "assemble", "dpdk", "options", "collect",
    "doctor", "wait", "internal",
];

/// The longest a source file may be, in lines.
const MAX_LINES: usize = 700;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src/` (`source/walk.rs` -> `source::walk`,
/// `source/mod.rs` -> `source`, `lib.rs` -> ``).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts.join("::")
}

/// The code of a file without its comments and its test module.
fn code_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push(line);
    }
    out
}

/// Every `crate::a::b::...` path the code names, as segment lists; a
/// `use crate::a::{b, c::{d, e}}` tree gives one path per leaf.
fn crate_paths(code: &[&str]) -> Vec<Vec<String>> {
    let text = code.join("\n");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("crate::") {
        let start = at + found;
        at = start + "crate::".len();
        let before = text[..start].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `other_crate::`, `$crate::`
        }
        let mut pos = at;
        use_tree(text.as_bytes(), &mut pos, &mut Vec::new(), &mut out);
    }
    out
}

/// Reads one use tree at `pos` (segments, then maybe `::{tree, tree}`),
/// pushing the path of every leaf below `prefix`.
fn use_tree(b: &[u8], pos: &mut usize, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let depth = prefix.len();
    loop {
        while b.get(*pos).is_some_and(u8::is_ascii_whitespace) {
            *pos += 1;
        }
        if b.get(*pos) == Some(&b'{') {
            *pos += 1;
            loop {
                use_tree(b, pos, prefix, out);
                while b
                    .get(*pos)
                    .is_some_and(|c| c.is_ascii_whitespace() || *c == b',')
                {
                    *pos += 1;
                }
                match b.get(*pos) {
                    Some(b'}') => {
                        *pos += 1;
                        break;
                    }
                    None => break,
                    _ => {}
                }
            }
            prefix.truncate(depth);
            return;
        }
        let start = *pos;
        while b
            .get(*pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            *pos += 1;
        }
        let seg = String::from_utf8_lossy(&b[start..*pos]).into_owned();
        if seg.is_empty() || !seg.starts_with(|c: char| c.is_ascii_lowercase()) || seg == "self" {
            break;
        }
        prefix.push(seg);
        if b.get(*pos..*pos + 2) == Some(b"::".as_slice()) {
            *pos += 2;
        } else {
            break;
        }
    }
    if !prefix.is_empty() {
        out.push(prefix.clone());
    }
    prefix.truncate(depth);
}

struct Crate {
    /// Module path -> the module paths it imports (resolved to files).
    imports: BTreeMap<String, BTreeSet<String>>,
}

fn read_crate() -> Crate {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f.strip_prefix(&root).unwrap()))
        .collect();
    let mut imports = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap();
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let from = module_of(rel);
        let mut to = BTreeSet::new();
        for path in crate_paths(&code_lines(&text)) {
            // The longest prefix of the path that is a module file.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(target) = target {
                to.insert(target);
            }
        }
        imports.insert(from, to);
    }
    Crate { imports }
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn lower_stages_never_import_higher_ones() {
    let krate = read_crate();
    let rank = |m: &str| LAYERS.iter().position(|l| *l == top(m));
    let mut failures = Vec::new();
    for (from, tos) in &krate.imports {
        if from.is_empty() {
            continue; // lib.rs declares and re-exports them all
        }
        let Some(rf) = rank(from) else {
            failures.push(format!("{from}: top-level module not in LAYERS"));
            continue;
        };
        for to in tos {
            if top(to) == top(from) || to.is_empty() {
                continue;
            }
            match rank(to) {
                Some(rt) if rt < rf => {}
                _ => failures.push(format!("{from} imports {to}, which is not below it")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_import_cycle_between_files() {
    let krate = read_crate();
    // Edges to a file's own ancestors (a child naming its parent module)
    // are how Rust modules nest, not cycles.
    let edges: BTreeMap<&str, Vec<&str>> = krate
        .imports
        .iter()
        .map(|(from, tos)| {
            let to: Vec<&str> = tos
                .iter()
                .map(String::as_str)
                .filter(|t| *t != from && !from.starts_with(&format!("{t}::")) && !t.is_empty())
                .collect();
            (from.as_str(), to)
        })
        .collect();
    // Depth-first search with colours: 1 on the stack, 2 done.
    fn visit<'a>(
        m: &'a str,
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        colour.insert(m, 1);
        stack.push(m);
        for &n in edges.get(m).map(Vec::as_slice).unwrap_or(&[]) {
            match colour.get(n) {
                Some(1) => {
                    let at = stack.iter().position(|s| *s == n).unwrap();
                    cycles.push(format!("{} -> {n}", stack[at..].join(" -> ")));
                }
                Some(_) => {}
                None => visit(n, edges, colour, stack, cycles),
            }
        }
        stack.pop();
        colour.insert(m, 2);
    }
    let mut colour = BTreeMap::new();
    let mut cycles = Vec::new();
    for &m in edges.keys() {
        if !colour.contains_key(m) {
            visit(m, &edges, &mut colour, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checks_see_the_imports() {
    // The reader itself: a known import is found, and one of each kind of
    // line it must pass over is not.
    let code = code_lines(
        "use crate::parse::{cpulist, sysfile::ValueError};\n// crate::wait\nlet x = crate::report::Report::default();\n#[cfg(test)]\nmod tests {\n    use crate::doctor;\n}\n",
    );
    let paths = crate_paths(&code);
    assert_eq!(
        paths,
        [
            vec!["parse".to_owned(), "cpulist".to_owned()],
            vec!["parse".to_owned(), "sysfile".to_owned()],
            vec!["report".to_owned()],
        ]
    );
    let krate = read_crate();
    assert!(krate.imports["assemble"].contains("source"));
    assert!(krate.imports["doctor"].contains("assemble::annotations"));
}

/// The files of the C ABI and command-line crates still over the limit,
/// to be split (issue 13 is not done until this list is empty).
const NOT_YET_SPLIT: &[&str] = &[];

#[test]
fn no_source_file_is_longer_than_700_lines() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    assert!(files.len() > 50, "only {} files found", files.len());
    files.retain(|f| !NOT_YET_SPLIT.iter().any(|n| f.ends_with(n)));
    let mut long = Vec::new();
    for f in files {
        // Test modules moved out of a file (`tests.rs`, `*/tests/*.rs`)
        // are tests, not source.
        if f.file_name().is_some_and(|n| n == "tests.rs")
            || f.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "tests")
        {
            continue;
        }
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        if n > MAX_LINES {
            long.push(format!("{}: {n} lines", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn at_most_eight_public_top_level_modules() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let lines: Vec<&str> = lib.lines().collect();
    let public: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            l.starts_with("pub mod ") && (*i == 0 || lines[i - 1].trim() != "#[doc(hidden)]")
        })
        .map(|(_, l)| *l)
        .collect();
    assert!(
        (1..=8).contains(&public.len()),
        "{} public modules: {public:?}",
        public.len()
    );
    // Every top-level module is placed in a layer.
    for l in &lines {
        if let Some(name) = l
            .strip_prefix("pub mod ")
            .or_else(|| l.strip_prefix("mod "))
            .and_then(|n| n.strip_suffix(';'))
        {
            assert!(LAYERS.contains(&name), "{name} is not in LAYERS");
        }
    }
}
