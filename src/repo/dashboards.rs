//! Dashboard figures. Sales, service profitability and technician performance are summed from
//! materialized daily figures per branch (`dashboard_*_daily`, refreshed concurrently by
//! [`refresh`]), the last twelve months' customer ranking is read from one more view
//! ([`top_customers_year`]), and a date range's customer ranking is summed in memory from a
//! snapshot of customers' sales ([`revenue_ledger`], [`top_customers_in`]); the rest are live
//! queries that indexes keep to the range asked.
//! Sales: revenue is net of tax, from issued invoices (void ones left out), less the credit
//! notes raised in the period; transactions are invoices issued; periods are days, weeks or
//! months in the branch's timezone.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Numeric, Text, Timestamptz};

use super::RepoError;
use crate::domain::ranking::{Ledger, LedgerBuilder, Move, Ranked};

/// How sales are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Per day.
    Day,
    /// Per ISO week (starting Monday).
    Week,
    /// Per month.
    Month,
}

impl Bucket {
    /// From the query string (`day`, `week`, `month`).
    pub fn parse(s: &str) -> Option<Bucket> {
        match s {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            "month" => Some(Bucket::Month),
            _ => None,
        }
    }
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }
}

/// What a sales query covers.
#[derive(Debug, Clone)]
pub struct SalesFilter {
    /// Branches included.
    pub branches: Vec<i64>,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Grouping.
    pub bucket: Bucket,
    /// Timezone the periods are cut in.
    pub tz: String,
    /// First day (inclusive), in each branch's own calendar for the daily figures.
    pub from_day: NaiveDate,
    /// Last day (inclusive).
    pub to_day: NaiveDate,
    /// The moment the figures are for: what is overdue is counted then, on each branch's date.
    pub now: DateTime<Utc>,
}

/// One period.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct SalesPeriod {
    /// First day of the period (YYYY-MM-DD).
    #[diesel(sql_type = Text)]
    pub period: String,
    /// Revenue, net of tax, less credit notes.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Invoices issued.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
}

/// Revenue and transactions per period, from the daily figures (as of their last refresh).
pub fn sales_by_period(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<SalesPeriod>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT to_char(date_trunc($1, day::timestamp), 'YYYY-MM-DD') AS period, \
                (sum(invoiced) - sum(credited))::numeric(14,2) AS revenue, sum(transactions)::bigint AS transactions \
         FROM dashboard_sales_daily WHERE branch_id = ANY($2) AND day >= $3 AND day <= $4 \
         GROUP BY 1 ORDER BY 1",
    )
    .bind::<Text, _>(f.bucket.as_str())
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}

#[derive(QueryableByName)]
struct AsOf {
    #[diesel(sql_type = Timestamptz)]
    refreshed_at: DateTime<Utc>,
}

/// When the daily sales figures were last refreshed.
pub fn sales_as_of(conn: &mut PgConnection) -> Result<DateTime<Utc>, RepoError> {
    let row: AsOf = diesel::sql_query(
        "SELECT refreshed_at FROM dashboard_refreshes WHERE view_name = 'dashboard_sales_daily'",
    )
    .get_result(conn)?;
    Ok(row.refreshed_at)
}

#[derive(QueryableByName)]
struct Refreshed {
    #[diesel(sql_type = Bool)]
    refreshed: bool,
}

/// Refreshes the materialized dashboard figures without blocking their readers; false when
/// another refresh was already running (it will carry the same data).
pub fn refresh(conn: &mut PgConnection) -> Result<bool, RepoError> {
    // A refresh at scale takes tens of seconds: exempt it (this transaction only) from the
    // ceiling the application role puts on requests.
    diesel::sql_query("SET LOCAL statement_timeout = 0").execute(conn)?;
    let row: Refreshed =
        diesel::sql_query("SELECT refresh_dashboards() AS refreshed").get_result(conn)?;
    Ok(row.refreshed)
}

/// Money by payment method in the period: taken (payments, and deposits when taken) and
/// refunded.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct MethodRow {
    /// Method (stored name).
    #[diesel(sql_type = Text)]
    pub method: String,
    /// Money taken.
    #[diesel(sql_type = Numeric)]
    pub taken: BigDecimal,
    /// Money refunded.
    #[diesel(sql_type = Numeric)]
    pub refunded: BigDecimal,
}

