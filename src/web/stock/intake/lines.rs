//! `POST /stock/intake/bulk`, `/costs`, `/remove` and `/attach`: the batch's bulk lines, its
//! shipping and duty, taking a line off, and the order it receives.

use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::{answer, back};
use super::show::IntakeForm;
use crate::error::AppError;
use crate::repo::intake;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /stock/intake/bulk`: a bulk quantity of a stock item.
pub async fn add_bulk(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let work = move |conn: &mut _,
                     a: &crate::web::answer::Acting,
                     batch,
                     f: &IntakeForm,
                     costs: super::answer::Costs| {
        let item = f.stock_item_id.parse::<i64>().unwrap_or(0);
        let quantity = f.quantity.trim().parse::<i32>().unwrap_or(0);
        intake::add_bulk(conn, a.branch, batch, item, quantity, &costs.bulk)
    };
    answer(req, staff, state, form.into_inner(), work, |_, f| {
        back(f, None)
    })
    .await
}

/// `POST /stock/intake/costs`: shipping and duty, spread over the lines as landed cost.
pub async fn set_costs(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let work = move |conn: &mut _,
                     a: &crate::web::answer::Acting,
                     batch,
                     _: &IntakeForm,
                     costs: super::answer::Costs| {
        intake::set_costs(conn, a.branch, batch, &costs.shipping, &costs.duty)
    };
    let saved = |_, f: &IntakeForm| back(f, Some("Shipping and duty saved.".into()));
    answer(req, staff, state, form.into_inner(), work, saved).await
}

/// `POST /stock/intake/remove`: a line off the batch, by its id (a button beside it) or by the
/// serial typed or scanned into the "take off" field.
pub async fn remove_intake_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let work = move |conn: &mut _,
                     a: &crate::web::answer::Acting,
                     batch,
                     f: &IntakeForm,
                     _: super::answer::Costs| {
        if f.line_id.trim().is_empty() {
            intake::remove_serial(conn, a.branch, batch, &f.remove_serial).map(Some)
        } else {
            intake::remove_line(conn, a.branch, batch, f.line_id.parse().unwrap_or(0))?;
            Ok(None)
        }
    };
    let said = |serial: Option<String>, f: &IntakeForm| {
        back(
            f,
            serial.map(|s| format!("Serial {s} taken off this delivery.")),
        )
    };
    answer(req, staff, state, form.into_inner(), work, said).await
}

/// `POST /stock/intake/attach`: receive the batch against a purchase order (or none).
pub async fn attach_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let work = move |conn: &mut _,
                     a: &crate::web::answer::Acting,
                     batch,
                     f: &IntakeForm,
                     _: super::answer::Costs| {
        let po = match f.purchase_order_id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().unwrap_or(0)),
        };
        intake::attach_order(conn, a.branch, batch, po)
    };
    answer(req, staff, state, form.into_inner(), work, |_, f| {
        back(f, None)
    })
    .await
}
