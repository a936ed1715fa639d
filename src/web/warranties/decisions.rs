//! `POST /claims/{id}/approve` (opens a ticket), `/deny` (with a reason), `/complete`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::claim::{ClaimActForm, answer};
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::claims;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /claims/{id}/approve`: approving opens a high-priority ticket on the unit.
pub async fn approve_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, _| {
            claims::approve(conn, a.branch, id, &a.by)
                .map(|t| format!("Claim approved; ticket opened (#{t} in the system)."))
        },
    )
    .await
}

/// `POST /claims/{id}/deny`: with a reason.
pub async fn deny_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            claims::deny(conn, a.branch, id, &f.deny_reason, &a.by)
                .map(|_| "Claim denied.".to_string())
        },
    )
    .await
}

/// `POST /claims/{id}/complete`: with the outcome and what the repair cost.
pub async fn complete_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let mut errors = FieldErrors::new();
            let cost = form::amount_or_zero(&f.cost, "cost", &mut errors);
            errors.into_result()?;
            claims::complete(conn, a.branch, id, &f.outcome, &cost, &a.by)
                .map(|_| "Claim completed.".to_string())
        },
    )
    .await
}
