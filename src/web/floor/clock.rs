//! `POST /floor/{id}/clock` and `POST /floor/{id}/clock/stop`: the tablet's big clock button.

use actix_web::{HttpRequest, HttpResponse, web};

use super::job::answer;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::tickets::clock::{start, stop};
use crate::web::tickets::show::TicketForm;

/// `POST /floor/{id}/clock`.
pub async fn start_clock(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| start(c, w, id),
    )
    .await
}

/// `POST /floor/{id}/clock/stop`.
pub async fn stop_clock(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(&req, &staff, &state, id, form.into_inner(), |c, w, _| {
        stop(c, w)
    })
    .await
}
