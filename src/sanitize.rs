//! The one sanitizer for text that came from data, before it reaches a
//! terminal (a widget or a CLI table): control characters become caret
//! notation (`^[`), C1 controls and bidi controls become `<U+XXXX>`, so an
//! escape sequence is shown, never obeyed.

use crate::domain::validate::is_bidi_control;
use std::borrow::Cow;

fn needs_work(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn push_visible(out: &mut String, c: char, newline: &str) {
    match c {
        '\n' => out.push_str(newline),
        '\t' => out.push_str("    "),
        '\u{7f}' => out.push_str("^?"),
        c if (c as u32) < 0x20 => {
            out.push('^');
            out.push(char::from(b'@' + c as u8));
        }
        c => out.push_str(&format!("<U+{:04X}>", c as u32)),
    }
}

/// One line for a cell or a title: newlines show as `⏎`.
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_work) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_work(c) {
            push_visible(&mut out, c, "⏎");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Several lines (descriptions, notes): split on newlines, each sanitized.
pub fn lines(text: &str) -> Vec<String> {
    text.split('\n').map(|l| line(l).into_owned()).collect()
}

/// True if the text would reach a terminal unchanged.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(needs_work)
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
}
