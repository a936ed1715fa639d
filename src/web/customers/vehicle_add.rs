//! `POST /customers/{id}/vehicles`: adds a vehicle (VIN checked).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::customer::{CustomerDraft, parse_vehicle};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::{RepoError, customers};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// Adds the vehicle, or shows the customer page again with the form as typed.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CustomerDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let d = form.into_inner();
    let mut errors = FieldErrors::new();
    let vehicle = parse_vehicle(
        &d.vin,
        &d.plate,
        &d.make,
        &d.model,
        &d.year,
        &d.mileage,
        &mut errors,
    );
    if vehicle.is_none() {
        errors.add("plate", "Enter the plate or the VIN.");
    }
    if let (Some(v), true) = (vehicle, errors.is_empty()) {
        let by = staff.by();
        let saved = db(
            &state.pool,
            &staff.actor(),
            move |conn| match customers::add_vehicle(conn, id, &v, &by) {
                Ok(v) => Ok(Ok(v)),
                Err(RepoError::Validation(e)) => Ok(Err(e)),
                Err(e) => Err(e),
            },
        )
        .await?;
        match saved {
            Ok(v) => {
                push_flash(
                    &req,
                    Flash::success(format!("Vehicle {} added.", v.label())),
                );
                return Ok(see_other(&format!("/customers/{id}")));
            }
            Err(e) => errors = e,
        }
    }
    super::show::render(
        &req,
        &staff,
        &state,
        id,
        d,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