/// Taken and refunded per method, from the daily figures (as of their last refresh).
pub fn by_method(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<MethodRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT method, sum(taken)::numeric(14,2) AS taken, sum(refunded)::numeric(14,2) AS refunded \
         FROM dashboard_payments_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 \
         GROUP BY method ORDER BY sum(taken) DESC, method",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}

/// Revenue by customer segment (walk-ins count as retail), before credit notes.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct SegmentRow {
    /// `retail` or `wholesale`.
    #[diesel(sql_type = Text)]
    pub segment: String,
    /// Net revenue.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Invoices.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
}

/// Retail against wholesale, from the daily figures.
pub fn by_segment(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<SegmentRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT segment, sum(invoiced)::numeric(14,2) AS revenue, sum(transactions)::bigint AS transactions \
         FROM dashboard_sales_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 \
         GROUP BY 1 HAVING sum(transactions) > 0 ORDER BY 1",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}

/// A customer among the top fifth by revenue.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct TopCustomer {
    /// Customer id.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// Name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Net revenue in the range (less credit notes), in whole cents.
    #[diesel(sql_type = BigInt)]
    pub cents: i64,
    /// Their last invoice at these branches (any time).
    #[diesel(sql_type = Timestamptz)]
    pub last_visit: DateTime<Utc>,
    /// 1 for the best customer.
    #[diesel(sql_type = BigInt)]
    pub rank: i64,
    /// Customers with revenue in the range.
    #[diesel(sql_type = BigInt)]
    pub customers: i64,
    /// All customers' revenue in the range.
    #[diesel(sql_type = Numeric)]
    pub total: BigDecimal,
    /// Customers in the top 20%.
    #[diesel(sql_type = BigInt)]
    pub top_count: i64,
    /// The top 20%'s revenue.
    #[diesel(sql_type = Numeric)]
    pub top_revenue: BigDecimal,
}

impl TopCustomer {
    /// Net revenue in the range (less credit notes).
    pub fn revenue(&self) -> BigDecimal {
        BigDecimal::new(self.cents.into(), 2)
    }
}

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
        "WITH moves AS ( \
           SELECT customer_id, issued_cents AS cents FROM invoices \
           WHERE customer_id IS NOT NULL AND branch_id = ANY($1) AND issued_at >= $2 AND issued_at < $3 \
             AND number IS NOT NULL AND status <> 'void' \
           UNION ALL \
           SELECT i.customer_id, -(n.subtotal * 100)::bigint FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id \
           WHERE i.customer_id IS NOT NULL AND n.branch_id = ANY($1) AND n.at >= $2 AND n.at < $3), \
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
         FROM page p ORDER BY p.rank",
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
                        invoices::status.eq("void"),
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
                    });
                }
            }
            Ok(ledger.finish())
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

/// Preorders now: counts by status, deposits held, the overdue ones.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct PreorderCount {
    /// Status.
    #[diesel(sql_type = Text)]
    pub status: String,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// Deposits on them.
    #[diesel(sql_type = Numeric)]
    pub deposits: BigDecimal,
}

/// Counts and deposits per status at the branches.
pub fn preorder_counts(
    conn: &mut PgConnection,
    branches: &[i64],
) -> Result<Vec<PreorderCount>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT status, count(*)::bigint AS count, sum(deposit_paid)::numeric(14,2) AS deposits \
         FROM preorders WHERE branch_id = ANY($1) GROUP BY status ORDER BY status",
    )
    .bind::<Array<BigInt>, _>(branches)
    .load(conn)?)
}

/// An overdue preorder.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct OverduePreorder {
    /// Preorder id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Customer.
    #[diesel(sql_type = Text)]
    pub customer: String,
    /// Brand and model.
    #[diesel(sql_type = Text)]
    pub item: String,
    /// SLA date.
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub due: chrono::NaiveDate,
    /// Days past it.
    #[diesel(sql_type = BigInt)]
    pub days_over: i64,
    /// Deposit held.
    #[diesel(sql_type = Numeric)]
    pub deposit: BigDecimal,
}

