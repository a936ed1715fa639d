//! The outbox as a manager reads it: a branch's messages by status (and one customer's), and the
//! two things done to one: try a failed or skipped message again, cancel one still waiting.
//! Both are audited.

use diesel::prelude::*;

use super::messages::Sent;
use super::{By, RepoError};
use crate::models::audit::NewAuditEntry;
use crate::schema::{customers, message_outbox as o};

/// A message in the list: the message, and its customer's name.
#[derive(Debug, Clone)]
pub struct Listed {
    pub message: Sent,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
}

/// A page of `branch`'s messages, newest first: `status` only when given, one customer's or one
/// campaign's when given; from before id `before`. Whether there are more.
pub fn list(
    conn: &mut PgConnection,
    branch: i64,
    status: Option<&str>,
    (customer, campaign): (Option<i64>, Option<i64>),
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<Listed>, bool), RepoError> {
    let mut q = o::table
        .left_join(customers::table)
        .filter(o::branch_id.eq(branch))
        .select((
            Sent::as_select(),
            o::customer_id,
            customers::name.nullable(),
        ))
        .order(o::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(o::status.eq(s.to_string()));
    }
    if let Some(c) = customer {
        q = q.filter(o::customer_id.eq(c));
    }
    if let Some(c) = campaign {
        q = q.filter(o::campaign_id.eq(c));
    }
    if let Some(b) = before {
        q = q.filter(o::id.lt(b));
    }
    let mut rows: Vec<Listed> = q
        .load::<(Sent, Option<i64>, Option<String>)>(conn)?
        .into_iter()
        .map(|(message, customer_id, customer)| Listed {
            message,
            customer_id,
            customer,
        })
        .collect();
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Sends failed or skipped message `id` of `branch` again, from its first try, now.
pub fn retry(conn: &mut PgConnection, branch: i64, id: i64, by: &By) -> Result<(), RepoError> {
    change(
        conn,
        branch,
        id,
        &["failed", "skipped"],
        "pending",
        "message.retry",
        by,
    )
}

/// Cancels message `id` of `branch` while it waits.
pub fn cancel(conn: &mut PgConnection, branch: i64, id: i64, by: &By) -> Result<(), RepoError> {
    change(
        conn,
        branch,
        id,
        &["pending"],
        "cancelled",
        "message.cancel",
        by,
    )
}

fn change(
    conn: &mut PgConnection,
    branch: i64,
    id: i64,
    from: &[&str],
    to: &str,
    action: &str,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let status: String = o::table
            .find(id)
            .filter(o::branch_id.eq(branch))
            .select(o::status)
            .for_update()
            .first(conn)?;
        if !from.contains(&status.as_str()) {
            return Err(RepoError::Conflict(format!(
                "The message is {} now; nothing was changed.",
                crate::domain::status::title(&status).to_lowercase()
            )));
        }
        let row = o::table.find(id);
        match to {
            "pending" => diesel::update(row)
                .set((
                    o::status.eq(to),
                    o::attempts.eq(0),
                    o::next_attempt_at.eq(by.at),
                    o::lease_until.eq(None::<chrono::DateTime<chrono::Utc>>),
                    o::last_error.eq(""),
                ))
                .execute(conn)?,
            _ => diesel::update(row).set(o::status.eq(to)).execute(conn)?,
        };
        super::audit::record(
            conn,
            NewAuditEntry::new(action, "message", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .at_branch(branch)
                .change(
                    Some(serde_json::json!({ "status": status })),
                    Some(serde_json::json!({ "status": to })),
                ),
        )
    })
}
