//! `POST /stock/intake/scan`, `/bulk`, `/costs`, `/remove` and `/attach`: the batch's lines,
//! its shipping and duty, and the order it receives.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{IntakeForm, answer};
use crate::error::AppError;
use crate::repo::intake;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /stock/intake/scan`: one serialized unit of the chosen model at the unit cost.
pub async fn scan_unit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, f, costs| {
            let model = f.product_model_id.parse::<i64>().unwrap_or(0);
            intake::add_unit(conn, a.branch, batch, &f.serial, model, &costs.unit)?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/intake/bulk`: a bulk quantity of a stock item.
pub async fn add_bulk(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, f, costs| {
            let item = f.stock_item_id.parse::<i64>().unwrap_or(0);
            let quantity = f.quantity.trim().parse::<i32>().unwrap_or(0);
            intake::add_bulk(conn, a.branch, batch, item, quantity, &costs.bulk)?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/intake/costs`: shipping and duty, spread over the lines as landed cost.
pub async fn set_costs(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, _, costs| {
            intake::set_costs(conn, a.branch, batch, &costs.shipping, &costs.duty)?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/intake/remove`: a line off the batch.
pub async fn remove_intake_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, f, _| {
            intake::remove_line(conn, a.branch, batch, f.line_id.parse().unwrap_or(0))?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/intake/attach`: receive the batch against a purchase order (or none).
pub async fn attach_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, f, _| {
            let po = match f.purchase_order_id.trim() {
                "" => None,
                raw => Some(raw.parse::<i64>().unwrap_or(0)),
            };
            intake::attach_order(conn, a.branch, batch, po)?;
            Ok(None)
        },
    )
    .await
}
