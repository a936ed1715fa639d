//! Manager dashboards: sales, high-value customers, preorders, inventory, technicians, service
//! profitability and branch benchmarking. Each is a page with headline figures, a chart drawn on
//! the server as SVG, a table, a date-range and branch filter (or all the branches the user may
//! see) and a CSV export of the table's rows. Cost and margin figures appear, in the page and
//! the CSV, only for the roles that see costs (finance, manager, admin). The daily sales
//! figures come from a materialized view; those pages say when it was refreshed, and offer a
//! refresh on demand. So does the high-value customers page: its "last 12 months" ranking
//! (`?period=12m`) is a view too, and its date ranges are ranked from the snapshot of customers'
//! sales the server takes with each refresh (live until the first is taken).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::ranking::LedgerShelf;
use crate::domain::time;
use crate::domain::validation::FieldErrors;
use crate::domain::{csv, money};
use crate::error::AppError;
use crate::repo::branches;
use crate::repo::dashboards::{
    self, AgeBucket, BranchRow, Bucket, MethodRow, OverduePreorder, PreorderCount, SalesFilter,
    SalesPeriod, SegmentRow, ServiceRow, StockFigures, TechRow, TopCustomer,
};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The longest range a dashboard answers (ten years).
const MAX_DAYS: i64 = 3653;

/// The filter as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    branch: String,
    #[serde(default)]
    bucket: String,
    /// Page of a dashboard's long table (top customers).
    #[serde(default)]
    page: String,
    /// A named period instead of the dates: [`YEAR`] (top customers).
    #[serde(default)]
    period: String,
}

/// The `period` of the high-value customers' precomputed ranking: the 365 days up to its
/// last refresh.
const YEAR: &str = "12m";

/// Whether a typed `period` asks for that ranking.
fn is_year(period: &str) -> bool {
    period.trim() == YEAR
}

struct Range {
    filter: SalesFilter,
    from: NaiveDate,
    to: NaiveDate,
    branch: String,
}

/// Checks the filter: dates in order and at most ten years apart, a branch the user may see.
async fn range(
    staff: &Staff,
    state: &AppState,
    q: &RangeQuery,
) -> Result<Result<Range, FieldErrors>, AppError> {
    let branch = match q.branch.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if staff.branches.iter().any(|b| b.id == id) => Some(id),
            _ => {
                return Err(AppError::Forbidden(
                    "branch outside the user's branches".into(),
                ));
            }
        },
    };
    let active = staff.branch.id;
    let tz = db(&state.pool, &staff.actor(), move |conn| {
        Ok(branches::get(conn, branch.unwrap_or(active))?.timezone)
    })
    .await?;
    let today = time::local_date(&tz, staff.now);
    let mut errors = FieldErrors::new();
    let date =
        |raw: &str, default: NaiveDate, field: &str, errors: &mut FieldErrors| match raw.trim() {
            "" => default,
            v => NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap_or_else(|_| {
                errors.add(field, "Enter the date as YYYY-MM-DD.");
                default
            }),
        };
    let to = date(&q.to, today, "to", &mut errors);
    let from = date(
        &q.from,
        to - chrono::Duration::days(29),
        "from",
        &mut errors,
    );
    if !matches!(q.period.trim(), "" | YEAR) {
        errors.add("period", "Choose the last 12 months or a date range.");
    }
    if from > to {
        errors.add("from", "The start comes after the end; swap the dates.");
    } else if (to - from).num_days() > MAX_DAYS {
        errors.add("from", "Choose at most ten years.");
    }
    let bucket = match q.bucket.as_str() {
        "" => Bucket::Day,
        b => Bucket::parse(b).unwrap_or_else(|| {
            errors.add("bucket", "Choose day, week or month.");
            Bucket::Day
        }),
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (Some((start, _)), Some((_, end))) =
        (time::day_bounds(&tz, from), time::day_bounds(&tz, to))
    else {
        return Ok(Err(FieldErrors::single(
            "from",
            "Those dates do not exist in the branch's timezone.",
        )));
    };
    Ok(Ok(Range {
        filter: SalesFilter {
            branches: branch
                .map(|b| vec![b])
                .unwrap_or_else(|| staff.branches.iter().map(|b| b.id).collect()),
            from: start,
            to: end,
            bucket,
            tz,
            from_day: from,
            to_day: to,
            now: staff.now,
        },
        from,
        to,
        branch: branch.map(|b| b.to_string()).unwrap_or_default(),
    }))
}

