//! `POST /tickets/{id}/status`: move the ticket to its next status (closing needs an outcome).

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::domain::ticket::{Outcome, TicketStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::{RepoError, tickets};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// Moves the ticket along from the status the form showed; the tablet uses it too.
pub(crate) fn move_on(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
) -> Result<Done, RepoError> {
    let to: TicketStatus =
        f.to.parse()
            .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
    let outcome = f.outcome.parse::<Outcome>().ok();
    tickets::transition(
        conn,
        w.branch,
        id,
        f.shown_status(),
        to,
        outcome,
        &f.note,
        &w.by,
    )?;
    Ok(Done::said(format!("Ticket is now {}.", to.words())))
}

/// `POST /tickets/{id}/status`.
pub async fn move_ticket(
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
        move |c, w, f| move_on(c, w, id, f),
    )
    .await
}
