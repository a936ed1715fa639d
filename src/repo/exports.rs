//! Exports for the accountant: every invoice line, credit-note line, payment and refund of a date range
//! (by the branch's local day), one row each, with tax; read in one query. The columns are
//! documented in `docs/exports.md`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text};

use super::RepoError;

/// One row of the accounting export, every cell as text the way it is written.
#[derive(Debug, Clone, QueryableByName)]
pub struct AccountingRow {
    /// `invoice_line`, `credit_note_line`, `payment` or `refund` (money paid back, negative).
    #[diesel(sql_type = Text)]
    pub record_type: String,
    /// The branch's local day (YYYY-MM-DD).
    #[diesel(sql_type = Text)]
    pub date: String,
    #[diesel(sql_type = Text)]
    pub branch: String,
    /// The invoice's number; a credit note is `CN-<id>` of its invoice.
    #[diesel(sql_type = Text)]
    pub document: String,
    #[diesel(sql_type = Text)]
    pub invoice: String,
    #[diesel(sql_type = Text)]
    pub customer: String,
    /// The line's kind (labour, part, fee, unit, item…); empty for a payment.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Text)]
    pub quantity: String,
    #[diesel(sql_type = Text)]
    pub unit_price: String,
    /// Before tax; negative on a credit note.
    #[diesel(sql_type = Text)]
    pub net: String,
    #[diesel(sql_type = Text)]
    pub tax_rate: String,
    #[diesel(sql_type = Text)]
    pub tax: String,
    /// Net plus tax; a payment's amount.
    #[diesel(sql_type = Text)]
    pub gross: String,
    #[diesel(sql_type = Text)]
    pub method: String,
    #[diesel(sql_type = Text)]
    pub reference: String,
    #[diesel(sql_type = Text)]
    pub currency: String,
}

/// The accounting rows of `branches` from `from` to `to` (local days, both included): invoice
/// lines of issued invoices that are not void, credit-note lines, payments and refunds; by day,
/// document and line. Each part reads its branch-and-time index over the range widened by a day
/// either side (the bounds read as midnight in the session's zone, UTC), then keeps the rows
/// whose local day is in the range.
pub fn accounting(
    conn: &mut PgConnection,
    branches: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AccountingRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT record_type, date, branch, document, invoice, customer, kind, description, quantity, \
                unit_price, net, tax_rate, tax, gross, method, reference, currency FROM ( \
           SELECT 'invoice_line' AS record_type, (i.issued_at AT TIME ZONE b.timezone)::date AS day, \
                  b.name AS branch, i.number AS document, i.number AS invoice, \
                  coalesce(c.name, i.walk_in_name) AS customer, l.kind, l.description, \
                  l.quantity::text AS quantity, l.unit_price::text AS unit_price, l.net::text AS net, \
                  i.tax_rate::text AS tax_rate, l.tax::text AS tax, (l.net + l.tax)::text AS gross, \
                  '' AS method, '' AS reference, b.currency, 1 AS sort_kind, i.id AS sort_doc, l.id AS sort_line \
           FROM invoices i JOIN branches b ON b.id = i.branch_id \
           JOIN invoice_lines l ON l.invoice_id = i.id LEFT JOIN customers c ON c.id = i.customer_id \
           WHERE i.branch_id = ANY($1) AND i.number IS NOT NULL AND i.status <> 'void' \
             AND i.issued_at >= $2::timestamptz - interval '1 day' AND i.issued_at < $3::timestamptz + interval '2 days' \
             AND (i.issued_at AT TIME ZONE b.timezone)::date BETWEEN $2 AND $3 \
           UNION ALL \
           SELECT 'credit_note_line', (n.at AT TIME ZONE b.timezone)::date, b.name, 'CN-' || n.id, i.number, \
                  coalesce(c.name, i.walk_in_name), l.kind, l.description, (-cl.quantity)::text, \
                  l.unit_price::text, (-cl.net)::text, i.tax_rate::text, (-cl.tax)::text, \
                  (-(cl.net + cl.tax))::text, '', n.reason, b.currency, 2, n.id, cl.id \
           FROM credit_notes n JOIN branches b ON b.id = n.branch_id \
           JOIN credit_note_lines cl ON cl.credit_note_id = n.id \
           JOIN invoice_lines l ON l.id = cl.invoice_line_id JOIN invoices i ON i.id = n.invoice_id \
           LEFT JOIN customers c ON c.id = i.customer_id \
           WHERE n.branch_id = ANY($1) \
             AND n.at >= $2::timestamptz - interval '1 day' AND n.at < $3::timestamptz + interval '2 days' \
             AND (n.at AT TIME ZONE b.timezone)::date BETWEEN $2 AND $3 \
           UNION ALL \
           SELECT 'payment', (p.at AT TIME ZONE b.timezone)::date, b.name, i.number, i.number, \
                  coalesce(c.name, i.walk_in_name), '', 'Payment', '', '', '', '', '', p.amount::text, \
                  p.method, p.reference, b.currency, 3, p.id, p.id \
           FROM payments p JOIN branches b ON b.id = p.branch_id JOIN invoices i ON i.id = p.invoice_id \
           LEFT JOIN customers c ON c.id = i.customer_id \
           WHERE p.branch_id = ANY($1) \
             AND p.at >= $2::timestamptz - interval '1 day' AND p.at < $3::timestamptz + interval '2 days' \
             AND (p.at AT TIME ZONE b.timezone)::date BETWEEN $2 AND $3 \
           UNION ALL \
           SELECT 'refund', (r.at AT TIME ZONE b.timezone)::date, b.name, 'CN-' || n.id, i.number, \
                  coalesce(c.name, i.walk_in_name), '', 'Refund', '', '', '', '', '', (-r.amount)::text, \
                  r.method, r.reference, b.currency, 4, r.id, r.id \
           FROM refund_payments r JOIN credit_notes n ON n.id = r.credit_note_id \
           JOIN branches b ON b.id = r.branch_id JOIN invoices i ON i.id = n.invoice_id \
           LEFT JOIN customers c ON c.id = i.customer_id \
           WHERE r.branch_id = ANY($1) \
             AND r.at >= $2::timestamptz - interval '1 day' AND r.at < $3::timestamptz + interval '2 days' \
             AND (r.at AT TIME ZONE b.timezone)::date BETWEEN $2 AND $3 \
         ) x (record_type, day, branch, document, invoice, customer, kind, description, quantity, \
              unit_price, net, tax_rate, tax, gross, method, reference, currency, sort_kind, sort_doc, sort_line) \
         CROSS JOIN LATERAL (SELECT x.day::text AS date) d \
         ORDER BY x.day, x.sort_kind, x.sort_doc, x.sort_line",
    )
    .bind::<Array<BigInt>, _>(branches)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?)
}