/// A CSV download named `filename`.
fn csv_file(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// A refused export: the messages as plain text, 422.
fn csv_refused(errors: &FieldErrors) -> HttpResponse {
    let message: Vec<&str> = errors.iter().map(|(_, m)| m).collect();
    HttpResponse::UnprocessableEntity()
        .content_type("text/plain; charset=utf-8")
        .body(message.join(" "))
}

/// The rows `load` gives for a checked range; none when the filter was refused.
async fn rows_for<T, F>(
    staff: &Staff,
    state: &AppState,
    r: &Option<Range>,
    load: F,
) -> Result<Vec<T>, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut diesel::PgConnection, &SalesFilter) -> Result<Vec<T>, crate::repo::RepoError>
        + Send
        + 'static,
{
    match r {
        Some(r) => {
            let f = r.filter.clone();
            db(&state.pool, &staff.actor(), move |conn| load(conn, &f)).await
        }
        None => Ok(Vec::new()),
    }
}

/// For a CSV export: the checked range and the rows `load` gives for it, or, when the filter is
/// refused, the answer to send instead.
async fn csv_rows<T, F>(
    staff: &Staff,
    state: &AppState,
    query: &RangeQuery,
    load: F,
) -> Result<Result<(Range, Vec<T>), HttpResponse>, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut diesel::PgConnection, &SalesFilter) -> Result<Vec<T>, crate::repo::RepoError>
        + Send
        + 'static,
{
    let r = match range(staff, state, query).await? {
        Ok(r) => r,
        Err(errors) => return Ok(Err(csv_refused(&errors))),
    };
    let f = r.filter.clone();
    let rows = db(&state.pool, &staff.actor(), move |conn| load(conn, &f)).await?;
    Ok(Ok((r, rows)))
}

/// Branch benchmarks for the filter, overdue preorders counted at the filter's moment.
fn benchmarks(
    conn: &mut diesel::PgConnection,
    f: &SalesFilter,
) -> Result<Vec<BranchRow>, crate::repo::RepoError> {
    dashboards::branch_benchmarks(conn, f, f.now)
}

/// The filter form every dated dashboard shows, as typed (and, once checked, as applied).
pub struct Filter {
    query: RangeQuery,
    errors: FieldErrors,
    branches: Vec<(i64, String)>,
    action: &'static str,
}

impl Filter {
    fn branch_selected(&self, id: &i64) -> bool {
        self.query.branch == id.to_string()
    }
    fn bucket_is(&self, b: &str) -> bool {
        self.query.bucket == b || (self.query.bucket.is_empty() && b == "day")
    }
    /// Whether the filter asks for the last 12 months' ranking rather than dates.
    fn year(&self) -> bool {
        is_year(&self.query.period)
    }
}

/// Checks the query; the filter to show and, when it is valid, the range to query.
async fn prepare(
    staff: &Staff,
    state: &AppState,
    mut query: RangeQuery,
    action: &'static str,
) -> Result<(Filter, Option<Range>), AppError> {
    let branches = staff
        .branches
        .iter()
        .map(|b| (b.id, b.name.clone()))
        .collect();
    match range(staff, state, &query).await? {
        Err(errors) => Ok((
            Filter {
                query,
                errors,
                branches,
                action,
            },
            None,
        )),
        Ok(r) => {
            query.from = r.from.to_string();
            query.to = r.to.to_string();
            query.branch = r.branch.clone();
            query.bucket = r.filter.bucket.as_str().to_string();
            Ok((
                Filter {
                    query,
                    errors: FieldErrors::new(),
                    branches,
                    action,
                },
                Some(r),
            ))
        }
    }
}

fn code(r: &Option<Range>) -> StatusCode {
    if r.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The sales dashboard.
#[derive(Template)]
#[template(path = "dashboards/sales.html")]
pub struct SalesPage {
    page: PageCtx,
    filter: Filter,
    periods: Vec<SalesPeriod>,
    methods: Vec<MethodRow>,
    segments: Vec<SegmentRow>,
    revenue: BigDecimal,
    transactions: i64,
    chart: String,
    as_of: AsOf,
}

/// When the materialized figures a page shows were refreshed, and the refresh button.
pub struct AsOf {
    /// What the time is, before it.
    lead: &'static str,
    /// After it.
    tail: &'static str,
    /// `YYYY-MM-DD HH:MM` in the branch's timezone.
    at: String,
    /// Where the refresh returns to.
    back: String,
    /// Whether this user may refresh.
    may_refresh: bool,
}

impl AsOf {
    /// Read before the page's query takes the range: shown in the range's timezone (UTC when
    /// the filter was refused).
    async fn load(
        req: &HttpRequest,
        staff: &Staff,
        state: &AppState,
        range: &Option<Range>,
    ) -> Result<AsOf, AppError> {
        let at = db(&state.pool, &staff.actor(), dashboards::sales_as_of).await?;
        Ok(AsOf::at(
            req,
            staff,
            at,
            range_tz(range.as_ref()),
            ("Daily figures as of", "they refresh every few minutes."),
        ))
    }

    /// `at` shown in `tz`, between the words of `(lead, tail)`.
    fn at(
        req: &HttpRequest,
        staff: &Staff,
        at: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
        (lead, tail): (&'static str, &'static str),
    ) -> AsOf {
        AsOf {
            lead,
            tail,
            at: at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            back: match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{q}", req.path()),
            },
            may_refresh: staff.role.sees_costs(),
        }
    }
}

