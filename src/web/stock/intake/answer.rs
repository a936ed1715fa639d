//! How the intake screen's posts answer: bad amounts and refusals come back to the screen with
//! what was typed (a refused scan with the serial field empty for the next scan); anything else
//! goes back to the screen with the model and unit cost still chosen.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use bigdecimal::BigDecimal;

use super::show::{IntakeForm, Panel, render};
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::web::AppState;
use crate::web::access::{Staff, encode_component};
use crate::web::answer::{self, Acting, Next};

/// The amounts of the screen's forms, checked before any action runs.
pub(super) struct Costs {
    pub(super) unit: BigDecimal,
    pub(super) bulk: BigDecimal,
    pub(super) shipping: BigDecimal,
    pub(super) duty: BigDecimal,
}

impl Costs {
    /// The form's amounts, or the messages under each one that is not an amount.
    pub(super) fn read(form: &IntakeForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let costs = Costs {
            unit: form::amount_or_zero(&form.unit_cost, "unit_cost", &mut errors),
            bulk: form::amount_or_zero(&form.bulk_cost, "bulk_cost", &mut errors),
            shipping: form::amount_or_zero(&form.shipping, "shipping", &mut errors),
            duty: form::amount_or_zero(&form.duty, "duty", &mut errors),
        };
        errors.into_result().map(|_| costs)
    }
}

/// Back to the screen with the model and unit cost still chosen, saying `message` if any.
pub(super) fn back(form: &IntakeForm, message: Option<String>) -> Next {
    let to = format!(
        "/stock/intake?model={}&cost={}",
        encode_component(&form.product_model_id),
        encode_component(&form.unit_cost)
    );
    Next { flash: message, to }
}

/// The screen again after a refusal: what was typed kept, except a refused serial (the field is
/// emptied for the next scan; the panel names what was refused).
pub(super) async fn again(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: IntakeForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    render(req, staff, state, form, errors, Panel::default(), code).await
}

/// Runs one of the screen's actions on the branch's open batch and answers: `next` of what it
/// returned, or the screen again with the refusal.
pub(super) async fn answer<T, W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: IntakeForm,
    work: W,
    next: impl FnOnce(T, &IntakeForm) -> Next,
) -> Result<HttpResponse, AppError>
where
    T: Send + 'static,
    W: FnOnce(&mut diesel::PgConnection, &Acting, i64, &IntakeForm, Costs) -> Result<T, RepoError>
        + Send
        + 'static,
{
    let costs = match Costs::read(&form) {
        Ok(costs) => costs,
        Err(errors) => {
            let code = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&req, &staff, &state, form, errors, code).await;
        }
    };
    let result = answer::run(&staff, &state, &form, move |conn, a, f| {
        let batch = crate::repo::intake::open_batch(conn, a.branch, &a.by)?.0;
        work(conn, a, batch, f, costs)
    })
    .await;
    let (kept, back_to) = (form.clone(), req.clone());
    answer::then(
        &req,
        result,
        "batch",
        |done| next(done, &form),
        |errors, code| async move {
            let mut kept = kept;
            if code == StatusCode::UNPROCESSABLE_ENTITY {
                kept.serial.clear();
            }
            again(&back_to, &staff, &state, kept, errors, code).await
        },
    )
    .await
}
