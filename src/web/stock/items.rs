//! `GET /stock?q=&low=1`: stock items with on-hand at the active branch; `low=1` is the
//! low-stock list.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::stock::StockItem;
use crate::repo::{PAGE_SIZE, stock};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The stock list.
#[derive(Template)]
#[template(path = "stock/items.html")]
pub struct StockListPage {
    page: PageCtx,
    q: String,
    low: bool,
    rows: Vec<(StockItem, i32)>,
    pager: Pager,
}

impl StockListPage {
    fn is_low(on_hand: &i32, item: &StockItem) -> bool {
        *on_hand < item.reorder_threshold
    }

    fn page_link(&self, page: i64) -> String {
        let low = if self.low { "&low=1" } else { "" };
        format!("/stock?q={}{low}&page={page}", encode_component(&self.q))
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    low: String,
    page: Option<i64>,
}

/// Lists stock items.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, low, page } = query.into_inner();
    let low = low == "1";
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        stock::list_items(conn, branch, &search, low, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &StockListPage {
            page: PageCtx::for_request(&req),
            q,
            low,
            rows,
            pager,
        },
    )
}