/// The range's timezone (UTC when the filter was refused).
fn range_tz(range: Option<&Range>) -> chrono_tz::Tz {
    range
        .and_then(|r| r.filter.tz.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

impl SalesPage {
    fn average(&self) -> BigDecimal {
        if self.transactions == 0 {
            BigDecimal::from(0)
        } else {
            crate::domain::money::cents(&(&self.revenue / BigDecimal::from(self.transactions)))
        }
    }
    fn method_label(m: &str) -> &'static str {
        m.parse::<crate::domain::invoice::PaymentMethod>()
            .map(|m| m.label())
            .unwrap_or("Other")
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/sales.csv?from={}&to={}&branch={}&bucket={}",
            q.from, q.to, q.branch, q.bucket
        )
    }
}

/// `GET /dashboards/sales`.
pub async fn sales(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/sales").await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let (periods, methods, segments) = match r {
        Some(r) => {
            let f = r.filter;
            db(&state.pool, &staff.actor(), move |conn| {
                Ok((
                    dashboards::sales_by_period(conn, &f)?,
                    dashboards::by_method(conn, &f)?,
                    dashboards::by_segment(conn, &f)?,
                ))
            })
            .await?
        }
        None => Default::default(),
    };
    let revenue: BigDecimal = periods.iter().map(|p| &p.revenue).sum();
    let transactions = periods.iter().map(|p| p.transactions).sum();
    let points: Vec<(String, f64)> = periods
        .iter()
        .map(|p| (p.period.clone(), p.revenue.to_f64().unwrap_or(0.0)))
        .collect();
    let page = SalesPage {
        page: PageCtx::for_request(&req),
        as_of,
        filter,
        chart: crate::domain::chart::bars("Revenue per period", &points, 720, 220),
        periods,
        methods,
        segments,
        revenue,
        transactions,
    };
    html(status, &page)
}

/// `GET /dashboards/sales.csv`: the table's rows.
pub async fn sales_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, periods) = match csv_rows(&staff, &state, &query, dashboards::sales_by_period).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let mut body = csv::row(&[
        csv::text("period"),
        csv::text("revenue"),
        csv::text("transactions"),
    ]);
    for p in &periods {
        body.push_str(&csv::row(&[
            csv::text(&p.period),
            csv::number(&format!("{:.2}", p.revenue)),
            csv::number(&p.transactions.to_string()),
        ]));
    }
    Ok(csv_file(&format!("sales-{}-{}.csv", r.from, r.to), body))
}

/// The high-value customers dashboard.
#[derive(Template)]
#[template(path = "dashboards/customers.html")]
pub struct CustomersPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<TopCustomer>,
    chart: String,
    pager: Pager,
    /// For the last 12 months: when they end (the ranking's refresh).
    as_of: Option<AsOf>,
    /// The timezone of the filter's branches, for the days of last visits.
    tz: chrono_tz::Tz,
}

/// Rows of the top-customers table per page.
const TOP_PER_PAGE: i64 = 50;

impl CustomersPage {
    fn top_count(&self) -> i64 {
        self.rows.first().map(|r| r.top_count).unwrap_or(0)
    }
    fn top_revenue(&self) -> BigDecimal {
        self.rows
            .first()
            .map(|r| r.top_revenue.clone())
            .unwrap_or_default()
    }
    fn total(&self) -> BigDecimal {
        self.rows
            .first()
            .map(|r| r.total.clone())
            .unwrap_or_default()
    }
    fn customers(&self) -> i64 {
        self.rows.first().map(|r| r.customers).unwrap_or(0)
    }
    /// The top fifth's share of revenue, in percent.
    fn share(&self) -> String {
        let total = self.total();
        if total == 0 {
            return "0.0".into();
        }
        let pct = self.top_revenue() * BigDecimal::from(100) / total;
        format!(
            "{:.1}",
            pct.with_scale_round(1, bigdecimal::RoundingMode::HalfUp)
        )
    }
    /// The local day of a customer's last visit.
    fn visit_day(&self, t: &TopCustomer) -> String {
        local_day(t, self.tz)
    }
    /// The query for these rows: the period, or the dates, and the branch.
    fn range_query(&self) -> String {
        let q = &self.filter.query;
        let branch = encode_component(&q.branch);
        if self.filter.year() {
            format!("period={YEAR}&branch={branch}")
        } else {
            format!(
                "from={}&to={}&branch={branch}",
                encode_component(&q.from),
                encode_component(&q.to)
            )
        }
    }
    fn csv_link(&self) -> String {
        format!("/dashboards/customers.csv?{}", self.range_query())
    }
    fn page_link(&self, page: i64) -> String {
        format!("/dashboards/customers?{}&page={page}", self.range_query())
    }
    /// The last 12 months at the chosen branch.
    fn year_link(&self) -> String {
        format!(
            "/dashboards/customers?period={YEAR}&branch={}",
            encode_component(&self.filter.query.branch)
        )
    }
}

