//! `/customers/{id}/archive` (the counter) and `/customers/{id}/erase` (admins): each asks first.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::customers;
use crate::web::access::Staff;
use crate::web::answer::{Next, flash_back};
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The question before archiving, restoring or erasing.
#[derive(Template)]
#[template(path = "customers/confirm.html")]
pub struct ConfirmPage {
    page: PageCtx,
    customer: Customer,
    /// `archive` or `erase`.
    action: &'static str,
}

async fn confirm(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let customer = db(&state.pool, &staff.actor(), move |conn| {
        customers::get(conn, id)
    })
    .await?;
    html(
        StatusCode::OK,
        &ConfirmPage {
            page: PageCtx::for_request(&req),
            customer,
            action,
        },
    )
}

/// `GET /customers/{id}/archive`.
pub async fn confirm_archive(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    confirm(req, staff, state, id.into_inner(), "archive").await
}

/// `GET /customers/{id}/erase`.
pub async fn confirm_erase(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    confirm(req, staff, state, id.into_inner(), "erase").await
}

/// The archive form as posted.
#[derive(Deserialize)]
pub struct ArchiveForm {
    archived: String,
}

/// `POST /customers/{id}/archive`.
pub async fn archive(
    staff: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ArchiveForm>,
) -> Result<HttpResponse, AppError> {
    let (id, archived, by) = (id.into_inner(), form.archived == "true", staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        customers::set_archived(conn, id, archived, &by)
    })
    .await;
    let page = format!("/customers/{id}");
    flash_back(&req, result, &page, |c| {
        let what = if archived {
            "archived; they no longer show in searches"
        } else {
            "restored"
        };
        Next::saying(format!("{} {what}.", c.name), &page)
    })
}

/// `POST /customers/{id}/erase`.
pub async fn erase(
    staff: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, by) = (id.into_inner(), staff.by());
    db(&state.pool, &staff.actor(), move |conn| {
        customers::erase_personal_data(conn, id, &by)
    })
    .await?;
    push_flash(
        &req,
        Flash::success("The customer's personal data was erased."),
    );
    Ok(see_other(&format!("/customers/{id}")))
}
