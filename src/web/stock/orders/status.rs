//! `POST /stock/orders/{id}/place` and `/cancel`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{LineForm, answer};
use crate::domain::purchase_order::PoStatus;
use crate::error::AppError;
use crate::repo::purchase_orders::{self as repo};
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /stock/orders/{id}/place`: the draft is sent to the vendor.
pub async fn place_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            repo::change_status(conn, a.branch, id, PoStatus::Ordered, &f.note, &a.by)?;
            Ok(Some(format!(
                "{} is placed with the vendor.",
                repo::number(id)
            )))
        },
    )
    .await
}

/// `POST /stock/orders/{id}/cancel`: a draft or placed order is called off (after confirmation).
pub async fn cancel_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            repo::change_status(conn, a.branch, id, PoStatus::Cancelled, &f.note, &a.by)?;
            Ok(Some(format!("{} is cancelled.", repo::number(id))))
        },
    )
    .await
}
