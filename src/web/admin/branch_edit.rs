//! `GET/POST /admin/branches/{id}`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::branch_form::{BranchFormPage, draft_of};
use crate::db::db;
use crate::domain::branch::{BranchDraft, BranchInput};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The form filled with the stored branch.
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let branch = db(&state.pool, &staff.actor(), move |conn| {
        branches::get(conn, id)
    })
    .await?;
    let page = BranchFormPage {
        page: PageCtx::for_request(&req),
        id: Some(id),
        draft: draft_of(&branch),
        errors: FieldErrors::new(),
    };
    html(StatusCode::OK, &page)
}

/// Saves the branch, or shows the form again with messages.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BranchDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let draft = form.into_inner();
    let result = match BranchInput::parse(&draft) {
        Ok(input) => {
            let by = staff.by();
            db(&state.pool, &staff.actor(), move |conn| {
                branches::update(conn, id, &input, &by)
            })
            .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(branch) => {
            push_flash(
                &session,
                Flash::success(format!("Branch {} saved.", branch.name)),
            );
            Ok(see_other("/admin/branches"))
        }
        Err(AppError::Validation(errors)) => {
            let page = BranchFormPage {
                page: PageCtx::for_request(&req),
                id: Some(id),
                draft,
                errors,
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}