/// Open preorders past their SLA date at `now`, on each branch's own date, most overdue first (at
/// most 200).
pub fn overdue_preorders(
    conn: &mut PgConnection,
    branches: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<OverduePreorder>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT p.id, c.name AS customer, m.brand || ' ' || m.model AS item, p.sla_due_on AS due, \
                (($2 AT TIME ZONE b.timezone)::date - p.sla_due_on)::bigint AS days_over, p.deposit_paid AS deposit \
         FROM preorders p JOIN branches b ON b.id = p.branch_id \
           JOIN customers c ON c.id = p.customer_id JOIN product_models m ON m.id = p.product_model_id \
         WHERE p.branch_id = ANY($1) AND p.status IN ('ordered', 'in_transit') \
           AND p.sla_due_on < ($2 AT TIME ZONE b.timezone)::date \
         ORDER BY p.sla_due_on, p.id LIMIT 200",
    )
    .bind::<Array<BigInt>, _>(branches)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .load(conn)?)
}

/// Stock now, at cost, and what was sold at cost in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct StockFigures {
    /// Unsold units (not sold or scrapped).
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    /// Their landed cost.
    #[diesel(sql_type = Numeric)]
    pub units_value: BigDecimal,
    /// Bulk stock on hand at each item's unit cost.
    #[diesel(sql_type = Numeric)]
    pub bulk_value: BigDecimal,
    /// Stock items below their reorder threshold (per branch).
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    /// Cost of what invoices issued in the range sold, less refunded quantities.
    #[diesel(sql_type = Numeric)]
    pub sold_at_cost: BigDecimal,
}

/// The inventory headline figures.
pub fn stock_figures(conn: &mut PgConnection, f: &SalesFilter) -> Result<StockFigures, RepoError> {
    Ok(diesel::sql_query(
        "SELECT \
           u.units, u.units_value, \
           (SELECT COALESCE(sum(l.on_hand * i.unit_cost), 0) FROM stock_levels l JOIN stock_items i ON i.id = l.stock_item_id \
              WHERE l.branch_id = ANY($1))::numeric(14,2) AS bulk_value, \
           (SELECT count(*) FROM stock_items i CROSS JOIN unnest($1::bigint[]) AS b(id) \
              LEFT JOIN stock_levels l ON l.stock_item_id = i.id AND l.branch_id = b.id \
              WHERE i.active AND COALESCE(l.on_hand, 0) < i.reorder_threshold)::bigint AS low, \
           (SELECT COALESCE(sum(goods_cost), 0) FROM dashboard_sales_daily \
              WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3)::numeric(14,2) AS sold_at_cost \
         FROM (SELECT count(*)::bigint AS units, COALESCE(sum(landed_cost), 0)::numeric(14,2) AS units_value \
               FROM assets WHERE branch_id = ANY($1) AND status NOT IN ('sold', 'scrapped')) u",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .get_result(conn)?)
}

/// Unsold units by age since they were received.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct AgeBucket {
    /// `0–30`, `30–60`, `60–90`, `90+` days.
    #[diesel(sql_type = Text)]
    pub bucket: String,
    /// Units.
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    /// Their landed cost.
    #[diesel(sql_type = Numeric)]
    pub value: BigDecimal,
}

/// Unsold units at the branches by age since they were received: every bucket, in order, even
/// an empty one. A unit is in `0–30` until 30 whole days (of 24 hours) have passed, and so on;
/// each bucket is one range read of the index of unsold units by branch and time received.
/// The inventory dashboard reads it for its branches, the stock screen for the active one.
pub fn aging(conn: &mut PgConnection, branches: &[i64]) -> Result<Vec<AgeBucket>, RepoError> {
    // The outer buckets reach a million days (about 2,700 years) into the future and the past.
    Ok(diesel::sql_query(
        "SELECT b.bucket, x.units, x.value \
         FROM (VALUES (1, '0–30', -1000000, 30), (2, '30–60', 30, 60), (3, '60–90', 60, 90), \
                      (4, '90+', 90, 1000000)) b(ord, bucket, newest, oldest) \
         CROSS JOIN LATERAL ( \
           SELECT count(*)::bigint AS units, COALESCE(sum(a.landed_cost), 0)::numeric(14,2) AS value \
           FROM assets a WHERE a.branch_id = ANY($1) AND a.status NOT IN ('sold', 'scrapped') \
             AND a.received_at <= now() - make_interval(hours => 24 * b.newest) \
             AND a.received_at > now() - make_interval(hours => 24 * b.oldest)) x \
         ORDER BY b.ord",
    )
    .bind::<Array<BigInt>, _>(branches)
    .load(conn)?)
}

