//! `GET /invoices/{id}`: a draft with the forms for its lines (scan a unit, stock, service,
//! labour, fee, discount) and issuing; an issued invoice with the split-tender payment screen
//! (the balance, and the change in large type) and voiding (confirmed, with a reason). The forms
//! post to `lines.rs` and `money.rs`; money forms carry a one-time submission id.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::invoice::{InvoiceStatus, PaymentMethod};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::invoice::InvoiceLine;
use crate::repo::invoices::{self, InvoiceView};
use crate::repo::{catalogue, stock};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html, refusal, see_other};

use super::submission_id;

/// The invoice page.
#[derive(Template)]
#[template(path = "invoices/show.html")]
pub struct InvoicePage {
    page: PageCtx,
    v: InvoiceView,
    state: InvoiceStatus,
    items: Vec<(i64, String)>,
    services: Vec<(i64, String)>,
    /// The payment just taken, to show its change.
    just_paid: Option<(BigDecimal, BigDecimal, String)>,
    confirm_void: bool,
    form: InvoiceForm,
    errors: FieldErrors,
    submission: String,
}

impl InvoicePage {
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
    fn method_selected(&self, m: &PaymentMethod) -> bool {
        if self.form.method.is_empty() {
            *m == PaymentMethod::Cash
        } else {
            self.form.method == m.as_str()
        }
    }
    fn item_selected(&self, id: &i64) -> bool {
        self.form.stock_item_id == id.to_string()
    }
    fn service_selected(&self, id: &i64) -> bool {
        self.form.service_id == id.to_string()
    }
    fn is(&self, field: &str, value: &str) -> bool {
        let current = match field {
            "tier" => &self.form.tier,
            "stock_tier" => &self.form.stock_tier,
            _ => return false,
        };
        current == value
    }
    fn amount_value(&self) -> String {
        if self.form.amount.is_empty() {
            self.v.invoice.balance().to_string()
        } else {
            self.form.amount.clone()
        }
    }
    fn warranty_of(&self, line: &InvoiceLine) -> Option<String> {
        self.v
            .warranties
            .iter()
            .find(|w| w.0 == line.id)
            .map(|(_, tier, ends, status)| {
                format!(
                    "{tier} warranty to {ends}{}",
                    if status == "active" {
                        String::new()
                    } else {
                        format!(" ({status})")
                    }
                )
            })
    }
    fn positive(v: &BigDecimal) -> bool {
        *v > 0
    }
    fn has_lines(&self) -> bool {
        !self.v.lines.is_empty()
    }
}

/// Every form of the page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InvoiceForm {
    #[serde(default)]
    pub(super) code: String,
    #[serde(default)]
    pub(super) price: String,
    #[serde(default)]
    pub(super) tier: String,
    #[serde(default)]
    pub(super) stock_item_id: String,
    #[serde(default)]
    pub(super) quantity: String,
    #[serde(default)]
    pub(super) stock_price: String,
    #[serde(default)]
    pub(super) stock_tier: String,
    #[serde(default)]
    pub(super) service_id: String,
    #[serde(default)]
    pub(super) service_price: String,
    #[serde(default)]
    pub(super) labour_description: String,
    #[serde(default)]
    pub(super) hours: String,
    #[serde(default)]
    pub(super) rate: String,
    #[serde(default)]
    pub(super) fee_description: String,
    #[serde(default)]
    pub(super) fee_amount: String,
    #[serde(default)]
    pub(super) discount_description: String,
    #[serde(default)]
    pub(super) discount_amount: String,
    #[serde(default)]
    pub(super) line_id: String,
    #[serde(default)]
    pub(super) method: String,
    #[serde(default)]
    pub(super) amount: String,
    #[serde(default)]
    pub(super) reference: String,
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) submission_id: String,
}

/// Query string of the page.
#[derive(Deserialize)]
pub struct ShowQuery {
    paid: Option<i64>,
    #[serde(default)]
    void: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    paid: Option<i64>,
    confirm_void: bool,
    form: InvoiceForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (v, items, services) = db(&state.pool, &staff.actor(), move |conn| {
        let v = invoices::view(conn, branch, id)?;
        let (items, services) = if v.invoice.state() == InvoiceStatus::Draft {
            let services = catalogue::active_services(conn)?
                .into_iter()
                .map(|s| (s.id, format!("{} — {}", s.name, s.price)))
                .collect();
            (stock::item_choices(conn)?, services)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok((v, items, services))
    })
    .await?;
    let just_paid = paid.and_then(|p| {
        v.payments.iter().find(|x| x.id == p).map(|x| {
            (
                x.amount.clone(),
                x.change_given.clone(),
                x.method_label().to_string(),
            )
        })
    });
    html(
        code,
        &InvoicePage {
            page: PageCtx::for_request(req),
            state: v.invoice.state(),
            v,
            items,
            services,
            just_paid,
            confirm_void,
            form,
            errors,
            submission: submission_id(),
        },
    )
}

/// `GET /invoices/{id}` (`?paid=P` shows the change of payment P; `?void=1` asks to confirm).
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        query.paid,
        query.void.is_some(),
        InvoiceForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Shows a refusal on the page with the form as typed, or goes to `next`.
pub(super) async fn refused_or(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    mut form: InvoiceForm,
    result: Result<(), AppError>,
    next: String,
) -> Result<HttpResponse, AppError> {
    let Err(e) = result else {
        return Ok(see_other(&next));
    };
    let (errors, code) = refusal(e, "invoice")?;
    if errors.get("code").is_some() {
        form.code.clear();
    }
    render(req, staff, state, id, None, false, form, errors, code).await
}
