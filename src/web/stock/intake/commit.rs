//! `POST /stock/intake/commit`: everything on the batch comes into stock, all or nothing.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{IntakeForm, answer};
use crate::error::AppError;
use crate::repo::intake;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /stock/intake/commit`: everything on the batch comes into stock, all or nothing.
pub async fn commit_delivery(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    answer(
        req,
        staff,
        state,
        form.into_inner(),
        move |conn, a, batch, _, _| intake::commit(conn, a.branch, batch, None, &a.by).map(Some),
    )
    .await
}
