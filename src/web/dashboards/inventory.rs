//! `/dashboards/inventory`: stock value, low stock and aging, with the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use super::{AsOf, BranchQuery, Filter, RangeQuery, chosen_branches, code, csv_file, prepare};
use crate::db::db;
use crate::domain::csv;
use crate::domain::figures;
use crate::error::AppError;
use crate::repo::dashboards::{self, AgeBucket, StockFigures};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
        figures::shown(figures::turnover(&f.sold_at_cost, &Self::value(f)), "")
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
        chart: crate::domain::chart::bars("Unsold units by age", "", &points, 960, 220),
        aging,
        costs: staff.role.sees_costs(),
        as_of,
    };
    html(status, &page)
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
