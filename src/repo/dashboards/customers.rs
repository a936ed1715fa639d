//! The top 20% of customers by revenue: ranked live, from the twelve months' view, or in memory
//! from the snapshot of customers' sales.
//!
//! Over 300 lines: the ranking has three sources (live, the twelve months' view, the snapshot)
//! that must agree, and they are kept side by side.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Numeric, Text, Timestamptz};

use super::SalesFilter;
use crate::domain::ranking::{Ledger, LedgerBuilder, Move, Ranked};
use crate::repo::RepoError;

pub use crate::models::dashboard::TopCustomer;

/// The top 20% of customers by net revenue in the range (at least one when any bought),
/// best first; ties go to the older customer record. `page` is `(first, count)` in rank order
/// (a page past the end gives the last one); `None` gives them all. Names and last visits are
/// looked up for the page's rows only.
pub fn top_customers(
    conn: &mut PgConnection,
    f: &SalesFilter,
    page: Option<(i64, i64)>,
) -> Result<Vec<TopCustomer>, RepoError> {
    rank_live(conn, &f.branches, f.from, f.to, page)
}

/// `(first, count)` of a requested page of a ranking, or the whole ranking for `None`.
/// A customer's sales in a range, as cents per row: each issued invoice (not void) of branches
/// `$1` issued in [`$2`, `$3`) (`bought`), and each credit note of those branches in the range,
/// taken off.
pub(super) const CUSTOMER_MOVES: &str = "\
    SELECT customer_id, issued_cents AS cents, true AS bought FROM invoices \
    WHERE customer_id IS NOT NULL AND branch_id = ANY($1) AND issued_at >= $2 AND issued_at < $3 \
      AND number IS NOT NULL AND status <> 'void' \
    UNION ALL \
    SELECT i.customer_id, -(n.subtotal * 100)::bigint, false FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id \
    WHERE i.customer_id IS NOT NULL AND n.branch_id = ANY($1) AND n.at >= $2 AND n.at < $3";

fn page_window(page: Option<(i64, i64)>) -> (i64, i64) {
    let (first, count) = page.unwrap_or((0, i64::MAX / 4));
    (first, count.max(1))
}

/// The ranking of [`top_customers`], computed now over `[from, to)`.
fn rank_live(
    conn: &mut PgConnection,
    branches: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    page: Option<(i64, i64)>,
) -> Result<Vec<TopCustomer>, RepoError> {
    let (first, count) = page_window(page);
    // The ranking sorts every customer who bought in the range (150k over a year at eight
    // branches): give its hash table and sort room to stay in memory for this transaction.
    diesel::sql_query("SET LOCAL work_mem = '32MB'").execute(conn)?;
    // Whole cents (`bigint`) add and compare much faster than `numeric`: invoices give theirs
    // from `invoices_ranking_idx` (`issued_cents`, stored when the invoice is issued), credit
    // notes join the same sum as negative amounts, and `sum_cents` keeps the sums `bigint`. The
    // top fifth is a bounded sort (LIMIT) of the customers, not a window over all of them.
    Ok(diesel::sql_query(
        format!("WITH moves AS ({CUSTOMER_MOVES}), \
         net AS MATERIALIZED ( \
           SELECT customer_id, sum_cents(cents) AS cents FROM moves GROUP BY 1 HAVING sum_cents(cents) > 0), \
         everyone AS MATERIALIZED (SELECT count(*) AS customers, COALESCE(sum_cents(cents), 0) AS total FROM net), \
         top AS MATERIALIZED ( \
           SELECT customer_id, cents, row_number() OVER (ORDER BY cents DESC, customer_id) AS rank \
           FROM (SELECT customer_id, cents FROM net ORDER BY cents DESC, customer_id \
                 LIMIT (SELECT ceil(customers * 0.2)::bigint FROM everyone)) t), \
         fifth AS (SELECT count(*) AS top_count, sum_cents(cents) AS top_cents FROM top), \
         page AS ( \
           SELECT t.*, e.*, f.* FROM top t, everyone e, fifth f, \
             LATERAL (SELECT least($4, (f.top_count - 1) / $5 * $5) AS skip) s \
           WHERE t.rank > s.skip AND t.rank <= s.skip + $5) \
         SELECT p.customer_id, (SELECT name FROM customers c WHERE c.id = p.customer_id) AS name, \
                p.cents, \
                (SELECT max(issued_at) FROM invoices WHERE customer_id = p.customer_id AND branch_id = ANY($1) AND number IS NOT NULL) AS last_visit, \
                p.rank::bigint AS rank, p.customers::bigint AS customers, (p.total / 100.0)::numeric(14,2) AS total, \
                p.top_count::bigint AS top_count, (p.top_cents / 100.0)::numeric(14,2) AS top_revenue \
         FROM page p ORDER BY p.rank"),
    )
    .bind::<Array<BigInt>, _>(branches)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<BigInt, _>(first.max(0))
    .bind::<BigInt, _>(count)
    .load(conn)?)
}

