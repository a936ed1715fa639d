//! Campaigns: a segment of the branch's customers (`domain::campaign`) counted and sampled
//! before anything is sent, then sent as marketing (only to those who agreed and have a contact)
//! in one transaction with the campaign's row and an audit row; and each campaign's results from
//! the outbox: sent, waiting, skipped, failed, and the bookings its customers made within 30
//! days. The segment's figures are checked integers before they reach the SQL.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Numeric, Text, Timestamptz};

use super::{By, RepoError};
use crate::domain::campaign::Segment;
use crate::models::audit::NewAuditEntry;

/// The segment as SQL: common table expressions ending in `rows` (customer, vehicle, the
/// figures, and the customer's contact and consent). `$1` is the branch, `$2` now.
fn rows_sql(segment: Segment) -> String {
    let segment_sql = match segment {
        Segment::ServiceDue { months, km } => format!(
            // a vehicle's visits, one index-only pass: the last and, of those with a mileage,
            // the first, giving the kilometres a day it runs
            "est AS (SELECT vehicle_id, max(created_at) AS last_at, \
                 (array_agg(mileage ORDER BY created_at DESC))[1] AS last_km, \
                 min(created_at) FILTER (WHERE mileage IS NOT NULL) AS first_at, \
                 (array_agg(mileage ORDER BY created_at) FILTER (WHERE mileage IS NOT NULL))[1] AS first_km \
               FROM tickets WHERE branch_id = $1 AND vehicle_id IS NOT NULL AND status = 'closed' \
               GROUP BY vehicle_id), \
             due AS (SELECT vehicle_id, last_at, \
                 CASE WHEN last_km > first_km AND last_at - first_at >= interval '30 days' \
                   THEN round((last_km - first_km) / (extract(epoch FROM last_at - first_at) / 86400.0) \
                              * (extract(epoch FROM $2 - last_at) / 86400.0))::numeric END AS km_since \
               FROM est), \
             segment AS (SELECT v.customer_id, v.id AS vehicle_id, \
                   trim(v.make || ' ' || v.model || ' ' || v.plate) AS vehicle, e.last_at, e.km_since AS figure \
                 FROM due e JOIN vehicles v ON v.id = e.vehicle_id \
                 WHERE (e.last_at < $2 - interval '{months} months' OR coalesce(e.km_since, 0) >= {km}) \
                   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.vehicle_id = v.id AND b.starts_at > $2 \
                                   AND b.status IN ('requested', 'confirmed')) \
                   AND NOT EXISTS (SELECT 1 FROM tickets o WHERE o.vehicle_id = v.id \
                                   AND o.status NOT IN ('closed', 'cancelled')) \
                   AND NOT EXISTS (SELECT 1 FROM message_outbox m WHERE m.customer_id = v.customer_id \
                                   AND m.template = 'service_due' AND m.payload->>'vehicle_id' = v.id::text \
                                   AND m.created_at > $2 - interval '30 days' AND m.status <> 'cancelled'))"
        ),
        Segment::Lapsed { months } => format!(
            // the last visit, sale and booking of each customer, each an index-only pass
            "seen AS (SELECT customer_id, max(at) AS last_at FROM ( \
                 SELECT customer_id, max(created_at) AS at FROM tickets WHERE branch_id = $1 \
                   GROUP BY customer_id \
                 UNION ALL SELECT customer_id, max(issued_at) FROM invoices \
                   WHERE branch_id = $1 AND customer_id IS NOT NULL AND issued_at IS NOT NULL \
                   GROUP BY customer_id \
                 UNION ALL SELECT customer_id, max(starts_at) FROM bookings \
                   WHERE branch_id = $1 AND starts_at <= $2 AND status NOT IN ('cancelled', 'no_show') \
                   GROUP BY customer_id \
               ) s GROUP BY customer_id), \
             segment AS (SELECT customer_id, NULL::bigint AS vehicle_id, ''::text AS vehicle, last_at, \
                   NULL::numeric AS figure FROM seen \
                 WHERE last_at < $2 - interval '{months} months' \
                   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.customer_id = seen.customer_id \
                                   AND b.starts_at > $2 AND b.status IN ('requested', 'confirmed')))"
        ),
        // what they bought (issued invoices, not void), from the sales ranking's index
        Segment::Top => "spend AS (SELECT customer_id, sum(issued_cents) / 100.0 AS spent, \
                   max(issued_at) AS last_at FROM invoices \
                 WHERE branch_id = $1 AND number IS NOT NULL AND customer_id IS NOT NULL \
                   AND status <> 'void' AND issued_at >= $2 - interval '12 months' \
                 GROUP BY customer_id), \
             ranked AS (SELECT *, ntile(5) OVER (ORDER BY spent DESC, customer_id) AS fifth FROM spend), \
             segment AS (SELECT customer_id, NULL::bigint AS vehicle_id, ''::text AS vehicle, last_at, \
                   spent AS figure FROM ranked WHERE fifth = 1)"
            .to_string(),
    };
    format!(
        "WITH {segment_sql}, \
         rows AS (SELECT s.customer_id, s.vehicle_id, s.vehicle, s.last_at, s.figure, c.name, c.email, \
               c.phone, c.preferred_channel, c.marketing_consent, \
               c.marketing_consent AND (c.email <> '' OR c.phone <> '') AS reachable \
             FROM segment s JOIN customers c ON c.id = s.customer_id \
             WHERE c.erased_at IS NULL AND c.archived_at IS NULL AND c.merged_into IS NULL)"
    )
}

