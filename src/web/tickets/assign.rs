//! `POST /tickets/{id}/assign`: give the ticket to a technician (or to nobody).

use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::tickets;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /tickets/{id}/assign`.
pub async fn assign_ticket(
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
            let tech = f.assigned_to.parse::<i64>().ok();
            tickets::assign(c, w.branch, id, tech, &w.by)?;
            Ok(Done::said("Assignment saved."))
        },
    )
    .await
}