/// The day, in `tz`, of `t`'s last visit (a visit late in the evening in UTC is already the
/// next day at a branch east of it).
fn local_day(t: &TopCustomer, tz: chrono_tz::Tz) -> String {
    // `NaiveDate`'s own form is YYYY-MM-DD; a format string would be parsed for every row of a
    // 29,000-row export.
    t.last_visit.with_timezone(&tz).date_naive().to_string()
}

/// Where a page of top customers was ranked from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ranked {
    /// Live, now: no sales snapshot taken yet (or the filter was refused).
    Now,
    /// From the sales snapshot taken then.
    Snapshot(chrono::DateTime<chrono::Utc>),
    /// The last 12 months' view, over the 365 days to then.
    Year(chrono::DateTime<chrono::Utc>),
}

/// The top customers for a checked filter: the last 12 months' ranking (with when its window
/// ends, shown as the filter's dates) when `year`, else the range ranked from the latest sales
/// snapshot, or live when there is none yet.
async fn top_rows(
    staff: &Staff,
    state: &AppState,
    filter: &mut Filter,
    r: &Option<Range>,
    page: Option<(i64, i64)>,
) -> Result<(Vec<TopCustomer>, Ranked), AppError> {
    let Some(r) = r.as_ref().filter(|_| filter.year()) else {
        let ledger = state.ledger.current().filter(|_| r.is_some());
        let ranked = ledger
            .as_ref()
            .map_or(Ranked::Now, |l| Ranked::Snapshot(l.taken_at()));
        let rows = rows_for(staff, state, r, move |conn, f| match ledger {
            Some(ledger) => dashboards::top_customers_in(conn, &ledger, f, page),
            None => dashboards::top_customers(conn, f, page),
        })
        .await?;
        return Ok((rows, ranked));
    };
    let branches = r.filter.branches.clone();
    let (end, rows) = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::top_customers_year(conn, &branches, page)
    })
    .await?;
    let tz = range_tz(Some(r));
    filter.query.from = (end - chrono::Duration::days(365))
        .with_timezone(&tz)
        .date_naive()
        .to_string();
    filter.query.to = end.with_timezone(&tz).date_naive().to_string();
    Ok((rows, Ranked::Year(end)))
}

/// The filter as typed, the dates left out for the last 12 months (the window decides them).
fn customers_query(mut query: RangeQuery) -> RangeQuery {
    if is_year(&query.period) {
        query.from.clear();
        query.to.clear();
    }
    query
}

/// `GET /dashboards/customers`.
pub async fn customers(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let query = customers_query(query.into_inner());
    let (mut filter, r) = prepare(&staff, &state, query, "/dashboards/customers").await?;
    let status = code(&r);
    let mut pager = Pager::new(filter.query.page.trim().parse().ok(), TOP_PER_PAGE);
    let page = Some((pager.offset(), pager.per_page));
    let (rows, ranked) = top_rows(&staff, &state, &mut filter, &r, page).await?;
    let tz = range_tz(r.as_ref());
    let as_of = match ranked {
        Ranked::Now => None,
        Ranked::Snapshot(at) => Some((at, "Ranked from the sales as of")),
        Ranked::Year(end) => Some((end, "Ranked over the 365 days to")),
    }
    .map(|(at, lead)| {
        AsOf::at(
            &req,
            &staff,
            at,
            tz,
            (lead, "the ranking refreshes every few minutes."),
        )
    });
    if let Some(first) = rows.first() {
        // A page past the end shows the last one.
        pager.page = (first.rank - 1) / pager.per_page + 1;
        pager.total = first.top_count;
    }
    let points: Vec<(String, f64)> = rows
        .iter()
        .take(40)
        .map(|t| (t.name.clone(), t.cents as f64 / 100.0))
        .collect();
    let title = if pager.page == 1 {
        "Revenue of the top customers".to_string()
    } else {
        format!(
            "Revenue of the customers ranked from {}",
            pager.offset() + 1
        )
    };
    let page = CustomersPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars(&title, &points, 720, 220),
        rows,
        pager,
        as_of,
        tz,
    };
    html(status, &page)
}

