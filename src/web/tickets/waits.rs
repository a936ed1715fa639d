//! `POST /tickets/{id}/waits` and `/waits/cancel`: the parts a job waits for (the tablet posts
//! the same work to `/floor/{id}/waits`). When a delivery or transfer brings them, the
//! technician and whoever recorded the wait are told.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::{RepoError, tickets};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// Records the part typed (SKU or name) and how many; the tablet uses it too.
pub(crate) fn record_wait(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
) -> Result<Done, RepoError> {
    let quantity = match f.wait_quantity.trim() {
        "" => 1,
        n => n.parse::<i32>().unwrap_or(0),
    };
    let said = tickets::wait_for_part(conn, w.branch, id, &f.wait_code, quantity, &w.by)?;
    Ok(Done::said(said))
}

/// Takes back a wait; the tablet uses it too.
pub(crate) fn take_back_wait(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
) -> Result<Done, RepoError> {
    let wait = f.wait_id.parse::<i64>().unwrap_or(0);
    Ok(Done::said(tickets::cancel_wait(
        conn, w.branch, id, wait, &w.by,
    )?))
}

/// `POST /tickets/{id}/waits`.
pub async fn add_wait(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let work = move |c: &mut PgConnection, w: &Acting, f: &TicketForm| record_wait(c, w, id, f);
    answer::desk(&req, &staff, &state, id, form.into_inner(), work).await
}

/// `POST /tickets/{id}/waits/cancel`.
pub async fn cancel_wait(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let work = move |c: &mut PgConnection, w: &Acting, f: &TicketForm| take_back_wait(c, w, id, f);
    answer::desk(&req, &staff, &state, id, form.into_inner(), work).await
}
