//! The money forms, each once per submission id: `POST /invoices/{id}/issue`,
//! `POST /invoices/{id}/payments` and `POST /invoices/{id}/void`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::db;
use crate::domain::form;
use crate::domain::invoice::PaymentMethod;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::invoices;
use crate::repo::submissions::{self, Once};
use crate::repo::{By, RepoError};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, refusal, see_other};
use uuid::Uuid;

use super::posted_submission;
use super::show::{InvoiceForm, refused_or, render};

/// What a money form's work returns: its message and the page to show, once per submission.
type MoneyDone = Once<String>;

/// Runs a money form (issue, payment, void) once per submission id and answers: its message and
/// the page it names, the first result again for a repeated submission, or the page with what
/// was typed and why it was refused (`confirm`: the void confirmation stays open).
#[allow(clippy::too_many_arguments)]
async fn once_per_submission<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: InvoiceForm,
    checked: FieldErrors,
    confirm_on_refusal: bool,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(
            &mut diesel::PgConnection,
            Uuid,
            Option<i64>,
            &By,
            &InvoiceForm,
        ) -> Result<MoneyDone, RepoError>
        + Send
        + 'static,
{
    let sid = match posted_submission(&form.submission_id) {
        Ok(sid) => sid,
        Err(errors) => {
            let next = format!("/invoices/{id}");
            let refused = Err(AppError::Validation(errors));
            return refused_or(&req, &staff, &state, id, form, refused, next).await;
        }
    };
    if !checked.is_empty() {
        let code = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&req, &staff, &state, id, None, false, form, checked, code).await;
    }
    let (by, user) = (staff.by(), Some(staff.id));
    let f = form.clone();
    let result = db(&state.pool, &staff.actor(), move |conn| {
        work(conn, sid, user, &by, &f)
    })
    .await;
    match result {
        Ok(Once::Done(message, next)) => {
            push_flash(&req, Flash::success(message));
            Ok(see_other(&next))
        }
        Ok(Once::Repeated(next)) => {
            push_flash(
                &req,
                Flash::info(
                    "That form was submitted already; this is its result. Nothing was done twice.",
                ),
            );
            Ok(see_other(if next.is_empty() { "/invoices" } else { &next }))
        }
        Err(e) => {
            let confirm = confirm_on_refusal && matches!(e, AppError::Validation(_));
            let (errors, code) = refusal(e, "invoice")?;
            render(&req, &staff, &state, id, None, confirm, form, errors, code).await
        }
    }
}

/// `POST /invoices/{id}/issue`: the branch's next number, lines frozen, units sold, stock out,
/// warranties started. Issuing claims the submission in the statement that locks the invoice.
pub async fn issue_invoice(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let (id, branch) = (id.into_inner(), staff.branch.id);
    let work = move |conn: &mut diesel::PgConnection, sid, user, by: &By, _: &InvoiceForm| {
        let shown_at = format!("/invoices/{id}");
        invoices::issue_once(conn, sid, user, &shown_at, (branch, id), by)
            .map(|once| once.map(|issued| format!("Invoice {} issued.", issued.number)))
    };
    let none = FieldErrors::new();
    once_per_submission(req, staff, state, id, form.into_inner(), none, false, work).await
}

/// `POST /invoices/{id}/payments`: one tender of a split payment. The claim takes the payment's
/// id, so the receipt's address names the payment.
pub async fn record_payment(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let (id, branch, form) = (id.into_inner(), staff.branch.id, form.into_inner());
    let mut errors = FieldErrors::new();
    let method = form.method.parse::<PaymentMethod>().unwrap_or_else(|_| {
        errors.add("method", "Choose how the customer pays.");
        PaymentMethod::Other
    });
    let offered = form::amount(&form.amount, "amount", &mut errors);
    let work = move |conn: &mut diesel::PgConnection, sid, user, by: &By, f: &InvoiceForm| {
        let receipt = format!("/invoices/{id}?paid=");
        let tender = invoices::Tender {
            method,
            offered: &offered,
            reference: &f.reference,
        };
        invoices::pay_once(conn, sid, user, &receipt, (branch, id), tender, by).map(|once| {
            once.map(|paid| format!("{} {} received.", tender.method.label(), paid.amount))
        })
    };
    once_per_submission(req, staff, state, id, form, errors, false, work).await
}

/// `POST /invoices/{id}/void`: an issued invoice without payments, with a reason; its units and
/// stock come back.
pub async fn void_invoice(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let (id, branch) = (id.into_inner(), staff.branch.id);
    let work = move |conn: &mut diesel::PgConnection, sid, user, by: &By, f: &InvoiceForm| {
        let shown_at = format!("/invoices/{id}");
        submissions::once_showing(conn, sid, user, &shown_at, |conn| {
            invoices::void(conn, branch, id, &f.reason, by)?;
            Ok("Invoice voided; its units and stock are back.".to_string())
        })
    };
    let none = FieldErrors::new();
    once_per_submission(req, staff, state, id, form.into_inner(), none, true, work).await
}
