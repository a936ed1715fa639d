//! Staff user rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::role::Role;
use crate::schema::staff_users;

/// A staff account. `password_hash` never leaves the repository layer's callers.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = staff_users, check_for_backend(diesel::pg::Pg))]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub home_branch_id: i64,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StaffUser {
    /// The typed role (an unknown stored role reads as the least privileged one).
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Technician)
    }

    /// What the audit log records of an account: never the hash.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role,
            "home_branch_id": self.home_branch_id,
            "active": self.active,
        })
    }
}

/// A new staff account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = staff_users)]
pub struct NewStaffUser {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub home_branch_id: i64,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
}

/// Editable fields of an account.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = staff_users)]
pub struct StaffUserChanges {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub home_branch_id: i64,
}
