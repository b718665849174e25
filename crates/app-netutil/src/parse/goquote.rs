//! Undo Go's `%q` (`strconv.Quote`) quoting, as kubelet writes downward-API
//! values.
//!
//! The accepted grammar is Go's `strconv.Unquote` for a double-quoted
//! literal: `\a \b \f \n \r \t \v \\ \"`, `\xHH` (one raw byte, which may make
//! the result invalid UTF-8), `\uHHHH` and `\UHHHHHHHH` (Unicode scalar
//! values), and `\ooo` (three octal digits, at most 255). Any other byte is
//! taken as it is, except an unescaped `"`, which ends the literal, and a raw
//! newline, which Go never writes inside a quoted value.

use thiserror::Error;

/// Why a quoted value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UnquoteError {
    /// The value does not start with `"`.
    #[error("value does not start with a double quote")]
    NotQuoted,
    /// The closing `"` is missing.
    #[error("unterminated quoted value (no closing double quote)")]
    Unterminated,
    /// Bytes follow the closing `"`.
    #[error("unexpected text after the closing double quote at byte {offset}")]
    TrailingBytes {
        /// Byte offset of the first extra byte.
        offset: usize,
    },
    /// An escape sequence Go would reject.
    #[error("invalid escape sequence at byte {offset}")]
    InvalidEscape {
        /// Byte offset of the backslash.
        offset: usize,
    },
    /// A raw newline inside the quotes.
    #[error("raw newline inside a quoted value at byte {offset}")]
    RawNewline {
        /// Byte offset of the newline.
        offset: usize,
    },
}

/// Decodes one Go double-quoted literal that makes up the whole of `input`
/// (quotes included) into the bytes it stands for.
///
/// # Errors
///
/// Returns an [`UnquoteError`] naming the byte offset of the problem when
/// `input` is not exactly one valid Go double-quoted literal.
pub fn unquote(input: &[u8]) -> Result<Vec<u8>, UnquoteError> {
    let Some((&b'"', body)) = input.split_first() else {
        return Err(UnquoteError::NotQuoted);
    };
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    loop {
        // Copy the run of plain bytes up to the next byte that needs a look.
        i += copy_plain(&body[i..], &mut out);
        let Some(&b) = body.get(i) else { break };
        match b {
            b'"' => {
                if i + 1 == body.len() {
                    return Ok(out);
                }
                return Err(UnquoteError::TrailingBytes { offset: i + 2 });
            }
            b'\n' => return Err(UnquoteError::RawNewline { offset: i + 1 }),
            // A backslash. The escapes kubelet writes most (`\"` and `\n`
            // in JSON values) without the general decoder.
            _ => match body.get(i + 1) {
                Some(b'"') => {
                    out.push(b'"');
                    i += 2;
                }
                Some(b'n') => {
                    out.push(b'\n');
                    i += 2;
                }
                Some(b'\\') => {
                    out.push(b'\\');
                    i += 2;
                }
                _ => {
                    let used = unescape(&body[i..], &mut out)
                        .ok_or(UnquoteError::InvalidEscape { offset: i + 1 })?;
                    i += used;
                }
            },
        }
    }
    Err(UnquoteError::Unterminated)
}

/// Appends the bytes at the start of `s` that are taken as they are (up to
/// the first `"`, backslash or newline) to `out`, and returns how many.
/// JSON inside a quoted value has an escape every few bytes, too often for
/// `memchr`'s set-up or a `memcpy` call per run to pay off, so this looks
/// at eight bytes at a time in a plain `u64` and copies whole chunks as
/// they are checked.
fn copy_plain(s: &[u8], out: &mut Vec<u8>) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // A high bit set in each byte of `v` equal to `b`, exact up to the
    // first one (all this looks at).
    let eq = |v: u64, b: u8| {
        let x = v ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    let special = |b: &u8| matches!(b, b'"' | b'\\' | b'\n');
    let mut chunks = s.chunks_exact(8);
    let mut copied = 0;
    for chunk in chunks.by_ref() {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let v = u64::from_le_bytes(bytes);
        let hits = eq(v, b'"') | eq(v, b'\\') | eq(v, b'\n');
        // Eight bytes at once (a single store), then take back what is
        // not plain: cheaper than a copy of a variable length.
        let len = out.len();
        out.extend_from_slice(&bytes);
        if hits != 0 {
            let plain = (hits.trailing_zeros() / 8) as usize;
            out.truncate(len + plain);
            return copied + plain;
        }
        copied += 8;
    }
    for &b in chunks.remainder() {
        if special(&b) {
            break;
        }
        out.push(b);
        copied += 1;
    }
    copied
}

