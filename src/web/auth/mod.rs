//! Signing in and out, one's own password, and the branch switcher.

pub mod branch_switch;
pub mod login;
pub mod logout;
pub mod password;
