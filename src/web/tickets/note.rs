//! `POST /tickets/{id}/note`: a note on the ticket's timeline.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::{RepoError, tickets};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// Writes the posted note; the tablet uses it too.
pub(crate) fn write_note(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
) -> Result<Done, RepoError> {
    tickets::add_note(conn, w.branch, id, &f.note, &w.by)?;
    Ok(Done::said("Note added."))
}

/// `POST /tickets/{id}/note`.
pub async fn add_note(
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
        move |c, w, f| write_note(c, w, id, f),
    )
    .await
}