/// One customer of a segment, as the preview shows them.
#[derive(Debug, Clone, QueryableByName)]
pub struct Member {
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub vehicle: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_at: Option<DateTime<Utc>>,
    /// Kilometres since the last service (service due), or what they paid (top).
    #[diesel(sql_type = Nullable<Numeric>)]
    pub figure: Option<BigDecimal>,
    #[diesel(sql_type = Bool)]
    pub marketing_consent: bool,
    #[diesel(sql_type = Bool)]
    pub reachable: bool,
}

/// A segment counted: all its customers, those a marketing message can reach, and a sample.
#[derive(Debug, Clone)]
pub struct Preview {
    pub matched: i64,
    pub reachable: i64,
    pub sample: Vec<Member>,
}

struct Counts {
    matched: i64,
    reachable: i64,
}

/// A sampled member with the segment's counts.
#[derive(QueryableByName)]
struct Sampled {
    #[diesel(embed)]
    member: Member,
    #[diesel(sql_type = BigInt)]
    matched: i64,
    #[diesel(sql_type = BigInt)]
    reachable_count: i64,
}

/// The sample's size.
pub const SAMPLE: i64 = 10;

/// Counts `segment` at `branch` as of `now`, with a sample (those who can be reached first,
/// longest unseen first).
pub fn preview(
    conn: &mut PgConnection,
    branch: i64,
    segment: Segment,
    now: DateTime<Utc>,
) -> Result<Preview, RepoError> {
    // one pass: the counts ride on each sampled row (a window over the whole segment)
    let sample: Vec<Sampled> = diesel::sql_query(format!(
        "{rows} SELECT customer_id, name, vehicle, last_at, figure, marketing_consent, reachable, \
                count(*) OVER () AS matched, count(*) FILTER (WHERE reachable) OVER () AS reachable_count \
         FROM rows ORDER BY reachable DESC, last_at NULLS FIRST, customer_id LIMIT {SAMPLE}",
        rows = rows_sql(segment)
    ))
    .bind::<BigInt, _>(branch)
    .bind::<Timestamptz, _>(now)
    .load(conn)?;
    let counts = sample.first().map_or(
        Counts {
            matched: 0,
            reachable: 0,
        },
        |s| Counts {
            matched: s.matched,
            reachable: s.reachable_count,
        },
    );
    let sample = sample.into_iter().map(|s| s.member).collect();
    Ok(Preview {
        matched: counts.matched,
        reachable: counts.reachable,
        sample,
    })
}

