//! The audit log's hash chain. Each entry stores the previous entry's
//! hash (`prev`) and a SHA-256 over `prev` and its own columns (`hash`),
//! so a row changed, removed or inserted behind mpdesk's back shows at the
//! entry where it happened, and a head hash written down elsewhere shows
//! whether the log was cut or rewritten after it.
//!
//! What is hashed, so anyone can check it without mpdesk: the bytes
//! `mpdesk audit chain v1\0`, then `prev` (32 bytes), then each column of
//! [`HASHED_COLUMNS`] in order — NULL as 0x00; an integer as 0x01 and 8
//! bytes big-endian; a real as 0x02 and its 8 IEEE bytes; text as 0x03,
//! its length in 8 bytes big-endian, and its UTF-8 bytes; a blob as 0x04,
//! its length, and its bytes. The first entry's `prev` is 32 zero bytes.

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// The first entry's "previous hash".
pub const GENESIS: [u8; 32] = [0; 32];

/// What an entry's hash covers after `prev`, in this order.
pub const HASHED_COLUMNS: &str =
    "id, at, actor, workspace_id, workspace, program_app_id, program, operation, outcome, detail, via, undo, reverts";

/// How many columns [`HASHED_COLUMNS`] names.
pub const HASHED_COUNT: usize = 13;

const DOMAIN: &[u8] = b"mpdesk audit chain v1\0";

/// The operation of the entry a prune leaves.
pub const PRUNED: &str = "audit_pruned";

/// An entry's hash: over the previous one and its own columns.
pub fn entry_hash(prev: &[u8], columns: &[ValueRef<'_>]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(prev);
    for value in columns {
        match *value {
            ValueRef::Null => hasher.update([0u8]),
            ValueRef::Integer(n) => {
                hasher.update([1u8]);
                hasher.update(n.to_be_bytes());
            }
            ValueRef::Real(x) => {
                hasher.update([2u8]);
                hasher.update(x.to_bits().to_be_bytes());
            }
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                hasher.update([if matches!(value, ValueRef::Text(_)) { 3u8 } else { 4u8 }]);
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
        }
    }
    hasher.finalize().into()
}

/// A hash as 64 lowercase hex digits.
pub fn hex(hash: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(hash.len() * 2);
    for byte in hash {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    text
}

/// 64 hex digits as a hash.
pub fn parse_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(hash)
}

/// The id and hash of the newest entry (what the next one is chained to);
/// an entry written without a hash (behind mpdesk's back) chains to zeros,
/// and `verify` names it.
pub fn tail(conn: &Connection) -> rusqlite::Result<(i64, [u8; 32])> {
    use rusqlite::OptionalExtension;
    let row = conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)))
        .optional()?;
    Ok(match row {
        None => (0, GENESIS),
        Some((id, hash)) => (id, hash.and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok()).unwrap_or(GENESIS)),
    })
}

/// What a prune leaves in its entry's detail, in a form `verify` reads
/// back: how many, which ids and times, and the last removed hash (where
/// the kept log now starts from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneMark {
    pub count: u64,
    pub first: i64,
    pub last: i64,
    pub first_at: String,
    pub last_at: String,
    pub last_hash: [u8; 32],
}

const LAST_HASH: &str = "; last removed hash ";

impl PruneMark {
    pub fn detail(&self) -> String {
        format!(
            "pruned {} entries #{}–#{} ({} … {}){LAST_HASH}{}",
            self.count,
            self.first,
            self.last,
            self.first_at,
            self.last_at,
            hex(&self.last_hash)
        )
    }

    /// The mark in a prune entry's detail (None: not one).
    pub fn parse(detail: &str) -> Option<Self> {
        let (head, hash) = detail.rsplit_once(LAST_HASH)?;
        let rest = head.strip_prefix("pruned ")?;
        let (count, rest) = rest.split_once(" entries #")?;
        let (first, rest) = rest.split_once("–#")?;
        let (last, rest) = rest.split_once(" (")?;
        let (first_at, last_at) = rest.strip_suffix(')')?.split_once(" … ")?;
        Some(Self {
            count: count.parse().ok()?,
            first: first.parse().ok()?,
            last: last.parse().ok()?,
            first_at: first_at.to_string(),
            last_at: last_at.to_string(),
            last_hash: parse_hex(hash)?,
        })
    }
}

