//! `POST /bookings/{id}/check-in`: the customer arrived; open the ticket.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use crate::db::db;
use crate::domain::vehicle::parse_mileage;
use crate::error::AppError;
use crate::repo::tickets::{self, CheckIn};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// The form as posted.
#[derive(Deserialize)]
pub struct CheckInForm {
    #[serde(default)]
    mileage: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    damage_notes: String,
}

/// Opens the ticket (once, however often the form is sent) and goes to it.
pub async fn submit(
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CheckInForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let mileage = match parse_mileage(&form.mileage) {
        Ok(m) => m,
        Err(message) => {
            push_flash(&session, Flash::error(message));
            return Ok(see_other(&format!("/bookings/{id}")));
        }
    };
    let input = CheckIn {
        mileage,
        problem: form.problem,
        damage_notes: form.damage_notes,
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        tickets::check_in(conn, branch, id, &input, &by, Utc::now())
    })
    .await;
    match result {
        Ok(ticket) => {
            push_flash(
                &session,
                Flash::success(format!("Checked in: ticket #{} opened.", ticket.number)),
            );
            Ok(see_other(&format!("/tickets/{}", ticket.id)))
        }
        Err(AppError::Conflict(message)) => {
            push_flash(&session, Flash::error(message));
            Ok(see_other(&format!("/bookings/{id}")))
        }
        Err(e) => Err(e),
    }
}
