//! Substring search through the two FTS5 trigram indexes: which rows
//! contain a text, when few do.
//!
//! A trigram index holds every three characters of a value. A text of
//! three or more characters is a phrase of its trigrams. A text of one or
//! two is a prefix of the trigrams that start with it: every indexed value
//! ends with two `END` characters (no one types them), so each of its
//! characters starts a trigram and no occurrence is missed at the end. The
//! `fts5vocab` table over an index lists its trigrams in order, each
//! occurrence with its row, so a prefix is one range of it.

use rusqlite::types::Value;
use rusqlite::{params, Connection};

/// An FTS5 trigram index (contentless: it keeps no copy of the values),
/// its vocabulary table and what it indexes.
pub(crate) struct SearchIndex {
    pub fts: &'static str,
    pub terms: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// Matches below which the index finds the rows sooner than a walk of
    /// the list's order: a walk may pass every row before its first
    /// match, the index reads each match (and the rows are sorted).
    pub few: i64,
}

/// Program names and app IDs.
pub(crate) const PROGRAMS: SearchIndex = SearchIndex {
    fts: "programs_fts",
    terms: "programs_fts_terms",
    table: "programs",
    columns: &["name", "app_id"],
    // Sorted by name: 10,000 found and sorted take ~20 ms.
    few: 10_000,
};

/// Audit entries' actor, program, operation and detail.
pub(crate) const AUDIT: SearchIndex = SearchIndex {
    fts: "audit_fts",
    terms: "audit_fts_terms",
    table: "audit",
    columns: &["actor", "program", "operation", "detail"],
    // Newest first by id, the index's own order: 20,000 read take ~10 ms,
    // a walk of a million entries a second.
    few: 20_000,
};

/// The SQL for what ends every indexed value (two U+0003), as the
/// schema's triggers write it.
pub(crate) const END: &str = "char(3, 3)";

impl SearchIndex {
    /// The indexed columns, comma-separated.
    pub(crate) fn column_list(&self) -> String {
        self.columns.join(", ")
    }

    /// Each column of a row as indexed (`prefix` is `old.`, `new.` or a
    /// table alias): `name || char(3, 3), …`.
    pub(crate) fn indexed_values(&self, prefix: &str) -> String {
        self.columns.iter().map(|c| format!("{prefix}{c} || {END}")).collect::<Vec<_>>().join(", ")
    }

    /// The statements that empty the index and fill it again from its
    /// table (what `check --full` tells an operator to run on a mismatch).
    pub(crate) fn rebuild_sql(&self) -> String {
        format!(
            "INSERT INTO {fts}({fts}) VALUES ('delete-all');
             INSERT INTO {fts}(rowid, {columns}) SELECT id, {values} FROM {table};",
            fts = self.fts,
            columns = self.column_list(),
            values = self.indexed_values(""),
            table = self.table,
        )
    }

    /// The rows that contain `text` (ignoring case), as a subquery of
    /// rowids (`id`, perhaps more than once; anonymous `?` parameters) and
    /// its arguments, when fewer than `few` do (occurrences, for one or two
    /// characters). `None` when more do — walking the rows in the list's
    /// order finds a page sooner — or `text` is empty.
    pub(crate) fn few_matches(&self, conn: &Connection, text: &str) -> rusqlite::Result<Option<(String, Vec<Value>)>> {
        let folded = text.to_lowercase();
        let (rows, count, args) = match folded.chars().count() {
            0 => return Ok(None),
            1 | 2 => {
                // Every trigram that starts with the text: one range of
                // the vocabulary, each occurrence once.
                let upper = format!("{folded}\u{10FFFF}");
                (
                    format!("SELECT doc AS id FROM {} WHERE term >= ? AND term < ?", self.terms),
                    format!(
                        "SELECT count(*) FROM (SELECT 1 FROM {} WHERE term >= ?1 AND term < ?2 LIMIT ?3)",
                        self.terms
                    ),
                    vec![Value::Text(folded), Value::Text(upper)],
                )
            }
            _ => {
                let phrase = format!("\"{}\"", text.replace('"', "\"\""));
                (
                    format!("SELECT rowid AS id FROM {0} WHERE {0} MATCH ?", self.fts),
                    format!("SELECT count(*) FROM (SELECT 1 FROM {0} WHERE {0} MATCH ?1 LIMIT ?3)", self.fts),
                    vec![Value::Text(phrase)],
                )
            }
        };
        // A phrase leaves ?2 out of its count: bound, never read.
        let second = args.get(1).cloned().unwrap_or(Value::Null);
        let counted: i64 = conn.prepare_cached(&count)?.query_row(params![args[0], second, self.few], |r| r.get(0))?;
        Ok((counted < self.few).then_some((rows, args)))
    }
}

