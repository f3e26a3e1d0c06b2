//! What can be taken back. A reversible change is undone by the same rules
//! that allow the change itself (the desk asks the permission table for
//! the person who asks), only while the data is as the change left it.
//! These are the changes that cannot be, and why — in the platform's words.

/// The operation an undo is audited as; undoing an undo is a redo.
pub const UNDO: &str = "undo";
pub const REDO: &str = "redo";

/// How the demo data's own entries came in: the demo's starting point, not
/// a change anyone made, so neither `z` nor `mpdesk undo` takes it back.
pub const DEMO_DATA_VIA: &str = "demo data";
pub const DEMO_DATA: &str = "it is part of the demo's starting data, not a change anyone made";

/// Why an entry of `operation` cannot be undone (for those that never can).
pub fn not_reversible(operation: &str) -> &'static str {
    match operation {
        "program_delete" => "deleting a mini program is not reversible: its versions, packages and members are gone",
        "program_upload" => "an upload is not reversible: versions are never removed, and version numbers only grow",
        "program_create" => "creating a mini program is not undone: delete it instead (while it is not Released)",
        "workspace_invitation_accept" | "workspace_invitation_decline" => {
            "accepting or declining is the invitee's own answer; only they could change it"
        }
        "workspace_transfer" => "a transfer of ownership is not undone: the new Owner may transfer it back",
        "workspace_invitation_resend" => "a resend only restarts the 3 days; withdraw the invitation instead",
        "workspace_create" => "creating a workspace is not reversible",
        "workspace_delete" => "deleting a workspace is not reversible: create it again",
        "user_add" => "registering a user is not reversible",
        "key_add" | "key_renew" | "key_remove" => "SSH key changes are not undone: add or remove the key again",
        "version_export" => "an export only read the data; a copy that left cannot be taken back",
        "membership_expired" => "an expired membership is not brought back by undo: add the person again",
        "audit_export" => "an export only read the log; a copy that left cannot be taken back",
        "audit_pruned" => "pruned entries are gone from the database; the exports hold them",
        "user_disable" | "user_enable" => "the operator's changes to people are not undone: enable or disable again",
        "user_remove" => "removing a person is not reversible: register them again",
        "ssh_end" => "an ended session is not undone: the person connects again",
        "database_backup" => "a backup only read the data",
        _ => "this change is not reversible",
    }
}

/// A program's first release: Draft is never returned to.
pub const FIRST_RELEASE: &str =
    "a mini program's first release is not reversible (it is never a Draft again) — take it offline instead";

/// An entry written before mpdesk recorded what undoing needs.
pub const RECORDED_BEFORE_UNDO: &str = "it was recorded before mpdesk kept what an undo needs";

/// A refused attempt.
pub const REFUSED: &str = "it was a refused attempt, which changed nothing";
