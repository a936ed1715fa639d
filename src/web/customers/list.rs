//! `GET /customers?q=`: search as the receptionist types a name, phone, email, plate or VIN.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::{PAGE_SIZE, customers};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The customer search page.
#[derive(Template)]
#[template(path = "customers/list.html")]
pub struct CustomerListPage {
    page: PageCtx,
    q: String,
    rows: Vec<Customer>,
    pager: Pager,
}

impl CustomerListPage {
    fn page_link(&self, page: i64) -> String {
        format!("/customers?q={}&page={page}", encode_component(&self.q))
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

/// Lists matching customers.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, page } = query.into_inner();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (search, offset) = (q.clone(), pager.offset());
    let country = staff.branch.country.clone();
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        customers::search(conn, &search, &country, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &CustomerListPage {
            page: PageCtx::for_request(&req),
            q,
            rows,
            pager,
        },
    )
}
