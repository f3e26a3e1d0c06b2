//! Printing: aligned tables for people (every cell sanitized), JSON for
//! scripts, and errors in either form.

use crate::desk::{DeskError, ErrorKind};
use crate::print::{self, Stream};
use crate::sanitize;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// How a list is printed: `--format table|json|jsonl|csv` (`--json` is json).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    // One JSON object a line (no enclosing array): for logs and streams.
    // (No doc comment: clap would list every value with its own help.)
    Jsonl,
    Csv,
}

impl Format {
    /// JSON for everything that is not a list (csv is for lists only; a
    /// single result is printed for people).
    pub fn json(self) -> bool {
        matches!(self, Format::Json | Format::Jsonl)
    }
}

/// One CSV record (RFC 4180: a field with a comma, quote or line break is
/// quoted, quotes doubled). Every cell is sanitized like a table's, and
/// one a spreadsheet would run as a formula (=, +, -, @ first) starts
/// with a quote mark instead.
/// Set once this process serves an SSH session: a hint then names the
/// command as the person types it on their own machine.
static OVER_SSH: std::sync::OnceLock<()> = std::sync::OnceLock::new();

pub fn serving_ssh() {
    let _ = OVER_SSH.set(());
}

/// A hint that names a command (`… with: mpdesk program create …`), as it
/// is typed where the person is: over SSH, `ssh mpdesk@HOST …`, with the
/// package and the key on standard input (a file named would be the
/// server's).
pub fn where_typed(hint: &str) -> std::borrow::Cow<'_, str> {
    if OVER_SSH.get().is_none() {
        return hint.into();
    }
    hint.replace("with: mpdesk ", "with: ssh mpdesk@HOST ")
        .replace("--package FILE", "--package - < app.zip")
        .replace("key add LOGIN ~/.ssh/id_ed25519.pub", "key add - < ~/.ssh/id_ed25519.pub")
        .into()
}

pub fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    cells.into_iter().map(|cell| csv_field(sanitize::line(&cell).into_owned())).collect::<Vec<_>>().join(",")
}

/// A CSV record with every cell's characters as they are (line breaks,
/// controls, quoted), but formulas disarmed as in [`csv_line`]: for a file
/// and a spreadsheet, never for a terminal.
pub fn csv_exact_line(cells: impl IntoIterator<Item = String>) -> String {
    cells.into_iter().map(csv_field).collect::<Vec<_>>().join(",")
}

fn csv_field(cell: String) -> String {
    let cell = if cell.len() > 1 && cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// Exit codes of the CLI contract.
pub fn exit_code(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::PermissionDenied => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::Invalid | ErrorKind::Conflict => 5,
        ErrorKind::Storage => 1,
    }
}

/// An aligned table; every cell goes through the sanitizer.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cells: Vec<Vec<String>> =
        rows.iter().map(|row| row.iter().map(|c| sanitize::line(c).into_owned()).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &cells {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let render = |row: Vec<String>| {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(cell.width()) + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        line.trim_end().to_string()
    };
    let mut out = vec![render(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(cells.into_iter().map(render));
    out.join("\n")
}

/// JSON on stdout (pretty, escaped by the one printer).
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> std::io::Result<()> {
    print::json(Stream::Out, value, true)
}

/// Text on stdout, sanitized by the one printer.
pub fn print_text(text: &str) -> std::io::Result<()> {
    print::text(Stream::Out, text)
}

pub fn print_error(error: &DeskError, json: bool) {
    // Nothing more can be said if stderr itself is gone.
    let _ = if json {
        let body = serde_json::json!({ "error": { "kind": error.kind().as_str(), "message": error.to_string() } });
        print::json(Stream::Err, &body, false)
    } else {
        print::text(Stream::Err, &format!("error: {}", sanitize::line(&error.to_string())))
    };
}

pub fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".to_string())
}

/// " until END" for an end, nothing for none.
pub(super) fn until(end: &Option<String>) -> String {
    end.as_ref().map(|end| format!(" until {end}")).unwrap_or_default()
}

/// "ends END" or "no longer ends".
pub(super) fn ends(end: &Option<String>) -> String {
    match end {
        Some(end) => format!("ends {end}"),
        None => "no longer ends".to_string(),
    }
}
