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
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::{self, StatusLinkState};
use crate::web::customer_view::CustomerView;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// What the customer owes, as far as the shop knows it now.
pub enum Owed {
    /// Nothing is priced yet.
    Unknown,
    /// The estimate (with tax), less deposits paid.
    Estimate { total: BigDecimal, paid: BigDecimal },
    /// The invoice: its total and what is still due.
    Invoice { total: BigDecimal, due: BigDecimal },
}

/// A stage of the repair as the customer reads it.
pub struct Stage {
    pub label: &'static str,
    /// `done`, `now` or `next`.
    pub state: &'static str,
}

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

/// The stages shown for a ticket at `status` (waiting for parts only while it does).
pub fn stages(status: TicketStatus) -> Vec<Stage> {
    use TicketStatus::*;
    let at = match status {
        Open => 0,
        Diagnosing => 1,
        AwaitingApproval => 2,
        WaitingForParts => 3,
        InRepair | QualityCheck => 4,
        Ready => 5,
        Closed => 6,
        Cancelled => 0,
    };
    let mut all = vec![
        (0, "Received"),
        (1, "Diagnosing"),
        (2, "Waiting for your approval"),
        (3, "Waiting for parts"),
        (4, "Being repaired"),
        (5, "Ready to collect"),
    ];
    if status != WaitingForParts {
        all.retain(|(i, _)| *i != 3);
    }
    all.into_iter()
        .map(|(i, label)| Stage {
            label,
            state: if i < at || status == Closed {
                "done"
            } else if i == at {
                "now"
            } else {
                "next"
            },
        })
        .collect()
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
        let owed = match tickets::invoice_owed(conn, ticket_id)? {
            Some((total, due)) => Owed::Invoice { total, due },
            None if view.lines.is_empty()
                || view.ticket.approval.as_deref() == Some("declined") =>
            {
                Owed::Unknown
            }
            None => Owed::Estimate {
                total: view.totals.2.clone(),
                paid: tickets::deposits_of(conn, ticket_id)?
                    .iter()
                    .filter(|d| d.4.is_none())
                    .map(|d| &d.1)
                    .sum(),
            },
        };
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
            stages: stages(view.ticket.state()),
            view: Some(view),
            owed,
            approve,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(status: TicketStatus) -> Vec<String> {
        stages(status)
            .iter()
            .map(|s| format!("{}:{}", s.label, s.state))
            .collect()
    }

    #[test]
    fn each_status_is_a_stage_the_customer_understands() {
        assert_eq!(
            shown(TicketStatus::AwaitingApproval),
            [
                "Received:done",
                "Diagnosing:done",
                "Waiting for your approval:now",
                "Being repaired:next",
                "Ready to collect:next"
            ]
        );
        assert_eq!(
            shown(TicketStatus::WaitingForParts)[3],
            "Waiting for parts:now"
        );
        assert_eq!(shown(TicketStatus::QualityCheck)[3], "Being repaired:now");
        assert!(
            shown(TicketStatus::Closed)
                .iter()
                .all(|s| s.ends_with(":done"))
        );
    }
}