/// One technician's figures in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct TechRow {
    /// Staff id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Tickets assigned to them and closed in the range.
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    /// Average hours from opening to closing of those.
    #[diesel(sql_type = Numeric)]
    pub turnaround_hours: BigDecimal,
    /// Of those, how many came back: a new ticket for the same vehicle or device within 30
    /// days of closing.
    #[diesel(sql_type = BigInt)]
    pub comebacks: i64,
    /// Hours clocked (entries ended in the range).
    #[diesel(sql_type = Numeric)]
    pub clocked: BigDecimal,
    /// Of those, hours billed (approved, billable, on an invoice).
    #[diesel(sql_type = Numeric)]
    pub billed: BigDecimal,
}

/// Technician performance at the branches, from the daily figures (as of their last refresh).
pub fn technicians(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<TechRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT s.id, s.full_name AS name, sum(d.closed)::bigint AS closed, \
                COALESCE(sum(d.turnaround_hours) / NULLIF(sum(d.closed), 0), 0)::numeric(10,1) AS turnaround_hours, \
                sum(d.comebacks)::bigint AS comebacks, sum(d.clocked)::numeric(10,2) AS clocked, \
                sum(d.billed)::numeric(10,2) AS billed \
         FROM dashboard_technicians_daily d JOIN staff_users s ON s.id = d.technician_id \
         WHERE d.branch_id = ANY($1) AND d.day >= $2 AND d.day <= $3 \
         GROUP BY s.id, s.full_name HAVING sum(d.closed) > 0 OR sum(d.clocked) > 0 ORDER BY 3 DESC, s.full_name",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}

/// One catalogue service (or billed labour) in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct ServiceRow {
    /// Service name (`Labour (hourly)` for labour lines).
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Its category.
    #[diesel(sql_type = Text)]
    pub category: String,
    /// Times sold (less refunded).
    #[diesel(sql_type = Numeric)]
    pub sold: BigDecimal,
    /// Net revenue, less refunded quantities.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Parts on the same invoices at cost, shared among its services by revenue.
    #[diesel(sql_type = Numeric)]
    pub parts_cost: BigDecimal,
    /// Hours: the time clocked on the invoice's ticket, shared likewise; the catalogue's
    /// standard hours when none was clocked.
    #[diesel(sql_type = Numeric)]
    pub hours: BigDecimal,
    /// Hours at the branch's labour cost rate.
    #[diesel(sql_type = Numeric)]
    pub labour_cost: BigDecimal,
    /// Revenue − parts cost − labour cost.
    #[diesel(sql_type = Numeric)]
    pub profit: BigDecimal,
}

