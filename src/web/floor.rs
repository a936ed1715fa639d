//! `/floor`: the technician's tablet. "My jobs" in big touch targets, most urgent first; a job
//! page with one big clock button, a note, a part by scanning its SKU or serial, and the next
//! status. Laid out for 1024×768 and touch.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::domain::ticket::TicketStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::workshop;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::tickets::show::{TicketData, TicketForm, load};
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
pub async fn jobs(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (branch, me) = (staff.branch.id, staff.id);
    let (jobs, clock) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            workshop::my_jobs(conn, branch, me)?,
            workshop::running_clock(conn, me)?,
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

/// A job on the tablet.
#[derive(Template)]
#[template(path = "floor/job.html")]
pub struct JobPage {
    page: PageCtx,
    d: TicketData,
    form: TicketForm,
    errors: FieldErrors,
}

impl JobPage {
    fn label(s: &TicketStatus) -> String {
        s.label()
    }
    /// The technician's next steps (closing and cancelling stay at the counter).
    fn steps(&self) -> Vec<TicketStatus> {
        self.d
            .next_steps()
            .into_iter()
            .filter(|s| *s != TicketStatus::Closed)
            .collect()
    }
}

/// Renders the job page (also after a refused action, with what was typed).
pub async fn render_job(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: TicketForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let d = load(state, staff, id).await?;
    html(
        code,
        &JobPage {
            page: PageCtx::for_request(req),
            d,
            form,
            errors,
        },
    )
}

/// `GET /floor/{id}`.
pub async fn job(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_job(
        &req,
        &staff,
        &state,
        id.into_inner(),
        TicketForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}
