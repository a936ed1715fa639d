//! `/dashboards/preorders`: preorders by status and the overdue ones, with the CSV.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use super::{BranchQuery, chosen_branches, csv_file};
use crate::db::db;
use crate::domain::csv;
use crate::error::AppError;
use crate::repo::dashboards::{self, OverduePreorder, PreorderCount};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
            chart: crate::domain::chart::hbars("Preorders by status", "", &points, 960),
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
