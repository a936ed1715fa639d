//! `/customers/{id}/message`: staff write one message to a customer, by email or SMS, from
//! their page or from a ticket (`?ticket=`), sent at once through the outbox with the branch's
//! wording of "A message from staff" around it. The SMS's length and parts are shown as it is
//! typed; bad input comes back with what was typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::message::{MESSAGE_CHARS, OneOff};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::{customers, outbox, tickets};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The page.
#[derive(Template)]
#[template(path = "customers/message.html")]
pub struct MessagePage {
    page: PageCtx,
    customer: Customer,
    /// The ticket it is about: id and number.
    ticket: Option<(i64, i32)>,
    form: OneOff,
    errors: FieldErrors,
    /// The SMS's length and parts as typed.
    sms_length: (usize, usize),
    message_chars: usize,
    /// The branch's name, which an SMS starts with.
    shop: String,
}

/// What the address says the message is about.
#[derive(Debug, Default, Deserialize)]
pub struct About {
    pub ticket: Option<i64>,
}

/// The form as posted.
#[derive(Debug, Deserialize)]
pub struct Posted {
    #[serde(flatten)]
    pub written: OneOff,
    #[serde(default)]
    pub ticket: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    (id, ticket): (i64, Option<i64>),
    mut form: OneOff,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (customer, ticket) = db(&state.pool, &staff.actor(), move |conn| {
        let customer = customers::get(conn, id)?;
        let ticket = match ticket {
            Some(t) => {
                let t = tickets::get(conn, branch, t)?;
                if t.customer_id != id {
                    return Err(crate::repo::RepoError::NotFound);
                }
                Some((t.id, t.number))
            }
            None => None,
        };
        Ok((customer, ticket))
    })
    .await?;
    if customer.erased_at.is_some() {
        return Err(AppError::NotFound);
    }
    if form.channel.is_empty() {
        form.channel = match (
            customer.preferred_channel.as_str(),
            customer.phone.is_empty(),
        ) {
            ("sms", false) => "sms",
            _ if customer.email.is_empty() && !customer.phone.is_empty() => "sms",
            _ => "email",
        }
        .into();
    }
    let shop = &staff.branch.name;
    let sms_length = crate::domain::templates::sms_segments(&format!("{shop}: {}", form.message));
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    html(
        status,
        &MessagePage {
            page: PageCtx::for_request(req),
            customer,
            ticket,
            form,
            errors,
            sms_length,
            message_chars: MESSAGE_CHARS,
            shop: shop.clone(),
        },
    )
}

/// `GET /customers/{id}/message`.
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    about: web::Query<About>,
) -> Result<HttpResponse, AppError> {
    let at = (id.into_inner(), about.ticket);
    render(
        &req,
        &staff,
        &state,
        at,
        OneOff::default(),
        FieldErrors::new(),
    )
    .await
}

/// `POST /customers/{id}/message`: queues it, then back to the ticket or the customer.
pub async fn send(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Posted>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let Posted { written, ticket } = form.into_inner();
    let ticket = match ticket.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let (branch, by, w) = (staff.branch.id, staff.by(), written.clone());
    let sent = db(&state.pool, &staff.actor(), move |conn| {
        outbox::queue_one_off(conn, branch, id, ticket, &w, &by)
    })
    .await;
    match sent {
        Ok((_, to)) => {
            push_flash(
                &req,
                Flash::success(format!("Your message to {to} is on its way.")),
            );
            Ok(see_other(&match ticket {
                Some(t) => format!("/tickets/{t}"),
                None => format!("/customers/{id}#messages"),
            }))
        }
        Err(AppError::Validation(errors)) => {
            render(&req, &staff, &state, (id, ticket), written, errors).await
        }
        Err(e) => Err(e),
    }
}
