//! Semantic versions (MAJOR.MINOR.PATCH with an optional pre-release), and
//! their order as semver.org defines it.

use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemVer {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<String>,
}

/// The largest MAJOR, MINOR or PATCH number.
pub const MAX_COMPONENT: u64 = 999_999;
/// How far one upload may raise MAJOR over the latest version (or over 0
/// for the first). With [`MAX_COMPONENT`] this keeps room for a next
/// version: reaching the ceiling takes 10,000 uploads, each in the log.
pub const MAX_MAJOR_STEP: u64 = 100;

const LIMIT: &str =
    "a semantic version like 1.2.3 or 1.2.3-beta.1 (numbers at most 999999, at most 64 characters, no build metadata)";

impl SemVer {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("version must be {LIMIT}; got {}", super::validate::preview(text));
        if text.is_empty() || text.len() > 64 || !text.is_ascii() {
            return Err(bad());
        }
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        if numbers.len() != 3 {
            return Err(bad());
        }
        let mut parsed = [0u64; 3];
        for (slot, part) in parsed.iter_mut().zip(&numbers) {
            *slot = parse_numeric(part).ok_or_else(bad)?;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => {
                let ids: Vec<String> = pre.split('.').map(str::to_string).collect();
                let valid = ids.iter().all(|id| {
                    !id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && (!id.chars().all(|c| c.is_ascii_digit()) || parse_numeric(id).is_some())
                });
                if !valid {
                    return Err(bad());
                }
                ids
            }
        };
        Ok(Self { major: parsed[0], minor: parsed[1], patch: parsed[2], pre })
    }
}

impl SemVer {
    /// The version a next upload most likely has: the next patch, or the
    /// release of a pre-release (1.2.3-beta → 1.2.3).
    pub fn next_patch(&self) -> SemVer {
        let patch = if self.pre.is_empty() { self.patch + 1 } else { self.patch };
        SemVer { major: self.major, minor: self.minor, patch, pre: Vec::new() }
    }
}

/// A numeric identifier: digits, no leading zero (but "0" itself).
fn parse_numeric(part: &str) -> Option<u64> {
    if part.is_empty() || !part.chars().all(|c| c.is_ascii_digit()) || (part.len() > 1 && part.starts_with('0')) {
        return None;
    }
    part.parse().ok().filter(|n| *n <= MAX_COMPONENT)
}

/// Whether `next` may follow `latest` (the newest version uploaded so far):
/// strictly greater, and MAJOR raised by at most [`MAX_MAJOR_STEP`], so no
/// single upload can leave a program with no possible next version.
pub fn check_successor(latest: Option<&SemVer>, next: &SemVer) -> Result<(), String> {
    if let Some(latest) = latest {
        if next <= latest {
            return Err(format!("version {next} is not greater than the latest, {latest}"));
        }
    }
    let base = latest.map_or(0, |l| l.major);
    if next.major > base + MAX_MAJOR_STEP {
        return Err(format!(
            "version {next} raises the major version by more than {MAX_MAJOR_STEP} (the latest is {}); upload at most {}.x.x",
            latest.map_or_else(|| "none".to_string(), |l| l.to_string()),
            base + MAX_MAJOR_STEP
        ));
    }
    Ok(())
}

fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> SemVer {
        SemVer::parse(s).expect("valid version")
    }

    #[test]
    fn orders_as_semver_org() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn refuses_malformed_versions() {
        for bad in
            ["", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "1.2.3-", "1.2.3-a..b", "1.2.3+build", " 1.2.3", "1.2.3-01"]
        {
            assert!(SemVer::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(v("10.20.30-rc.1").to_string(), "10.20.30-rc.1");
        assert_eq!(v("1.2.3").next_patch().to_string(), "1.2.4");
        assert_eq!(v("1.2.3-beta.1").next_patch().to_string(), "1.2.3");
    }

    #[test]
    fn a_version_can_always_follow() {
        let huge = "18446744073709551615.18446744073709551615.18446744073709551615";
        let err = SemVer::parse(huge).expect_err("over the bound");
        assert!(err.contains("at most 999999"), "{err}");
        assert!(SemVer::parse("999999.0.0").is_ok());
        assert!(SemVer::parse("1000000.0.0").is_err());
        assert!(check_successor(None, &v("100.0.0")).is_ok());
        assert!(check_successor(None, &v("101.0.0")).is_err());
        assert!(check_successor(Some(&v("1.2.3")), &v("101.0.0")).is_ok());
        assert!(check_successor(Some(&v("1.2.3")), &v("102.0.0")).is_err());
        assert!(check_successor(Some(&v("1.2.3")), &v("1.2.3")).is_err());
        // Below the ceiling there is always a next version.
        assert!(check_successor(Some(&v("999998.999999.999999")), &v("999999.0.0")).is_ok());
    }
}
