//! Audit log rows (append-only).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::audit_log;

/// One recorded action.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
}

/// An action to record. `None` is written as NULL (the optional columns have no defaults), so
/// the insert is prepared once per connection.
#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct NewAuditEntry {
    pub actor_user_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
}

impl NewAuditEntry {
    /// An entry for `action` on `entity` `entity_id`.
    pub fn new(action: &str, entity: &str, entity_id: Option<String>) -> Self {
        Self {
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id,
            ..Default::default()
        }
    }

    /// Who did it and from where.
    pub fn by(mut self, actor_user_id: Option<i64>, client_addr: Option<&str>) -> Self {
        self.actor_user_id = actor_user_id;
        self.client_addr = client_addr.map(str::to_string);
        self
    }

    /// The branch the entry belongs to (without one, the actor's home branch is taken).
    pub fn at_branch(mut self, branch_id: i64) -> Self {
        self.branch_id = Some(branch_id);
        self
    }

    /// The record before and after.
    pub fn change(
        mut self,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}
