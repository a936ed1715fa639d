//! `GET /tickets/{id}`: what check-in created.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::models::ticket::{Ticket, TicketLine};
use crate::repo::{customers, tickets};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The ticket page.
#[derive(Template)]
#[template(path = "tickets/show.html")]
pub struct TicketPage {
    page: PageCtx,
    ticket: Ticket,
    customer: Customer,
    lines: Vec<TicketLine>,
}

/// Shows a ticket of the active branch (404 for another branch's).
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, id) = (staff.branch.id, id.into_inner());
    let (ticket, customer, lines) = db(&state.pool, &staff.actor(), move |conn| {
        let ticket = tickets::get(conn, branch, id)?;
        let customer = customers::get(conn, ticket.customer_id)?;
        let lines = tickets::lines(conn, id)?;
        Ok((ticket, customer, lines))
    })
    .await?;
    html(
        StatusCode::OK,
        &TicketPage {
            page: PageCtx::for_request(&req),
            ticket,
            customer,
            lines,
        },
    )
}
