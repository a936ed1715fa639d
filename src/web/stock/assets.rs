//! `GET /stock/assets?status=&q=`: the branch's serialized units.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::asset::AssetStatus;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::assets::{self, AssetRow};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The asset list.
#[derive(Template)]
#[template(path = "stock/assets.html")]
pub struct AssetListPage {
    page: PageCtx,
    q: String,
    status: String,
    rows: Vec<AssetRow>,
    pager: Pager,
}

impl AssetListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/stock/assets?q={}&status={}&page={page}",
            encode_component(&self.q),
            self.status
        )
    }
    fn statuses(&self) -> &'static [AssetStatus] {
        AssetStatus::ALL
    }
    fn label(s: &AssetStatus) -> String {
        s.label()
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<i64>,
}

/// Lists assets.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, status, page } = query.into_inner();
    let wanted = status.parse::<AssetStatus>().ok();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        assets::list(conn, branch, wanted, &search, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    let status = wanted.map(|s| s.as_str().to_string()).unwrap_or_default();
    html(
        StatusCode::OK,
        &AssetListPage {
            page: PageCtx::for_request(&req),
            q,
            status,
            rows,
            pager,
        },
    )
}
