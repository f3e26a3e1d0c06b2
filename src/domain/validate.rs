//! Validation of everything a person types: logins, names, descriptions,
//! notes, emails, origins and configuration IDs. Each error is one line
//! that names the field and its limit.

pub const LOGIN_MAX: usize = 32;
pub const NAME_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 500;
pub const NOTES_MAX: usize = 2000;
pub const EMAIL_MAX: usize = 254;
pub const ORIGIN_MAX: usize = 253;
pub const CONFIG_ID_MAX: usize = 64;
/// Server domains one program may whitelist.
pub const DOMAINS_MAX: usize = 100;
pub const PACKAGE_MAX_BYTES: u64 = 50 * 1024 * 1024;

pub use super::chars::is_bidi_control;
use super::chars::{self, CharClass, MAX_MARKS};
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Names are stored and compared in NFC, so "Café" typed two ways is one name.
pub fn normalize(value: &str) -> Cow<'_, str> {
    if value.is_ascii() || is_nfc_quick(value.chars()) == IsNormalized::Yes {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.nfc().collect())
    }
}

/// The first character a field refuses, if any. Single-line fields accept
/// only plain characters and combining marks; free text also newlines and
/// tabs, and (for emoji sequences and scripts that need them) format
/// characters — but never bidi controls, separators or unassigned ones.
fn first_forbidden(value: &str, multiline: bool) -> Option<char> {
    value.chars().find(|&c| match chars::class(c) {
        CharClass::Plain | CharClass::Combining => false,
        CharClass::Control => !(multiline && (c == '\n' || c == '\t')),
        CharClass::Invisible => !multiline,
        CharClass::Bidi | CharClass::Separator | CharClass::PrivateUse | CharClass::Unassigned => true,
    })
}

/// More combining marks on one character than any script needs.
fn too_many_marks(value: &str) -> bool {
    let mut run = 0;
    value.chars().any(|c| {
        run = if chars::class(c) == CharClass::Combining { run + 1 } else { 0 };
        run > MAX_MARKS
    })
}

fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}

/// Logins: `[a-z0-9._-]{1,32}`.
pub fn login(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.chars().count() <= LOGIN_MAX
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!("login must be 1–{LOGIN_MAX} characters of a-z, 0-9, '.', '_' or '-'; got {}", preview(value)))
    }
}

/// A one-line name (program, workspace, display name): 1–64 characters
/// with at least one visible, no control, invisible, bidi or separator
/// characters, no leading or trailing spaces. Returns it in NFC.
pub fn name(field: &str, value: &str) -> Result<String, String> {
    let limit = format!("{field} must be 1–{NAME_MAX} characters with no control characters, escape sequences, bidi overrides, invisible characters or leading/trailing spaces");
    let value = normalize(value);
    let count = value.chars().count();
    if count == 0 || value.trim().is_empty() {
        return Err(format!("{limit}; it is empty"));
    }
    if count > NAME_MAX {
        return Err(format!("{limit}; it has {}", characters(count)));
    }
    if let Some(c) = first_forbidden(&value, false) {
        return Err(format!("{limit}; it has {}", chars::describe(c)));
    }
    if value.trim() != value {
        return Err(format!("{limit}; it has leading or trailing spaces"));
    }
    if !value.chars().any(chars::is_visible) {
        return Err(format!("{limit}; it has no visible character"));
    }
    if too_many_marks(&value) {
        return Err(format!("{limit}; it has more than {MAX_MARKS} combining marks on one character"));
    }
    Ok(value.into_owned())
}

/// Free text (description, notes): newlines and tabs allowed, no other
/// control characters, no bidi overrides.
pub fn text(field: &str, value: &str, max: usize) -> Result<(), String> {
    let limit = format!("{field} must be at most {max} characters, with newlines and tabs but no other control characters, bidi overrides or line separators");
    let count = value.chars().count();
    if count > max {
        return Err(format!("{limit}; it has {}", characters(count)));
    }
    if let Some(c) = first_forbidden(value, true) {
        return Err(format!("{limit}; it has {}", chars::describe(c)));
    }
    if too_many_marks(value) {
        return Err(format!("{limit}; it has more than {MAX_MARKS} combining marks on one character"));
    }
    Ok(())
}

pub fn description(value: &str) -> Result<(), String> {
    text("description", value, DESCRIPTION_MAX)
}

pub fn notes(value: &str) -> Result<(), String> {
    text("notes", value, NOTES_MAX)
}

/// An optional email: one '@' with text on both sides, no spaces.
pub fn email(value: &str) -> Result<(), String> {
    let ok = value.len() <= EMAIL_MAX
        && value.split('@').count() == 2
        && value.split('@').all(|part| !part.is_empty())
        && !value.chars().any(|c| c.is_whitespace() || first_forbidden(&c.to_string(), false).is_some());
    if ok {
        Ok(())
    } else {
        Err(format!("email must look like name@example.com (at most {EMAIL_MAX} characters); got {}", preview(value)))
    }
}

