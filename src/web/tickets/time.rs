//! `/time`: managers approve (or correct) the technicians' clocked time; approved billable time
//! becomes labour on the ticket's invoice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::time_clock::{self, TimeRow};
use crate::web::access::Staff;
use crate::web::answer::{self, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// Time waiting for approval.
#[derive(Template)]
#[template(path = "tickets/time.html")]
pub struct TimePage {
    page: PageCtx,
    rows: Vec<TimeRow>,
    errors: FieldErrors,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        time_clock::pending_time(conn, branch)
    })
    .await?;
    html(
        code,
        &TimePage {
            page: PageCtx::for_request(req),
            rows,
            errors,
        },
    )
}

/// `GET /time`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(&req, &staff, &state, FieldErrors::new(), StatusCode::OK).await
}

/// The approval form.
#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    hours: String,
    #[serde(default)]
    billable: Option<String>,
}

/// `POST /time/{id}/approve`: approves, with corrected hours if typed.
pub async fn approve(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ApproveForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let corrected = match form.hours.trim() {
        "" => None,
        h => match crate::domain::form::decimal(h) {
            Some(v) => Some(v),
            None => {
                let errors = FieldErrors::single("hours", "Hours are a number between 0 and 24.");
                return render(
                    &req,
                    &staff,
                    &state,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let billable = form.billable.is_some();
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        time_clock::approve_time(conn, branch, id, corrected, billable, &by)
    })
    .await;
    let next = |()| Next::saying("Time approved.", "/time");
    answer::then(&req, result, "time", next, |errors, status| {
        render(&req, &staff, &state, errors, status)
    })
    .await
}