/// Chains every entry from the first one without a hash on, in id order,
/// a batch at a time (memory stays flat): what the migration does once
/// for the entries written before the chain existed. The caller lifts
/// the append-only trigger around it.
pub fn chain_unchained(conn: &Connection) -> rusqlite::Result<u64> {
    const BATCH: i64 = 10_000;
    let first: Option<i64> = conn.query_row("SELECT min(id) FROM audit WHERE hash IS NULL", [], |r| r.get(0))?;
    let Some(first) = first else { return Ok(0) };
    let mut prev: [u8; 32] =
        match conn.query_row("SELECT hash FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT 1", [first], |r| {
            r.get::<_, Option<Vec<u8>>>(0)
        }) {
            Ok(Some(hash)) => <[u8; 32]>::try_from(hash.as_slice()).unwrap_or(GENESIS),
            Ok(None) | Err(rusqlite::Error::QueryReturnedNoRows) => GENESIS,
            Err(e) => return Err(e),
        };
    let mut select =
        conn.prepare(&format!("SELECT {HASHED_COLUMNS} FROM audit WHERE id >= ?1 ORDER BY id LIMIT ?2"))?;
    let mut update = conn.prepare("UPDATE audit SET prev = ?1, hash = ?2 WHERE id = ?3")?;
    let mut from = first;
    let mut done = 0u64;
    loop {
        let mut batch: Vec<(i64, [u8; 32], [u8; 32])> = Vec::new();
        let mut rows = select.query(rusqlite::params![from, BATCH])?;
        while let Some(row) = rows.next()? {
            let columns = (0..HASHED_COUNT).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            let id: i64 = row.get(0)?;
            let hash = entry_hash(&prev, &columns);
            batch.push((id, prev, hash));
            prev = hash;
        }
        drop(rows);
        let Some(&(last, _, _)) = batch.last() else { break };
        for (id, prev, hash) in &batch {
            update.execute(rusqlite::params![prev.as_slice(), hash.as_slice(), id])?;
        }
        done += batch.len() as u64;
        from = last + 1;
    }
    Ok(done)
}

/// Where the chain breaks, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The entry that does not match.
    pub id: i64,
    pub why: String,
    /// Entries are missing (rather than changed): what a part of the log,
    /// walked as the whole, looks like.
    pub removal: bool,
}

/// Whether a hash written down earlier is still in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadCheck {
    /// It is the hash of this entry.
    Found(i64),
    /// A prune (this entry) removed the entries up to it, and recorded it.
    Pruned(i64),
    /// No entry has it, and no prune recorded it.
    Missing,
}

/// What a walk of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub entries: u64,
    /// The newest entry's id and hash (None: an empty log).
    pub head: Option<(i64, [u8; 32])>,
    /// The first place it breaks, if it does.
    pub broken: Option<Break>,
    /// With a head hash to look for: whether it is there.
    pub head_check: Option<HeadCheck>,
    /// Walking part of the log (a scoped export): where entries are not
    /// in it. Always empty for the whole log, where a gap is a break.
    pub gaps: Gaps,
}

/// The entries missing between those a part of the log holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    /// How many runs of missing entries.
    pub runs: u64,
    /// How many entries, in all.
    pub entries: u64,
    /// The first run, oldest id first.
    pub first: Option<(i64, i64)>,
    /// The part's oldest entry, when it is not the chain's start.
    pub starts_at: Option<i64>,
}

