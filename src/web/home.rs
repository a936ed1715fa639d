//! `GET /`: the signed-in home page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;

use crate::db::db;
use crate::domain::branch::DAYS;
use crate::error::AppError;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    page: PageCtx,
    branch_name: String,
    local_time: String,
    today_hours: String,
    timezone: String,
}

/// Shows who is signed in, where, and the branch's hours today in its own timezone.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let branch_id = staff.branch.id;
    let branch = db(&state.pool, &staff.actor(), move |conn| {
        branches::get(conn, branch_id)
    })
    .await?;
    let tz = crate::domain::time::zone(&branch.timezone);
    let now = staff.now.with_timezone(&tz);
    let day = DAYS[now.weekday().num_days_from_monday() as usize].0;
    let today_hours = match branch.hours().day(day) {
        Some((open, close)) => format!(
            "Open today {}–{}",
            open.format("%H:%M"),
            close.format("%H:%M")
        ),
        None => "Closed today".to_string(),
    };
    let page = HomePage {
        page: PageCtx::for_request(&req),
        branch_name: branch.name,
        local_time: now.format("%A %-d %B %Y, %H:%M").to_string(),
        today_hours,
        timezone: branch.timezone,
    };
    html(StatusCode::OK, &page)
}
