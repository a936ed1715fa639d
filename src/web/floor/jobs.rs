//! `GET /floor`: the technician's tablet, "My jobs" in big touch targets, most urgent first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::tickets;
use crate::repo::time_clock;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// "My jobs".
#[derive(Template)]
#[template(path = "floor/jobs.html")]
pub struct JobsPage {
    page: PageCtx,
    jobs: Vec<(Ticket, String)>,
    clock: Option<(i64, chrono::DateTime<chrono::Utc>)>,
}

impl JobsPage {
    fn running_on(&self, id: &i64) -> bool {
        self.clock.is_some_and(|(t, _)| t == *id)
    }
}

/// `GET /floor`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (branch, me) = (staff.branch.id, staff.id);
    let (jobs, clock) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            tickets::my_jobs(conn, branch, me)?,
            time_clock::running_clock(conn, me)?,
        ))
    })
    .await?;
    html(
        StatusCode::OK,
        &JobsPage {
            page: PageCtx::for_request(&req),
            jobs,
            clock,
        },
    )
}
