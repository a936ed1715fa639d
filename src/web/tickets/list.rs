//! `GET /tickets`: the active branch's tickets, newest first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::{PAGE_SIZE, tickets};
use crate::web::access::Staff;
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The ticket list.
#[derive(Template)]
#[template(path = "tickets/list.html")]
pub struct TicketListPage {
    page: PageCtx,
    rows: Vec<(Ticket, String)>,
    pager: Pager,
}

impl TicketListPage {
    fn page_link(&self, page: i64) -> String {
        format!("/tickets/all?page={page}")
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

/// Lists tickets.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut pager = Pager::new(query.page, PAGE_SIZE);
    let (branch, offset) = (staff.branch.id, pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        tickets::list(conn, branch, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &TicketListPage {
            page: PageCtx::for_request(&req),
            rows,
            pager,
        },
    )
}