/// The top customers of the last twelve months: the 365 days up to the last refresh of the
/// figures. The ranking of the year's buyers is too heavy to run per request at eight branches,
/// so `dashboard_top_customers` holds it per branch and for all branches together,
/// as of its refresh, with each customer's last visit there as of then; another set of branches
/// (some of several) is ranked live over the same window. Names are looked up now. Gives the
/// window's end and the rows, as [`top_customers`] gives them.
pub fn top_customers_year(
    conn: &mut PgConnection,
    branches: &[i64],
    page: Option<(i64, i64)>,
) -> Result<(DateTime<Utc>, Vec<TopCustomer>), RepoError> {
    let year: YearScope = diesel::sql_query(
        "SELECT r.refreshed_at AS window_end, \
                CASE WHEN NOT EXISTS (SELECT 1 FROM branches WHERE id <> ALL($1)) THEN 0 \
                     WHEN cardinality($1) = 1 THEN $1[1] END AS scope \
         FROM dashboard_refreshes r WHERE r.view_name = 'dashboard_top_customers'",
    )
    .bind::<Array<BigInt>, _>(branches)
    .get_result(conn)?;
    let Some(scope) = year.scope else {
        let from = year.window_end - chrono::Duration::days(365);
        let rows = rank_live(conn, branches, from, year.window_end, page)?;
        return Ok((year.window_end, rows));
    };
    let (first, count) = page_window(page);
    let mut end = year.window_end;
    // Twice at most: a refresh landing between the two reads is rare, twice in a row unheard of.
    for _ in 0..2 {
        let head: Option<YearHead> = diesel::sql_query(
            "SELECT h.customers, (h.total_cents / 100.0)::numeric(14,2) AS total, h.top_count, \
                    (t.running_cents / 100.0)::numeric(14,2) AS top_revenue, h.window_end \
             FROM dashboard_top_customers h \
             JOIN dashboard_top_customers t ON t.scope = h.scope AND t.rank = h.top_count \
             WHERE h.scope = $1 AND h.rank = 1",
        )
        .bind::<BigInt, _>(scope)
        .get_result(conn)
        .optional()?;
        let Some(head) = head else {
            return Ok((end, Vec::new()));
        };
        end = head.window_end;
        // Known bounds let the planner read just the page (or join the whole fifth at once).
        let skip = first.max(0).min((head.top_count - 1) / count * count);
        let rows: Vec<YearRow> = diesel::sql_query(
            "SELECT t.customer_id, c.name, t.cents, t.last_visit, t.rank \
             FROM dashboard_top_customers t JOIN customers c ON c.id = t.customer_id \
             WHERE t.scope = $1 AND t.rank > $2 AND t.rank <= $3 AND t.window_end = $4 \
             ORDER BY t.rank",
        )
        .bind::<BigInt, _>(scope)
        .bind::<BigInt, _>(skip)
        .bind::<BigInt, _>(skip.saturating_add(count))
        .bind::<Timestamptz, _>(head.window_end)
        .load(conn)?;
        // None from the window just read: a refresh landed between the two reads.
        if rows.is_empty() {
            continue;
        }
        let rows = rows
            .into_iter()
            .map(|r| TopCustomer {
                customer_id: r.customer_id,
                name: r.name,
                cents: r.cents,
                last_visit: r.last_visit,
                rank: r.rank,
                customers: head.customers,
                total: head.total.clone(),
                top_count: head.top_count,
                top_revenue: head.top_revenue.clone(),
            })
            .collect();
        return Ok((head.window_end, rows));
    }
    Ok((end, Vec::new()))
}

/// An invoice as [`revenue_ledger`] reads it: id, issued, branch, customer, cents, void.
type IssuedRow = (
    i64,
    Option<DateTime<Utc>>,
    i64,
    Option<i64>,
    Option<i64>,
    bool,
);

/// How many invoices [`revenue_ledger`] reads at a time.
const LEDGER_CHUNK: i64 = 100_000;

