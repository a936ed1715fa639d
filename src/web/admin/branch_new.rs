//! `GET/POST /admin/branches/new`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::branch_form::BranchFormPage;
use crate::db::db;
use crate::domain::branch::{BranchDraft, BranchInput, OpeningHours};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// An empty form with sensible defaults.
pub async fn form(req: HttpRequest, _staff: Staff) -> Result<HttpResponse, AppError> {
    let draft = BranchDraft {
        timezone: "UTC".into(),
        tax_rate: "0".into(),
        tax_rounding: "per_line".into(),
        active: Some("on".into()),
        hours: OpeningHours::standard().to_form_fields(),
        ..Default::default()
    };
    let page = BranchFormPage {
        page: PageCtx::for_request(&req),
        id: None,
        draft,
        errors: FieldErrors::new(),
    };
    html(StatusCode::OK, &page)
}

/// Creates the branch, or shows the form again with messages.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<BranchDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = form.into_inner();
    let result = match BranchInput::parse(&draft) {
        Ok(input) => {
            let by = staff.by();
            db(&state.pool, &staff.actor(), move |conn| {
                branches::create(conn, &input, &by)
            })
            .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(branch) => {
            push_flash(
                &session,
                Flash::success(format!("Branch {} created.", branch.name)),
            );
            Ok(see_other("/admin/branches"))
        }
        Err(AppError::Validation(errors)) => {
            let page = BranchFormPage {
                page: PageCtx::for_request(&req),
                id: None,
                draft,
                errors,
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}
