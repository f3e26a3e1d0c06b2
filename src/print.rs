//! The only door from mpdesk to stdout and stderr. Text goes out
//! sanitized line by line; JSON goes out with every character the
//! sanitizer would replace escaped as `\uXXXX` (still valid JSON, the same
//! values). Nothing else in the crate may print: `clippy.toml` forbids
//! `println!` and friends everywhere but here.
//!
//! A reader that went away (`mpdesk … | head -1`) ends the output quietly,
//! as with every Unix tool.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use crate::sanitize;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, BufWriter, Write};

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

fn with_stream(stream: Stream, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let result = match stream {
        Stream::Out => {
            let mut out = BufWriter::new(io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())
        }
        Stream::Err => {
            let mut err = io::stderr().lock();
            write(&mut err).and_then(|()| err.flush())
        }
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Text for people: every line sanitized, newlines kept.
pub fn text(stream: Stream, text: &str) -> io::Result<()> {
    with_stream(stream, |w| writeln!(w, "{}", sanitize::block(text)))
}

/// Streams to stdout: `write` gets the buffered writer and a closed pipe
/// ends it quietly. Whatever it writes must come from [`line`] and
/// [`write_json`], which sanitize and escape.
pub fn stream_out(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    with_stream(Stream::Out, write)
}

/// One line of text for people, sanitized, onto a stream.
pub fn line(w: &mut dyn Write, text: &str) -> io::Result<()> {
    writeln!(w, "{}", sanitize::block(text))
}

/// Text mpdesk generates from its own definitions (completion scripts, the
/// manual page, the default config file), written as it is: no data from
/// a database or a person is in it, and a shell script must keep its tabs.
pub fn generated(bytes: &[u8]) -> io::Result<()> {
    with_stream(Stream::Out, |w| w.write_all(bytes))
}

/// Bytes a person asked for verbatim (an exported package): never text,
/// so nothing is sanitized; the caller refuses to send them to a terminal.
pub fn verbatim_out(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    with_stream(Stream::Out, write)
}

/// Whether standard input / output is a terminal (a package is never
/// read from, nor written to, one).
pub fn is_terminal(stream: Stream) -> bool {
    use std::io::IsTerminal;
    match stream {
        Stream::Out => io::stdout().is_terminal(),
        Stream::Err => io::stderr().is_terminal(),
    }
}

/// Whether the console can run here: it reads keys from standard input
/// and draws on standard output, both a terminal.
pub fn console_has_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// JSON for scripts, pretty-printed, straight to the stream.
pub fn json<T: Serialize + ?Sized>(stream: Stream, value: &T, pretty: bool) -> io::Result<()> {
    with_stream(stream, |w| {
        write_json(&mut *w, value, pretty)?;
        writeln!(w)
    })
}

/// Serializes `value` to `w` with the escaping formatter.
pub fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T, pretty: bool) -> io::Result<()> {
    let formatter = SafeFormatter { pretty: pretty.then(PrettyFormatter::new) };
    let mut serializer = serde_json::Serializer::with_formatter(w, formatter);
    // Keep the kind of an I/O error (a closed pipe ends the output quietly).
    value.serialize(&mut serializer).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })
}

/// JSON as a string (tests, and errors built before they are printed).
pub fn json_string<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let mut bytes = Vec::new();
    match write_json(&mut bytes, value, pretty) {
        Ok(()) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => format!("{{\"error\": {{\"kind\": \"storage\", \"message\": \"cannot write JSON: {e}\"}}}}"),
    }
}

/// serde_json escapes only U+0000–U+001F; this escapes, in addition,
/// everything the sanitizer would not show as it is (DEL, C1, bidi,
/// invisible, separators, private-use, unassigned).
struct SafeFormatter {
    pretty: Option<PrettyFormatter<'static>>,
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $name<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
                match &mut self.pretty {
                    Some(pretty) => pretty.$name(writer $(, $arg)*),
                    None => serde_json::ser::CompactFormatter.$name(writer $(, $arg)*),
                }
            }
        )*
    };
}

impl Formatter for SafeFormatter {
    delegate!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        begin_object_value(),
        end_object_value(),
    );

    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if sanitize::is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_the_sanitizer_would_replace() {
        let value = serde_json::json!({"name": "x\u{9b}2J\u{202e}\u{7f}\u{200b}\u{E0041} ok ☕"});
        let text = json_string(&value, false);
        assert_eq!(text, r#"{"name":"x\u009b2J\u202e\u007f\u200b\udb40\udc41 ok ☕"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value);
        let pretty = json_string(&value, true);
        assert!(pretty.contains("\n  \"name\""), "{pretty}");
    }
}
