//! What the customer's no-login pages (the estimate to approve, the repair's status) show of a
//! ticket: the shop (name, logo, phone), the job's number, vehicle or device, the problem as told
//! and what was found, and the estimate in plain words with its tax; nothing else about the shop
//! or its other customers. And `/logo/{branch}`, the shop's logo for those pages.

use actix_web::{HttpResponse, web};
use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::PgConnection;

use crate::db::{Actor, db};
use crate::error::AppError;
use crate::models::ticket::Ticket;
use crate::repo::{RepoError, branches, tickets};
use crate::web::AppState;

/// A line as the customer reads it.
pub struct PlainLine {
    pub text: String,
    pub quantity: BigDecimal,
    pub unit_price: BigDecimal,
    pub total: BigDecimal,
}

/// The ticket as its customer sees it.
pub struct CustomerView {
    pub branch_id: i64,
    pub shop: String,
    pub phone: String,
    pub has_logo: bool,
    pub currency: String,
    pub timezone: String,
    pub ticket: Ticket,
    pub subject: Option<String>,
    pub lines: Vec<PlainLine>,
    /// (subtotal, tax, total) as the invoice will carry them.
    pub totals: (BigDecimal, BigDecimal, BigDecimal),
    pub tax_rate: BigDecimal,
}

impl CustomerView {
    /// Reads ticket `ticket_id` of `branch_id` for its customer.
    pub fn load(
        conn: &mut PgConnection,
        branch_id: i64,
        ticket_id: i64,
    ) -> Result<CustomerView, RepoError> {
        let ticket = tickets::get(conn, branch_id, ticket_id)?;
        let branch = branches::get(conn, branch_id)?;
        let lines = tickets::lines(conn, ticket_id)?;
        let totals = crate::models::ticket::estimate(&lines, &branch);
        Ok(CustomerView {
            branch_id,
            has_logo: branches::has_logo(conn, branch_id)?,
            subject: tickets::subject(conn, &ticket)?,
            lines: lines
                .iter()
                .map(|l| PlainLine {
                    text: l.plain(),
                    quantity: l.quantity.clone(),
                    unit_price: l.unit_price.clone(),
                    total: l.total(),
                })
                .collect(),
            ticket,
            totals,
            tax_rate: branch.tax_rate,
            shop: branch.name,
            phone: branch.phone,
            currency: branch.currency,
            timezone: branch.timezone,
        })
    }

    /// An amount in the shop's currency.
    pub fn money(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::show(v.decimal(), &self.currency)
    }

    /// A moment at the shop: `2026-03-11 14:00`.
    pub fn when(&self, at: &DateTime<Utc>) -> String {
        crate::domain::time::show(at, &self.timezone)
    }

    /// A day at the shop, in words: `Wednesday 11 March`.
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        d.format("%A %-d %B").to_string()
    }
}

/// `GET /logo/{branch}`: the branch's logo (public, like a sign over the door).
pub async fn logo(
    state: web::Data<AppState>,
    branch: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = branch.into_inner();
    let found = db(&state.pool, &Actor::anonymous(), move |conn| {
        branches::logo(conn, id)
    })
    .await?;
    match found {
        Some((image, kind)) => Ok(HttpResponse::Ok()
            .content_type(kind)
            .insert_header(("Cache-Control", "public, max-age=300"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(image)),
        None => Err(AppError::NotFound),
    }
}
