//! `/status/{token}`: the customer's no-login page of where their repair is (received,
//! diagnosing, waiting for their approval, waiting for parts, being repaired, ready), the
//! promised date and what is owed. The token is signed like the approval link's (for another
//! purpose, so neither opens the other) and the counter can revoke it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;

use crate::db::{Actor, db};
use crate::domain::approval_link::{sign, verify_status};
use crate::domain::status::{Stage, customer_stages};
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::{self, Owed, StatusLinkState};
use crate::web::customer_view::CustomerView;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The page.
#[derive(Template)]
#[template(path = "status_page.html")]
pub struct StatusPage {
    page: PageCtx,
    message: Option<String>,
    view: Option<CustomerView>,
    stages: Vec<Stage>,
    owed: Owed,
    /// The estimate's approval page, while it waits for the customer.
    approve: Option<String>,
}

impl StatusPage {
    fn positive(v: &BigDecimal) -> bool {
        v.sign() == bigdecimal::num_bigint::Sign::Plus
    }
}

fn refused(req: &HttpRequest, message: &str, code: StatusCode) -> Result<HttpResponse, AppError> {
    html(
        code,
        &StatusPage {
            page: PageCtx::for_request(req),
            message: Some(message.to_string()),
            view: None,
            stages: Vec::new(),
            owed: Owed::Unknown,
            approve: None,
        },
    )
}

/// `GET /status/{token}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(link) = verify_status(&state.link_key, &token) else {
        return refused(
            &req,
            "This link is not valid. Please use the link exactly as the shop gave it.",
            StatusCode::BAD_REQUEST,
        );
    };
    let key = state.link_key.clone();
    let found = db(&state.pool, &Actor::anonymous(), move |conn| {
        let (branch_id, ticket_id) = match tickets::status_link_state(conn, link)? {
            StatusLinkState::Open {
                branch_id,
                ticket_id,
            } => (branch_id, ticket_id),
            StatusLinkState::Revoked => {
                return Ok(Err(
                    "This link no longer works. Please ask the shop for a new one.".to_string(),
                ));
            }
            StatusLinkState::Expired => {
                return Ok(Err(
                    "This link has expired. Please ask the shop for a new one.".to_string(),
                ));
            }
        };
        let view = CustomerView::load(conn, branch_id, ticket_id)?;
        let owed = tickets::owed(conn, &view.ticket, !view.lines.is_empty(), &view.totals.2)?;
        let approve = tickets::live_approval_link(conn, ticket_id)?
            .map(|(id, expires)| format!("/approve/{}", sign(&key, id, expires)));
        Ok(Ok((view, owed, approve)))
    })
    .await;
    let (view, owed, approve) = match found {
        Ok(Ok(v)) => v,
        Ok(Err(message)) => return refused(&req, &message, StatusCode::GONE),
        Err(AppError::NotFound) => {
            return refused(&req, "This link is not valid.", StatusCode::NOT_FOUND);
        }
        Err(e) => return Err(e),
    };
    html(
        StatusCode::OK,
        &StatusPage {
            page: PageCtx::for_request(&req),
            message: None,
            stages: customer_stages(view.ticket.state()),
            view: Some(view),
            owed,
            approve,
        },
    )
}
