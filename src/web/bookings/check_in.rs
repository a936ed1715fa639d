//! `POST /bookings/{id}/check-in`: the customer arrived; open the ticket.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::db::db;
use crate::domain::repair_intake;
use crate::domain::validation::FieldErrors;
use crate::domain::vehicle::parse_mileage;
use crate::error::AppError;
use crate::repo::tickets::{self, CheckIn};
use crate::web::access::Staff;
use crate::web::answer::{Next, flash_back};

use crate::web::AppState;

/// Opens the ticket (once, however often the form is sent) and goes to it.
pub async fn submit(
    req: actix_web::HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<super::BookingDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let mileage = parse_mileage(form.typed("mileage")).unwrap_or_else(|message| {
        errors.add("mileage", message);
        None
    });
    let intake = repair_intake::parse(|f| form.typed(f), staff.today()).unwrap_or_else(|e| {
        errors.merge(e);
        Default::default()
    });
    if !errors.is_empty() {
        // Shown again with everything the receptionist typed and the message beside the field.
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return super::show::render(&req, &staff, &state, id, Some(form), errors, None, status)
            .await;
    }
    let input = CheckIn {
        mileage,
        problem: form.typed("problem").to_string(),
        damage_notes: form.typed("damage_notes").to_string(),
        early_confirmed: form.typed("early") == "yes",
        intake,
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        tickets::check_in(conn, branch, id, &input, &by)
    })
    .await;
    match result {
        // Asked first (a day early): the form again, as typed, with the question beside it.
        Err(AppError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::show::render(&req, &staff, &state, id, Some(form), errors, None, status).await
        }
        result => flash_back(&req, result, &format!("/bookings/{id}"), |ticket| {
            let opened = format!("Checked in: ticket #{} opened.", ticket.number);
            Next::saying(opened, format!("/tickets/{}", ticket.id))
        }),
    }
}
