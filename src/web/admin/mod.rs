//! Administration: branches, staff accounts and the audit log.

pub mod audit_list;
pub mod branch_edit;
pub mod branch_form;
pub mod branch_list;
pub mod branch_logo;
pub mod branch_new;
pub mod catalogue;
pub mod templates;
pub mod user_edit;
pub mod user_form;
pub mod user_list;
pub mod user_new;
