//! Property tests: Go's `%q` quoting, reimplemented here, is undone exactly
//! by the library's unquoter and by the downward-API file parser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use app_netutil::internal::{downward, goquote};
use proptest::prelude::*;

/// How a non-ASCII printable rune is written: Go writes it raw, but `\u`
/// and `\U` forms are equally valid input.
#[derive(Debug, Clone, Copy)]
enum Style {
    Go,
    EscapeAll,
    Octal,
}

/// Quotes bytes the way Go's `strconv.Quote` does (`Style::Go`), or with
/// every non-ASCII rune escaped, or with control bytes in octal.
fn go_quote(bytes: &[u8], style: Style) -> String {
    let mut out = String::from("\"");
    let mut rest = bytes;
    while !rest.is_empty() {
        let (valid, invalid_len) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => {
                let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap();
                (valid, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
            }
        };
        for c in valid.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                c if (c as u32) < 0x20 || c == '\x7f' => match style {
                    Style::Octal => out.push_str(&format!("\\{:03o}", c as u32)),
                    _ => out.push_str(&format!("\\x{:02x}", c as u32)),
                },
                c if c.is_ascii() => out.push(c),
                c if matches!(style, Style::EscapeAll) || c.is_control() || c.is_whitespace() => {
                    if (c as u32) < 0x10000 {
                        out.push_str(&format!("\\u{:04x}", c as u32));
                    } else {
                        out.push_str(&format!("\\U{:08x}", c as u32));
                    }
                }
                c => out.push(c),
            }
        }
        let consumed = valid.len();
        for b in &rest[consumed..consumed + invalid_len] {
            out.push_str(&format!("\\x{b:02x}"));
        }
        rest = &rest[consumed + invalid_len..];
    }
    out.push('"');
    out
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![Just(Style::Go), Just(Style::EscapeAll), Just(Style::Octal)]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "\\PC{0,60}".prop_map(String::into_bytes),
        ".{0,60}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn unquote_inverts_go_quote(input in bytes(), style in style()) {
        let quoted = go_quote(&input, style);
        prop_assert_eq!(goquote::unquote(quoted.as_bytes()).unwrap(), input);
    }

    #[test]
    fn downward_file_round_trips(
        map in proptest::collection::btree_map("[a-z][a-z0-9.-]{0,20}(/[a-z0-9]{1,10})?", bytes(), 0..8),
        crlf in any::<bool>(),
        trailing_newline in any::<bool>(),
    ) {
        let sep = if crlf { "\r\n" } else { "\n" };
        let mut file = map
            .iter()
            .map(|(k, v)| format!("{k}={}", go_quote(v, Style::Go)))
            .collect::<Vec<_>>()
            .join(sep);
        if trailing_newline {
            file.push_str(sep);
        }
        let mut warnings = Vec::new();
        let parsed = downward::parse(file.as_bytes(), "annotations", &mut warnings);
        prop_assert!(warnings.is_empty(), "{:?}", warnings);
        prop_assert_eq!(parsed, map.into_iter().collect::<BTreeMap<_, _>>());
    }

    #[test]
    fn unquote_never_panics(input in proptest::collection::vec(any::<u8>(), 0..100)) {
        let mut quoted = vec![b'"'];
        quoted.extend(input);
        let _ = goquote::unquote(&quoted);
    }
}

#[test]
fn quoter_matches_go_outputs() {
    // The quoter itself agrees with go1.19.8 outputs (formats.md §1.3).
    assert_eq!(
        go_quote(b"\x07\x08\x0c\n\r\t\x0b", Style::Go),
        r#""\a\b\f\n\r\t\v""#
    );
    assert_eq!(
        go_quote(b"\x00\x01\x1f\x7f", Style::Go),
        r#""\x00\x01\x1f\x7f""#
    );
    assert_eq!(go_quote(b"\xff\xfe", Style::Go), r#""\xff\xfe""#);
    assert_eq!(go_quote("日本語".as_bytes(), Style::Go), "\"日本語\"");
    assert_eq!(
        go_quote("\u{a0}\u{85}".as_bytes(), Style::Go),
        r#""\u00a0\u0085""#
    );
}
