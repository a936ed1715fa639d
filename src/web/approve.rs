//! `/approve/{token}`: the customer's no-login page for an estimate, on a phone. The token is
//! `link id . expiry . HMAC-SHA256(link id, expiry)`; a tampered token is refused before the
//! database is asked, an expired or used one is explained, and each link answers once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::{Actor, db};
use crate::domain::approval_link::verify;
use crate::error::AppError;
use crate::models::ticket::TicketLine;
use crate::repo::tickets::{self, LinkState};
use crate::repo::{branches, customers};
use crate::web::page::PageCtx;
use crate::web::{AppState, html, see_other};

/// The page.
#[derive(Template)]
#[template(path = "approve.html")]
pub struct ApprovePage {
    page: PageCtx,
    token: String,
    /// What the customer sees: a message only, or the estimate with the two buttons.
    message: Option<String>,
    shop: String,
    customer: String,
    number: i32,
    problem: String,
    lines: Vec<TicketLine>,
    /// (subtotal, tax, total) as the invoice will carry them.
    totals: (BigDecimal, BigDecimal, BigDecimal),
    /// The tax rate, percent.
    tax_rate: BigDecimal,
    /// The shop's currency.
    currency: String,
}

impl ApprovePage {
    /// An amount in the shop's currency.
    fn money(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::show(v.decimal(), &self.currency)
    }
}

fn refused(req: &HttpRequest, message: &str, code: StatusCode) -> Result<HttpResponse, AppError> {
    html(
        code,
        &ApprovePage {
            page: PageCtx::for_request(req),
            token: String::new(),
            message: Some(message.to_string()),
            shop: String::new(),
            customer: String::new(),
            number: 0,
            problem: String::new(),
            lines: Vec::new(),
            totals: Default::default(),
            tax_rate: BigDecimal::from(0),
            currency: String::new(),
        },
    )
}

/// `GET /approve/{token}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(link) = verify(&state.link_key, &token) else {
        return refused(
            &req,
            "This link is not valid. Please use the link exactly as the shop sent it.",
            StatusCode::BAD_REQUEST,
        );
    };
    let found = db(
        &state.pool,
        &Actor::anonymous(),
        move |conn| match tickets::link_state(conn, link)? {
            LinkState::Open {
                branch_id,
                ticket_id,
            } => {
                let t = tickets::get(conn, branch_id, ticket_id)?;
                let c = customers::get(conn, t.customer_id)?;
                let branch = branches::get(conn, branch_id)?;
                let lines = tickets::lines(conn, ticket_id)?;
                let tax = (branch.tax_rate.clone(), branch.tax_per_invoice());
                let shop = (branch.name, branch.currency, tax);
                Ok(Ok((shop, c.name, t.number, t.problem, lines)))
            }
            LinkState::Expired => Ok(Err(
                "This link has expired. Please ask the shop for a new one.".to_string(),
            )),
            LinkState::Used(d, at, timezone) => Ok(Err(format!(
                "This estimate was {d} on {}. Thank you.",
                crate::domain::time::show(&at, &timezone)
            ))),
            LinkState::Stale => Ok(Err(
                "The shop has already recorded your answer. Thank you.".to_string()
            )),
        },
    )
    .await;
    let ((shop, currency, (tax_rate, per_invoice)), customer, number, problem, lines) = match found
    {
        Ok(Ok(v)) => v,
        Ok(Err(message)) => return refused(&req, &message, StatusCode::GONE),
        Err(AppError::NotFound) => {
            return refused(&req, "This link is not valid.", StatusCode::NOT_FOUND);
        }
        Err(e) => return Err(e),
    };
    let priced: Vec<_> = lines
        .iter()
        .map(|l| (l.quantity.clone(), l.unit_price.clone()))
        .collect();
    let totals = crate::domain::invoice::estimate_totals(&priced, &tax_rate, per_invoice);
    html(
        StatusCode::OK,
        &ApprovePage {
            page: PageCtx::for_request(&req),
            token,
            message: None,
            shop,
            customer,
            number,
            problem,
            lines,
            totals,
            tax_rate,
            currency,
        },
    )
}

/// The customer's answer.
#[derive(Deserialize)]
pub struct Answer {
    decision: String,
}

/// `POST /approve/{token}`.
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<Answer>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(link) = verify(&state.link_key, &token) else {
        return refused(
            &req,
            "This link is not valid. Please use the link exactly as the shop sent it.",
            StatusCode::BAD_REQUEST,
        );
    };
    let approved = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => {
            return refused(
                &req,
                "Choose approve or decline.",
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match db(&state.pool, &Actor::anonymous(), move |conn| {
        tickets::answer_link(conn, link, approved)
    })
    .await
    {
        Ok(_) => Ok(see_other(&format!("/approve/{token}"))),
        Err(AppError::Conflict(message)) => refused(&req, &message, StatusCode::GONE),
        Err(AppError::NotFound) => refused(&req, "This link is not valid.", StatusCode::NOT_FOUND),
        Err(e) => Err(e),
    }
}
