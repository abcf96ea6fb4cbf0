//! Text that came from outside (an artifact, a token, a guest) on its way to a person
//! (docs/design.md §7, §8).
//!
//! Such text may hold terminal escape sequences, carriage returns, newlines or bidirectional
//! overrides that would rewrite what a person reads (`ESC[1A ESC[2K \r PASS app.wasm` over a
//! FAIL line). The errors and events that carry it escape it in their `Display` through
//! [`Untrusted`], so no print site can forget; JSON output keeps the raw value, since JSON
//! escapes control characters itself.

use std::fmt::{self, Write as _};

/// Whether a terminal could interpret `c` rather than show it: a control character (C0, DEL,
/// C1), a bidirectional override, embedding, isolate or mark, or a line or paragraph separator.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                // Invisible format characters: zero-width spaces and joiners, soft hyphen,
                // word joiners, byte-order mark, annotation marks and tag characters (which
                // can carry hidden text and make look-alike names).
                | '\u{00AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2065}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` with every seed-shaped word (see [`crate::keys::looks_like_seed`]) replaced by
/// `S… (a seed, not shown)`: for messages that quote input a seed may have been pasted into
/// (a TOML error shows the offending line).
pub fn redact_seeds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if crate::keys::looks_like_seed(word) {
            out.push_str("S… (a seed, not shown)");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Shows outside text safely: every character [`is_unsafe`] calls unsafe is written as a Rust
/// escape (`\u{1b}`, `\n`, `\r`, `\u{202e}`), everything else as is.
#[derive(Debug, Clone, Copy)]
pub struct Untrusted<'a>(pub &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(is_unsafe) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().expect("found a char at `at`");
            for e in c.escape_default() {
                f.write_char(e)?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// `word` as one shell word to paste after a command: as is when it holds only characters no
/// shell treats specially, else in single quotes (a `'` inside written `'\''`). A hint that
/// shows a flag with a value from outside (a bucket an actor named, a host a client sent)
/// goes through this, so pasting it cannot run anything.
pub fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-:=/@+,".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// [`Untrusted`] as a `String`.
pub fn escape(text: &str) -> String {
    Untrusted(text).to_string()
}

/// Escapes text made of lines (a guest backtrace, a multi-line error): each line is escaped as
/// [`Untrusted`] does, and lines after the first are put on their own line indented by
/// `indent`, so nothing in the text can start a line of its own at the left margin.
pub fn escape_lines(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.strip_suffix('\n').unwrap_or(text);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(indent);
        }
        let _ = write!(out, "{}", Untrusted(line));
    }
    out
}

/// Shows a body that came from outside (an HTTP response, a lattice reply) on a terminal:
/// line breaks and tabs kept, every other character [`is_unsafe`] calls unsafe escaped as
/// [`Untrusted`] does, and bytes that are not UTF-8 as `\xNN`. (Piped, the body is written as
/// it is: this is for a person's screen only.)
pub fn escape_body(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if matches!(c, '\n' | '\t') || !is_unsafe(c) {
                out.push(c);
            } else {
                out.extend(c.escape_default());
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_characters_and_seeds_are_not_shown() {
        for c in ['\u{200B}', '\u{FEFF}', '\u{00AD}', '\u{E0041}', '\u{2060}'] {
            assert!(is_unsafe(c), "{c:?}");
        }
        let seed = crate::keys::Key::generate(crate::keys::KeyRole::Account);
        let line = format!("1 | trusted_issuers = \"{}\"", seed.seed());
        let shown = redact_seeds(&line);
        assert!(!shown.contains(seed.seed()), "{shown}");
        assert!(shown.contains("S… (a seed, not shown)"), "{shown}");
        assert_eq!(redact_seeds("max_age = \"90d\""), "max_age = \"90d\"");
    }

    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_interpret() {
        assert_eq!(escape("plain name"), "plain name");
        assert_eq!(escape("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("line\nbreak\r"), "line\\nbreak\\r");
        assert_eq!(escape("evil\u{202E}txt"), "evil\\u{202e}txt");
        assert_eq!(escape("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(escape("del\x7f"), "del\\u{7f}");
        assert_eq!(escape("ünïcode ✓"), "ünïcode ✓");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn bodies_keep_their_lines_and_lose_their_escapes() {
        assert_eq!(escape_body(b"line 1\n\tline 2\n"), "line 1\n\tline 2\n");
        assert_eq!(
            escape_body(b"\x1b]0;owned\x07\x1b[2J\rPASS"),
            "\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\rPASS"
        );
        assert_eq!(escape_body("c1 \u{9b}2J".as_bytes()), "c1 \\u{9b}2J");
        assert_eq!(escape_body(b"bad \xff\xfe utf-8"), "bad \\xff\\xfe utf-8");
        let shown = escape_body("\u{202e}txt.exe".as_bytes());
        assert!(
            !shown
                .chars()
                .any(|c| c != '\n' && c != '\t' && is_unsafe(c))
        );
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = escape("\x1b[1A\x1b[2K\rPASS app.wasm\u{2066}");
        assert!(!once.chars().any(is_unsafe));
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn lines_keep_their_breaks_but_not_the_margin() {
        assert_eq!(
            escape_lines("trap\n  0: f\x1b[2K\r\nPASS", "    "),
            "trap\n      0: f\\u{1b}[2K\\r\n    PASS"
        );
        assert_eq!(escape_lines("", "  "), "");
        assert_eq!(escape_lines("one\n", "  "), "one");
    }
}
