//! `/notifications`: the signed-in person's notifications (the bell in the top bar), newest
//! first; opening one marks it read and goes to what it is about. `/notifications/unread` is
//! the bell's count, which the page script asks for on each page and every minute.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::repo::notifications::{self, Notification};
use crate::web::access::Staff;
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html, see_other};

const PAGE_SIZE: i64 = 25;

/// The list.
#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    page: PageCtx,
    rows: Vec<Notification>,
    pager: Pager,
}

impl NotificationsPage {
    fn page_link(&self, n: i64) -> String {
        format!("/notifications?page={n}")
    }
    fn unread(&self) -> bool {
        self.rows.iter().any(|n| n.read_at.is_none())
    }
}

/// The list's query string.
#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

/// `GET /notifications`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut pager = Pager::new(query.page, PAGE_SIZE);
    let (me, offset) = (staff.id, pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        notifications::list(conn, me, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &NotificationsPage {
            page: PageCtx::for_request(&req),
            rows,
            pager,
        },
    )
}

/// `GET /notifications/unread`: the number, as plain text.
pub async fn unread(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let me = staff.id;
    let n = db(&state.pool, &staff.actor(), move |conn| {
        notifications::unread_count(conn, me)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(n.to_string()))
}

/// `POST /notifications/{id}/open`: read, then on to what it is about.
pub async fn open(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (me, id) = (staff.id, id.into_inner());
    let link = db(&state.pool, &staff.actor(), move |conn| {
        notifications::open(conn, me, id)
    })
    .await?;
    // Only a path of this site (what the server wrote), never another site.
    Ok(see_other(crate::domain::redirect::local_or(
        &link,
        "/notifications",
    )))
}

/// `POST /notifications/read`: all read.
pub async fn read_all(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let me = staff.id;
    db(&state.pool, &staff.actor(), move |conn| {
        notifications::read_all(conn, me)
    })
    .await?;
    Ok(see_other("/notifications"))
}