/// Service profitability from the daily figures (as of their last refresh): revenue − parts
/// cost − labour cost per service, from invoices issued
/// in the range (void ones left out), worst first.
pub fn service_profitability(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<ServiceRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT COALESCE(v.name, 'Labour (hourly)') AS name, COALESCE(v.category, 'Labour') AS category, \
                sum(d.sold)::numeric(14,2) AS sold, sum(d.revenue)::numeric(14,2) AS revenue, \
                sum(d.parts_cost)::numeric(14,2) AS parts_cost, sum(d.hours)::numeric(14,2) AS hours, \
                sum(d.labour_cost)::numeric(14,2) AS labour_cost, \
                (sum(d.revenue) - sum(d.parts_cost) - sum(d.labour_cost))::numeric(14,2) AS profit \
         FROM dashboard_services_daily d LEFT JOIN services v ON v.id = NULLIF(d.service_key, 0) \
         WHERE d.branch_id = ANY($1) AND d.day >= $2 AND d.day <= $3 \
         GROUP BY 1, 2 ORDER BY 8, 1",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}

/// One branch's figures side by side with the others'.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct BranchRow {
    /// Branch id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Net revenue less credit notes (from the daily figures).
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Invoices issued.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
    /// Tickets closed.
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    /// Average hours from opening to closing.
    #[diesel(sql_type = Numeric)]
    pub turnaround_hours: BigDecimal,
    /// Closed tickets followed by another for the same vehicle or device within 30 days.
    #[diesel(sql_type = BigInt)]
    pub comebacks: i64,
    /// Goods sold at cost, less refunded quantities.
    #[diesel(sql_type = Numeric)]
    pub goods_cost: BigDecimal,
    /// Hours clocked at the branch's labour cost rate.
    #[diesel(sql_type = Numeric)]
    pub labour_cost: BigDecimal,
    /// Unsold units and bulk stock at cost now.
    #[diesel(sql_type = Numeric)]
    pub stock_value: BigDecimal,
    /// Open preorders past their SLA date.
    #[diesel(sql_type = BigInt)]
    pub overdue_preorders: i64,
}

/// The same figures for every branch in the filter, by name: sales, tickets and labour from the
/// daily figures (as of their last refresh), stock and preorders as they are at `now` (overdue on
/// each branch's own date).
pub fn branch_benchmarks(
    conn: &mut PgConnection,
    f: &SalesFilter,
    now: DateTime<Utc>,
) -> Result<Vec<BranchRow>, RepoError> {
    Ok(diesel::sql_query(
        "WITH s AS ( \
           SELECT branch_id, sum(invoiced) - sum(credited) AS revenue, sum(transactions) AS n, sum(goods_cost) AS goods \
           FROM dashboard_sales_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 GROUP BY 1), \
         t AS ( \
           SELECT branch_id, sum(closed) AS closed, sum(turnaround_hours) / NULLIF(sum(closed), 0) AS turnaround, \
                  sum(comebacks) AS comebacks, sum(clocked) AS hours \
           FROM dashboard_technicians_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 GROUP BY 1), \
         u AS ( \
           SELECT branch_id, sum(landed_cost) AS value FROM assets \
           WHERE branch_id = ANY($1) AND status NOT IN ('sold', 'scrapped') GROUP BY 1), \
         bulk AS ( \
           SELECT l.branch_id, sum(l.on_hand * i.unit_cost) AS value FROM stock_levels l JOIN stock_items i ON i.id = l.stock_item_id \
           WHERE l.branch_id = ANY($1) GROUP BY 1), \
         p AS ( \
           SELECT p.branch_id, count(*) AS overdue FROM preorders p JOIN branches pb ON pb.id = p.branch_id \
           WHERE p.branch_id = ANY($1) AND p.status IN ('ordered', 'in_transit') \
             AND p.sla_due_on < ($4 AT TIME ZONE pb.timezone)::date GROUP BY 1) \
         SELECT b.id, b.name, COALESCE(s.revenue, 0)::numeric(14,2) AS revenue, COALESCE(s.n, 0)::bigint AS transactions, \
                COALESCE(t.closed, 0)::bigint AS closed, COALESCE(t.turnaround, 0)::numeric(10,1) AS turnaround_hours, \
                COALESCE(t.comebacks, 0)::bigint AS comebacks, COALESCE(s.goods, 0)::numeric(14,2) AS goods_cost, \
                (COALESCE(t.hours, 0) * b.labour_cost_rate)::numeric(14,2) AS labour_cost, \
                (COALESCE(u.value, 0) + COALESCE(bulk.value, 0))::numeric(14,2) AS stock_value, \
                COALESCE(p.overdue, 0)::bigint AS overdue_preorders \
         FROM branches b LEFT JOIN s ON s.branch_id = b.id LEFT JOIN t ON t.branch_id = b.id \
           LEFT JOIN u ON u.branch_id = b.id LEFT JOIN bulk ON bulk.branch_id = b.id LEFT JOIN p ON p.branch_id = b.id \
         WHERE b.id = ANY($1) ORDER BY b.name, b.id",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .load(conn)?)
}
