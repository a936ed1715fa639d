//! `POST /customers/{id}/devices` and `POST /customers/{id}/contacts`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::error::AppError;
use crate::repo::customers;
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

const DEVICE_FIELDS: [&str; 4] = [
    "device_kind",
    "device_brand",
    "device_model",
    "device_serial",
];
const CONTACT_FIELDS: [&str; 4] = [
    "contact_name",
    "contact_position",
    "contact_phone",
    "contact_email",
];

/// Adds a device.
pub async fn add_device(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CustomerDraft>,
) -> Result<HttpResponse, AppError> {
    let (id, draft, by) = (id.into_inner(), form.into_inner(), staff.by());
    let fields = DEVICE_FIELDS.map(|f| draft.typed(f).to_string());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        customers::add_device(conn, id, fields.each_ref().map(String::as_str), &by)
    })
    .await;
    match result {
        Ok(device) => {
            push_flash(
                &req,
                Flash::success(format!("Device {} added.", device.label())),
            );
            Ok(see_other(&format!("/customers/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::show::render(&req, &staff, &state, id, draft, errors, status).await
        }
        Err(e) => Err(e),
    }
}

/// Adds a contact person (business customers).
pub async fn add_contact(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CustomerDraft>,
) -> Result<HttpResponse, AppError> {
    let (id, draft, by) = (id.into_inner(), form.into_inner(), staff.by());
    let fields = CONTACT_FIELDS.map(|f| draft.typed(f).to_string());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        customers::add_contact(conn, id, fields.each_ref().map(String::as_str), &by)
    })
    .await;
    match result {
        Ok(()) => {
            let name = draft.typed("contact_name").trim();
            push_flash(&req, Flash::success(format!("Contact {name} added.")));
        }
        Err(AppError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return super::show::render(&req, &staff, &state, id, draft, errors, status).await;
        }
        Err(AppError::Conflict(message)) => push_flash(&req, Flash::error(message)),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/customers/{id}")))
}