/// `GET /dashboards/customers.csv`.
pub async fn customers_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let query = customers_query(query.into_inner());
    let (mut filter, r) = prepare(&staff, &state, query, "/dashboards/customers").await?;
    if r.is_none() {
        return Ok(csv_refused(&filter.errors));
    }
    let (rows, _) = top_rows(&staff, &state, &mut filter, &r, None).await?;
    let tz = range_tz(r.as_ref());
    let (from, to) = (&filter.query.from, &filter.query.to);
    // All branches over a year is some 29,000 rows: written on the blocking pool, not on the
    // HTTP worker that other requests are waiting for (by default one on two cores).
    let body = web::block(move || {
        let mut body = csv::row(&[
            csv::text("rank"),
            csv::text("customer"),
            csv::text("revenue"),
            csv::text("last_visit"),
        ]);
        for t in &rows {
            body.push_str(&csv::row(&[
                csv::number(&t.rank.to_string()),
                csv::text(&t.name),
                csv::number(&money::cents_text(t.cents)),
                csv::text(&local_day(t, tz)),
            ]));
        }
        body
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the customers' CSV: {e}")))?;
    Ok(csv_file(&format!("top-customers-{from}-{to}.csv"), body))
}

/// Statuses whose deposit is still held (not yet applied to an invoice).
const HOLDING: &[&str] = &[
    "deposit_pending",
    "ordered",
    "in_transit",
    "arrived",
    "customer_notified",
    "rejected",
];

/// The preorders dashboard (the state now, so no date range).
#[derive(Template)]
#[template(path = "dashboards/preorders.html")]
pub struct PreordersPage {
    page: PageCtx,
    branch: String,
    branches: Vec<(i64, String)>,
    counts: Vec<PreorderCount>,
    overdue: Vec<OverduePreorder>,
    chart: String,
}

impl PreordersPage {
    fn branch_selected(&self, id: &i64) -> bool {
        self.branch == id.to_string()
    }
    fn held(&self) -> BigDecimal {
        self.counts
            .iter()
            .filter(|c| HOLDING.contains(&c.status.as_str()))
            .map(|c| &c.deposits)
            .sum()
    }
    fn on_the_clock(&self) -> i64 {
        self.counts
            .iter()
            .filter(|c| c.status == "ordered" || c.status == "in_transit")
            .map(|c| c.count)
            .sum()
    }
    fn label(s: &str) -> String {
        s.replace('_', " ")
    }
}

/// Branch filter of a dashboard without dates.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BranchQuery {
    #[serde(default)]
    branch: String,
}

fn chosen_branches(staff: &Staff, raw: &str) -> Result<Vec<i64>, AppError> {
    match raw.trim() {
        "" => Ok(staff.branches.iter().map(|b| b.id).collect()),
        v => match v.parse::<i64>() {
            Ok(id) if staff.branches.iter().any(|b| b.id == id) => Ok(vec![id]),
            _ => Err(AppError::Forbidden(
                "branch outside the user's branches".into(),
            )),
        },
    }
}

/// `GET /dashboards/preorders`.
pub async fn preorders(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BranchQuery>,
) -> Result<HttpResponse, AppError> {
    let (chosen, now) = (chosen_branches(&staff, &query.branch)?, staff.now);
    let (counts, overdue) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            dashboards::preorder_counts(conn, &chosen)?,
            dashboards::overdue_preorders(conn, &chosen, now)?,
        ))
    })
    .await?;
    let points: Vec<(String, f64)> = counts
        .iter()
        .map(|c| (c.status.replace('_', " "), c.count as f64))
        .collect();
    html(
        StatusCode::OK,
        &PreordersPage {
            page: PageCtx::for_request(&req),
            branch: query.branch.clone(),
            branches: staff
                .branches
                .iter()
                .map(|b| (b.id, b.name.clone()))
                .collect(),
            chart: crate::domain::chart::bars("Preorders by status", &points, 720, 200),
            counts,
            overdue,
        },
    )
}

