//! `GET /warranties?q=`: find a warranty by serial, asset tag or invoice number; open claims.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::repo::claims::{self, ClaimRow, WarrantyRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The search page.
#[derive(Template)]
#[template(path = "warranties/find.html")]
pub struct FindPage {
    page: PageCtx,
    q: String,
    found: Vec<WarrantyRow>,
    open: Vec<ClaimRow>,
    today: chrono::NaiveDate,
}

/// Query string.
#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
}

/// `GET /warranties`.
pub async fn find(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<FindQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q;
    let (branch, search) = (staff.branch.id, q.clone());
    let (found, open) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            claims::find(conn, branch, &search)?,
            claims::open_claims(conn, branch)?,
        ))
    })
    .await?;
    html(
        StatusCode::OK,
        &FindPage {
            page: PageCtx::for_request(&req),
            q,
            found,
            open,
            today: staff.today(),
        },
    )
}
