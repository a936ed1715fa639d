//! `GET /search?q=`: the top bar's search box. Exactly one hit goes straight there; otherwise
//! the hits by kind, each kind only for the roles whose screens show it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::repo::search::{self, Hits, Kinds};
use crate::web::access::{Access, Staff};
use crate::web::page::PageCtx;
use crate::web::{AppState, html, see_other};

/// The search results page.
#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    page: PageCtx,
    q: String,
    hits: Hits,
}

/// Query string.
#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Searches everything the user's role may see.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q;
    let kinds = Kinds {
        customers: Access::FRONT_DESK.allows(staff.role),
        tickets: Access::WORKSHOP.allows(staff.role),
        invoices: Access::INVOICING.allows(staff.role),
        units: Access::STOCK.allows(staff.role),
    };
    let (branch, country, typed) = (staff.branch.id, staff.branch.country.clone(), q.clone());
    let hits = db(&state.pool, &staff.actor(), move |conn| {
        search::everything(conn, branch, &typed, &country, kinds)
    })
    .await?;
    if let Some(to) = hits.only() {
        return Ok(see_other(&to));
    }
    let page = SearchPage {
        page: PageCtx::for_request(&req),
        q,
        hits,
    };
    html(StatusCode::OK, &page)
}
