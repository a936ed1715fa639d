//! `/dashboards/customers`: the top 20% of customers by revenue, over a date range or the last
//! twelve months, with the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use super::{
    AsOf, Filter, Range, RangeQuery, YEAR, code, csv_file, csv_refused, is_year, prepare, range_tz,
    rows_for,
};
use crate::db::db;
use crate::domain::{csv, money};
use crate::error::AppError;
use crate::repo::dashboards::{self, TopCustomer};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

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
        crate::domain::figures::share(&self.top_revenue(), &self.total(), 1)
            .map_or_else(|| "0.0".to_string(), |s| s.to_string())
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
    let unit = staff.branch.currency.clone();
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
        chart: crate::domain::chart::hbars(&title, &unit, &points, 960),
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
