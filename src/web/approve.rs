//! `/approve/{token}`: the customer's no-login page for an estimate, on a phone. The token is
//! `link id . expiry . HMAC-SHA256(link id, expiry)`; a tampered token is refused before the
//! database is asked, an expired one is explained, and each link answers once. The page shows
//! the shop (name and logo), the vehicle or device, what was found, the work in plain words and
//! the total with tax, and until when the link works; after the answer, a copy of what was
//! approved or declined and what happens next.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::db::{Actor, db};
use crate::domain::approval_link::verify;
use crate::error::AppError;
use crate::repo::tickets::{self, LinkState};
use crate::web::customer_view::CustomerView;
use crate::web::page::PageCtx;
use crate::web::{AppState, html, see_other};

/// Where the link stands, as the page shows it.
pub enum Shown {
    /// The estimate with the two buttons, and until when the link works.
    Open(DateTime<Utc>),
    /// The copy of the answer: approved or declined, and when.
    Answered(bool, DateTime<Utc>),
}

/// The page.
#[derive(Template)]
#[template(path = "approve.html")]
pub struct ApprovePage {
    page: PageCtx,
    token: String,
    /// A message only (an invalid or expired link), or the estimate.
    message: Option<String>,
    view: Option<(CustomerView, Shown)>,
}

fn refused(req: &HttpRequest, message: &str, code: StatusCode) -> Result<HttpResponse, AppError> {
    html(
        code,
        &ApprovePage {
            page: PageCtx::for_request(req),
            token: String::new(),
            message: Some(message.to_string()),
            view: None,
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
    let found = db(&state.pool, &Actor::anonymous(), move |conn| {
        let (branch_id, ticket_id, expires) = tickets::approval_link_ticket(conn, link)?;
        match tickets::link_state(conn, link)? {
            LinkState::Open { .. } => Ok(Ok((
                CustomerView::load(conn, branch_id, ticket_id)?,
                Shown::Open(expires),
            ))),
            LinkState::Used(d, at) => Ok(Ok((
                CustomerView::load(conn, branch_id, ticket_id)?,
                Shown::Answered(d == "approved", at),
            ))),
            LinkState::Expired => Ok(Err(
                "This link has expired. Please ask the shop for a new one.".to_string(),
            )),
            LinkState::Stale => Ok(Err(
                "The shop has already recorded your answer. Thank you.".to_string()
            )),
        }
    })
    .await;
    let view = match found {
        Ok(Ok(v)) => v,
        Ok(Err(message)) => return refused(&req, &message, StatusCode::GONE),
        Err(AppError::NotFound) => {
            return refused(&req, "This link is not valid.", StatusCode::NOT_FOUND);
        }
        Err(e) => return Err(e),
    };
    html(
        StatusCode::OK,
        &ApprovePage {
            page: PageCtx::for_request(&req),
            token,
            message: None,
            view: Some(view),
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
