//! `/invoices/{id}/refund`: a credit note against chosen lines, with its refund payment.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use crate::db::db;
use crate::domain::invoice::{LineKind, PaymentMethod, RefundBasis};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::invoice::InvoiceLine;
use crate::repo::invoices::{self, InvoiceView, RefundRequest};
use crate::repo::submissions::{self, Once};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, refusal, see_other};

use super::{posted_submission, submission_id};

/// The refund form.
#[derive(Template)]
#[template(path = "invoices/refund.html")]
pub struct RefundPage {
    page: PageCtx,
    v: InvoiceView,
    typed: Vec<(String, String)>,
    errors: FieldErrors,
    submission: String,
}

impl RefundPage {
    fn refundable(&self) -> Vec<&InvoiceLine> {
        self.v
            .lines
            .iter()
            .filter(|l| l.line_kind() != LineKind::Discount && l.refundable_quantity() > 0)
            .collect()
    }
    fn typed(&self, name: &str) -> String {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn qty_of(&self, line: &InvoiceLine) -> String {
        self.typed(&format!("qty_{}", line.id))
    }
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
    /// What one unit of `line` gives back, tax included, with its share of the discounts.
    fn back_per_unit(&self, line: &InvoiceLine) -> BigDecimal {
        let basis = RefundBasis::new(
            &self.v.invoice.subtotal,
            &self.v.invoice.tax_total,
            self.v.lines.iter().map(|l| (l.line_kind(), &l.net, &l.tax)),
        );
        let (net, tax) = basis.share(&(&line.net / &line.quantity), &(&line.tax / &line.quantity));
        net + tax
    }
    fn refundable_amount(&self) -> BigDecimal {
        &self.v.invoice.paid_total - &self.v.invoice.refunded_total
    }
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    typed: Vec<(String, String)>,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let v = db(&state.pool, &staff.actor(), move |conn| {
        invoices::view(conn, branch, id)
    })
    .await?;
    html(
        code,
        &RefundPage {
            page: PageCtx::for_request(req),
            v,
            typed,
            errors,
            submission: submission_id(),
        },
    )
}

/// `GET /invoices/{id}/refund`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        Vec::new(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /invoices/{id}/refund`: `qty_<line id>` per line, `reason`, `method`, `reference`.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let typed = form.into_inner();
    let get = |name: &str| {
        typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = FieldErrors::new();
    let sid = match posted_submission(&get("submission_id")) {
        Ok(sid) => Some(sid),
        Err(e) => {
            for (field, message) in e.iter() {
                errors.add(field, message);
            }
            None
        }
    };
    let mut lines = Vec::new();
    for (k, v) in &typed {
        let Some(line) = k.strip_prefix("qty_").and_then(|l| l.parse::<i64>().ok()) else {
            continue;
        };
        match v.trim() {
            "" | "0" => {}
            raw => match crate::domain::form::decimal(raw) {
                Some(q) if q > 0 => lines.push((line, q)),
                _ => errors.add("lines", "Quantities are numbers above zero."),
            },
        }
    }
    let method = get("method").parse::<PaymentMethod>().unwrap_or_else(|_| {
        errors.add("method", "Choose how the money goes back.");
        PaymentMethod::Other
    });
    if !errors.is_empty() {
        return render(
            &req,
            &staff,
            &state,
            id,
            typed,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let request = RefundRequest {
        lines,
        reason: get("reason"),
        method,
        reference: get("reference"),
    };
    let (branch, by, user) = (staff.branch.id, staff.by(), Some(staff.id));
    let sid = sid.unwrap_or_default();
    let result = db(&state.pool, &staff.actor(), move |conn| {
        submissions::once_showing(conn, sid, user, &format!("/invoices/{id}"), |conn| {
            invoices::refund(conn, branch, id, &request, &by)
        })
    })
    .await;
    match result {
        Ok(Once::Done(note, next)) => {
            push_flash(
                &req,
                Flash::success(format!(
                    "Credit note CN-{note} raised and the refund recorded."
                )),
            );
            Ok(see_other(&next))
        }
        Ok(Once::Repeated(next)) => {
            push_flash(
                &req,
                Flash::info("That refund was submitted already; nothing was refunded twice."),
            );
            Ok(see_other(if next.is_empty() { "/invoices" } else { &next }))
        }
        Err(e) => {
            let (errors, code) = refusal(e, "invoice")?;
            render(&req, &staff, &state, id, typed, errors, code).await
        }
    }
}
