//! Marketing consent withdrawn by the customer, through the signed unsubscribe link in a
//! marketing message: no sign-in, recorded with its date and audited.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::models::audit::NewAuditEntry;
use crate::repo::RepoError;
use crate::schema::{branches, customers};

/// What the unsubscribe page shows: the shop the customer came to, and whether they still
/// receive marketing.
#[derive(Debug, Clone)]
pub struct Consent {
    pub shop: String,
    pub branch_id: i64,
    pub consent: bool,
    /// When consent was last given or withdrawn.
    pub since: Option<DateTime<Utc>>,
}

/// Customer `id`'s consent; `None` when there is no such customer or their data was erased.
pub fn consent_of(conn: &mut PgConnection, id: i64) -> Result<Option<Consent>, RepoError> {
    Ok(customers::table
        .inner_join(branches::table.on(branches::id.eq(customers::created_branch_id)))
        .filter(customers::id.eq(id))
        .filter(customers::erased_at.is_null())
        .select((
            branches::name,
            branches::id,
            customers::marketing_consent,
            customers::marketing_consent_at,
        ))
        .first::<(String, i64, bool, Option<DateTime<Utc>>)>(conn)
        .optional()?
        .map(|(shop, branch_id, consent, since)| Consent {
            shop,
            branch_id,
            consent,
            since,
        }))
}

/// Withdraws customer `id`'s marketing consent at `at` (from `client`): their consent as it
/// now stands, `None` when there is no such customer. Withdrawing twice changes nothing the
/// second time.
pub fn unsubscribe(
    conn: &mut PgConnection,
    id: i64,
    at: DateTime<Utc>,
    client: Option<&str>,
) -> Result<Option<Consent>, RepoError> {
    conn.transaction(|conn| {
        let consent: Option<bool> = customers::table
            .find(id)
            .filter(customers::erased_at.is_null())
            .select(customers::marketing_consent)
            .for_update()
            .first(conn)
            .optional()?;
        match consent {
            None => return Ok(None),
            Some(false) => return consent_of(conn, id),
            Some(true) => {}
        }
        diesel::update(customers::table.find(id))
            .set((
                customers::marketing_consent.eq(false),
                customers::marketing_consent_at.eq(at),
                customers::updated_at.eq(at),
            ))
            .execute(conn)?;
        let now = consent_of(conn, id)?;
        let mut entry = NewAuditEntry::new("unsubscribe", "customer", Some(id.to_string()))
            .by(None, client)
            .change(
                Some(serde_json::json!({ "marketing_consent": true })),
                Some(serde_json::json!({
                    "marketing_consent": false,
                    "by": "the customer's unsubscribe link",
                })),
            );
        if let Some(c) = &now {
            entry = entry.at_branch(c.branch_id);
        }
        crate::repo::audit::record(conn, entry)?;
        Ok(now)
    })
}
