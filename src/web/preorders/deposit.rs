//! `POST /preorders/{id}/deposit`: a deposit paid towards the preorder.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{ActForm, answer};
use crate::domain::form;
use crate::domain::invoice::PaymentMethod;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::preorders::{self as repo};
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /preorders/{id}/deposit`: a deposit paid towards the preorder.
pub async fn take_deposit(
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
            let mut errors = FieldErrors::new();
            let amount = form::amount(&f.amount, "amount", &mut errors);
            let method = f.method.parse::<PaymentMethod>().unwrap_or_else(|_| {
                errors.add("method", "Choose how the deposit is paid.");
                PaymentMethod::Other
            });
            errors.into_result()?;
            repo::pay_deposit(conn, a.branch, id, method, &amount, &f.reference, &a.by)?;
            Ok(format!("Deposit of {amount:.2} received."))
        },
    )
    .await
}
