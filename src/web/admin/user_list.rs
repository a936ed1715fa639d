//! `GET /admin/users`: search by name, filter by branch, pages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::models::staff::StaffUser;
use crate::repo::staff::StaffFilter;
use crate::repo::{PAGE_SIZE, branches, staff};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The staff list.
#[derive(Template)]
#[template(path = "admin/user_list.html")]
pub struct UserListPage {
    page: PageCtx,
    q: String,
    branch: Option<i64>,
    branches: Vec<Branch>,
    rows: Vec<(StaffUser, String)>,
    pager: Pager,
}

impl UserListPage {
    fn page_link(&self, page: i64) -> String {
        let branch = self.branch.map(|b| b.to_string()).unwrap_or_default();
        format!(
            "/admin/users?q={}&branch={branch}&page={page}",
            encode_component(&self.q)
        )
    }

    fn is_selected(&self, id: &i64) -> bool {
        self.branch == Some(*id)
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    branch: String,
    page: Option<i64>,
}

/// Lists staff accounts.
pub async fn show(
    req: HttpRequest,
    staff_user: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, branch, page } = query.into_inner();
    let branch = branch.parse::<i64>().ok();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let filter = StaffFilter {
        q: Some(q.clone()),
        branch_id: branch,
        steward: Some(super::user_form::steward(&staff_user)),
    };
    let offset = pager.offset();
    let (rows, total, all_branches) = db(&state.pool, &staff_user.actor(), move |conn| {
        let (rows, total) = staff::search(conn, &filter, offset, PAGE_SIZE)?;
        Ok((rows, total, branches::search(conn, None, 0, 500)?.0))
    })
    .await?;
    pager.settle(total);
    let page = UserListPage {
        page: PageCtx::for_request(&req),
        q,
        branch,
        branches: all_branches,
        rows,
        pager,
    };
    html(StatusCode::OK, &page)
}
