//! `POST /stock/intake/commit`: everything on the batch comes into stock, all or nothing; then
//! the delivery's page, where its labels are printed.

use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::answer;
use super::show::IntakeForm;
use crate::error::AppError;
use crate::repo::intake;
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Next;

/// `POST /stock/intake/commit`: everything on the batch comes into stock, all or nothing.
pub async fn commit_delivery(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let work = move |conn: &mut _, a: &crate::web::answer::Acting, batch, _: &IntakeForm, _| {
        intake::commit(conn, a.branch, batch, None, &a.by)
    };
    let next = |done: intake::Committed, _: &IntakeForm| {
        Next::saying(
            format!(
                "Delivery committed: {} units and {} bulk pieces are in stock.",
                done.units, done.pieces
            ),
            format!("/stock/intake/deliveries/{}", done.batch_id),
        )
    };
    answer(req, staff, state, form.into_inner(), work, next).await
}
