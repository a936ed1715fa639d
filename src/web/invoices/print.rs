//! `GET /invoices/{id}/print` (A4) and `GET /invoices/{id}/receipt` (80 mm): the same facts with
//! their own print CSS: the branch's details, number, lines, tax, payments and change, and the
//! warranty terms of warrantied lines.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use crate::db::db;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::models::invoice::InvoiceLine;
use crate::repo::branches;
use crate::repo::invoices::{self, InvoiceView};
use crate::web::access::Staff;
use crate::web::{AppState, html};

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
    let branch_id = staff.branch.id;
    let (v, branch, terms, subject) = db(&state.pool, &staff.actor(), move |conn| {
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
