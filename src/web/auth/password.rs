//! `GET/POST /account/password`: a user changes their own password. Every other session of
//! theirs ends; this one continues under a new id.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::staff::check_password;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::passwords;
use crate::repo::staff;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The change-password page.
#[derive(Template)]
#[template(path = "auth/password.html")]
pub struct PasswordPage {
    page: PageCtx,
    errors: FieldErrors,
}

/// The form as posted. Passwords are never echoed back into the page.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `GET /account/password`.
pub async fn form(req: HttpRequest, _staff: Staff) -> Result<HttpResponse, AppError> {
    html(
        StatusCode::OK,
        &PasswordPage {
            page: PageCtx::for_request(&req),
            errors: FieldErrors::new(),
        },
    )
}

/// `POST /account/password`.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let PasswordForm {
        current,
        new,
        confirm,
    } = form.into_inner();
    let id = staff.id;
    let user = db(&state.pool, &staff.actor(), move |conn| {
        staff::get(conn, id)
    })
    .await?;
    let mut errors = FieldErrors::new();
    if !passwords::verify(current, Some(user.password_hash.clone())).await? {
        errors.add("current", "That is not your current password.");
    }
    if let Err(message) = check_password(&user.username, &new) {
        errors.add("new", message);
    } else if new != confirm {
        errors.add("confirm", "The two new passwords differ.");
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            page: PageCtx::for_request(&req),
            errors,
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = passwords::hash(new).await?;
    let addr = staff.client_addr.clone();
    db(&state.pool, &staff.actor(), move |conn| {
        staff::change_own_password(conn, id, hash, addr.as_deref())
    })
    .await?;
    session.renew();
    push_flash(
        &req,
        Flash::success("Your password has been changed. Other sessions were signed out."),
    );
    Ok(see_other("/"))
}
