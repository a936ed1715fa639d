//! `POST /tickets/{id}/clock` starts the signed-in technician's clock on the ticket (stopping
//! the one running elsewhere); `POST /tickets/{id}/clock/stop` stops it.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::time_clock;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// Starts the clock on ticket `id`; the tablet uses it too.
pub(crate) fn start(conn: &mut PgConnection, w: &Acting, id: i64) -> Result<Done, RepoError> {
    time_clock::clock_start(conn, w.branch, id, &w.by)?;
    Ok(Done::said("Clock started."))
}

/// Stops the running clock; the tablet uses it too.
pub(crate) fn stop(conn: &mut PgConnection, w: &Acting) -> Result<Done, RepoError> {
    Ok(Done::said(match time_clock::clock_stop(conn, &w.by)? {
        Some(stopped) => format!(
            "Clock stopped: {} recorded ({} h).",
            crate::domain::time::duration_words(stopped.seconds),
            stopped.hours
        ),
        None => "Your clock was not running.".into(),
    }))
}

/// `POST /tickets/{id}/clock`.
pub async fn start_clock(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| start(c, w, id),
    )
    .await
}

/// `POST /tickets/{id}/clock/stop`.
pub async fn stop_clock(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer::desk(&req, &staff, &state, id, form.into_inner(), |c, w, _| {
        stop(c, w)
    })
    .await
}
