//! `POST /floor/{id}/status`: Move the job to its next status, from the tablet.

use actix_web::{HttpRequest, HttpResponse, web};

use super::job::answer;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::tickets::show::TicketForm;

/// `POST /floor/{id}/status`.
pub async fn move_job(
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
        move |c, w, f| crate::web::tickets::move_on::move_on(c, w, id, f),
    )
    .await
}
