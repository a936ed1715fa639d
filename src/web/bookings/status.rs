//! `POST /bookings/{id}/status`: confirm, cancel (with a reason), no-show, complete.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::domain::booking::BookingStatus;
use crate::error::AppError;
use crate::repo::bookings;
use crate::web::access::Staff;
use crate::web::answer::{Next, flash_back};

use crate::web::AppState;

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
        bookings::transition(conn, branch, id, to, Some(&reason), &by)
    })
    .await;
    let page = format!("/bookings/{id}");
    flash_back(&req, result, &page, |b| {
        let status = b.status().label().to_lowercase();
        Next::saying(format!("Booking #{} is now {status}.", b.id), &page)
    })
}
