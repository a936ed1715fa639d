//! The sender's side of the outbox: claiming due messages (several servers share the work: a
//! claimed row has a lease, and rows are taken with `FOR UPDATE SKIP LOCKED`), what a message
//! needs to be written (the customer, the branch, the branch's wording of the template), and
//! what became of each attempt, logged. A message is claimed in one statement and finished in
//! another; nothing is held open while it is being sent.

use chrono::{DateTime, NaiveTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Jsonb, Nullable, Text, Timestamptz};

use super::RepoError;
use crate::schema::{message_attempts, message_outbox, message_templates};

/// A message this server is sending.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub branch_id: i64,
    #[diesel(sql_type = Text)]
    pub template: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub customer_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Text)]
    pub audience: String,
    /// This try's number (1 for the first).
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    pub due_at: DateTime<Utc>,
}

/// Claims up to `limit` messages due at `now` on `channels`, oldest first, for `lease`: each
/// counts a try. Rows another server holds (locked, or leased and not expired) are passed over.
pub fn claim(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    channels: &[&str],
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Claimed>, RepoError> {
    Ok(diesel::sql_query(
        "UPDATE message_outbox o SET attempts = o.attempts + 1, lease_until = $1 + $3 * interval '1 millisecond' \
         FROM (SELECT id FROM message_outbox \
               WHERE status = 'pending' AND coalesce(next_attempt_at, due_at) <= $1 \
                 AND (lease_until IS NULL OR lease_until < $1) AND channel = ANY($2) \
               ORDER BY coalesce(next_attempt_at, due_at), id LIMIT $4 \
               FOR UPDATE SKIP LOCKED) due \
         WHERE o.id = due.id \
         RETURNING o.id, o.branch_id, o.template, o.customer_id, o.recipient, o.channel, o.audience, \
                   o.attempts, o.payload, o.due_at",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Array<Text>, _>(channels)
    .bind::<BigInt, _>(lease.num_milliseconds())
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// What a message is written from: the customer (none when erased) and the branch.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub customer_name: String,
    pub erased: bool,
    pub consent: bool,
    pub shop_name: String,
    pub shop_phone: String,
    pub shop_address: String,
    pub timezone: String,
    /// The branch's currency, which amounts are shown in.
    pub currency: String,
    pub quiet_start: NaiveTime,
    pub quiet_end: NaiveTime,
    /// The branch's own wording: subject, text, HTML, SMS.
    pub wording: Option<(String, String, String, String)>,
}

/// The context of message `m`.
pub fn context(conn: &mut PgConnection, m: &Claimed) -> Result<Context, RepoError> {
    use crate::schema::{branches as b, customers as c};
    let (shop_name, shop_phone, shop_address, timezone, currency, quiet_start, quiet_end): (
        String,
        String,
        String,
        String,
        String,
        NaiveTime,
        NaiveTime,
    ) = b::table
        .find(m.branch_id)
        .select((
            b::name,
            b::phone,
            b::address,
            b::timezone,
            b::currency,
            b::quiet_start,
            b::quiet_end,
        ))
        .first(conn)?;
    let customer: Option<(String, bool, bool)> = match m.customer_id {
        Some(id) => c::table
            .find(id)
            .select((c::name, c::erased_at.is_not_null(), c::marketing_consent))
            .first(conn)
            .optional()?,
        None => None,
    };
    let wording = message_templates::table
        .find((m.branch_id, &m.template))
        .select((
            message_templates::subject,
            message_templates::body_text,
            message_templates::body_html,
            message_templates::sms,
        ))
        .first(conn)
        .optional()?;
    let (customer_name, erased, consent) = customer.unwrap_or_default();
    Ok(Context {
        customer_name,
        erased,
        consent,
        shop_name,
        shop_phone,
        shop_address,
        timezone,
        currency,
        quiet_start,
        quiet_end,
        wording,
    })
}

/// What became of a try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered to the server (its answer, and the message's id).
    Sent {
        answer: String,
        message_id: Option<String>,
    },
    /// Failed for the time being: tried again at `at`.
    Retry { answer: String, at: DateTime<Utc> },
    /// Failed for good (the server refused it, or the tries ran out).
    Failed { answer: String },
    /// Not sent, and never will be (no consent, no contact, erased): the reason.
    Skipped { reason: String },
    /// Held until `at` (quiet hours, the rate limit): not a try.
    Held { reason: String, at: DateTime<Utc> },
}

/// Records what became of message `id`'s try on `channel` to `recipient`, and where the message
/// stands now; the lease is let go.
pub fn finish(
    conn: &mut PgConnection,
    id: i64,
    channel: &str,
    recipient: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    use message_outbox as o;
    let row = o::table.find(id);
    let (result, answer) = match outcome {
        Outcome::Sent { answer, message_id } => {
            diesel::update(row)
                .set((
                    o::status.eq("sent"),
                    o::sent_at.eq(now),
                    o::lease_until.eq(None::<DateTime<Utc>>),
                    o::message_id.eq(message_id),
                    o::last_error.eq(""),
                ))
                .execute(conn)?;
            ("sent", answer)
        }
        Outcome::Retry { answer, at } => {
            diesel::update(row)
                .set((
                    o::next_attempt_at.eq(at),
                    o::lease_until.eq(None::<DateTime<Utc>>),
                    o::last_error.eq(answer),
                ))
                .execute(conn)?;
            ("retry", answer)
        }
        Outcome::Failed { answer } => {
            diesel::update(row)
                .set((
                    o::status.eq("failed"),
                    o::lease_until.eq(None::<DateTime<Utc>>),
                    o::last_error.eq(answer),
                ))
                .execute(conn)?;
            ("failed", answer)
        }
        Outcome::Skipped { reason } => {
            diesel::update(row)
                .set((
                    o::status.eq("skipped"),
                    o::lease_until.eq(None::<DateTime<Utc>>),
                    o::last_error.eq(reason),
                ))
                .execute(conn)?;
            ("skipped", reason)
        }
        Outcome::Held { reason, at } => {
            diesel::update(row)
                .set((
                    o::next_attempt_at.eq(at),
                    o::lease_until.eq(None::<DateTime<Utc>>),
                    o::attempts.eq(o::attempts - 1),
                    o::last_error.eq(format!("held: {reason}")),
                ))
                .execute(conn)?;
            ("held", reason)
        }
    };
    diesel::insert_into(message_attempts::table)
        .values((
            message_attempts::outbox_id.eq(id),
            message_attempts::at.eq(now),
            message_attempts::channel.eq(channel),
            message_attempts::recipient.eq(recipient),
            message_attempts::result.eq(result),
            message_attempts::answer.eq(answer),
        ))
        .execute(conn)?;
    Ok(())
}

/// One message as a customer's history and the outbox list show it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = message_outbox)]
pub struct Sent {
    pub id: i64,
    pub template: String,
    pub channel: String,
    pub recipient: String,
    pub status: String,
    pub due_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: String,
}

/// Customer `id`'s messages, newest first.
pub fn of_customer(conn: &mut PgConnection, id: i64, limit: i64) -> Result<Vec<Sent>, RepoError> {
    use message_outbox as o;
    Ok(o::table
        .filter(o::customer_id.eq(id))
        .select(Sent::as_select())
        .order(o::id.desc())
        .limit(limit)
        .load(conn)?)
}
