//! `POST /floor/{id}/waits` and `/waits/cancel`: the parts a job waits for, from the tablet.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::job::answer;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;
use crate::web::tickets::show::TicketForm;
use crate::web::tickets::waits::{record_wait, take_back_wait};

/// `POST /floor/{id}/waits`.
pub async fn add_wait(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let work = move |c: &mut PgConnection, w: &Acting, f: &TicketForm| record_wait(c, w, id, f);
    answer(&req, &staff, &state, id, form.into_inner(), work).await
}

/// `POST /floor/{id}/waits/cancel`.
pub async fn cancel_wait(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let work = move |c: &mut PgConnection, w: &Acting, f: &TicketForm| take_back_wait(c, w, id, f);
    answer(&req, &staff, &state, id, form.into_inner(), work).await
}
