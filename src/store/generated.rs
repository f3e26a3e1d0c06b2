//! Data shaped like a busy server, for benchmarks and the tests that
//! measure them (never for a real database): one busy workspace, a quiet
//! one and one with no history, and a person with a different role in
//! each. Written in bulk, in one transaction, on top of the demo data.
//!
//! - "Big": `owner` is its Owner; `programs` programs, each with
//!   `members_per_program` explicit members (`owner` and `dev1`…), and
//!   98% of `entries` audit entries, spread over its programs and people.
//! - "Side A": `owner` is a Master (`sasha` owns it); 100 programs and the
//!   other 2% of the entries.
//! - "Side B": `owner` is a Developer and a member of 5 of its 10
//!   programs (`sid` owns it); no entries at all.

use rusqlite::{params, Connection};

/// How big the generated part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub programs: u64,
    pub members_per_program: u64,
    pub entries: u64,
}

impl Shape {
    /// 1k programs, 10k memberships, 10k entries.
    pub const SMALL: Shape = Shape { programs: 1_000, members_per_program: 10, entries: 10_000 };
    /// 100k programs, 1M memberships, 1M entries.
    pub const LARGE: Shape = Shape { programs: 100_000, members_per_program: 10, entries: 1_000_000 };
}

const ADJECTIVES: [&str; 20] = [
    "Sunny", "Brisk", "Calm", "Amber", "Bold", "Cosy", "Daily", "Eager", "Fresh", "Gentle", "Happy", "Ideal", "Jolly",
    "Keen", "Lucky", "Merry", "Noble", "Quick", "Royal", "Swift",
];
const NOUNS: [&str; 25] = [
    "Cafe", "Garden", "Ticket", "Parcel", "Bakery", "Cinema", "Clinic", "Market", "Travel", "Pantry", "Studio",
    "Rental", "Fitness", "Library", "Laundry", "Florist", "Pharmacy", "Parking", "Tutor", "Barber", "Kitchen",
    "Courier", "Harbour", "Museum", "Arcade",
];
const OPERATIONS: [(&str, &str); 4] = [
    ("version_upload", "uploaded 1.4.2 (2.1 MB) for review"),
    ("program_edit", "changed the description"),
    ("program_member_add", "added a developer to the program"),
    ("version_release", "released 1.4.1 to every user"),
];

/// The name of the `i`th program of Big: 20 adjectives × 25 nouns, each
/// pair many times over, told apart by the number.
pub fn program_name(i: u64) -> String {
    format!("{} {} {i:06}", ADJECTIVES[(i % 20) as usize], NOUNS[((i / 20) % 25) as usize])
}

fn at(seconds: u64) -> String {
    let t = time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_735_689_600 + seconds as i64);
    crate::desk::rfc3339(t)
}

fn add_user(tx: &Connection, login: &str) -> rusqlite::Result<i64> {
    tx.execute("INSERT INTO users (login, name, created_at) VALUES (?1, ?1, ?2)", params![login, at(0)])?;
    Ok(tx.last_insert_rowid())
}

fn add_workspace(tx: &Connection, name: &str, members: &[(i64, &str)]) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO workspaces (name, created_by, created_at) VALUES (?1, ?2, ?3)",
        params![name, members[0].0, at(0)],
    )?;
    let ws = tx.last_insert_rowid();
    let mut stmt = tx.prepare(
        "INSERT INTO workspace_members (workspace_id, user_id, role, status, since) VALUES (?1, ?2, ?3, 'active', ?4)",
    )?;
    for (user, role) in members {
        stmt.execute(params![ws, user, role, at(0)])?;
    }
    Ok(ws)
}

