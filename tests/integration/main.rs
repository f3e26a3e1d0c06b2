//! One integration-test binary (faster to link than one per file).

mod cli;
mod config;
mod desk_rules;
mod file_edges;
mod hardening;
mod membership;
mod newcomer;
mod permission_table;
mod presenter;
mod pty;
mod scale;
mod server;
mod signals;
mod ssh;
mod ssh_access;
mod sshd;
mod stalls;
mod store_files;
mod support;
mod tour;
mod tui_props;
mod tui_support;
mod tui_tabs;
mod tui_update;
mod tui_view;
mod undo;
