//! `POST /customers/{id}/devices` and `POST /customers/{id}/contacts`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::error::AppError;
use crate::models::customer::Device;
use crate::repo::customers;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};

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
    let next = |device: Device| {
        Next::saying(
            format!("Device {} added.", device.label()),
            format!("/customers/{id}"),
        )
    };
    answer::then(&req, result, FORM, next, |errors, status| {
        super::show::render(&req, &staff, &state, id, draft, errors, status)
    })
    .await
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
    let name = draft.typed("contact_name").trim().to_string();
    let page = format!("/customers/{id}");
    let next = |()| Next::saying(format!("Contact {name} added."), &page);
    answer::then_flashing_conflicts(&req, result, &page, next, |errors, status| {
        super::show::render(&req, &staff, &state, id, draft, errors, status)
    })
    .await
}