/// Decodes the escape sequence at the start of `s` (which begins with a
/// backslash), appends its bytes to `out` and returns how many input bytes it
/// used, or `None` when the sequence is invalid.
fn unescape(s: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let kind = *s.get(1)?;
    let simple = match kind {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Some(2);
    }
    match kind {
        b'x' => {
            let v = hex_value(s.get(2..4)?)?;
            out.push(u8::try_from(v).ok()?);
            Some(4)
        }
        b'u' | b'U' => {
            let digits = if kind == b'u' { 4 } else { 8 };
            let v = hex_value(s.get(2..2 + digits)?)?;
            let c = char::from_u32(v)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            Some(2 + digits)
        }
        b'0'..=b'7' => {
            let digits = s.get(1..4)?;
            let mut v: u32 = 0;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = v * 8 + u32::from(d - b'0');
            }
            out.push(u8::try_from(v).ok()?);
            Some(4)
        }
        _ => None,
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = char::from(d).to_digit(16)?;
        Some(acc * 16 + v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uq(s: &str) -> Vec<u8> {
        unquote(s.as_bytes()).unwrap()
    }

    #[test]
    fn plain_runs() {
        for s in [
            &b""[..],
            b"abc",
            b"abcdefgh",
            b"abcdefghi\"",
            b"\\",
            b"0123456\n",
            b"01234567\\x",
            b"0123456789abcdef012",
            b"\xff\x80\x22\x5c\x0a",
            b"\x21\x23\x5b\x5d\x09\x0b\x00\x01\xa2\xdc\x8a\"",
        ] {
            let want = s
                .iter()
                .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
                .unwrap_or(s.len());
            let mut out = b"x".to_vec();
            assert_eq!(copy_plain(s, &mut out), want, "{s:?}");
            assert_eq!(out[1..], s[..want], "{s:?}");
        }
    }

    #[test]
    fn go_reference_outputs() {
        // Exact go1.19.8 `%q` outputs from formats.md §1.3.
        assert_eq!(uq(r#""\a\b\f\n\r\t\v""#), b"\x07\x08\x0c\n\r\t\x0b");
        assert_eq!(
            uq(r#""back\\slash \"quote\" 'single'""#),
            br#"back\slash "quote" 'single'"#
        );
        assert_eq!(uq(r#""\x00\x01\x1f\x7f""#), b"\x00\x01\x1f\x7f");
        assert_eq!(
            uq(r#""\u0085\u00a0\u00adé""#),
            "\u{85}\u{a0}\u{ad}é".as_bytes()
        );
        assert_eq!(uq(r#""日本語""#), "日本語".as_bytes());
        assert_eq!(uq(r#""\xff\xfe""#), b"\xff\xfe");
        assert_eq!(
            uq(r#""\u200b\u2028\ufeff""#),
            "\u{200b}\u{2028}\u{feff}".as_bytes()
        );
        assert_eq!(uq(r#""😀""#), "😀".as_bytes());
        assert_eq!(uq(r#""\U000e0001""#), "\u{e0001}".as_bytes());
        // Old Go wrote DEL as \u007f.
        assert_eq!(uq(r#""\u007f""#), b"\x7f");
    }

    #[test]
    fn octal_and_hex_case() {
        assert_eq!(uq(r#""\101\377""#), b"A\xff");
        assert_eq!(uq(r#""\xFF\xAb""#), b"\xff\xab");
        assert_eq!(uq(r#""\u00E9""#), "é".as_bytes());
        assert!(unquote(br#""\400""#).is_err());
        assert!(unquote(br#""\18""#).is_err());
    }

    #[test]
    fn empty_and_plain() {
        assert_eq!(uq(r#""""#), b"");
        assert_eq!(uq(r#""a=b=c""#), b"a=b=c");
        // Raw non-UTF-8 bytes pass through.
        assert_eq!(unquote(b"\"\xff\x80\"").unwrap(), b"\xff\x80");
    }

    #[test]
    fn rejects_what_go_rejects() {
        assert_eq!(unquote(b"abc"), Err(UnquoteError::NotQuoted));
        assert_eq!(unquote(b""), Err(UnquoteError::NotQuoted));
        assert_eq!(unquote(b"\""), Err(UnquoteError::Unterminated));
        assert_eq!(unquote(br#""abc\""#), Err(UnquoteError::Unterminated));
        assert_eq!(
            unquote(br#""abc"x"#),
            Err(UnquoteError::TrailingBytes { offset: 5 })
        );
        assert_eq!(
            unquote(br#""a\qb""#),
            Err(UnquoteError::InvalidEscape { offset: 2 })
        );
        assert!(matches!(
            unquote(b"\"a\nb\""),
            Err(UnquoteError::RawNewline { .. })
        ));
        // Surrogates and out-of-range code points are invalid, as in Go.
        assert!(unquote(br#""\ud800""#).is_err());
        assert!(unquote(br#""\U00110000""#).is_err());
        // Single quote escape is only valid in rune literals.
        assert!(unquote(br#""\'""#).is_err());
        // Truncated escapes.
        assert!(unquote(br#""\x4""#).is_err());
        assert!(unquote(br#""\u12""#).is_err());
        assert!(unquote(b"\"\\").is_err());
    }
}
