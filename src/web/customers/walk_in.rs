//! `POST /customers/{id}/walk-in`: a customer without a booking; open their ticket now.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::domain::repair_intake;
use crate::domain::validation::FieldErrors;
use crate::domain::vehicle::parse_mileage;
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::RepoError;
use crate::repo::customers;
use crate::repo::tickets::{self, CheckIn, Subject};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};

/// The inline new device's fields (kind, brand, model, serial).
const DEVICE_FIELDS: [&str; 4] = [
    "walkin_device_kind",
    "walkin_device_brand",
    "walkin_device_model",
    "walkin_device_serial",
];

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
    // What it is for: one of theirs, nothing named, or a device added here and now.
    let new_device = draft.typed("walkin_subject") == "new_device";
    let subject = if new_device {
        Subject::Unnamed
    } else {
        Subject::from_form(draft.typed("walkin_subject")).unwrap_or_else(|| {
            errors.add(
                "walkin_subject",
                "Choose the vehicle or device from the list.",
            );
            Subject::Unnamed
        })
    };
    let intake = repair_intake::parse(|f| draft.typed(f), staff.today()).unwrap_or_else(|e| {
        errors.merge(e);
        Default::default()
    });
    let device = DEVICE_FIELDS.map(|f| draft.typed(f).to_string());
    let input = CheckIn {
        intake,
        mileage,
        problem: draft.typed("walkin_problem").to_string(),
        damage_notes: draft.typed("walkin_damage").to_string(),
        ..Default::default()
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = if errors.is_empty() {
        db(&state.pool, &staff.actor(), move |conn| {
            let subject = if new_device {
                let fields = device.each_ref().map(String::as_str);
                let added = customers::add_device(conn, id, fields, &by).map_err(|e| match e {
                    RepoError::Validation(e) => {
                        RepoError::Validation(e.renamed("device_", "walkin_device_"))
                    }
                    e => e,
                })?;
                Subject::Device(added.id)
            } else {
                subject
            };
            tickets::open_walk_in(conn, branch, id, subject, &input, &by)
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
