//! A ticket on paper: `GET /tickets/{id}/job-sheet` (A4) and `/claim-tag` (80 mm), what the
//! customer signed for with the terms and a barcode of the ticket number; `GET
//! /tickets/{id}/estimate/print` (A4); and `GET /tickets/{id}/signature.png`. The unlock code is
//! never printed. The job sheet and claim tag carry the QR code of the customer's status page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use crate::db::db;
use crate::domain::barcode::code128_svg;
use crate::domain::repair_intake::TERMS;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::models::customer::Customer;
use crate::models::ticket::{Ticket, TicketLine};
use crate::repo::{branches, customers, tickets};
use crate::web::access::Staff;
use crate::web::{AppState, html};

/// What a ticket's prints show.
struct Printed {
    branch: Branch,
    ticket: Ticket,
    customer: Customer,
    subject: Option<String>,
    lines: Vec<TicketLine>,
    deposits: Vec<tickets::Deposit>,
    signed: bool,
}

async fn load(state: &AppState, staff: &Staff, id: i64) -> Result<Printed, AppError> {
    let branch_id = staff.branch.id;
    db(&state.pool, &staff.actor(), move |conn| {
        let ticket = tickets::get(conn, branch_id, id)?;
        Ok(Printed {
            branch: branches::get(conn, branch_id)?,
            customer: customers::get(conn, ticket.customer_id)?,
            subject: tickets::subject(conn, &ticket)?,
            lines: tickets::lines(conn, id)?,
            deposits: tickets::deposits_of(conn, id)?,
            signed: tickets::has_signature(conn, id)?,
            ticket,
        })
    })
    .await
}

impl Printed {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        crate::domain::time::show(at, &self.branch.timezone)
    }
    fn money(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::show(v.decimal(), &self.branch.currency)
    }
    fn phone(&self) -> String {
        crate::domain::phone::show(&self.customer.phone)
    }
    fn deposit(&self) -> BigDecimal {
        self.deposits.iter().map(|d| &d.1).sum()
    }
    /// (subtotal, tax, total) of the estimate, as the invoice will carry them.
    fn estimate(&self) -> (BigDecimal, BigDecimal, BigDecimal) {
        crate::models::ticket::estimate(&self.lines, &self.branch)
    }
}

/// The job sheet (A4) or claim tag (80 mm).
#[derive(Template)]
#[template(path = "tickets/job_sheet.html")]
pub struct JobSheet {
    p: Printed,
    tag: bool,
    /// Code 128 of the ticket number, drawn by us.
    barcode: String,
    /// The QR code of the customer's status page (made with the first print).
    status_qr: String,
    terms: &'static [&'static str],
}

async fn job_sheet_page(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    tag: bool,
) -> Result<HttpResponse, AppError> {
    let p = load(state, staff, id).await?;
    let barcode = code128_svg(&p.ticket.number.to_string(), 48).unwrap_or_default();
    // The status page's link (made at intake; the counter makes one for an older ticket).
    let link = db(&state.pool, &staff.actor(), move |conn| {
        tickets::status_link(conn, id)
    })
    .await?;
    let status_qr = link
        .map(|(link, expires)| {
            let token = crate::domain::approval_link::sign_status(&state.link_key, link, expires);
            let url = format!("{}/status/{token}", super::show::base_url(req));
            crate::domain::qr::svg(&url, 96)
        })
        .unwrap_or_default();
    let page = JobSheet {
        p,
        tag,
        barcode,
        status_qr,
        terms: TERMS,
    };
    html(StatusCode::OK, &page)
}

/// `GET /tickets/{id}/job-sheet`: the A4 job sheet.
pub async fn job_sheet(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    job_sheet_page(&req, &staff, &state, id.into_inner(), false).await
}

/// `GET /tickets/{id}/claim-tag`: the 80 mm claim tag.
pub async fn claim_tag(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    job_sheet_page(&req, &staff, &state, id.into_inner(), true).await
}

/// The printable estimate.
#[derive(Template)]
#[template(path = "tickets/estimate_print.html")]
pub struct EstimatePrint {
    p: Printed,
}

/// `GET /tickets/{id}/estimate/print`: the estimate on A4.
pub async fn estimate(
    _req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let p = load(&state, &staff, id.into_inner()).await?;
    html(StatusCode::OK, &EstimatePrint { p })
}

/// `GET /tickets/{id}/signature.png`: the customer's signature, for the ticket's pages and prints.
pub async fn signature(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, id) = (staff.branch.id, id.into_inner());
    let png = db(&state.pool, &staff.actor(), move |conn| {
        tickets::signature(conn, branch, id)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(png))
}
