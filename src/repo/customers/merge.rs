//! Merging a duplicate customer into the one that stays: the fields chosen from the duplicate,
//! then every record of theirs (vehicles, devices, contacts, bookings, tickets, invoices,
//! warranties, preorders, messages) moved to the survivor, the duplicate left pointing at it,
//! and an audit row, in one transaction with both rows locked (two merges of the same pair: one
//! wins, the other is told). The duplicate finder lists likely pairs.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};

/// The fields a merge may take from the duplicate, with their words.
pub const MERGE_FIELDS: [(&str, &str); 9] = [
    ("name", "Name"),
    ("kind", "Person or business"),
    ("segment", "Prices"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("lead_source_id", "How they found us"),
    ("marketing_consent", "Marketing consent"),
    ("notes", "Notes"),
];

/// The tables whose rows belong to a customer, moved by a merge.
pub const CUSTOMER_RECORDS: [&str; 9] = [
    "vehicles",
    "devices",
    "customer_contacts",
    "bookings",
    "tickets",
    "invoices",
    "warranties",
    "preorders",
    "message_outbox",
];

/// A merge as the manager chose it.
#[derive(Debug, Clone)]
pub struct MergePlan {
    /// The customer who stays.
    pub keep: i64,
    /// The duplicate, merged into `keep`.
    pub drop: i64,
    /// Each one's version when the merge page was opened.
    pub keep_version: i32,
    pub drop_version: i32,
    /// The fields taken from the duplicate (the rest stay the survivor's).
    pub take: Vec<String>,
}

/// What a merge moved: (table, rows).
pub type Moved = Vec<(&'static str, usize)>;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    version: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    merged_into: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    erased: bool,
}

/// Merges `plan.drop` into `plan.keep`.
pub fn merge(conn: &mut PgConnection, plan: &MergePlan, by: &By) -> Result<Moved, RepoError> {
    if plan.keep == plan.drop {
        return Err(FieldErrors::single("keep", "Choose two different customers.").into());
    }
    let take: Vec<&'static str> = MERGE_FIELDS
        .iter()
        .map(|(col, _)| *col)
        .filter(|col| plan.take.iter().any(|t| t == col))
        .collect();
    crate::repo::tx(conn, |conn| {
        // Both rows, in id order (two merges of the same pair wait for each other, never
        // deadlock).
        let rows: Vec<Locked> = diesel::sql_query(
            "SELECT id, version, merged_into, erased_at IS NOT NULL AS erased FROM customers \
             WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
        )
        .bind::<BigInt, _>(plan.keep)
        .bind::<BigInt, _>(plan.drop)
        .load(conn)?;
        let find = |id: i64| rows.iter().find(|r| r.id == id).ok_or(RepoError::NotFound);
        let (keep, drop) = (find(plan.keep)?, find(plan.drop)?);
        for r in [keep, drop] {
            if let Some(into) = r.merged_into {
                return Err(RepoError::Conflict(format!(
                    "Customer #{} was merged into #{into} already.",
                    r.id
                )));
            }
            if r.erased {
                return Err(RepoError::Conflict(format!(
                    "Customer #{}'s personal data was erased; they cannot be merged.",
                    r.id
                )));
            }
        }
        if keep.version != plan.keep_version || drop.version != plan.drop_version {
            return Err(RepoError::Conflict(
                "Someone changed one of these customers after you opened the merge. Look at them \
                 again and choose."
                    .into(),
            ));
        }
        if !take.is_empty() {
            let mut sets: Vec<String> = take.iter().map(|c| format!("{c} = d.{c}")).collect();
            if take.contains(&"marketing_consent") {
                sets.push("marketing_consent_at = d.marketing_consent_at".into());
            }
            diesel::sql_query(format!(
                "UPDATE customers k SET {} FROM customers d WHERE k.id = $1 AND d.id = $2",
                sets.join(", ")
            ))
            .bind::<BigInt, _>(plan.keep)
            .bind::<BigInt, _>(plan.drop)
            .execute(conn)?;
        }
        let mut moved: Moved = Vec::new();
        for table in CUSTOMER_RECORDS {
            let n = diesel::sql_query(format!(
                "UPDATE {table} SET customer_id = $1 WHERE customer_id = $2"
            ))
            .bind::<BigInt, _>(plan.keep)
            .bind::<BigInt, _>(plan.drop)
            .execute(conn)?;
            moved.push((table, n));
        }
        diesel::sql_query(
            "UPDATE customers SET merged_into = $1, archived_at = coalesce(archived_at, now()), \
             version = version + 1, updated_at = now() WHERE id = $2",
        )
        .bind::<BigInt, _>(plan.keep)
        .bind::<BigInt, _>(plan.drop)
        .execute(conn)?;
        diesel::sql_query(
            "UPDATE customers SET version = version + 1, updated_at = now() WHERE id = $1",
        )
        .bind::<BigInt, _>(plan.keep)
        .execute(conn)?;
        // No personal data in the log: which records moved and which fields were taken.
        let after = serde_json::json!({
            "merged": plan.drop,
            "fields_taken": take,
            "moved": moved.iter().map(|(t, n)| (t.to_string(), serde_json::json!(n)))
                .collect::<serde_json::Map<_, _>>(),
        });
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("customer.merge", "customer", Some(plan.keep.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, Some(after)),
        )?;
        Ok(moved)
    })
}

/// Where a merged customer's links land: the customer they were merged into (following a chain),
/// or `None` when they were not merged.
pub fn merged_into(conn: &mut PgConnection, id: i64) -> Result<Option<i64>, RepoError> {
    #[derive(QueryableByName)]
    struct Into {
        #[diesel(sql_type = Nullable<BigInt>)]
        survivor: Option<i64>,
    }
    let found: Into = diesel::sql_query(
        "WITH RECURSIVE chain (id, next, depth) AS ( \
           SELECT id, merged_into, 0 FROM customers WHERE id = $1 \
           UNION ALL SELECT c.id, c.merged_into, chain.depth + 1 FROM customers c \
           JOIN chain ON c.id = chain.next WHERE chain.depth < 20) \
         SELECT (SELECT id FROM chain WHERE next IS NULL AND depth > 0 LIMIT 1) AS survivor",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)?;
    Ok(found.survivor)
}

/// A likely pair of duplicates: the two customers (lower id first), their names and why.
#[derive(Debug, Clone, QueryableByName)]
pub struct LikelyPair {
    #[diesel(sql_type = BigInt)]
    pub a: i64,
    #[diesel(sql_type = Text)]
    pub a_name: String,
    #[diesel(sql_type = BigInt)]
    pub b: i64,
    #[diesel(sql_type = Text)]
    pub b_name: String,
    #[diesel(sql_type = Text)]
    pub why: String,
}

/// A page of likely pairs, whether there is a next one, and when the pairs were worked out.
pub type PairsPage = (Vec<LikelyPair>, bool, Option<chrono::DateTime<chrono::Utc>>);

/// Likely duplicates, a page at a time, newest first, from the pairs worked out with the
/// dashboards' views (`customer_duplicate_pairs`: customers sharing a phone number in any
/// spelling or an email, or with the same name and a number ending in the same seven digits);
/// pairs merged or erased since are left out. `more` when there is a next page; and when the
/// pairs were worked out.
pub fn duplicate_pairs(
    conn: &mut PgConnection,
    offset: i64,
    limit: i64,
) -> Result<PairsPage, RepoError> {
    let rows: Vec<LikelyPair> = diesel::sql_query(
        "SELECT p.a, ca.name AS a_name, p.b, cb.name AS b_name, p.why \
         FROM customer_duplicate_pairs p \
         JOIN customers ca ON ca.id = p.a AND ca.merged_into IS NULL AND ca.erased_at IS NULL \
         JOIN customers cb ON cb.id = p.b AND cb.merged_into IS NULL AND cb.erased_at IS NULL \
         ORDER BY p.b DESC, p.a OFFSET $1 LIMIT $2",
    )
    .bind::<BigInt, _>(offset.max(0))
    .bind::<BigInt, _>(limit + 1)
    .load(conn)?;
    #[derive(QueryableByName)]
    struct At {
        #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    }
    let at: At = diesel::sql_query(
        "SELECT (SELECT refreshed_at FROM dashboard_refreshes \
                 WHERE view_name = 'customer_duplicate_pairs') AS at",
    )
    .get_result(conn)?;
    let more = rows.len() as i64 > limit;
    Ok((rows.into_iter().take(limit as usize).collect(), more, at.at))
}

/// What [`CUSTOMER_RECORDS`] are called on the merge page and in its message, in that order.
pub fn record_words() -> [&'static str; 9] {
    [
        "Vehicles",
        "Devices",
        "Contacts",
        "Bookings",
        "Tickets",
        "Invoices",
        "Warranties",
        "Preorders",
        "Messages",
    ]
}

/// What two customers each have, for the merge page: (words, first's count, second's count).
pub fn record_counts(
    conn: &mut PgConnection,
    a: i64,
    b: i64,
) -> Result<Vec<(&'static str, i64, i64)>, RepoError> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        a: i64,
        #[diesel(sql_type = BigInt)]
        b: i64,
    }
    let mut out = Vec::new();
    for (table, words) in CUSTOMER_RECORDS.iter().zip(record_words()) {
        let c: Counts = diesel::sql_query(format!(
            "SELECT count(*) FILTER (WHERE customer_id = $1) AS a, \
                    count(*) FILTER (WHERE customer_id = $2) AS b \
             FROM {table} WHERE customer_id IN ($1, $2)"
        ))
        .bind::<BigInt, _>(a)
        .bind::<BigInt, _>(b)
        .get_result(conn)?;
        out.push((words, c.a, c.b));
    }
    Ok(out)
}
