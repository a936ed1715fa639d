//! `/dashboards/services`: service profitability, with the services that lose money at volume,
//! and the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};

use super::{AsOf, Filter, RangeQuery, code, csv_file, csv_rows, prepare, rows_for};
use crate::db::db;
use crate::domain::csv;
use crate::domain::figures;
use crate::error::AppError;
use crate::repo::dashboards::{self, ServiceRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
    /// The period of the same length before: its rows, and its length in days.
    before: Vec<ServiceRow>,
    days: i64,
}

impl ServicesPage {
    fn revenue(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.revenue).sum()
    }
    fn profit(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.profit).sum()
    }
    /// The change of revenue and of profit against the period before.
    fn changes(&self) -> [(&'static str, String); 2] {
        use crate::domain::figures::change;
        let revenue: BigDecimal = self.before.iter().map(|r| &r.revenue).sum();
        let profit: BigDecimal = self.before.iter().map(|r| &r.profit).sum();
        [
            change(&self.revenue(), &revenue, self.days),
            change(&self.profit(), &profit, self.days),
        ]
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
        figures::shown(figures::share(&r.profit, &r.revenue, 1), "%")
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/services.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
}

/// Whether `r` loses money at volume among `all` (`domain::figures`).
fn loses_at_volume(r: &ServiceRow, all: &[ServiceRow]) -> bool {
    let sold: Vec<&BigDecimal> = all.iter().map(|s| &s.sold).collect();
    figures::loses_at_volume(&r.profit, &r.sold, &sold)
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
    let days = r.as_ref().map_or(1, |r| r.filter.days());
    let before = match &r {
        Some(r) => {
            let f = r.filter.previous();
            db(&state.pool, &staff.actor(), move |conn| {
                dashboards::service_profitability(conn, &f)
            })
            .await?
        }
        None => Vec::new(),
    };
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
    let unit = staff.branch.currency.clone();
    let page = ServicesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::hbars(title, &unit, &points, 960),
        rows,
        costs,
        as_of,
        before,
        days,
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
    let mut head = vec!["service", "category", "sold", "revenue", "parts_revenue"];
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
            csv::number(&format!("{:.2}", s.parts_revenue)),
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
