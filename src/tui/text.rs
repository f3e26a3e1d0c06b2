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

/// The widths a table's columns get in `width` columns, as ratatui's
/// `Table` lays them out (same constraints, same spacing).
pub fn column_widths(width: u16, constraints: &[Constraint], spacing: u16) -> Vec<usize> {
    Layout::horizontal(constraints.iter().copied())
        .spacing(spacing)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect()
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
}
