//! Fitting text into the columns the layout gives it: cut at grapheme
//! boundaries, measured in display columns (wide and combining characters
//! included), and ending in "…" whenever something was cut.

use ratatui::layout::{Constraint, Layout, Rect};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// `text` (already sanitized) in at most `width` columns.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `text` (already sanitized) as one column `width` display columns wide:
/// cut with "…" when longer, padded with spaces when shorter — `{:<N}`
/// counts characters, so a CJK name would push the next column right.
pub fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let room = width.saturating_sub(fitted.width());
    format!("{fitted}{}", " ".repeat(room))
}

/// The widths a table's columns get in `width` columns, as ratatui's
/// layout gives them: lengths exact, the rest shared among the fills by
/// weight, each column edge rounded. Plain arithmetic, not the constraint
/// solver (the costliest part of a first frame); the solver still decides
/// what arithmetic does not cover: no fill, or lengths that do not fit.
/// A test holds the two to the same answers.
pub fn column_widths(width: u16, constraints: &[Constraint], spacing: u16) -> Vec<usize> {
    let mut fixed = 0u32;
    let mut weights = 0u32;
    for constraint in constraints {
        match constraint {
            Constraint::Length(n) => fixed += u32::from(*n),
            Constraint::Fill(w) if *w > 0 => weights += u32::from(*w),
            _ => return solved_widths(width, constraints, spacing),
        }
    }
    let gaps = u32::from(spacing) * (constraints.len().saturating_sub(1) as u32);
    if weights == 0 || fixed + gaps > u32::from(width) {
        return solved_widths(width, constraints, spacing);
    }
    let free = f64::from(u32::from(width) - fixed - gaps);
    // The solver works in hundredths and rounds twice; so does this.
    let round = |x: f64| ((x * 100.0).round() / 100.0).round() as usize;
    let mut edge = 0.0;
    constraints
        .iter()
        .map(|constraint| {
            let size = match constraint {
                Constraint::Length(n) => f64::from(*n),
                Constraint::Fill(w) => free * f64::from(*w) / f64::from(weights),
                _ => 0.0,
            };
            let cells = round(edge + size) - round(edge);
            edge += size + f64::from(spacing);
            cells
        })
        .collect()
}

fn solved_widths(width: u16, constraints: &[Constraint], spacing: u16) -> Vec<usize> {
    Layout::horizontal(constraints.iter().copied())
        .spacing(spacing)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect()
}

/// `text` wrapped at spaces into rows of at most `width` columns; a word
/// wider than a row is cut with "…".
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut rows = vec![String::new()];
    for word in text.split(' ') {
        let Some(row) = rows.last_mut() else { break };
        let needed = row.width() + usize::from(!row.is_empty()) + word.width();
        if needed <= width || row.is_empty() {
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(&fit(word, width));
        } else {
            rows.push(fit(word, width).into_owned());
        }
    }
    rows
}

/// The candidate closest to a mistyped `name` ("relase" → "release"), if
/// one is near enough to be what was meant: at most 2 edits, and fewer
/// than half the name's letters.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = 2.min(name.chars().count().div_ceil(2).saturating_sub(1)).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name.to_lowercase(), c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance (insert, delete, replace, each one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replace = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = replace.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// `text` with its first letter upper-case (a reason that starts a sentence).
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_end_in_an_ellipsis_at_grapheme_and_width_boundaries() {
        assert_eq!(fit("Coffee Club", 20), "Coffee Club");
        assert_eq!(fit("Coffee Club", 8), "Coffee …");
        assert_eq!(fit("Coffee Club ☕ 咖啡", 16), "Coffee Club ☕ …");
        assert_eq!(fit("咖啡咖啡", 5), "咖啡…");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("abc", 1), "…");
        assert_eq!(fit("abc", 0), "");
        for width in 0..20 {
            assert!(fit("Coffee Club ☕ 咖啡 e\u{301}", width).width() <= width);
        }
    }

    #[test]
    fn column_widths_are_what_the_layout_solver_gives() {
        use Constraint::{Fill, Length};
        let tables: &[&[Constraint]] = &[
            // The program list, narrow to wide.
            &[Length(1), Fill(1)],
            &[Length(1), Fill(1), Length(8)],
            &[Length(1), Fill(1), Length(8), Length(9)],
            // The members pane, the Members tab and the Audit tab.
            &[Fill(2), Fill(3), Length(9), Fill(3)],
            &[Fill(2), Fill(3), Length(9), Fill(3), Length(17)],
            &[Fill(2), Fill(3), Length(9), Length(8), Length(10), Length(17)],
            &[Length(16), Fill(2), Fill(3), Fill(4), Length(1), Fill(6)],
            &[Length(5), Length(7)],
        ];
        for constraints in tables {
            for spacing in [0, 1, 2] {
                for width in 0..=400 {
                    assert_eq!(
                        column_widths(width, constraints, spacing),
                        solved_widths(width, constraints, spacing),
                        "{constraints:?} spacing {spacing} width {width}"
                    );
                }
            }
        }
    }
}