/// Programs `first..first + count` of workspace `ws` named by `name`,
/// each with `members` as explicit members; their row ids.
fn add_programs(
    tx: &Connection,
    ws: i64,
    (first, count): (u64, u64),
    name: impl Fn(u64) -> String,
    members: &[i64],
) -> rusqlite::Result<Vec<(i64, String, String)>> {
    let mut program = tx.prepare(
        "INSERT INTO programs (app_id, workspace_id, name, status, created_by, created_at) VALUES (?1, ?2, ?3, 'draft', ?4, ?5)",
    )?;
    let mut member =
        tx.prepare("INSERT INTO program_members (program_id, user_id, added_by, added_at) VALUES (?1, ?2, ?3, ?4)")?;
    let mut made = Vec::with_capacity(count as usize);
    for i in first..first + count {
        let app_id = format!("{}", 3_000_000_000_000_000u64 + ws as u64 * 1_000_000 + i);
        let name = name(i);
        program.execute(params![app_id, ws, name, members.first().copied().unwrap_or(1), at(i)])?;
        let id = tx.last_insert_rowid();
        for user in members {
            member.execute(params![id, user, members[0], at(i)])?;
        }
        made.push((id, app_id, name));
    }
    Ok(made)
}

/// `count` entries of workspace `ws` (`name`), spread over its programs and
/// by `actors` in turn, oldest first, from `clock` seconds on.
fn add_entries(
    tx: &Connection,
    (ws, name): (i64, &str),
    programs: &[(i64, String, String)],
    actors: &[String],
    count: u64,
    clock: u64,
) -> rusqlite::Result<()> {
    // Chained as mpdesk chains every entry.
    for i in 0..count {
        let (_, app_id, program) = &programs[(i % programs.len() as u64) as usize];
        let (operation, detail) = OPERATIONS[(i % 4) as usize];
        let actor = super::audit::Actor { login: &actors[(i % actors.len() as u64) as usize], via: "local" };
        let entry = super::records::NewAuditEntry {
            workspace_id: Some(ws),
            workspace: Some(name.to_string()),
            program_app_id: Some(app_id.clone()),
            program: Some(program.clone()),
            operation: operation.to_string(),
            detail: detail.to_string(),
            ..Default::default()
        };
        super::audit::append(tx, &at(clock + i * 30), &actor, "ok", &entry)?;
    }
    Ok(())
}

/// Adds the shape to a database that holds the demo data (and nothing of
/// this yet), in one transaction.
pub fn add_busy_server(conn: &Connection, shape: Shape) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    let owner = add_user(&tx, "owner")?;
    let (sasha, sid) = (add_user(&tx, "sasha")?, add_user(&tx, "sid")?);
    let mut people = vec![(owner, "owner")];
    let mut logins = vec!["owner".to_string()];
    for k in 1..shape.members_per_program {
        let login = format!("dev{k}");
        people.push((add_user(&tx, &login)?, "developer"));
        logins.push(login);
    }
    let big = add_workspace(&tx, "Big", &people)?;
    let member_ids: Vec<i64> = people.iter().map(|(id, _)| *id).collect();
    let big_programs = add_programs(&tx, big, (0, shape.programs), program_name, &member_ids)?;

    let side_a = add_workspace(&tx, "Side A", &[(sasha, "owner"), (owner, "master")])?;
    let a_programs = add_programs(&tx, side_a, (0, 100), |i| format!("Side A program {i:03}"), &[sasha])?;
    let side_b = add_workspace(&tx, "Side B", &[(sid, "owner"), (owner, "developer")])?;
    add_programs(&tx, side_b, (0, 5), |i| format!("Side B program {i:03}"), &[sid, owner])?;
    add_programs(&tx, side_b, (5, 5), |i| format!("Side B program {i:03}"), &[sid])?;

    let in_a = shape.entries / 50;
    let in_big = shape.entries - in_a;
    // Interleaved in time as a real log is: Side A's entries among Big's.
    let a_actors = vec!["sasha".to_string(), "owner".to_string()];
    let half = in_big / 2;
    add_entries(&tx, (big, "Big"), &big_programs, &logins, half, 0)?;
    add_entries(&tx, (side_a, "Side A"), &a_programs, &a_actors, in_a, half * 30)?;
    add_entries(&tx, (big, "Big"), &big_programs, &logins, in_big - half, (half + in_a) * 30)?;
    tx.commit()
}
