//! `GET /messages`: the active branch's outbox for managers: messages by status (waiting, sent,
//! failed with the reason, skipped with the reason, cancelled), one customer's with
//! `?customer=`, 50 a page, newest first. `POST /messages/{id}/retry` sends a failed or skipped
//! one again; `POST /messages/{id}/cancel` cancels one still waiting (after a second click).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::repo::message_log::{self, Listed};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

const PER_PAGE: i64 = 50;
/// The statuses a list can be filtered by, with their words.
const STATUSES: [(&str, &str); 5] = [
    ("pending", "Waiting"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
];

/// The outbox page.
#[derive(Template)]
#[template(path = "messages/list.html")]
pub struct OutboxPage {
    page: PageCtx,
    statuses: [(&'static str, &'static str); 5],
    status: String,
    customer: Option<i64>,
    campaign: Option<i64>,
    rows: Vec<Listed>,
    next: Option<String>,
    smtp: bool,
    sms: bool,
}

/// The list's filters.
#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    status: String,
    customer: Option<i64>,
    campaign: Option<i64>,
    before: Option<i64>,
}

/// `GET /messages`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let status = STATUSES
        .iter()
        .find(|(s, _)| *s == q.status)
        .map(|(s, _)| *s);
    let (branch, customer, campaign, before) = (staff.branch.id, q.customer, q.campaign, q.before);
    let (rows, more) = db(&state.pool, &staff.actor(), move |conn| {
        message_log::list(conn, branch, status, (customer, campaign), before, PER_PAGE)
    })
    .await?;
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(format!(
            "/messages?status={}{}&before={}",
            status.unwrap_or(""),
            customer
                .map(|c| format!("&customer={c}"))
                .or(campaign.map(|c| format!("&campaign={c}")))
                .unwrap_or_default(),
            last.message.id
        )),
        _ => None,
    };
    let sender = state.settings.sender.as_ref();
    let smtp = sender.is_some_and(|s| s.smtp.is_some());
    let sms = sender.is_some_and(|s| s.sms.is_some());
    html(
        StatusCode::OK,
        &OutboxPage {
            page: PageCtx::for_request(&req),
            statuses: STATUSES,
            status: status.unwrap_or("").to_string(),
            customer,
            campaign,
            rows,
            next,
            smtp,
            sms,
        },
    )
}

async fn act(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    retry: bool,
) -> Result<HttpResponse, AppError> {
    let (branch, by) = (staff.branch.id, staff.by());
    let done = db(&state.pool, &staff.actor(), move |conn| match retry {
        true => message_log::retry(conn, branch, id, &by),
        false => message_log::cancel(conn, branch, id, &by),
    })
    .await;
    match done {
        Ok(()) => push_flash(
            &req,
            Flash::success(match retry {
                true => "The message will be sent again now.",
                false => "The message was cancelled.",
            }),
        ),
        Err(AppError::Conflict(m)) => push_flash(&req, Flash::error(m)),
        Err(e) => return Err(e),
    }
    let back = req
        .headers()
        .get("referer")
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("/messages").map(|i| r[i..].to_string()))
        .unwrap_or_else(|| "/messages".into());
    Ok(see_other(&back))
}

/// `POST /messages/{id}/retry`.
pub async fn retry(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    act(req, staff, state, id.into_inner(), true).await
}

/// `POST /messages/{id}/cancel`.
pub async fn cancel(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    act(req, staff, state, id.into_inner(), false).await
}