#[derive(QueryableByName)]
struct Cells {
    #[diesel(sql_type = Array<Text>)]
    cells: Vec<String>,
}

fn cells(
    conn: &mut PgConnection,
    sql: &str,
    branch: Option<i64>,
) -> Result<Vec<Vec<String>>, RepoError> {
    let q = diesel::sql_query(sql);
    let rows: Vec<Cells> = match branch {
        Some(b) => q.bind::<BigInt, _>(b).load(conn)?,
        None => q.load(conn)?,
    };
    Ok(rows.into_iter().map(|r| r.cells).collect())
}

/// The columns of [`customers`].
pub const CUSTOMER_COLUMNS: [&str; 13] = [
    "id",
    "reference",
    "name",
    "kind",
    "prices",
    "phone",
    "email",
    "address",
    "marketing_consent",
    "consent_changed_at",
    "created_at",
    "created_branch",
    "notes",
];

/// Every customer (not those merged into another or erased), by id; times in UTC.
pub fn customers(conn: &mut PgConnection) -> Result<Vec<Vec<String>>, RepoError> {
    cells(
        conn,
        "SELECT ARRAY[c.id::text, coalesce(c.external_ref, ''), c.name, c.kind, c.segment, c.phone, \
                c.email, c.address, CASE WHEN c.marketing_consent THEN 'yes' ELSE 'no' END, \
                coalesce(to_char(c.marketing_consent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), \
                to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), b.name, c.notes] AS cells \
         FROM customers c JOIN branches b ON b.id = c.created_branch_id \
         WHERE c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY c.id",
        None,
    )
}

/// The columns of [`stock_on_hand`].
pub const STOCK_COLUMNS: [&str; 10] = [
    "sku",
    "name",
    "category",
    "on_hand",
    "unit_cost",
    "stock_value",
    "unit_price",
    "reorder_at",
    "vendor",
    "currency",
];

/// Every stocked item at `branch` with what is on hand there (none when it has none), by SKU.
pub fn stock_on_hand(conn: &mut PgConnection, branch: i64) -> Result<Vec<Vec<String>>, RepoError> {
    cells(
        conn,
        "SELECT ARRAY[i.sku, i.name, i.category, coalesce(l.on_hand, 0)::text, i.unit_cost::text, \
                (coalesce(l.on_hand, 0) * i.unit_cost)::numeric(14,2)::text, i.unit_price::text, \
                i.reorder_threshold::text, coalesce(v.name, ''), b.currency] AS cells \
         FROM stock_items i CROSS JOIN branches b \
         LEFT JOIN stock_levels l ON l.stock_item_id = i.id AND l.branch_id = b.id \
         LEFT JOIN vendors v ON v.id = i.preferred_vendor_id \
         WHERE b.id = $1 AND (i.active OR coalesce(l.on_hand, 0) > 0) ORDER BY upper(i.sku)",
        Some(branch),
    )
}

/// The columns of [`units`].
pub const UNIT_COLUMNS: [&str; 13] = [
    "asset_tag",
    "serial",
    "category",
    "brand",
    "model",
    "grade",
    "status",
    "location",
    "purchase_cost",
    "landed_cost",
    "received",
    "vendor",
    "currency",
];

/// Every serialized unit at `branch` that is still the shop's (not sold or scrapped),
/// newest first; the receiving day is the branch's.
pub fn units(conn: &mut PgConnection, branch: i64) -> Result<Vec<Vec<String>>, RepoError> {
    cells(
        conn,
        "SELECT ARRAY[a.asset_tag, a.serial, m.category, m.brand, m.model, coalesce(a.grade, ''), \
                a.status, coalesce(loc.name, ''), a.purchase_cost::text, a.landed_cost::text, \
                ((a.received_at AT TIME ZONE b.timezone)::date)::text, coalesce(v.name, ''), b.currency] AS cells \
         FROM assets a JOIN product_models m ON m.id = a.product_model_id \
         JOIN branches b ON b.id = a.branch_id \
         LEFT JOIN locations loc ON loc.id = a.location_id LEFT JOIN vendors v ON v.id = a.vendor_id \
         WHERE a.branch_id = $1 AND a.status NOT IN ('sold', 'scrapped') \
         ORDER BY a.received_at DESC, a.id DESC",
        Some(branch),
    )
}
