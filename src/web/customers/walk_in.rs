//! `POST /customers/{id}/walk-in`: a customer without a booking; open their ticket now.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::domain::validation::FieldErrors;
use crate::domain::vehicle::parse_mileage;
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::customers;
use crate::repo::tickets::{self, CheckIn};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};

/// Opens the ticket and goes to it; bad input comes back on the customer page, as typed.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CustomerDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let draft = form.into_inner();
    let mut errors = FieldErrors::new();
    let mileage = parse_mileage(draft.typed("walkin_mileage")).unwrap_or_else(|message| {
        errors.add("walkin_mileage", message);
        None
    });
    if draft.typed("walkin_problem").trim().is_empty() {
        errors.add("walkin_problem", "Write down what the customer reports.");
    }
    let vehicle_id = draft.typed("walkin_vehicle_id").parse::<i64>().ok();
    let input = CheckIn {
        mileage,
        problem: draft.typed("walkin_problem").to_string(),
        damage_notes: draft.typed("walkin_damage").to_string(),
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = if errors.is_empty() {
        db(&state.pool, &staff.actor(), move |conn| {
            let owned = customers::vehicles_of(conn, id)?
                .iter()
                .any(|x| Some(x.id) == vehicle_id);
            if vehicle_id.is_some() && !owned {
                return Err(FieldErrors::single(
                    "walkin_vehicle_id",
                    "That vehicle is not this customer's.",
                )
                .into());
            }
            tickets::open_walk_in(conn, branch, id, vehicle_id, &input, &by)
        })
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    let next = |t: Ticket| {
        Next::saying(
            format!("Walk-in ticket #{} opened.", t.number),
            format!("/tickets/{}", t.id),
        )
    };
    answer::then(&req, result, FORM, next, |errors, status| {
        super::show::render(&req, &staff, &state, id, draft, errors, status)
    })
    .await
}
