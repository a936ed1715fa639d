//! `/dashboards/branches`: the branches side by side, with the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};

use super::{AsOf, Filter, RangeQuery, code, csv_file, csv_rows, prepare, rows_for};
use crate::domain::csv;
use crate::domain::figures;
use crate::error::AppError;
use crate::repo::dashboards::{self, BranchRow, SalesFilter};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// Branch benchmarks for the filter, overdue preorders counted at the filter's moment.
fn benchmarks(
    conn: &mut diesel::PgConnection,
    f: &SalesFilter,
) -> Result<Vec<BranchRow>, crate::repo::RepoError> {
    dashboards::branch_benchmarks(conn, f, f.now)
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
        figures::average_sale(&r.revenue, r.transactions)
            .map_or_else(|| "—".to_string(), |v| crate::domain::money::grouped(&v))
    }
    fn margin(r: &BranchRow) -> BigDecimal {
        figures::margin(&r.revenue, &r.goods_cost, &r.labour_cost)
    }
    fn margin_pct(r: &BranchRow) -> String {
        figures::shown(figures::share(&Self::margin(r), &r.revenue, 1), "%")
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
    let unit = staff.branch.currency.clone();
    let page = BranchesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::hbars("Revenue per branch", &unit, &points, 960),
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
