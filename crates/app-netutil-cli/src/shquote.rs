//! The one quoter for a POSIX shell, used by everything the tool prints for
//! a shell to read: `dpdk-args --format shell`, `env --format sh` (and its
//! `EAL_ARGS`), the `exec -v` line.
//!
//! A word is written as it is when it is made only of characters that no
//! shell treats specially, else (or always, with [`quote_always`]) in
//! single quotes, inside which a shell takes every byte literally but `'`,
//! written `'\''`. A NUL byte cannot be in a shell word (nor an argument,
//! nor a variable): a word holding one is refused, never shortened.

use std::borrow::Cow;

use thiserror::Error;

/// A word holding a NUL byte, which no shell word can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a NUL byte, which no shell word can hold")]
pub(crate) struct NulByte;

/// Whether a shell reads `s` written as it is as the word `s`.
fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b))
}

/// `s` in single quotes.
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` as one word for a POSIX shell: as it is when that is safe, else in
/// single quotes.
///
/// # Errors
///
/// [`NulByte`] when `s` holds a NUL byte.
pub(crate) fn quote(s: &str) -> Result<Cow<'_, str>, NulByte> {
    if s.contains('\0') {
        Err(NulByte)
    } else if is_plain(s) {
        Ok(Cow::Borrowed(s))
    } else {
        Ok(Cow::Owned(single_quoted(s)))
    }
}

/// `s` as one word for a POSIX shell, always in single quotes (the value
/// of an `export NAME=` line).
///
/// # Errors
///
/// [`NulByte`] when `s` holds a NUL byte.
pub(crate) fn quote_always(s: &str) -> Result<String, NulByte> {
    if s.contains('\0') {
        Err(NulByte)
    } else {
        Ok(single_quoted(s))
    }
}

/// The words, each [`quote`]d, joined by spaces.
///
/// # Errors
///
/// [`NulByte`] when a word holds a NUL byte.
pub(crate) fn join<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<String, NulByte> {
    let quoted = words
        .into_iter()
        .map(quote)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quoting() {
        let q = |s| quote(s).unwrap();
        assert_eq!(q("-a"), "-a");
        assert_eq!(q("0000:3b:02.4"), "0000:3b:02.4");
        assert_eq!(
            q("--vdev=net_memif0,socket=/run/m.sock,role=client"),
            "--vdev=net_memif0,socket=/run/m.sock,role=client"
        );
        assert_eq!(q("--lcores=0@130,1@131"), "--lcores=0@130,1@131");
        assert_eq!(q(""), "''");
        assert_eq!(q("a b"), "'a b'");
        assert_eq!(q("it's"), r"'it'\''s'");
        assert_eq!(q("$HOME"), "'$HOME'");
        assert_eq!(q("~x"), "'~x'");
        assert_eq!(q("a*"), "'a*'");
        assert_eq!(q("(1-3)@(31-33)"), "'(1-3)@(31-33)'");
        assert_eq!(join(["-l", "0-3", "x y"]).unwrap(), "-l 0-3 'x y'");
        assert_eq!(quote_always("1").unwrap(), "'1'");
        assert_eq!(quote_always("it's").unwrap(), r"'it'\''s'");
    }

    #[test]
    fn nul_is_refused_by_every_form() {
        assert_eq!(quote("a\0b"), Err(NulByte));
        assert_eq!(quote("\0"), Err(NulByte));
        assert_eq!(quote_always("a\0b"), Err(NulByte));
        assert_eq!(join(["ok", "a\0"]), Err(NulByte));
    }

    /// What `sh` makes of the quoted line is the original argv.
    #[test]
    fn quoting_round_trips_through_sh() {
        let words = [
            "plain",
            "",
            "a b",
            "it's",
            "$HOME",
            "`id`",
            "\"q\"",
            "back\\slash",
            "new\nline",
            "*",
            "~",
            "#c",
            "x;y",
            "a|b&c",
            "é",
        ];
        let script = format!("printf '%s\\0' {}", join(words).unwrap());
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(out.status.success());
        let got: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .split_terminator('\0')
            .map(str::to_owned)
            .collect();
        assert_eq!(got, words);
    }

    proptest! {
        /// Any word without NUL, quoted, splits back into itself alone.
        #[test]
        fn quote_then_split_gives_the_word(word in "[^\0]*") {
            let q = quote(&word).unwrap();
            prop_assert_eq!(shlex::split(&q), Some(vec![word.clone()]));
            let q = quote_always(&word).unwrap();
            prop_assert_eq!(shlex::split(&q), Some(vec![word]));
        }

        /// A line of quoted words splits back into the words.
        #[test]
        fn join_then_split_gives_the_words(
            words in proptest::collection::vec("[^\0]*", 0..6),
        ) {
            let line = join(words.iter().map(String::as_str)).unwrap();
            prop_assert_eq!(shlex::split(&line), Some(words));
        }

        /// A word with a NUL anywhere is refused.
        #[test]
        fn nul_anywhere_is_refused(a in "[^\0]*", b in "[^\0]*") {
            let word = format!("{a}\0{b}");
            prop_assert_eq!(quote(&word), Err(NulByte));
            prop_assert_eq!(quote_always(&word), Err(NulByte));
        }
    }
}
