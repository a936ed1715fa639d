//! Postings to the ledger, on-hand, and an item's ledger rows.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};
use crate::schema::{stock_ledger, stock_levels};

/// Kinds of ledger rows.
pub const KINDS: [&str; 7] = [
    "intake",
    "sale",
    "repair_use",
    "adjustment",
    "transfer_out",
    "transfer_in",
    "return",
];

/// One change of on-hand.
#[derive(Debug, Clone)]
pub struct Posting<'a> {
    pub stock_item_id: i64,
    /// The branch whose stock changes.
    pub branch_id: i64,
    /// One of [`KINDS`].
    pub kind: &'a str,
    /// Signed: positive adds stock, negative takes it out.
    pub quantity: i32,
    /// Unit cost for intakes.
    pub unit_cost: Option<BigDecimal>,
    /// Required for adjustments.
    pub reason: &'a str,
    /// Invoice, ticket or PO number.
    pub reference: &'a str,
}

/// On-hand of an item at a branch (0 when it never had any).
pub fn on_hand(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
) -> Result<i32, RepoError> {
    Ok(stock_levels::table
        .find((stock_item_id, branch_id))
        .select(stock_levels::on_hand)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Writes one ledger row (and so changes on-hand). Adjustments are audited.
pub fn post(conn: &mut PgConnection, p: &Posting, by: &By) -> Result<i64, RepoError> {
    if !KINDS.contains(&p.kind) {
        return Err(RepoError::Conflict(format!(
            "Unknown stock movement: {}.",
            p.kind
        )));
    }
    if p.quantity == 0 {
        return Err(FieldErrors::single("quantity", "Enter a quantity other than zero.").into());
    }
    if p.kind == "adjustment" && p.reason.trim().is_empty() {
        return Err(FieldErrors::single(
            "reason",
            "Say why stock is adjusted (count, damage, loss…).",
        )
        .into());
    }
    crate::repo::tx(conn, |conn| {
        // One statement, no savepoint: the row is written only when on-hand (as this statement
        // sees it) covers a take-out, and on-hand and the SKU come back for the message when it
        // does not. Should another till take the stock between that look and the trigger's
        // update, the trigger refuses it (migration 000021; the transaction then ends).
        #[derive(QueryableByName)]
        struct Posted {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            id: Option<i64>,
            #[diesel(sql_type = diesel::sql_types::Integer)]
            on_hand: i32,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            sku: Option<String>,
        }
        use diesel::sql_types::{BigInt, Integer, Nullable, Numeric, Text};
        let posted = crate::repo::prepared::prepared(
            "WITH have AS ( \
               SELECT COALESCE((SELECT on_hand FROM stock_levels WHERE stock_item_id = $1 AND branch_id = $2), 0) AS on_hand), \
             ins AS ( \
               INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, unit_cost, reason, reference, actor_user_id) \
               SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM have WHERE have.on_hand + $4 >= 0 \
               RETURNING id) \
             SELECT (SELECT id FROM ins) AS id, have.on_hand, \
                    CASE WHEN have.on_hand + $4 < 0 THEN (SELECT sku FROM stock_items WHERE id = $1) END AS sku \
             FROM have",
        )
        .bind::<BigInt, _>(p.stock_item_id)
        .bind::<BigInt, _>(p.branch_id)
        .bind::<Text, _>(p.kind)
        .bind::<Integer, _>(p.quantity)
        .bind::<Nullable<Numeric>, _>(&p.unit_cost)
        .bind::<Text, _>(p.reason.trim())
        .bind::<Text, _>(p.reference)
        .bind::<Nullable<BigInt>, _>(by.user_id)
        .get_result::<Posted>(conn);
        let short = |on_hand: i32, sku: &str| -> RepoError {
            FieldErrors::single(
                "quantity",
                format!(
                    "Only {on_hand} of {sku} in stock here; {} cannot be taken out.",
                    -p.quantity
                ),
            )
            .into()
        };
        let id = match posted {
            Ok(Posted { id: Some(id), .. }) => id,
            Ok(Posted { on_hand, sku, .. }) => {
                return Err(short(on_hand, &sku.unwrap_or_default()));
            }
            // The race: the trigger found less than this statement saw, and says how much
            // (DETAIL) of which SKU (HINT). The transaction cannot go on; the caller's ends.
            Err(DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info))
                if info.constraint_name() == Some("stock_levels_on_hand_not_negative") =>
            {
                let left = info.details().and_then(|d| d.parse::<i32>().ok());
                return Err(match (left, info.hint()) {
                    (Some(left), Some(sku)) => short(left, sku),
                    // The CHECK itself (not the trigger's refusal): no figures to give.
                    _ => FieldErrors::single(
                        "quantity",
                        format!(
                            "Not enough in stock here; {} cannot be taken out.",
                            -p.quantity
                        ),
                    )
                    .into(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        if p.kind == "adjustment" {
            crate::repo::audit::record(
                conn,
                NewAuditEntry::new("stock.adjust", "stock_item", Some(p.stock_item_id.to_string()))
                    .by(by.user_id, by.client_addr.as_deref())
                    .at_branch(p.branch_id)
                    .change(
                        None,
                        Some(serde_json::json!({ "branch_id": p.branch_id, "quantity": p.quantity, "reason": p.reason })),
                    ),
            )?;
        }
        Ok(id)
    })
}

/// Sum of an item's ledger rows at a branch (what on-hand must equal).
pub fn ledger_sum(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
) -> Result<i64, RepoError> {
    use diesel::dsl::sum;
    let total: Option<i64> = stock_ledger::table
        .filter(stock_ledger::stock_item_id.eq(stock_item_id))
        .filter(stock_ledger::branch_id.eq(branch_id))
        .select(sum(stock_ledger::quantity))
        .first(conn)?;
    Ok(total.unwrap_or(0))
}

/// A ledger row as shown: (id, at, kind, quantity, reason, reference, actor name).
pub type LedgerRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    i32,
    String,
    String,
    Option<String>,
);

/// One page of an item's ledger at a branch, newest first: up to `limit` rows older than the
/// row `before` (the newest when `None`), and whether older rows remain. Keyset paging on
/// `(stock_item_id, branch_id, id)`, so a page deep in years of history costs what the first
/// one does.
pub fn ledger(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<LedgerRow>, bool), RepoError> {
    use crate::schema::staff_users;
    let mut rows: Vec<LedgerRow> = stock_ledger::table
        .left_join(staff_users::table)
        .filter(stock_ledger::stock_item_id.eq(stock_item_id))
        .filter(stock_ledger::branch_id.eq(branch_id))
        .filter(stock_ledger::id.lt(before.unwrap_or(i64::MAX)))
        .select((
            stock_ledger::id,
            stock_ledger::at,
            stock_ledger::kind,
            stock_ledger::quantity,
            stock_ledger::reason,
            stock_ledger::reference,
            staff_users::full_name.nullable(),
        ))
        .order(stock_ledger::id.desc())
        .limit(limit + 1)
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    Ok((rows, more))
}
