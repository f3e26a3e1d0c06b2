//! The one sanitizer for text that came from data or argv, before it
//! reaches a terminal (a widget, a CLI line, a log line):
//! - control characters become caret notation (`^[`), C1 controls, bidi
//!   controls, invisible (format, default-ignorable), private-use and
//!   unassigned characters become `<U+XXXX>`, so an escape sequence or a
//!   hidden character is shown, never obeyed;
//! - line and paragraph separators count as newlines; variation selectors
//!   are dropped; a grapheme keeps at most [`MAX_MARKS`] combining marks;
//! - every grapheme left is as wide in `unicode-width` (what the layout
//!   measures) as the sum of its characters (what a terminal advances), so
//!   a row never spills into the next pane.

use crate::domain::chars::{self, CharClass};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use crate::domain::chars::MAX_MARKS;

/// True for a character the sanitizer would not pass through as it is
/// (combining marks aside: those depend on what stands before them).
pub fn is_unsafe(c: char) -> bool {
    !matches!(chars::class(c), CharClass::Plain | CharClass::Combining)
}

fn push_code(out: &mut String, c: char) {
    out.push_str(&format!("<U+{:04X}>", c as u32));
}

fn push_visible(out: &mut String, c: char, newline: &str) {
    match c {
        '\n' | '\u{2028}' | '\u{2029}' => out.push_str(newline),
        '\t' => out.push_str("    "),
        '\u{7f}' => out.push_str("^?"),
        c if (c as u32) < 0x20 => {
            out.push('^');
            out.push(char::from(b'@' + c as u8));
        }
        c if chars::is_variation_selector(c) => {}
        c => push_code(out, c),
    }
}

fn char_widths(grapheme: &str) -> usize {
    grapheme.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Replaces, character by character, then checks each grapheme.
fn clean(text: &str, newline: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut marks: Option<usize> = None; // None: no base character to carry a mark
    for c in text.chars() {
        match chars::class(c) {
            CharClass::Plain => {
                out.push(c);
                marks = Some(0);
            }
            CharClass::Combining => match marks {
                Some(n) if n < MAX_MARKS => {
                    out.push(c);
                    marks = Some(n + 1);
                }
                Some(_) => {}
                None => {
                    push_code(&mut out, c);
                    marks = Some(0);
                }
            },
            _ => {
                push_visible(&mut out, c, newline);
                // A placeholder ends in '>' (a base); a dropped selector
                // leaves the previous base in place.
                if !chars::is_variation_selector(c) {
                    marks = if out.is_empty() { None } else { Some(0) };
                }
            }
        }
    }
    if out.graphemes(true).all(|g| g.width() == char_widths(g) && g.width() > 0) {
        return out;
    }
    // A cluster that the width table measures otherwise than a terminal
    // draws it (emoji modifiers, ligature rules): keep its first character
    // and show the rest as code points.
    let mut fixed = String::with_capacity(out.len() + 16);
    for g in out.graphemes(true) {
        if g.width() == char_widths(g) && g.width() > 0 {
            fixed.push_str(g);
            continue;
        }
        let mut rest = g.chars();
        match rest.next() {
            Some(first) if first.width().unwrap_or(0) > 0 => fixed.push(first),
            Some(first) => push_code(&mut fixed, first),
            None => {}
        }
        for c in rest {
            push_code(&mut fixed, c);
        }
    }
    fixed
}

fn needs_work(text: &str) -> bool {
    // Fast path: printable ASCII needs nothing.
    !text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// One line for a cell or a title: newlines show as `⏎`.
pub fn line(text: &str) -> Cow<'_, str> {
    if !needs_work(text) {
        return Cow::Borrowed(text);
    }
    let cleaned = clean(text, "⏎");
    if cleaned == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(cleaned)
    }
}

/// Several lines (descriptions, notes): split on newlines, each sanitized.
pub fn lines(text: &str) -> Vec<String> {
    text.split(['\n', '\u{2028}', '\u{2029}']).map(|l| line(l).into_owned()).collect()
}

