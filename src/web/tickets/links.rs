//! The customer's links from the ticket page: `POST /tickets/{id}/estimate/resend` queues the
//! live approval link to the customer again; `POST /tickets/{id}/status-link` makes the status
//! page's link; `POST /tickets/{id}/status-link/send` sends it to the customer;
//! `POST /tickets/{id}/status-link/revoke` stops it working.

use actix_web::{HttpRequest, HttpResponse, web};

use chrono::{DateTime, Utc};

use super::answer::{self, Done};
use super::show::{TicketForm, base_url};
use crate::domain::approval_link;
use crate::error::AppError;
use crate::repo::tickets;
use crate::web::AppState;
use crate::web::access::Staff;

/// The customer's link under `/{path}/` for a link id and its expiry, signed by `sign`, at the
/// address the counter's browser reached this site by.
fn link_maker(
    state: &AppState,
    req: &HttpRequest,
    path: &'static str,
    sign: fn(&[u8], i64, DateTime<Utc>) -> String,
) -> impl Fn(i64, DateTime<Utc>) -> String + Send + 'static {
    let (key, base) = (state.link_key.clone(), base_url(req));
    move |link, expires| format!("{base}/{path}/{}", sign(&key, link, expires))
}

/// `POST /tickets/{id}/estimate/resend`.
pub async fn resend_estimate(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let url = link_maker(&state, &req, "approve", approval_link::sign);
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| {
            let to = tickets::resend_estimate(c, w.branch, id, &url, &w.by)?;
            Ok(Done::said(format!(
                "The estimate link is on its way to {to}."
            )))
        },
    )
    .await
}

/// `POST /tickets/{id}/status-link`.
pub async fn make_status_link(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| {
            tickets::ensure_status_link(c, w.branch, id, &w.by)?;
            Ok(Done::said(
                "The status link is ready: copy it or show its QR code.",
            ))
        },
    )
    .await
}

/// `POST /tickets/{id}/status-link/send`: sends the status link (made if need be) to the
/// customer.
pub async fn send_status_link(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let url = link_maker(&state, &req, "status", approval_link::sign_status);
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| {
            let to = tickets::send_status_link(c, w.branch, id, &url, &w.by)?;
            Ok(Done::said(format!(
                "The status link is on its way to {to}."
            )))
        },
    )
    .await
}

/// `POST /tickets/{id}/status-link/revoke`.
pub async fn revoke_status_link(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, _| {
            tickets::revoke_status_link(c, w.branch, id, &w.by)?;
            Ok(Done::said("The status link no longer works."))
        },
    )
    .await
}
