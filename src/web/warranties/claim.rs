//! `GET /claims/{id}`: the claim and its history; and how the claim page's posts answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::claims::{self, ClaimRow, WarrantyRow};
use crate::repo::events::{self, EventRow, Trail};
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// A claim.
#[derive(Template)]
#[template(path = "warranties/claim.html")]
pub struct ClaimPage {
    page: PageCtx,
    c: ClaimRow,
    w: WarrantyRow,
    events: Vec<EventRow>,
    form: ClaimActForm,
    errors: FieldErrors,
}

/// The claim page's forms, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimActForm {
    #[serde(default)]
    pub(super) deny_reason: String,
    #[serde(default)]
    pub(super) outcome: String,
    #[serde(default)]
    pub(super) cost: String,
}

async fn render_claim(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: ClaimActForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (c, w, events) = db(&state.pool, &staff.actor(), move |conn| {
        let c = claims::claim(conn, branch, id)?;
        let w = claims::get(conn, branch, c.warranty_id)?;
        Ok((c, w, events::read(conn, Trail::Claim(id))?))
    })
    .await?;
    html(
        code,
        &ClaimPage {
            page: PageCtx::for_request(req),
            c,
            w,
            events,
            form,
            errors,
        },
    )
}

/// `GET /claims/{id}`.
pub async fn claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_claim(
        &req,
        &staff,
        &state,
        id.into_inner(),
        ClaimActForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Runs one of the claim page's actions and answers: its message and back to the claim, or the
/// page again with what was typed and why it was refused.
pub(super) async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: ClaimActForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &ClaimActForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message| Next::saying(message, format!("/claims/{id}"));
    answer::then(&req, result, "claim", next, |errors, code| {
        render_claim(&req, &staff, &state, id, form, errors, code)
    })
    .await
}
