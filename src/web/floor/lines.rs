//! `POST /floor/{id}/undo` takes the job's last line off again (a part scanned by mistake goes
//! back on the shelf); `POST /floor/{id}/estimate` sends the estimate for the customer's
//! approval from the tablet (the counter shares the link from the ticket page).

use actix_web::{HttpRequest, HttpResponse, web};

use super::job::answer;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::tickets::answer::Done;
use crate::web::tickets::show::TicketForm;

/// `POST /floor/{id}/undo`.
pub async fn undo_line(
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
        move |c, w, f| {
            let line = crate::web::tickets::remove_line::remove(c, w, id, f)?;
            Ok(Done::said(format!("Undone: {line} taken off the job.")))
        },
    )
    .await
}

/// `POST /floor/{id}/estimate`.
pub async fn send_estimate(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (key, tz) = (state.link_key.clone(), staff.branch.timezone.clone());
    let base = crate::web::tickets::show::base_url(&req);
    answer(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, f| {
            let sent = crate::web::tickets::estimate::send(c, w, id, f, &key, &tz, &base)?;
            Ok(Done::said(format!(
                "{} The counter can share it from the ticket.",
                sent.message
            )))
        },
    )
    .await
}