/// Every issued invoice of a customer (a void one as a visit worth nothing) and every credit
/// note on one, as one snapshot, for ranking date ranges in memory ([`top_customers_in`]).
/// Runs in its own read-only repeatable-read transaction, so call it outside one. Invoices are
/// read by id 100,000 at a time, so neither side holds all of them as rows at once.
pub fn revenue_ledger(conn: &mut PgConnection) -> Result<Ledger, RepoError> {
    use crate::schema::{credit_notes, invoices};
    use diesel::dsl::sql;
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            // The transaction's start, in the statement that takes its snapshot.
            let taken_at: DateTime<Utc> =
                diesel::select(sql::<Timestamptz>("now()")).get_result(conn)?;
            let mut ledger = LedgerBuilder::new(taken_at);
            let mut after = 0;
            loop {
                let chunk: Vec<IssuedRow> = invoices::table
                    .filter(invoices::id.gt(after))
                    .filter(invoices::number.is_not_null())
                    .filter(invoices::customer_id.is_not_null())
                    .order(invoices::id)
                    .limit(LEDGER_CHUNK)
                    .select((
                        invoices::id,
                        invoices::issued_at,
                        invoices::branch_id,
                        invoices::customer_id,
                        invoices::issued_cents,
                        invoices::status.eq(crate::domain::invoice::InvoiceStatus::Void.as_str()),
                    ))
                    .load(conn)?;
                ledger.reserve(chunk.len());
                let full = chunk.len() as i64 == LEDGER_CHUNK;
                for (id, at, branch_id, customer_id, cents, void) in chunk {
                    after = id;
                    // Issuing sets the time and numbers the invoice, which stores its cents.
                    if let (Some(at), Some(customer_id), Some(cents)) = (at, customer_id, cents) {
                        ledger.push(Move {
                            at,
                            branch_id,
                            customer_id,
                            cents: if void { 0 } else { cents },
                            visit: true,
                            void,
                        });
                    }
                }
                if !full {
                    break;
                }
            }
            let credits: Vec<(DateTime<Utc>, i64, Option<i64>, i64)> = credit_notes::table
                .inner_join(invoices::table)
                .filter(invoices::customer_id.is_not_null())
                .select((
                    credit_notes::at,
                    credit_notes::branch_id,
                    invoices::customer_id,
                    sql::<BigInt>("(credit_notes.subtotal * 100)::bigint"),
                ))
                .load(conn)?;
            for (at, branch_id, customer_id, cents) in credits {
                if let Some(customer_id) = customer_id {
                    ledger.push(Move {
                        at,
                        branch_id,
                        customer_id,
                        cents: -cents,
                        visit: false,
                        void: false,
                    });
                }
            }
            // Each customer's lead source, as of the same snapshot.
            let sources: Vec<(i64, Option<i64>)> = crate::schema::customers::table
                .filter(crate::schema::customers::lead_source_id.is_not_null())
                .select((
                    crate::schema::customers::id,
                    crate::schema::customers::lead_source_id,
                ))
                .load(conn)?;
            let source_of: std::collections::HashMap<i64, i64> = sources
                .into_iter()
                .filter_map(|(id, s)| Some((id, s?)))
                .collect();
            Ok(ledger.finish().with_lead_sources(&source_of))
        })
}

/// [`top_customers`] from a ledger read earlier, so as of [`Ledger::taken_at`] (last visits
/// too): the ranking is summed in memory (far quicker than PostgreSQL sums a year of eight
/// branches), and only the page's names are read, now (a renamed or
/// erased customer never shows by an old name). Ranked live instead in the unheard-of case of
/// a sum past 64 bits.
pub fn top_customers_in(
    conn: &mut PgConnection,
    ledger: &Ledger,
    f: &SalesFilter,
    page: Option<(i64, i64)>,
) -> Result<Vec<TopCustomer>, RepoError> {
    let Some(ranking) = ledger.rank(&f.branches, f.from, f.to) else {
        return top_customers(conn, f, page);
    };
    let (first, count) = page_window(page);
    let top_count = ranking.top.len() as i64;
    // A page past the end gives the last one, as the live ranking does.
    let skip = first.max(0).min((top_count - 1) / count * count);
    let shown: Vec<(i64, Ranked)> = ranking
        .top
        .iter()
        .copied()
        .enumerate()
        .skip(skip as usize)
        .take(count as usize)
        .map(|(i, row)| (i as i64 + 1, row))
        .collect();
    let ids: Vec<i64> = shown.iter().map(|(_, r)| r.customer_id).collect();
    let names: Vec<Named> =
        diesel::sql_query("SELECT id AS customer_id, name FROM customers WHERE id = ANY($1)")
            .bind::<Array<BigInt>, _>(&ids)
            .load(conn)?;
    let mut names: std::collections::HashMap<i64, String> =
        names.into_iter().map(|n| (n.customer_id, n.name)).collect();
    let total = BigDecimal::new(ranking.total_cents.into(), 2);
    let top_revenue = BigDecimal::new(ranking.top_cents().into(), 2);
    Ok(shown
        .into_iter()
        .filter_map(|(rank, r)| {
            Some(TopCustomer {
                customer_id: r.customer_id,
                name: names.remove(&r.customer_id)?,
                cents: r.cents,
                last_visit: r.last_visit?,
                rank,
                customers: ranking.customers,
                total: total.clone(),
                top_count,
                top_revenue: top_revenue.clone(),
            })
        })
        .collect())
}

/// A ranked customer's name.
#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct YearScope {
    #[diesel(sql_type = Timestamptz)]
    window_end: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    scope: Option<i64>,
}

/// The headline figures of a scope's ranking.
#[derive(QueryableByName)]
struct YearHead {
    #[diesel(sql_type = BigInt)]
    customers: i64,
    #[diesel(sql_type = Numeric)]
    total: BigDecimal,
    #[diesel(sql_type = BigInt)]
    top_count: i64,
    #[diesel(sql_type = Numeric)]
    top_revenue: BigDecimal,
    #[diesel(sql_type = Timestamptz)]
    window_end: DateTime<Utc>,
}

/// One ranked customer of a scope.
#[derive(QueryableByName)]
struct YearRow {
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    cents: i64,
    #[diesel(sql_type = Timestamptz)]
    last_visit: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    rank: i64,
}