/// `GET /dashboards/preorders.csv`: the overdue list.
pub async fn preorders_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BranchQuery>,
) -> Result<HttpResponse, AppError> {
    let (chosen, now, today) = (
        chosen_branches(&staff, &query.branch)?,
        staff.now,
        staff.today(),
    );
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::overdue_preorders(conn, &chosen, now)
    })
    .await?;
    let mut body = csv::row(&[
        csv::text("preorder"),
        csv::text("customer"),
        csv::text("item"),
        csv::text("due"),
        csv::text("days_over"),
        csv::text("deposit"),
    ]);
    for r in &rows {
        body.push_str(&csv::row(&[
            csv::number(&r.id.to_string()),
            csv::text(&r.customer),
            csv::text(&r.item),
            csv::text(&r.due.to_string()),
            csv::number(&r.days_over.to_string()),
            csv::number(&format!("{:.2}", r.deposit)),
        ]));
    }
    Ok(csv_file(&format!("overdue-preorders-{today}.csv"), body))
}

/// The inventory dashboard.
#[derive(Template)]
#[template(path = "dashboards/inventory.html")]
pub struct InventoryPage {
    page: PageCtx,
    filter: Filter,
    figures: Option<StockFigures>,
    aging: Vec<AgeBucket>,
    costs: bool,
    chart: String,
    as_of: AsOf,
}

impl InventoryPage {
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!("/dashboards/inventory.csv?branch={}", q.branch)
    }
    fn value(f: &StockFigures) -> BigDecimal {
        &f.units_value + &f.bulk_value
    }
    /// What the range sold at cost, as a multiple of the stock held now.
    fn turnover(f: &StockFigures) -> String {
        let held = Self::value(f);
        if held == 0 {
            return "—".into();
        }
        format!(
            "{:.2}",
            (&f.sold_at_cost / held).with_scale_round(2, bigdecimal::RoundingMode::HalfUp)
        )
    }
}

/// `GET /dashboards/inventory`.
pub async fn inventory(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/inventory").await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let (figures, aging) = match r {
        Some(r) => {
            let f = r.filter;
            let (figures, aging) = db(&state.pool, &staff.actor(), move |conn| {
                Ok((
                    dashboards::stock_figures(conn, &f)?,
                    dashboards::aging(conn, &f.branches)?,
                ))
            })
            .await?;
            (Some(figures), aging)
        }
        None => (None, Vec::new()),
    };
    let points: Vec<(String, f64)> = aging
        .iter()
        .map(|a| (a.bucket.clone(), a.units as f64))
        .collect();
    let page = InventoryPage {
        page: PageCtx::for_request(&req),
        filter,
        figures,
        chart: crate::domain::chart::bars("Unsold units by age", &points, 480, 200),
        aging,
        costs: staff.role.sees_costs(),
        as_of,
    };
    html(status, &page)
}

/// The technician performance dashboard.
#[derive(Template)]
#[template(path = "dashboards/technicians.html")]
pub struct TechniciansPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<TechRow>,
    chart: String,
    as_of: AsOf,
}

impl TechniciansPage {
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/technicians.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
    /// Billed ÷ clocked, in percent.
    fn efficiency(r: &TechRow) -> String {
        if r.clocked == 0 {
            return "—".into();
        }
        let pct = &r.billed * BigDecimal::from(100) / &r.clocked;
        format!(
            "{:.0}%",
            pct.with_scale_round(0, bigdecimal::RoundingMode::HalfUp)
        )
    }
}

/// `GET /dashboards/technicians`.
pub async fn technicians(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(
        &staff,
        &state,
        query.into_inner(),
        "/dashboards/technicians",
    )
    .await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let rows = rows_for(&staff, &state, &r, dashboards::technicians).await?;
    let points: Vec<(String, f64)> = rows
        .iter()
        .map(|t| (t.name.clone(), t.closed as f64))
        .collect();
    let page = TechniciansPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars("Tickets closed", &points, 720, 200),
        rows,
        as_of,
    };
    html(status, &page)
}

/// The service profitability dashboard.
#[derive(Template)]
#[template(path = "dashboards/services.html")]
pub struct ServicesPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<ServiceRow>,
    costs: bool,
    chart: String,
    as_of: AsOf,
}

impl ServicesPage {
    fn revenue(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.revenue).sum()
    }
    fn profit(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.profit).sum()
    }
    fn flagged(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| loses_at_volume(r, &self.rows))
            .count()
    }
    fn flag(&self, r: &ServiceRow) -> bool {
        loses_at_volume(r, &self.rows)
    }
    fn margin(r: &ServiceRow) -> String {
        percent(&r.profit, &r.revenue)
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/services.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
}

