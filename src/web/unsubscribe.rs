//! `/unsubscribe/{token}`: the customer's no-login way out of marketing, linked from every
//! marketing message. `GET` asks (a mail scanner following the link changes nothing); `POST`
//! withdraws consent: from the page's button, or straight from a mail client's one-click
//! "Unsubscribe" (RFC 8058, `List-Unsubscribe-Post`), which carries no session, so the signed
//! token is the only credential this route needs (it is exempt from the CSRF check: a forged
//! request would have to know the token, and could only do what the token's holder may).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use crate::db::{Actor, db};
use crate::domain::approval_link::verify_unsubscribe;
use crate::error::AppError;
use crate::repo::customers::{self, Consent};
use crate::web::access::client_addr;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The page.
#[derive(Template)]
#[template(path = "unsubscribe.html")]
pub struct UnsubscribePage {
    page: PageCtx,
    token: String,
    /// Why the link does nothing, or the customer's consent.
    outcome: Result<Consent, String>,
    /// Whether this request withdrew it.
    done: bool,
    timezone: String,
}

impl UnsubscribePage {
    fn when(&self, at: &DateTime<Utc>) -> String {
        crate::domain::time::show(at, &self.timezone)
    }
}

/// The customer a token names, or the page that says why it names none.
fn customer_of(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<i64, String> {
    match verify_unsubscribe(&state.link_key, token) {
        None => Err(
            "This link is not valid. Please use the link exactly as it came in the message.".into(),
        ),
        Some((_, expires)) if expires < now => Err(
            "This link has expired. Reply to the message or call the shop, and we will stop them."
                .into(),
        ),
        Some((customer, _)) => Ok(customer),
    }
}

async fn answer(
    req: &HttpRequest,
    state: &AppState,
    token: String,
    withdraw: bool,
) -> Result<HttpResponse, AppError> {
    let now = state.settings.clock.now();
    let customer = match customer_of(state, &token, now) {
        Ok(c) => c,
        Err(m) => return page(req, token, Err(m), false, StatusCode::BAD_REQUEST),
    };
    let client = client_addr(req);
    let found = db(&state.pool, &Actor::anonymous(), move |conn| {
        let before = customers::consent_of(conn, customer)?;
        let after = match withdraw {
            true => customers::unsubscribe(conn, customer, now, client.as_deref())?,
            false => before.clone(),
        };
        let timezone: Option<String> = match &after {
            Some(c) => Some(crate::repo::branches::get(conn, c.branch_id)?.timezone),
            None => None,
        };
        Ok((before.is_some_and(|b| b.consent), after, timezone))
    })
    .await?;
    match found {
        (had, Some(consent), Some(tz)) => {
            let p = UnsubscribePage {
                page: PageCtx::for_request(req),
                token,
                outcome: Ok(consent),
                done: withdraw && had,
                timezone: tz,
            };
            html(StatusCode::OK, &p)
        }
        _ => page(
            req,
            token,
            Err("There is nothing to stop: we hold no details for this link any more.".into()),
            false,
            StatusCode::NOT_FOUND,
        ),
    }
}

fn page(
    req: &HttpRequest,
    token: String,
    outcome: Result<Consent, String>,
    done: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    html(
        status,
        &UnsubscribePage {
            page: PageCtx::for_request(req),
            token,
            outcome,
            done,
            timezone: "UTC".into(),
        },
    )
}

/// `GET /unsubscribe/{token}`: asks.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    answer(&req, &state, token.into_inner(), false).await
}

/// `POST /unsubscribe/{token}`: withdraws marketing consent.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    answer(&req, &state, token.into_inner(), true).await
}
