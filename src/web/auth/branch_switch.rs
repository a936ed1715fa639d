//! `POST /branch`: managers and admins choose the branch they are working in.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::web::access::{SESSION_BRANCH, Staff};
use crate::web::page::{Flash, push_flash};
use crate::web::see_other;

/// The form as posted.
#[derive(Deserialize)]
pub struct SwitchForm {
    branch_id: i64,
    #[serde(default)]
    back: String,
}

/// Switches the active branch.
pub async fn submit(
    staff: Staff,
    req: HttpRequest,
    session: Session,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    if !staff.role.spans_branches() {
        return Err(AppError::forbidden(
            "only managers and admins switch branches",
        ));
    }
    let branch = staff
        .branches
        .iter()
        .find(|b| b.id == form.branch_id)
        .ok_or(AppError::NotFound)?;
    session
        .insert(SESSION_BRANCH, branch.id)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert: {e}")))?;
    push_flash(
        &req,
        Flash::info(format!("You are now working in {}.", branch.name)),
    );
    Ok(see_other(crate::domain::redirect::local_or(
        &form.back, "/",
    )))
}