/// `part` as a percentage of `whole` to one decimal (— when `whole` is zero).
fn percent(part: &BigDecimal, whole: &BigDecimal) -> String {
    if *whole == 0 {
        return "—".into();
    }
    let pct = part * BigDecimal::from(100) / whole;
    format!(
        "{:.1}%",
        pct.with_scale_round(1, bigdecimal::RoundingMode::HalfUp)
    )
}

/// A service that loses money and sells at least as often as the median service in the range.
pub fn loses_at_volume(r: &ServiceRow, all: &[ServiceRow]) -> bool {
    if r.profit >= 0 {
        return false;
    }
    let mut sold: Vec<&BigDecimal> = all.iter().map(|r| &r.sold).collect();
    sold.sort();
    let median = sold[(sold.len() - 1) / 2];
    r.sold >= *median
}

/// `GET /dashboards/services`.
pub async fn services(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/services").await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let rows = rows_for(&staff, &state, &r, dashboards::service_profitability).await?;
    let costs = staff.role.sees_costs();
    let points: Vec<(String, f64)> = rows
        .iter()
        .map(|s| {
            let v = if costs { &s.profit } else { &s.revenue };
            (s.name.clone(), v.to_f64().unwrap_or(0.0))
        })
        .collect();
    let title = if costs {
        "Profit per service"
    } else {
        "Revenue per service"
    };
    let page = ServicesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars(title, &points, 720, 220),
        rows,
        costs,
        as_of,
    };
    html(status, &page)
}

/// `GET /dashboards/services.csv`: cost columns only for the roles that see costs.
pub async fn services_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, rows) =
        match csv_rows(&staff, &state, &query, dashboards::service_profitability).await? {
            Ok(found) => found,
            Err(refused) => return Ok(refused),
        };
    let (from, to) = (r.from, r.to);
    let costs = staff.role.sees_costs();
    let mut head = vec!["service", "category", "sold", "revenue"];
    if costs {
        head.extend([
            "parts_cost",
            "hours",
            "labour_cost",
            "profit",
            "loses_at_volume",
        ]);
    }
    let mut body = csv::row(&head.iter().map(|h| csv::text(h)).collect::<Vec<_>>());
    for s in &rows {
        let mut cells = vec![
            csv::text(&s.name),
            csv::text(&s.category),
            csv::number(&s.sold.normalized().to_string()),
            csv::number(&format!("{:.2}", s.revenue)),
        ];
        if costs {
            cells.extend([
                csv::number(&format!("{:.2}", s.parts_cost)),
                csv::number(&format!("{:.2}", s.hours)),
                csv::number(&format!("{:.2}", s.labour_cost)),
                csv::number(&format!("{:.2}", s.profit)),
                csv::text(if loses_at_volume(s, &rows) {
                    "yes"
                } else {
                    "no"
                }),
            ]);
        }
        body.push_str(&csv::row(&cells));
    }
    Ok(csv_file(
        &format!("service-profitability-{from}-{to}.csv"),
        body,
    ))
}

/// The branch benchmarking dashboard.
#[derive(Template)]
#[template(path = "dashboards/branches.html")]
pub struct BranchesPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<BranchRow>,
    costs: bool,
    chart: String,
    as_of: AsOf,
}

impl BranchesPage {
    fn average(r: &BranchRow) -> String {
        if r.transactions == 0 {
            return "—".into();
        }
        format!(
            "{:.2}",
            crate::domain::money::cents(&(&r.revenue / BigDecimal::from(r.transactions)))
        )
    }
    fn margin(r: &BranchRow) -> BigDecimal {
        &r.revenue - &r.goods_cost - &r.labour_cost
    }
    fn margin_pct(r: &BranchRow) -> String {
        percent(&Self::margin(r), &r.revenue)
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/branches.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
}

/// `GET /dashboards/branches`.
pub async fn branches_page(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/branches").await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let rows = rows_for(&staff, &state, &r, benchmarks).await?;
    let points: Vec<(String, f64)> = rows
        .iter()
        .map(|b| (b.name.clone(), b.revenue.to_f64().unwrap_or(0.0)))
        .collect();
    let page = BranchesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars("Revenue per branch", &points, 720, 220),
        rows,
        costs: staff.role.sees_costs(),
        as_of,
    };
    html(status, &page)
}

