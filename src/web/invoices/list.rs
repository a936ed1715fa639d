//! `GET /invoices`: by date, status, customer or number.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::invoice::InvoiceStatus;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::branches;
use crate::repo::invoices::{self, ListFilter, ListRow};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

use crate::domain::time::day_bounds;

/// The list.
#[derive(Template)]
#[template(path = "invoices/list.html")]
pub struct InvoiceListPage {
    page: PageCtx,
    q: String,
    status: String,
    from: String,
    to: String,
    rows: Vec<ListRow>,
    pager: Pager,
}

impl InvoiceListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/invoices?q={}&status={}&from={}&to={}&page={page}",
            encode_component(&self.q),
            self.status,
            self.from,
            self.to
        )
    }
    fn statuses(&self) -> &'static [InvoiceStatus] {
        InvoiceStatus::ALL
    }
    fn label(s: &InvoiceStatus) -> String {
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
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<i64>,
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// `GET /invoices`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery {
        q,
        status,
        from,
        to,
        page,
    } = query.into_inner();
    let wanted = status.parse::<InvoiceStatus>().ok();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, offset) = (staff.branch.id, pager.offset());
    let (search, from_d, to_d) = (q.clone(), date(&from), date(&to));
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        let tz = branches::get(conn, branch)?.timezone;
        let filter = ListFilter {
            q: search,
            status: wanted,
            from: from_d.and_then(|d| day_bounds(&tz, d)).map(|b| b.0),
            to: to_d.and_then(|d| day_bounds(&tz, d)).map(|b| b.1),
        };
        invoices::list(conn, branch, &filter, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &InvoiceListPage {
            page: PageCtx::for_request(&req),
            q,
            status: wanted.map(|s| s.as_str().to_string()).unwrap_or_default(),
            from: from_d.map(|d| d.to_string()).unwrap_or_default(),
            to: to_d.map(|d| d.to_string()).unwrap_or_default(),
            rows,
            pager,
        },
    )
}
