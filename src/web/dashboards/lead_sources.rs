//! `/dashboards/lead-sources`: where customers came from, with the revenue they brought, how
//! many bought and how many came for the first time; and the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};

use super::{AsOf, Filter, RangeQuery, code, csv_file, csv_rows, prepare, rows_for};
use crate::domain::csv;
use crate::error::AppError;
use crate::repo::dashboards::{self, LeadSourceRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The lead-source report.
#[derive(Template)]
#[template(path = "dashboards/lead_sources.html")]
pub struct LeadSourcesPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<LeadSourceRow>,
    chart: String,
    as_of: AsOf,
    /// When the sales snapshot the report was summed from was taken (none: summed live).
    snapshot: Option<String>,
}

impl LeadSourcesPage {
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/lead-sources.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
    fn revenue(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.revenue).sum()
    }
    fn customers(&self) -> i64 {
        self.rows.iter().map(|r| r.customers).sum()
    }
    fn first_visits(&self) -> i64 {
        self.rows.iter().map(|r| r.first_visits).sum()
    }
    /// Revenue per customer of a source.
    fn per_customer(r: &LeadSourceRow) -> BigDecimal {
        crate::domain::figures::average_sale(&r.revenue, r.customers).unwrap_or_default()
    }
}

/// `GET /dashboards/lead-sources`.
pub async fn lead_sources(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(
        &staff,
        &state,
        query.into_inner(),
        "/dashboards/lead-sources",
    )
    .await?;
    let status = code(&r);
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    // From the latest sales snapshot (as the customers' ranking), or live before the first.
    let ledger = state.ledger.current().filter(|_| r.is_some());
    let snapshot = ledger
        .as_ref()
        .map(|l| crate::domain::time::show(&l.taken_at(), &staff.branch.timezone));
    let rows = rows_for(&staff, &state, &r, move |conn, f| match ledger {
        Some(ledger) => dashboards::lead_sources_in(conn, &ledger, f),
        None => dashboards::lead_sources(conn, f),
    })
    .await?;
    let points: Vec<(String, f64)> = rows
        .iter()
        .map(|s| (s.source.clone(), s.revenue.to_f64().unwrap_or(0.0)))
        .collect();
    let unit = staff.branch.currency.clone();
    let page = LeadSourcesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::hbars("Revenue per lead source", &unit, &points, 960),
        rows,
        as_of,
        snapshot,
    };
    html(status, &page)
}

/// `GET /dashboards/lead-sources.csv`.
pub async fn lead_sources_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let ledger = state.ledger.current();
    let load = move |conn: &mut diesel::PgConnection, f: &dashboards::SalesFilter| match ledger {
        Some(ledger) => dashboards::lead_sources_in(conn, &ledger, f),
        None => dashboards::lead_sources(conn, f),
    };
    let (r, rows) = match csv_rows(&staff, &state, &query, load).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let mut body =
        csv::row(&["lead_source", "revenue", "customers", "first_visits"].map(csv::text));
    for s in &rows {
        body.push_str(&csv::row(&[
            csv::text(&s.source),
            csv::number(&format!("{:.2}", s.revenue)),
            csv::number(&s.customers.to_string()),
            csv::number(&s.first_visits.to_string()),
        ]));
    }
    Ok(csv_file(
        &format!("lead-sources-{}-{}.csv", r.from, r.to),
        body,
    ))
}
