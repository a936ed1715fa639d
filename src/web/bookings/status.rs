//! `POST /bookings/{id}/status`: confirm, cancel (with a reason), no-show, complete.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::domain::booking::BookingStatus;
use crate::error::AppError;
use crate::repo::bookings;
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// The form as posted.
#[derive(Deserialize)]
pub struct StatusForm {
    to: String,
    #[serde(default)]
    reason: String,
}

/// Moves the booking; a refused transition comes back as a message on the booking page.
pub async fn submit(
    staff: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let StatusForm { to, reason } = form.into_inner();
    let to: BookingStatus = to
        .parse()
        .map_err(|_| AppError::Conflict("Unknown booking status.".into()))?;
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        bookings::transition(conn, branch, id, to, Some(&reason), &by, by.at)
    })
    .await;
    match result {
        Ok(b) => push_flash(
            &req,
            Flash::success(format!(
                "Booking #{} is now {}.",
                b.id,
                b.status().label().to_lowercase()
            )),
        ),
        Err(AppError::Conflict(message)) => push_flash(&req, Flash::error(message)),
        Err(AppError::Validation(errors)) => {
            for (_, message) in errors.iter() {
                push_flash(&req, Flash::error(message));
            }
        }
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/bookings/{id}")))
}
