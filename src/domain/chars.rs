//! What kind of character a person typed or the database holds, as far as
//! showing and accepting it goes. Validation refuses by these classes and
//! the sanitizer replaces by them, so the two never disagree.

use unicode_general_category::{get_general_category, GeneralCategory};

/// Combining marks kept on (or accepted on) one character; enough for any
/// real script, far fewer than it takes to spill out of a row.
pub const MAX_MARKS: usize = 4;

/// The classes that matter for text on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// C0, DEL and C1 controls (Cc).
    Control,
    /// Bidirectional controls: they reorder what a terminal shows.
    Bidi,
    /// Format (Cf) and other default-ignorable code points: zero-width
    /// spaces and joiners, BOM, Hangul fillers, tags, variation selectors.
    Invisible,
    /// U+2028 and U+2029: a line break that is not a newline.
    Separator,
    /// Private-use code points: no meaning, no agreed width.
    PrivateUse,
    /// Unassigned code points and noncharacters: no agreed width.
    Unassigned,
    /// A combining mark (Mn, Me): drawn on the character before it.
    Combining,
    /// Everything else.
    Plain,
}

/// What a decoder puts where text was not valid UTF-8. Terminals differ
/// on it (some treat it as a decoding error and draw nothing), so it is
/// shown as a code point, like an unassigned one.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Unicode bidirectional controls.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Default-ignorable code points that are not format characters (Cf):
/// terminals and width tables disagree on all of them.
fn is_other_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

pub fn class(c: char) -> CharClass {
    // Most text is printable ASCII: no table lookups for it.
    if (' '..='~').contains(&c) {
        return CharClass::Plain;
    }
    if is_bidi_control(c) {
        return CharClass::Bidi;
    }
    if is_other_default_ignorable(c) {
        return CharClass::Invisible;
    }
    if c == REPLACEMENT {
        return CharClass::Unassigned;
    }
    match get_general_category(c) {
        GeneralCategory::Control => CharClass::Control,
        GeneralCategory::Format => CharClass::Invisible,
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => CharClass::Separator,
        GeneralCategory::PrivateUse | GeneralCategory::Surrogate => CharClass::PrivateUse,
        GeneralCategory::Unassigned => CharClass::Unassigned,
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark => CharClass::Combining,
        _ => CharClass::Plain,
    }
}

/// Variation selectors only choose how the character before them looks;
/// dropping them loses nothing a person reads.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// A character that shows something by itself (not a space, a mark, a
/// control or an invisible character).
pub fn is_visible(c: char) -> bool {
    class(c) == CharClass::Plain && !c.is_whitespace()
}

/// How a refused character is named in an error message.
pub fn describe(c: char) -> String {
    let code = format!("U+{:04X}", c as u32);
    match class(c) {
        _ if c == '\u{1b}' => "an escape sequence".to_string(),
        CharClass::Control => format!("a control character ({code})"),
        CharClass::Bidi => format!("a bidi override ({code})"),
        CharClass::Invisible => format!("an invisible format character ({code})"),
        CharClass::Separator => format!("a line or paragraph separator ({code})"),
        CharClass::PrivateUse => format!("a private-use character ({code})"),
        CharClass::Unassigned if c == REPLACEMENT => format!("a replacement character ({code})"),
        CharClass::Unassigned => format!("an unassigned code point ({code})"),
        CharClass::Combining | CharClass::Plain => format!("the character {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(class('\u{1b}'), CharClass::Control);
        assert_eq!(class('\u{9b}'), CharClass::Control);
        assert_eq!(class('\u{202E}'), CharClass::Bidi);
        for c in ['\u{200B}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{3164}', '\u{E0041}', '\u{FE0F}', '\u{AD}'] {
            assert_eq!(class(c), CharClass::Invisible, "{:04X}", c as u32);
        }
        assert_eq!(class('\u{2028}'), CharClass::Separator);
        assert_eq!(class('\u{2029}'), CharClass::Separator);
        assert_eq!(class('\u{E000}'), CharClass::PrivateUse);
        assert_eq!(class('\u{0378}'), CharClass::Unassigned);
        assert_eq!(class('\u{FFFF}'), CharClass::Unassigned);
        assert_eq!(class('\u{0301}'), CharClass::Combining);
        for c in ['a', 'é', '咖', '☕', ' ', '-'] {
            assert_eq!(class(c), CharClass::Plain);
        }
        assert!(!is_visible(' ') && !is_visible('\u{3164}') && is_visible('x'));
    }
}
