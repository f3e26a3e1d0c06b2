//! What can be taken back. A reversible change is undone by the same rules
//! that allow the change itself (the desk asks the permission table for
//! the person who asks), only while the data is as the change left it.
//! These are the changes that cannot be, and why — in the platform's words.

/// How the demo data's own entries came in: the demo's starting point, not
/// a change anyone made, so neither `z` nor `mpdesk undo` takes it back.
pub const DEMO_DATA_VIA: &str = "demo data";
pub const DEMO_DATA: &str = "it is part of the demo's starting data, not a change anyone made";

/// Why an entry stored as `operation` cannot be undone (for those that
/// never can; a name mpdesk does not write cannot be either).
pub fn not_reversible(operation: &str) -> &'static str {
    super::operation::AuditOp::parse(operation).map_or("this change is not reversible", |op| op.not_reversible())
}

/// A program's first release: Draft is never returned to.
pub const FIRST_RELEASE: &str =
    "a mini program's first release is not reversible (it is never a Draft again) — take it offline instead";

/// An entry written before mpdesk recorded what undoing needs.
pub const RECORDED_BEFORE_UNDO: &str = "it was recorded before mpdesk kept what an undo needs";

/// A refused attempt.
pub const REFUSED: &str = "it was a refused attempt, which changed nothing";
