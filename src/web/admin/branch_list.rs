//! `GET /admin/branches`: search and pages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::repo::{PAGE_SIZE, branches};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The branch list.
#[derive(Template)]
#[template(path = "admin/branch_list.html")]
pub struct BranchListPage {
    page: PageCtx,
    q: String,
    rows: Vec<Branch>,
    pager: Pager,
}

impl BranchListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/admin/branches?q={}&page={page}",
            encode_component(&self.q)
        )
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

/// Lists branches.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, page } = query.into_inner();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (search, offset) = (q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        branches::search(conn, Some(&search), offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &BranchListPage {
            page: PageCtx::for_request(&req),
            q,
            rows,
            pager,
        },
    )
}
