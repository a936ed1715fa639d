//! `GET /stock/orders`: purchase orders by status, vendor and date.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::purchase_order::PoStatus;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::purchase_orders::{self as repo, OrderRow};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The list of orders.
#[derive(Template)]
#[template(path = "stock/orders.html")]
pub struct OrderListPage {
    page: PageCtx,
    q: String,
    status: String,
    rows: Vec<OrderRow>,
    pager: Pager,
}

impl OrderListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/stock/orders?q={}&status={}&page={page}",
            encode_component(&self.q),
            self.status
        )
    }
    fn statuses(&self) -> &'static [PoStatus] {
        PoStatus::ALL
    }
    fn label(s: &PoStatus) -> String {
        s.label()
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<i64>,
}

/// `GET /stock/orders`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, status, page } = query.into_inner();
    let wanted = status.parse::<PoStatus>().ok();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        repo::list(conn, branch, wanted, &search, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &OrderListPage {
            page: PageCtx::for_request(&req),
            q,
            status: wanted.map(|s| s.as_str().to_string()).unwrap_or_default(),
            rows,
            pager,
        },
    )
}