/// Sends `segment` as a campaign: its row, a marketing message to each customer who agreed and
/// has a contact (by their preferred channel), and an audit row, in one transaction. `subject`
/// and `message` are the news (unused by the service-due reminder). The campaign's id and how
/// many messages were queued.
pub fn send(
    conn: &mut PgConnection,
    branch: i64,
    segment: Segment,
    (subject, message): (&str, &str),
    by: &By,
) -> Result<(i64, i64), RepoError> {
    use crate::schema::campaigns as c;
    super::tx(conn, |conn| {
        // one campaign of a kind at a time at a branch: a second click waits, then finds the
        // first one's messages already queued (the service-due reminder leaves those out)
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('campaign'), $1::int)")
            .bind::<BigInt, _>(branch)
            .execute(conn)?;
        let Preview {
            matched, reachable, ..
        } = preview(conn, branch, segment, by.at)?;
        if reachable == 0 {
            return Err(RepoError::Conflict(
                "No customer in this group has agreed to marketing and has a contact: nothing was sent."
                    .into(),
            ));
        }
        let id: i64 = diesel::insert_into(c::table)
            .values((
                c::branch_id.eq(branch),
                c::segment.eq(segment.key()),
                c::params.eq(segment.params()),
                c::template.eq(segment.template()),
                c::subject.eq(subject),
                c::message.eq(message),
                c::matched.eq(matched as i32),
                c::queued.eq(0),
                c::created_by.eq(by.user_id),
                c::created_at.eq(by.at),
            ))
            .returning(c::id)
            .get_result(conn)?;
        let payload = match segment {
            Segment::ServiceDue { .. } => {
                "jsonb_build_object('vehicle', vehicle, 'vehicle_id', vehicle_id)"
            }
            _ => "jsonb_build_object('subject', $4::text, 'message', $5::text)",
        };
        let queued = diesel::sql_query(format!(
            "{rows}, picked AS (SELECT r.*, CASE WHEN (r.preferred_channel = 'sms' AND r.phone <> '') \
                    OR r.email = '' THEN r.phone ELSE r.email END AS recipient FROM rows r WHERE reachable) \
             INSERT INTO message_outbox (branch_id, template, customer_id, recipient, due_at, payload, \
                    channel, audience, campaign_id) \
             SELECT $1, '{template}', customer_id, recipient, $2, {payload}, \
                    CASE WHEN position('@' in recipient) > 0 THEN 'email' ELSE 'sms' END, 'marketing', $3 \
             FROM picked",
            rows = rows_sql(segment),
            template = segment.template(),
        ))
        .bind::<BigInt, _>(branch)
        .bind::<Timestamptz, _>(by.at)
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(subject)
        .bind::<Text, _>(message)
        .execute(conn)? as i64;
        diesel::update(c::table.find(id))
            .set(c::queued.eq(queued as i32))
            .execute(conn)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("campaign.send", "campaign", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .at_branch(branch)
                .change(
                    None,
                    Some(serde_json::json!({
                        "segment": segment.key(),
                        "params": segment.params(),
                        "matched": matched,
                        "queued": queued,
                    })),
                ),
        )?;
        Ok((id, queued))
    })
}

/// A campaign with its results.
#[derive(Debug, Clone, QueryableByName)]
pub struct Sent {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub segment: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub params: serde_json::Value,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub matched: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub queued: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub by_name: String,
    #[diesel(sql_type = BigInt)]
    pub sent: i64,
    #[diesel(sql_type = BigInt)]
    pub waiting: i64,
    #[diesel(sql_type = BigInt)]
    pub skipped: i64,
    #[diesel(sql_type = BigInt)]
    pub failed: i64,
    /// Bookings its customers made within 30 days of it.
    #[diesel(sql_type = BigInt)]
    pub booked: i64,
}

/// The branch's campaigns, newest first, a page of them; and how many there are.
pub fn list(
    conn: &mut PgConnection,
    branch: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Sent>, i64), RepoError> {
    use crate::schema::campaigns as c;
    let total: i64 = c::table
        .filter(c::branch_id.eq(branch))
        .count()
        .get_result(conn)?;
    let rows = diesel::sql_query(
        "SELECT c.id, c.segment, c.params, c.subject, c.matched, c.queued, c.created_at, \
                coalesce(s.full_name, '') AS by_name, \
                count(o.id) FILTER (WHERE o.status = 'sent') AS sent, \
                count(o.id) FILTER (WHERE o.status = 'pending') AS waiting, \
                count(o.id) FILTER (WHERE o.status IN ('skipped', 'cancelled')) AS skipped, \
                count(o.id) FILTER (WHERE o.status = 'failed') AS failed, \
                (SELECT count(*) FROM bookings b WHERE b.branch_id = c.branch_id \
                   AND b.created_at >= c.created_at AND b.created_at < c.created_at + interval '30 days' \
                   AND b.customer_id IN (SELECT m.customer_id FROM message_outbox m \
                                         WHERE m.campaign_id = c.id AND m.status = 'sent')) AS booked \
         FROM campaigns c LEFT JOIN message_outbox o ON o.campaign_id = c.id \
              LEFT JOIN staff_users s ON s.id = c.created_by \
         WHERE c.branch_id = $1 GROUP BY c.id, s.full_name ORDER BY c.id DESC LIMIT $2 OFFSET $3",
    )
    .bind::<BigInt, _>(branch)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)?;
    Ok((rows, total))
}
