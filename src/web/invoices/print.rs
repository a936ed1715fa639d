//! `GET /invoices/{id}/print` (A4) and `GET /invoices/{id}/receipt` (80 mm): the same facts with
//! their own print CSS: the branch's details, number, lines, tax, payments and change, and the
//! warranty terms of warrantied lines. `GET /receipt/{token}` is the customer's copy through the
//! signed no-login link "Send the receipt" sends (the 80 mm receipt, which fits a phone, with its
//! payments and no staff links), and
//! `POST /invoices/{id}/send-receipt` sends that link.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use crate::db::{Actor, db};
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::models::invoice::InvoiceLine;
use crate::repo::branches;
use crate::repo::invoices::{self, InvoiceView};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, html, see_other};

/// A printable invoice or receipt.
#[derive(Template)]
#[template(path = "invoices/print.html")]
pub struct PrintPage {
    v: InvoiceView,
    branch: Branch,
    receipt: bool,
    /// (category, terms) of the warrantied lines' categories.
    terms: Vec<(String, String)>,
    /// The vehicle or device of the ticket the invoice bills, if it bills one.
    subject: Option<String>,
    /// The customer's copy through their link (no way into the staff screens).
    public: bool,
}

impl PrintPage {
    fn warranty_of(&self, line: &InvoiceLine) -> Option<String> {
        self.v
            .warranties
            .iter()
            .find(|w| w.0 == line.id && w.3 != "void")
            .map(|(_, tier, ends, _)| format!("{tier} warranty until {ends}"))
    }
    fn change(&self) -> BigDecimal {
        self.v.payments.iter().map(|p| &p.change_given).sum()
    }
    /// When it was issued, at the branch.
    fn issued(&self) -> Option<String> {
        let at = self.v.invoice.issued_at?;
        Some(crate::domain::time::show(&at, &self.branch.timezone))
    }
    /// An amount in the branch's currency (a print names it with every amount).
    fn money(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::show(v.decimal(), &self.branch.currency)
    }
    fn phone(&self, stored: &str) -> String {
        crate::domain::phone::show(stored)
    }
    fn has_change(&self) -> bool {
        self.change() > 0
    }
}

async fn render(
    _req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    receipt: bool,
) -> Result<HttpResponse, AppError> {
    render_for(state, &staff.actor(), staff.branch.id, id, receipt, false).await
}

async fn render_for(
    state: &AppState,
    actor: &Actor,
    branch_id: i64,
    id: i64,
    receipt: bool,
    public: bool,
) -> Result<HttpResponse, AppError> {
    let (v, branch, terms, subject) = db(&state.pool, actor, move |conn| {
        let v = invoices::view(conn, branch_id, id)?;
        let terms = invoices::warranty_terms_of(conn, id)?;
        let subject = match v.invoice.ticket_id {
            Some(t) => {
                let ticket = crate::repo::tickets::get(conn, branch_id, t)?;
                crate::repo::tickets::subject(conn, &ticket)?
            }
            None => None,
        };
        Ok((v, branches::get(conn, branch_id)?, terms, subject))
    })
    .await?;
    html(
        StatusCode::OK,
        &PrintPage {
            v,
            branch,
            receipt,
            terms,
            subject,
            public,
        },
    )
}

/// `GET /invoices/{id}/print`.
pub async fn a4(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(&req, &staff, &state, id.into_inner(), false).await
}

/// `GET /invoices/{id}/receipt`.
pub async fn receipt(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(&req, &staff, &state, id.into_inner(), true).await
}

/// How long a receipt link in a message works.
const RECEIPT_LINK_DAYS: i64 = 365;

/// `GET /receipt/{token}`: the customer's copy, no sign-in; a forged or expired link is refused
/// and a draft is never shown.
pub async fn public(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.settings.clock.now();
    let id = match crate::domain::approval_link::verify_receipt(&state.link_key, &token) {
        Some((id, expires)) if expires >= now => id,
        Some(_) => {
            return Err(AppError::Conflict(
                "This receipt link has expired. Ask the shop for a copy.".into(),
            ));
        }
        None => return Err(AppError::NotFound),
    };
    let branch = db(&state.pool, &Actor::anonymous(), move |conn| {
        invoices::issued_branch_of(conn, id)
    })
    .await?;
    render_for(&state, &Actor::anonymous(), branch, id, true, true).await
}

/// `POST /invoices/{id}/send-receipt`: sends the customer the link to their copy.
pub async fn send_receipt(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (key, base) = (
        state.link_key.clone(),
        crate::web::tickets::show::base_url(&req),
    );
    let expires = state.settings.clock.now() + chrono::Duration::days(RECEIPT_LINK_DAYS);
    let (branch, by) = (staff.branch.id, staff.by());
    let sent = db(&state.pool, &staff.actor(), move |conn| {
        let url = |invoice| {
            let token = crate::domain::approval_link::sign_receipt(&key, invoice, expires);
            format!("{base}/receipt/{token}")
        };
        invoices::send_receipt(conn, branch, id, url, &by)
    })
    .await;
    let flash = match sent {
        Ok(to) => Flash::success(format!("The receipt is on its way to {to}.")),
        Err(AppError::Conflict(m)) => Flash::error(m),
        Err(e) => return Err(e),
    };
    push_flash(&req, flash);
    Ok(see_other(&format!("/invoices/{id}")))
}