/// Walks the whole chain, oldest first, in one statement: each entry's
/// hash recomputed from its columns and its `prev`, each `prev` compared
/// with the entry before. Stops at the first break.
pub fn walk(conn: &Connection, wanted_head: Option<&[u8; 32]>) -> rusqlite::Result<Walk> {
    let mut stmt = conn.prepare(&format!("SELECT prev, hash, {HASHED_COLUMNS} FROM audit ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut walker = Walker::new(wanted_head);
    while let Some(row) = rows.next()? {
        let mut columns = [ValueRef::Null; HASHED_COUNT];
        for (i, column) in columns.iter_mut().enumerate() {
            *column = row.get_ref(2 + i)?;
        }
        if !walker.entry(as_hash(row.get_ref(0)?), as_hash(row.get_ref(1)?), &columns) {
            break;
        }
    }
    Ok(walker.finish())
}

/// The chain checked an entry at a time, oldest first, from the database
/// or from an exported file: the same rules either way.
pub struct Walker<'h> {
    walk: Walk,
    wanted: Option<&'h [u8; 32]>,
    found_head: Option<i64>,
    /// The oldest entry, when it does not start the chain: a prune must
    /// have recorded what it is chained to.
    start: Option<(i64, [u8; 32])>,
    marks: Vec<(i64, PruneMark)>,
    /// A part of the log: missing entries are gaps, not breaks.
    part: bool,
}

impl<'h> Walker<'h> {
    /// A walk of the whole log: every entry must be there.
    pub fn new(wanted: Option<&'h [u8; 32]>) -> Self {
        Self {
            walk: Walk { entries: 0, head: None, broken: None, head_check: None, gaps: Gaps::default() },
            wanted,
            found_head: None,
            start: None,
            marks: Vec::new(),
            part: false,
        }
    }

    /// A walk of part of the log (one person's export, or one from a
    /// date): each entry must match its own hash, and entries next to each
    /// other by id must chain; where ids jump, the gap is counted, not a
    /// break — from the file alone a removal there looks the same.
    pub fn part(wanted: Option<&'h [u8; 32]>) -> Self {
        Self { part: true, ..Self::new(wanted) }
    }

    /// The next entry: its `prev`, its `hash`, and its [`HASHED_COLUMNS`]
    /// (the first is its id). False once the chain is broken.
    pub fn entry(&mut self, prev: Option<[u8; 32]>, hash: Option<[u8; 32]>, columns: &[ValueRef<'_>]) -> bool {
        let id = columns.first().and_then(|c| c.as_i64().ok()).unwrap_or_default();
        self.walk.entries += 1;
        let broken = self.check(id, prev, hash, columns);
        if broken.is_some() {
            self.walk.broken = broken;
            return false;
        }
        true
    }

    fn check(
        &mut self,
        id: i64,
        prev: Option<[u8; 32]>,
        hash: Option<[u8; 32]>,
        columns: &[ValueRef<'_>],
    ) -> Option<Break> {
        let (Some(prev), Some(hash)) = (prev, hash) else {
            let why = format!("entry #{id} is not in the chain (it has no hash): it was inserted behind mpdesk's back");
            return Some(Break { id, why, removal: false });
        };
        if columns.len() != HASHED_COUNT || entry_hash(&prev, columns) != hash {
            let why = format!("entry #{id} was changed: its columns do not match its hash");
            return Some(Break { id, why, removal: false });
        }
        match self.walk.head {
            None if prev != GENESIS => self.start = Some((id, prev)),
            Some((before, _)) if self.part && id <= before => {
                let why = format!("entry #{id} comes after #{before}: the file is not in the log's order");
                return Some(Break { id, why, removal: false });
            }
            Some((before, before_hash)) if self.part && prev != before_hash && id > before + 1 => {
                let gaps = &mut self.walk.gaps;
                gaps.runs += 1;
                gaps.entries += (id - before - 1) as u64;
                gaps.first.get_or_insert((before + 1, id - 1));
            }
            Some((before, before_hash)) if prev != before_hash => {
                return Some(if id > before + 1 {
                    let gap = if id == before + 2 {
                        format!("entry #{} was removed", before + 1)
                    } else {
                        format!("entries #{}–#{} were removed", before + 1, id - 1)
                    };
                    let why = format!("{gap}: #{id} is chained to an entry that is not there");
                    Break { id: before + 1, why, removal: true }
                } else {
                    Break {
                        id: before,
                        why: format!(
                            "entry #{before} was changed and its hash recomputed: #{id} was chained to a different hash (or #{id} was inserted)"
                        ),
                        removal: false,
                    }
                });
            }
            _ => {}
        }
        if columns[7] == ValueRef::Text(PRUNED.as_bytes()) && columns[8] == ValueRef::Text(b"ok") {
            if let Some(mark) = columns[9].as_str().ok().and_then(PruneMark::parse) {
                self.marks.push((id, mark));
            }
        }
        if self.wanted == Some(&hash) {
            self.found_head = Some(id);
        }
        self.walk.head = Some((id, hash));
        None
    }

    pub fn finish(mut self) -> Walk {
        if self.walk.broken.is_none() {
            if let Some((id, prev)) = self.start {
                let pruned = self.marks.iter().any(|(_, m)| m.last == id - 1 && m.last_hash == prev);
                if self.part {
                    self.walk.gaps.starts_at = (!pruned).then_some(id);
                } else if !pruned {
                    self.walk.broken = Some(Break {
                        id,
                        why: format!(
                            "the entries before #{id} were removed: #{id} is chained to a hash no prune recorded"
                        ),
                        removal: true,
                    });
                }
            }
        }
        if let Some(wanted) = self.wanted {
            self.walk.head_check = Some(match self.found_head {
                Some(id) => HeadCheck::Found(id),
                None => match self.marks.iter().find(|(_, m)| &m.last_hash == wanted) {
                    Some((by, _)) => HeadCheck::Pruned(*by),
                    None => HeadCheck::Missing,
                },
            });
        }
        self.walk
    }
}

fn as_hash(value: ValueRef<'_>) -> Option<[u8; 32]> {
    match value {
        ValueRef::Blob(bytes) => <[u8; 32]>::try_from(bytes).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prune_mark_reads_back_from_its_detail() {
        let mark = PruneMark {
            count: 1_200,
            first: 1,
            last: 1_200,
            first_at: "2026-01-01T00:00:00Z".into(),
            last_at: "2026-06-30T23:59:59Z".into(),
            last_hash: [7; 32],
        };
        assert_eq!(PruneMark::parse(&mark.detail()), Some(mark));
        assert_eq!(PruneMark::parse("renamed to pruned 3 entries"), None);
    }

    #[test]
    fn the_hashed_columns_are_as_many_as_counted() {
        assert_eq!(HASHED_COLUMNS.split(", ").count(), HASHED_COUNT);
    }

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_a_hash() {
        let hash = entry_hash(&GENESIS, &[ValueRef::Integer(1), ValueRef::Text(b"x"), ValueRef::Null]);
        assert_eq!(parse_hex(&hex(&hash)), Some(hash));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex(&"zz".repeat(32)), None);
    }

    /// Text and a blob of the same bytes, or a NULL and an empty text,
    /// hash apart: a change of type is a change.
    #[test]
    fn each_kind_of_value_hashes_apart() {
        let of = |v: ValueRef<'_>| entry_hash(&GENESIS, &[v]);
        assert_ne!(of(ValueRef::Text(b"1")), of(ValueRef::Blob(b"1")));
        assert_ne!(of(ValueRef::Null), of(ValueRef::Text(b"")));
        assert_ne!(of(ValueRef::Integer(1)), of(ValueRef::Text(b"1")));
        assert_ne!(
            entry_hash(&GENESIS, &[ValueRef::Text(b"ab"), ValueRef::Text(b"c")]),
            entry_hash(&GENESIS, &[ValueRef::Text(b"a"), ValueRef::Text(b"bc")])
        );
    }
}