/// `sql` with its anonymous `?` numbered from `first` on, for a query
/// whose parameters are numbered (`sql` has no `?` in a literal).
pub(crate) fn numbered(sql: &str, first: usize) -> String {
    let mut next = first;
    let mut out = String::with_capacity(sql.len() + 8);
    for part in sql.split_inclusive('?') {
        match part.strip_suffix('?') {
            Some(before) => {
                out.push_str(&format!("{before}?{next}"));
                next += 1;
            }
            None => out.push_str(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(conn: &Connection, text: &str) -> Option<Vec<i64>> {
        let (rows, args) = PROGRAMS.few_matches(conn, text).expect("search")?;
        let sql = format!("SELECT DISTINCT id FROM programs WHERE id IN ({rows}) ORDER BY id");
        let mut stmt = conn.prepare(&sql).expect("prepare");
        Some(
            stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect(),
        )
    }

    /// One, two and more characters are found anywhere in a name or app
    /// ID, at its end too, ignoring case; after a rename only the new name.
    #[test]
    fn a_text_of_any_length_is_found_anywhere_in_a_name_or_app_id() {
        let mut conn = Connection::open_in_memory().expect("memory");
        rusqlite_migration::Migrations::new(super::super::schema::migrations()).to_latest(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO users (id, login, name, created_at) VALUES (1, 'olivia', 'Olivia', 't');
             INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'Acme', 1, 't');
             INSERT INTO programs (id, app_id, workspace_id, name, status, created_by, created_at)
                 VALUES (1, '1000000000000071', 1, 'Quokka Queue', 'draft', 1, 't'),
                        (2, '1000000000000082', 1, 'Wombat', 'draft', 1, 't'),
                        (3, '1000000000000093', 1, 'Zq', 'draft', 1, 't');",
        )
        .expect("rows");
        assert_eq!(found(&conn, "q"), Some(vec![1, 3]), "one character, first and last");
        assert_eq!(found(&conn, "T"), Some(vec![2]), "the last character, another case");
        assert_eq!(found(&conn, "zq"), Some(vec![3]), "a two-character name, whole");
        assert_eq!(found(&conn, "at"), Some(vec![2]), "two characters at the end");
        assert_eq!(found(&conn, "ue"), Some(vec![1]));
        assert_eq!(found(&conn, "93"), Some(vec![3]), "the end of an app ID");
        assert_eq!(found(&conn, "0000000000000"), Some(vec![1, 2, 3]), "a phrase in app IDs");
        assert_eq!(found(&conn, "ka qu"), Some(vec![1]), "a phrase across a space");
        assert_eq!(found(&conn, "xy"), Some(vec![]));
        assert_eq!(found(&conn, ""), None, "no text, no search");
        conn.execute("UPDATE programs SET name = 'Numbat' WHERE id = 2", []).expect("rename");
        assert_eq!(found(&conn, "wo"), Some(vec![]), "the old name left the index");
        assert_eq!(found(&conn, "nu"), Some(vec![2]));
        conn.execute("DELETE FROM programs WHERE id = 3", []).expect("delete");
        assert_eq!(found(&conn, "zq"), Some(vec![]), "a deleted program left the index");
    }
}
