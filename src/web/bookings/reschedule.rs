//! `POST /bookings/{id}/reschedule`: another time or bay, protected by the booking's version so
//! a stale form gets a conflict message instead of silently overwriting someone's change.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::BookingDraft;
use super::new::rename_fields;
use crate::db::db;
use crate::domain::booking::local_to_utc;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::{RepoError, bookings, branches};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};

/// Moves the booking, or shows the page again with the message and the form as typed.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BookingDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let draft = form.into_inner();
    let (branch_id, by, d) = (staff.branch.id, staff.by(), draft.clone());
    let outcome = db(&state.pool, &staff.actor(), move |conn| {
        let tz: chrono_tz::Tz = branches::get(conn, branch_id)?
            .timezone
            .parse()
            .unwrap_or(chrono_tz::UTC);
        let mut errors = FieldErrors::new();
        let start = local_to_utc(tz, &d.date, &d.start);
        let end = local_to_utc(tz, &d.date, &d.end);
        if start.is_none() {
            errors.add("start", "Enter the date and a start time such as 09:30.");
        }
        if end.is_none() {
            errors.add("end", "Enter an end time such as 11:00.");
        }
        let bay = d
            .bay_id
            .parse::<i64>()
            .map_err(|_| errors.add("bay_id", "Choose a bay."))
            .ok();
        let version = d.version.parse::<i32>().unwrap_or(0);
        let (Some(start), Some(end), Some(bay), true) = (start, end, bay, errors.is_empty()) else {
            return Err(errors.into());
        };
        bookings::reschedule(conn, branch_id, id, version, bay, start, end, &by).map_err(
            |e| match e {
                RepoError::Validation(e) => RepoError::Validation(rename_fields(e)),
                e => e,
            },
        )
    })
    .await;
    let next = |_| Next::saying("Booking moved.", format!("/bookings/{id}"));
    let (r, st, who) = (&req, &staff, &state);
    answer::then(&req, outcome, FORM, next, |errors, status| async move {
        if status == StatusCode::CONFLICT {
            // A stale form: show the booking as it is now, with the reason.
            let message = errors.get(FORM).map(str::to_string);
            let (none, empty) = (None, FieldErrors::new());
            super::show::render(r, st, who, id, none, empty, message, status).await
        } else {
            super::show::render(r, st, who, id, Some(draft), errors, None, status).await
        }
    })
    .await
}