/// `GET /dashboards/branches.csv`: cost columns only for the roles that see costs.
pub async fn branches_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, rows) = match csv_rows(&staff, &state, &query, benchmarks).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let (from, to) = (r.from, r.to);
    let costs = staff.role.sees_costs();
    let mut head = vec![
        "branch",
        "revenue",
        "transactions",
        "tickets_closed",
        "turnaround_hours",
        "comebacks",
        "overdue_preorders",
    ];
    if costs {
        head.extend(["goods_cost", "labour_cost", "margin", "stock_at_cost"]);
    }
    let mut body = csv::row(&head.iter().map(|h| csv::text(h)).collect::<Vec<_>>());
    for b in &rows {
        let mut cells = vec![
            csv::text(&b.name),
            csv::number(&format!("{:.2}", b.revenue)),
            csv::number(&b.transactions.to_string()),
            csv::number(&b.closed.to_string()),
            csv::number(&format!("{:.1}", b.turnaround_hours)),
            csv::number(&b.comebacks.to_string()),
            csv::number(&b.overdue_preorders.to_string()),
        ];
        if costs {
            cells.extend([
                csv::number(&format!("{:.2}", b.goods_cost)),
                csv::number(&format!("{:.2}", b.labour_cost)),
                csv::number(&format!("{:.2}", BranchesPage::margin(b))),
                csv::number(&format!("{:.2}", b.stock_value)),
            ]);
        }
        body.push_str(&csv::row(&cells));
    }
    Ok(csv_file(&format!("branches-{from}-{to}.csv"), body))
}

/// Takes a new snapshot of customers' sales for ranking date ranges and shelves it. A failure
/// is logged and leaves the one before in place (or none: date ranges are then ranked live).
pub async fn take_ledger(pool: &crate::db::Pool, shelf: &LedgerShelf) {
    let _turn = shelf.turn_to_take().await;
    let started = std::time::Instant::now();
    match crate::db::plain(pool, dashboards::revenue_ledger).await {
        Ok(ledger) => {
            tracing::info!(
                moves = ledger.len(),
                mib = ledger.heap_bytes() / (1 << 20),
                ms = started.elapsed().as_millis() as u64,
                "customers' sales snapshot"
            );
            shelf.put(ledger);
        }
        Err(e) => tracing::warn!(error = %e, "taking the customers' sales snapshot failed"),
    }
}

/// The refresh form.
#[derive(Debug, Deserialize)]
pub struct RefreshForm {
    #[serde(default)]
    back: String,
}

/// `POST /dashboards/refresh`: refreshes the materialized figures now, then returns to the page.
pub async fn refresh(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<RefreshForm>,
) -> Result<HttpResponse, AppError> {
    db(&state.pool, &staff.actor(), dashboards::refresh).await?;
    take_ledger(&state.pool, &state.ledger).await;
    crate::web::page::push_flash(
        &req,
        crate::web::page::Flash::success("The dashboard figures are up to date."),
    );
    // Back to a dashboard only: a path of ours, nothing that could leave the site or break the
    // header.
    let back = if form.back.starts_with("/dashboards/")
        && !form.back.contains("//")
        && form.back.bytes().all(|b| b.is_ascii_graphic())
    {
        form.back.as_str()
    } else {
        "/dashboards/sales"
    };
    Ok(crate::web::see_other(back))
}

/// `GET /dashboards/inventory.csv`: the aging rows (their value at cost only for the roles that
/// see costs).
pub async fn inventory_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BranchQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen = chosen_branches(&staff, &query.branch)?;
    let aging = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::aging(conn, &chosen)
    })
    .await?;
    let costs = staff.role.sees_costs();
    let mut head = vec![csv::text("days_since_received"), csv::text("units")];
    if costs {
        head.push(csv::text("at_cost"));
    }
    let mut body = csv::row(&head);
    for a in &aging {
        let mut cells = vec![csv::text(&a.bucket), csv::number(&a.units.to_string())];
        if costs {
            cells.push(csv::number(&format!("{:.2}", a.value)));
        }
        body.push_str(&csv::row(&cells));
    }
    Ok(csv_file(
        &format!("stock-aging-{}.csv", staff.today()),
        body,
    ))
}

/// `GET /dashboards/technicians.csv`.
pub async fn technicians_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, rows) = match csv_rows(&staff, &state, &query, dashboards::technicians).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let mut body = csv::row(
        &[
            "technician",
            "closed",
            "turnaround_hours",
            "comebacks",
            "clocked_hours",
            "billed_hours",
            "efficiency",
        ]
        .map(csv::text),
    );
    for t in &rows {
        body.push_str(&csv::row(&[
            csv::text(&t.name),
            csv::number(&t.closed.to_string()),
            csv::number(&format!("{:.1}", t.turnaround_hours)),
            csv::number(&t.comebacks.to_string()),
            csv::number(&format!("{:.2}", t.clocked)),
            csv::number(&format!("{:.2}", t.billed)),
            csv::text(&TechniciansPage::efficiency(t)),
        ]));
    }
    Ok(csv_file(
        &format!("technicians-{}-{}.csv", r.from, r.to),
        body,
    ))
}
