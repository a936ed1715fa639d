//! `GET/POST /admin/branches/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::branch_form::{BranchFormPage, draft_of};
use crate::db::db;
use crate::domain::branch::BranchDraft;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The form filled with the stored branch.
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (branch, has_logo) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((branches::get(conn, id)?, branches::has_logo(conn, id)?))
    })
    .await?;
    let page = BranchFormPage {
        page: PageCtx::for_request(&req),
        id: Some(id),
        draft: draft_of(&branch),
        errors: FieldErrors::new(),
        has_logo,
    };
    html(StatusCode::OK, &page)
}

/// Saves the posted form (see [`super::branch_form::save`]).
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BranchDraft>,
) -> Result<HttpResponse, AppError> {
    super::branch_form::save(req, staff, state, Some(id.into_inner()), form.into_inner()).await
}
