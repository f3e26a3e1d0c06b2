//! The rules of mpdesk, with no I/O: roles, the permission table, the
//! program lifecycle, validation and the `Denial` that explains a refusal.
//!
//! Every permission question in the product is answered by
//! [`permission::decide`] (program operations) or by the workspace rules in
//! [`workspace_rules`]; nothing outside this module compares roles.

pub mod chars;
pub mod denial;
pub mod expiry;
pub mod invitation;
pub mod keys;
pub mod lifecycle;
pub mod operation;
pub mod people;
pub mod permission;
pub mod remote;
pub mod role;
pub mod undo;
pub mod validate;
pub mod version;
pub mod workspace_rules;

pub use denial::Denial;
pub use lifecycle::{ProgramStatus, VersionState};
pub use permission::{Access, Operation};
pub use role::{MemberStatus, ProgramRole, WorkspaceRole};
pub use version::SemVer;
