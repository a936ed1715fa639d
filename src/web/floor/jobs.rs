//! `GET /floor`: the technician's tablet, "My jobs" in big touch targets, most urgent first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::error::AppError;
use crate::repo::tickets::{self, MyJob};
use crate::repo::time_clock;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// "My jobs".
#[derive(Template)]
#[template(path = "floor/jobs.html")]
pub struct JobsPage {
    page: PageCtx,
    /// The running job first, then the list's order.
    jobs: Vec<MyJob>,
    clock: Option<(i64, chrono::DateTime<chrono::Utc>)>,
    today: chrono::NaiveDate,
}

impl JobsPage {
    fn running_on(&self, id: &i64) -> bool {
        self.clock.is_some_and(|(t, _)| t == *id)
    }
    /// When the running clock started (RFC 3339, for the ticking time).
    fn since(&self) -> String {
        self.clock
            .map(|(_, at)| at.to_rfc3339())
            .unwrap_or_default()
    }
    fn late(&self, j: &MyJob) -> bool {
        j.ticket.is_late(self.today)
    }
}

/// `GET /floor`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (branch, me) = (staff.branch.id, staff.id);
    let today = staff.today();
    let (mut jobs, clock) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            tickets::my_jobs(conn, branch, me)?,
            time_clock::running_clock(conn, me)?,
        ))
    })
    .await?;
    // The running job is pinned first.
    if let Some((running, _)) = clock {
        jobs.sort_by_key(|j| j.ticket.id != running);
    }
    html(
        StatusCode::OK,
        &JobsPage {
            page: PageCtx::for_request(&req),
            jobs,
            clock,
            today,
        },
    )
}
