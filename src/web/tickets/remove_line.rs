//! `POST /tickets/{id}/remove`: take a line off an estimate that is not yet answered.

use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::tickets;
use crate::web::AppState;
use crate::web::access::Staff;

/// Takes the posted line off ticket `id` (the tablet's undo too); says what it was: "Oil
/// filter (FLT-OIL-T) ×2".
pub(crate) fn remove(
    c: &mut diesel::PgConnection,
    w: &crate::web::answer::Acting,
    id: i64,
    f: &TicketForm,
) -> Result<String, crate::repo::RepoError> {
    let line = tickets::remove_line(c, w.branch, id, f.line_id.parse().unwrap_or(0), &w.by)?;
    Ok(format!(
        "{} ×{}",
        line.description,
        line.quantity.normalized()
    ))
}

/// `POST /tickets/{id}/remove`.
pub async fn remove_ticket_line(
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
        move |c, w, f| {
            let line = remove(c, w, id, f)?;
            Ok(Done::said(format!("Removed {line}.")))
        },
    )
    .await
}
