//! `GET/POST /admin/branches/new`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::branch_form::BranchFormPage;
use crate::domain::branch::{BranchDraft, OpeningHours};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// An empty form with sensible defaults.
pub async fn form(req: HttpRequest, _staff: Staff) -> Result<HttpResponse, AppError> {
    let draft = BranchDraft {
        timezone: "UTC".into(),
        tax_rate: "0".into(),
        tax_rounding: "per_line".into(),
        labour_rate: "0.00".into(),
        labour_cost_rate: "20.00".into(),
        currency: "KES".into(),
        country: "KE".into(),
        active: Some("on".into()),
        hours: OpeningHours::standard().to_form_fields(),
        ..Default::default()
    };
    let page = BranchFormPage {
        page: PageCtx::for_request(&req),
        id: None,
        draft,
        errors: FieldErrors::new(),
        has_logo: false,
    };
    html(StatusCode::OK, &page)
}

/// Saves the posted form (see [`super::branch_form::save`]).
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<BranchDraft>,
) -> Result<HttpResponse, AppError> {
    super::branch_form::save(req, staff, state, None, form.into_inner()).await
}
