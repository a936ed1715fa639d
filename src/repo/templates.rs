//! A branch's own wording of its message templates (`message_templates`), saved over the default
//! of `domain::templates` with a version check and an audit row.

use diesel::prelude::*;

use super::{By, RepoError};
use crate::models::audit::NewAuditEntry;
use crate::schema::message_templates as t;

/// A template's four parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Wording {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body_text: String,
    #[serde(default)]
    pub body_html: String,
    #[serde(default)]
    pub sms: String,
}

/// The events `branch` has its own wording of, with the version of each.
pub fn own(conn: &mut PgConnection, branch: i64) -> Result<Vec<(String, i32)>, RepoError> {
    Ok(t::table
        .filter(t::branch_id.eq(branch))
        .select((t::event, t::version))
        .load(conn)?)
}

/// `branch`'s own wording of `event` and its version, if it has one.
pub fn wording(
    conn: &mut PgConnection,
    branch: i64,
    event: &str,
) -> Result<Option<(Wording, i32)>, RepoError> {
    let row: Option<(String, String, String, String, i32)> = t::table
        .find((branch, event))
        .select((t::subject, t::body_text, t::body_html, t::sms, t::version))
        .first(conn)
        .optional()?;
    Ok(row.map(|(subject, body_text, body_html, sms, v)| {
        (
            Wording {
                subject,
                body_text,
                body_html,
                sms,
            },
            v,
        )
    }))
}

/// Saves `branch`'s wording of `event`, if the version seen (0: the default) is still the
/// current one; the new version, or a refusal saying someone else saved meanwhile.
pub fn save(
    conn: &mut PgConnection,
    branch: i64,
    event: &str,
    w: &Wording,
    seen: i32,
    by: &By,
) -> Result<i32, RepoError> {
    super::tx(conn, |conn| {
        let now: Option<i32> = t::table
            .find((branch, event))
            .select(t::version)
            .for_update()
            .first(conn)
            .optional()?;
        if now.unwrap_or(0) != seen {
            return Err(RepoError::Conflict(
                "Someone else saved this template after you opened it: your text is below, \
                 theirs is saved. Compare, then save again to keep yours."
                    .into(),
            ));
        }
        let version = match now {
            Some(v) => {
                diesel::update(t::table.find((branch, event)))
                    .set((
                        t::subject.eq(&w.subject),
                        t::body_text.eq(&w.body_text),
                        t::body_html.eq(&w.body_html),
                        t::sms.eq(&w.sms),
                        t::updated_by.eq(by.user_id),
                        t::updated_at.eq(diesel::dsl::now),
                        t::version.eq(v + 1),
                    ))
                    .execute(conn)?;
                v + 1
            }
            None => {
                diesel::insert_into(t::table)
                    .values((
                        t::branch_id.eq(branch),
                        t::event.eq(event),
                        t::subject.eq(&w.subject),
                        t::body_text.eq(&w.body_text),
                        t::body_html.eq(&w.body_html),
                        t::sms.eq(&w.sms),
                        t::updated_by.eq(by.user_id),
                    ))
                    .execute(conn)?;
                1
            }
        };
        super::audit::record(
            conn,
            NewAuditEntry::new("template.edit", "message_template", Some(event.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .at_branch(branch)
                .change(None, Some(serde_json::json!({ "version": version }))),
        )?;
        Ok(version)
    })
}
