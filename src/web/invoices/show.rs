//! `/invoices/{id}`: a draft's lines (scan a unit, stock, service, labour, fee, discount),
//! issuing, then the split-tender payment screen with the balance and the change in large type,
//! and voiding (confirmed, with a reason). Money forms carry a one-time submission id.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::invoice::{InvoiceStatus, PaymentMethod, WarrantyTier};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::invoice::InvoiceLine;
use crate::repo::invoices::{self, InvoiceView, NewLine};
use crate::repo::submissions::{self, Once};
use crate::repo::{By, RepoError};
use crate::repo::{catalogue, stock};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, refusal, see_other};
use uuid::Uuid;

use super::{posted_submission, submission_id};

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
    code: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    stock_item_id: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    stock_price: String,
    #[serde(default)]
    stock_tier: String,
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    service_price: String,
    #[serde(default)]
    labour_description: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    fee_description: String,
    #[serde(default)]
    fee_amount: String,
    #[serde(default)]
    discount_description: String,
    #[serde(default)]
    discount_amount: String,
    #[serde(default)]
    line_id: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    submission_id: String,
}

/// Query string of the page.
#[derive(Deserialize)]
pub struct ShowQuery {
    paid: Option<i64>,
    #[serde(default)]
    void: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
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

fn tier(raw: &str) -> Option<WarrantyTier> {
    raw.parse().ok()
}

/// Adds the line `build` makes of the form to the draft, or shows the page again with what is
/// wrong. A scan comes back with the code field empty and focused.
async fn add_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: InvoiceForm,
    build: fn(&InvoiceForm, &mut FieldErrors) -> NewLine,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let line = build(&form, &mut errors);
    let result = match errors.into_result() {
        Err(errors) => Err(AppError::Validation(errors)),
        Ok(()) => {
            let branch = staff.branch.id;
            db(&state.pool, &staff.actor(), move |conn| {
                invoices::add_line(conn, branch, id, &line)
            })
            .await
        }
    };
    refused_or(
        &req,
        &staff,
        &state,
        id,
        form,
        result,
        format!("/invoices/{id}"),
    )
    .await
}

/// `POST /invoices/{id}/lines/asset`: a unit by its tag or serial (the price from its grade unless typed).
pub async fn add_unit_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Asset {
            code: f.code.clone(),
            price: form::optional_amount(&f.price, "price", errors),
            tier: tier(&f.tier),
        },
    )
    .await
}

/// `POST /invoices/{id}/lines/stock`: a stock item by quantity.
pub async fn add_stock_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Stock {
            stock_item_id: f.stock_item_id.parse().unwrap_or(0),
            quantity: f.quantity.trim().parse().unwrap_or_else(|_| {
                errors.add("quantity", "Enter how many (1 or more).");
                0
            }),
            price: form::optional_amount(&f.stock_price, "stock_price", errors),
            tier: tier(&f.stock_tier),
        },
    )
    .await
}

/// `POST /invoices/{id}/lines/service`: a service from the catalogue.
pub async fn add_service_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Service {
            service_id: f.service_id.parse().unwrap_or(0),
            price: form::optional_amount(&f.service_price, "service_price", errors),
        },
    )
    .await
}

/// `POST /invoices/{id}/lines/labour`: labour hours at a rate.
pub async fn add_labour_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Labour {
            description: f.labour_description.clone(),
            hours: form::decimal(&f.hours).unwrap_or_else(|| {
                errors.add("hours", "Enter the hours, more than 0 (up to 999).");
                BigDecimal::from(0)
            }),
            rate: form::amount(&f.rate, "rate", errors),
        },
    )
    .await
}

/// `POST /invoices/{id}/lines/fee`: a fee.
pub async fn add_fee_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Fee {
            description: f.fee_description.clone(),
            amount: form::amount(&f.fee_amount, "fee_amount", errors),
        },
    )
    .await
}

/// `POST /invoices/{id}/lines/discount`: a discount off the invoice.
pub async fn add_discount_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    add_line(
        req,
        staff,
        state,
        id.into_inner(),
        form.into_inner(),
        |f, errors| NewLine::Discount {
            description: f.discount_description.clone(),
            amount: form::amount(&f.discount_amount, "discount_amount", errors),
        },
    )
    .await
}

/// Shows a refusal on the page with the form as typed, or goes to `next`.
async fn refused_or(
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

/// `POST /invoices/{id}/remove`: takes a line off the draft.
pub async fn remove_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let (branch, line) = (staff.branch.id, form.line_id.parse().unwrap_or(0));
    let result = db(&state.pool, &staff.actor(), move |conn| {
        invoices::remove_line(conn, branch, id, line)
    })
    .await;
    refused_or(
        &req,
        &staff,
        &state,
        id,
        form,
        result,
        format!("/invoices/{id}"),
    )
    .await
}

/// What a money form's work returns: its message and the page to show, once per submission.
type MoneyDone = Once<String>;

/// Runs a money form (issue, payment, void) once per submission id and answers: its message and
/// the page it names, the first result again for a repeated submission, or the page with what
/// was typed and why it was refused (`confirm`: the void confirmation stays open).
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