/// Text of several lines for a terminal that prints it as it is (the CLI):
/// each line sanitized, newlines kept.
pub fn block(text: &str) -> String {
    lines(text).join("\n")
}

/// At most `max` characters of a line, sanitized, with "…" where it was
/// cut: what a refusal may quote from its input.
pub fn quote(text: &str, max: usize) -> String {
    let shown = line(text);
    if shown.chars().count() <= max {
        return shown.into_owned();
    }
    let mut cut: String = String::new();
    for g in shown.graphemes(true) {
        if cut.chars().count() + g.chars().count() >= max {
            break;
        }
        cut.push_str(g);
    }
    cut.push('…');
    cut
}

/// True if the text would reach a terminal unchanged.
pub fn is_clean(text: &str) -> bool {
    matches!(line(text), Cow::Borrowed(_)) && !text.contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(line("a\u{1b}[31mred"), "a^[[31mred");
        assert_eq!(line("osc\u{1b}]0;title\u{7}"), "osc^[]0;title^G");
        assert_eq!(line("del\u{7f}"), "del^?");
        assert_eq!(line("c1\u{9b}2J"), "c1<U+009B>2J");
    }

    #[test]
    fn bidi_and_newlines() {
        assert_eq!(line("evil\u{202E}gnp.exe"), "evil<U+202E>gnp.exe");
        assert_eq!(line("two\nlines"), "two⏎lines");
        assert_eq!(lines("a\n\tb"), vec!["a".to_string(), "    b".to_string()]);
        assert!(matches!(line("plain ☕"), Cow::Borrowed(_)));
        assert!(is_clean(&line("x\u{1b}y\u{2066}")));
    }

    #[test]
    fn invisible_and_separators_are_shown() {
        assert_eq!(line("pay\u{200B}pal"), "pay<U+200B>pal");
        assert_eq!(line("\u{3164}"), "<U+3164>");
        assert_eq!(line("bom\u{FEFF}"), "bom<U+FEFF>");
        assert_eq!(line("a\u{2028}b\u{2029}c"), "a⏎b⏎c");
        assert_eq!(lines("a\u{2028}b"), vec!["a".to_string(), "b".to_string()]);
        assert_eq!(line("tag\u{E0041}"), "tag<U+E0041>");
        assert_eq!(line("❤\u{FE0F}"), "❤");
        assert_eq!(line("\u{E000}"), "<U+E000>");
    }

    #[test]
    fn combining_marks_are_bounded() {
        let zalgo = format!("e{}", "\u{0301}".repeat(50));
        assert_eq!(line(&zalgo), format!("e{}", "\u{0301}".repeat(MAX_MARKS)));
        assert_eq!(line("\u{0301}x"), "<U+0301>x");
        assert!(matches!(line("café"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_grapheme_is_as_wide_as_its_characters() {
        for text in [
            "👨\u{200D}👩\u{200D}👧",
            "👍\u{1F3FB}",
            "🇺🇸",
            "\u{0644}\u{0627}",
            "1\u{FE0F}\u{20E3}",
            "각",
            "\u{1100}\u{1161}\u{11A8}",
            "Coffee Club ☕ 咖啡",
            "e\u{0301}\u{0302}",
        ] {
            let shown = line(text);
            for g in shown.graphemes(true) {
                assert_eq!(g.width(), char_widths(g), "{text:?} → {shown:?}: {g:?}");
                assert!(g.width() > 0, "{text:?} → {shown:?}: zero-width {g:?}");
            }
        }
    }

    #[test]
    fn quotes_are_bounded() {
        assert_eq!(quote("short", 200), "short");
        let long = "x".repeat(1000);
        assert_eq!(quote(&long, 10).chars().count(), 10);
        assert!(quote(&long, 10).ends_with('…'));
        assert_eq!(quote("a\u{9b}b", 200), "a<U+009B>b");
    }
}
