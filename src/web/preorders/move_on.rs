//! `POST /preorders/{id}/status`: the next step, with what it needs.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{ActForm, answer};
use crate::domain::preorder::PreorderStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::preorders::{self as repo, MoveInput};
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /preorders/{id}/status`: the next step, with what it needs (a unit on arrival, the
/// resale invoice when resold).
pub async fn move_preorder(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let to: PreorderStatus =
                f.to.parse()
                    .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
            let input = MoveInput {
                asset_code: f.asset_code.clone(),
                resale_invoice: f.resale_invoice.clone(),
                note: f.note.clone(),
            };
            repo::transition(conn, a.branch, id, f.from.parse().ok(), to, &input, &a.by)?;
            Ok(format!("Preorder is now {}.", to.words()))
        },
    )
    .await
}
