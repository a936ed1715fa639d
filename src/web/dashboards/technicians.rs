//! `/dashboards/technicians`: billed against clocked hours, tickets closed and comebacks, with
//! the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AsOf, Filter, RangeQuery, code, csv_file, csv_rows, prepare, rows_for};
use crate::domain::csv;
use crate::domain::figures;
use crate::error::AppError;
use crate::repo::dashboards::{self, TechRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
        figures::shown(figures::efficiency(&r.billed, &r.clocked), "%")
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
        chart: crate::domain::chart::hbars("Tickets closed", "", &points, 960),
        rows,
        as_of,
    };
    html(status, &page)
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