/// A server domain: an `https://` origin — scheme, host, optional port; no
/// path, query or user info. Returns the normalized (lower-case) origin.
pub fn origin(value: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "domain must be an https:// origin like https://api.example.com or https://example.com:8443 (host at most {ORIGIN_MAX} characters, no path); got {}",
            preview(value)
        )
    };
    let rest = value.strip_prefix("https://").ok_or_else(bad)?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host = host.to_ascii_lowercase();
    let host_ok = !host.is_empty()
        && host.len() <= ORIGIN_MAX
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    });
    if !host_ok || !port_ok {
        return Err(bad());
    }
    Ok(match port {
        Some(port) => format!("https://{host}:{port}"),
        None => format!("https://{host}"),
    })
}

/// Client and merchant IDs: 1–64 of A-Z, a-z, 0-9, '_', '-', '.'.
pub fn config_id(field: &str, value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= CONFIG_ID_MAX
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{field} must be 1–{CONFIG_ID_MAX} characters of A-Z, a-z, 0-9, '_', '-' or '.'; got {}",
            preview(value)
        ))
    }
}

/// How every zip archive starts: a local file header, or (an archive
/// with no files) the end of its central directory.
const ZIP_STARTS: [&[u8]; 2] = [b"PK\x03\x04", b"PK\x05\x06"];

/// A package is the zip archive a mini program's build makes; anything
/// else (a key picked by mistake in the file field, a folder listing, a
/// README) is refused, saying what it looks like.
pub fn package_format(bytes: &[u8]) -> Result<(), String> {
    if ZIP_STARTS.iter().any(|start| bytes.starts_with(start)) {
        return Ok(());
    }
    let head = &bytes[..bytes.len().min(64)];
    let text = std::str::from_utf8(head).ok().filter(|t| t.chars().all(|c| !c.is_control() || c.is_whitespace()));
    let looks = match text {
        Some(t) if ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"].iter().any(|k| t.starts_with(k)) => {
            "it is an SSH public key".to_string()
        }
        Some(_) => "it is text".to_string(),
        None => {
            format!("it starts with {}", head.iter().take(4).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "))
        }
    };
    Err(format!("not a package: a package is the zip archive your build makes (its first bytes are PK); {looks}"))
}

/// A package: not empty, at most [`PACKAGE_MAX_BYTES`].
pub fn package_size(size: u64) -> Result<(), String> {
    if size == 0 {
        return Err("package is empty (0 bytes); give the built package file".to_string());
    }
    if size > PACKAGE_MAX_BYTES {
        return Err(format!(
            "package is {size} bytes; the limit is {PACKAGE_MAX_BYTES} bytes ({} MiB)",
            PACKAGE_MAX_BYTES / 1_048_576
        ));
    }
    Ok(())
}

/// A short, printable preview of a refused value for an error message:
/// quoted with every unusual character escaped, at most 60 characters.
pub fn preview(value: &str) -> String {
    let quoted = format!("{value:?}");
    if quoted.chars().count() <= 60 {
        return quoted;
    }
    let cut: String = quoted.chars().take(58).collect();
    format!("{cut}…\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert!(login("dana.dev_1-x").is_ok());
        for bad in ["", "Dana", "da na", "dana\u{1b}[31m", &"a".repeat(33), "ダナ"] {
            assert!(login(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_refuse_controls_bidi_spaces_and_length() {
        assert!(name("name", "Coffee Club ☕").is_ok());
        assert!(name("name", &"x".repeat(64)).is_ok());
        for bad in ["", " lead", "trail ", "a\u{1b}[2Jb", "evil\u{202E}txt", "tab\there", "nl\nx", &"x".repeat(65)] {
            let err = name("name", bad).expect_err(bad);
            assert!(err.starts_with("name must be 1–64 characters"), "{err}");
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn descriptions_allow_newlines_and_tabs_only() {
        assert!(description("line one\n\tline two").is_ok());
        assert!(description("bell\u{7}").is_err());
        assert!(description("\u{2066}isolate").is_err());
        assert!(description(&"x".repeat(501)).is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(origin("https://API.example.com").as_deref(), Ok("https://api.example.com"));
        assert!(origin("https://example.com:8443").is_ok());
        for bad in [
            "http://example.com",
            "https://",
            "https://example.com/path",
            "https://ex ample.com",
            "https://example.com:0",
            "https://example.com:99999",
            "https://-a.com",
            "https://a..com",
            "https://user@a.com",
        ] {
            assert!(origin(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_and_ids() {
        assert!(email("dana@example.com").is_ok());
        assert!(email("dana.example.com").is_err());
        assert!(email("a@b@c").is_err());
        assert!(config_id("client ID", "cli_123-A.b").is_ok());
        assert!(config_id("client ID", "has space").is_err());
    }
}
