//! A customer's history: bookings, tickets, invoices, payments, warranties and preorders across
//! the branches the reader may see, newest first, a page at a time.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use crate::models::customer::HistoryRow;
use crate::repo::RepoError;

/// The kinds of the history, as the page's filter names them.
pub const KINDS: [&str; 6] = [
    "booking", "ticket", "invoice", "payment", "warranty", "preorder",
];

/// Everything of customer `customer_id` at `branches` (only `kind`s, when given), as one list.
const HISTORY: &str = "SELECT h.kind, h.id, h.at, br.name AS branch, h.title, h.status, h.amount, h.detail, \
            count(*) OVER ()::bigint AS total FROM ( \
     SELECT 'booking' AS kind, b.id, b.starts_at AS at, b.branch_id, 'Booking #' || b.id AS title, \
            b.status, NULL::numeric AS amount, b.notes AS detail \
       FROM bookings b WHERE b.customer_id = $1 AND b.branch_id = ANY($2) \
     UNION ALL SELECT 'ticket', t.id, t.created_at, t.branch_id, 'Ticket #' || t.number, t.status, NULL, t.problem \
       FROM tickets t WHERE t.customer_id = $1 AND t.branch_id = ANY($2) \
     UNION ALL SELECT 'invoice', i.id, COALESCE(i.issued_at, i.created_at), i.branch_id, \
            'Invoice ' || COALESCE(i.number, 'draft #' || i.id), i.status, i.total, i.note \
       FROM invoices i WHERE i.customer_id = $1 AND i.branch_id = ANY($2) \
     UNION ALL SELECT 'payment', p.invoice_id, p.at, p.branch_id, 'Payment on ' || COALESCE(i.number, 'draft #' || i.id), \
            p.method, p.amount, p.reference \
       FROM payments p JOIN invoices i ON i.id = p.invoice_id \
       WHERE i.customer_id = $1 AND p.branch_id = ANY($2) \
     UNION ALL SELECT 'warranty', w.id, w.created_at, w.branch_id, initcap(w.tier) || ' warranty', w.status, NULL, \
            'until ' || w.ends_on \
       FROM warranties w WHERE w.customer_id = $1 AND w.branch_id = ANY($2) \
     UNION ALL SELECT 'preorder', p.id, p.created_at, p.branch_id, 'Preorder #' || p.id, p.status, p.agreed_price, p.specs \
       FROM preorders p WHERE p.customer_id = $1 AND p.branch_id = ANY($2) \
   ) h JOIN branches br ON br.id = h.branch_id WHERE h.kind = ANY($3)";

/// One page of the history, newest first, and how many rows it has in all (one pass: the rows
/// carry the count). A page past the end is the last page.
pub fn history(
    conn: &mut PgConnection,
    customer_id: i64,
    branches: &[i64],
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<HistoryRow>, i64), RepoError> {
    let kinds: Vec<&str> = match kind {
        Some(k) if KINDS.contains(&k) => vec![k],
        _ => KINDS.to_vec(),
    };
    let page = |conn: &mut PgConnection, offset: i64| -> Result<Vec<HistoryRow>, RepoError> {
        Ok(diesel::sql_query(format!(
            "{HISTORY} ORDER BY h.at DESC, h.kind, h.id DESC OFFSET $4 LIMIT $5"
        ))
        .bind::<BigInt, _>(customer_id)
        .bind::<Array<BigInt>, _>(branches)
        .bind::<Array<Text>, _>(&kinds)
        .bind::<BigInt, _>(offset.max(0))
        .bind::<BigInt, _>(limit)
        .load(conn)?)
    };
    let mut rows = page(conn, offset)?;
    if rows.is_empty() && offset > 0 {
        rows = page(conn, 0)?;
        let total = rows.first().map_or(0, |r| r.total);
        let last = crate::repo::offset_within(offset, limit, total);
        if last > 0 {
            rows = page(conn, last)?;
        }
    }
    let total = rows.first().map_or(0, |r| r.total);
    Ok((rows, total))
}
