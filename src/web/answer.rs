//! How every form post answers, in one place: the work runs in one unit of work as the signed-in
//! staff member (`run`); then either a flash message and `303 See Other` to where the user goes
//! next, or the same page again with everything the user typed and a message beside each field
//! (`then`). A refused transition (a conflict) is shown under one key of the page.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use diesel::PgConnection;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::{By, RepoError};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// The key of a refusal that belongs to the whole form rather than one field: a page's error
/// summary (`macros.html`) shows its message at the top of the form.
pub const FORM: &str = "form";

/// Who acts and in which branch.
pub struct Acting {
    pub branch: i64,
    pub by: By,
}

/// Where a post that succeeded sends the user, and what it tells them there.
pub struct Next {
    pub flash: Option<String>,
    pub to: String,
}

impl Next {
    /// To `to`, saying `message`.
    pub fn saying(message: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            flash: Some(message.into()),
            to: to.into(),
        }
    }
    /// To `to`, where the page itself shows what changed.
    pub fn quietly(to: impl Into<String>) -> Self {
        Self {
            flash: None,
            to: to.into(),
        }
    }
}

/// Runs `work` on a copy of the posted form in one unit of work.
pub async fn run<T, Form, W>(
    staff: &Staff,
    state: &AppState,
    form: &Form,
    work: W,
) -> Result<T, AppError>
where
    T: Send + 'static,
    Form: Clone + Send + 'static,
    W: FnOnce(&mut PgConnection, &Acting, &Form) -> Result<T, RepoError> + Send + 'static,
{
    let f = form.clone();
    let acting = Acting {
        branch: staff.branch.id,
        by: staff.by(),
    };
    db(&state.pool, &staff.actor(), move |conn| {
        work(conn, &acting, &f)
    })
    .await
}

/// Answers a post: `next` of what the work returned, or `again` with the refusal's messages
/// (a conflict as one message under `key`) and its status (422 or 409). Anything that is not a
/// refusal goes on as an error.
pub async fn then<T, Again, Fut>(
    req: &HttpRequest,
    result: Result<T, AppError>,
    key: &str,
    next: impl FnOnce(T) -> Next,
    again: Again,
) -> Result<HttpResponse, AppError>
where
    Again: FnOnce(FieldErrors, StatusCode) -> Fut,
    Fut: Future<Output = Result<HttpResponse, AppError>>,
{
    match result {
        Ok(value) => {
            let next = next(value);
            if let Some(message) = next.flash {
                push_flash(req, Flash::success(message));
            }
            Ok(see_other(&next.to))
        }
        Err(e) => {
            let (errors, code) = refusal(e, key)?;
            again(errors, code).await
        }
    }
}

/// A refusal as the page shows it: field errors as 422, a conflict as one message under `key`
/// as 409; anything else is not a refusal and goes on as an error.
pub fn refusal(e: AppError, key: &str) -> Result<(FieldErrors, StatusCode), AppError> {
    match e {
        AppError::Validation(errors) => Ok((errors, StatusCode::UNPROCESSABLE_ENTITY)),
        AppError::Conflict(message) => {
            Ok((FieldErrors::single(key, message), StatusCode::CONFLICT))
        }
        other => Err(other),
    }
}

/// Answers a post made by a button on a record's page (no form of its own to show again): the
/// user goes to `next` of what the work returned, or on a refusal back to `back` with each of
/// its messages flashed as an error. Anything that is not a refusal goes on as an error.
pub fn flash_back<T>(
    req: &HttpRequest,
    result: Result<T, AppError>,
    back: &str,
    next: impl FnOnce(T) -> Next,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(value) => {
            let next = next(value);
            if let Some(message) = next.flash {
                push_flash(req, Flash::success(message));
            }
            Ok(see_other(&next.to))
        }
        Err(e) => {
            let (errors, _) = refusal(e, "")?;
            for (_, message) in errors.iter() {
                push_flash(req, Flash::error(message));
            }
            Ok(see_other(back))
        }
    }
}

/// [`then`] for a form on a record's page whose conflicts are about the record rather than what
/// was typed (a contact on a person's record): a conflict is flashed on the record's page
/// `back`; bad input shows the form again with the user's values.
pub async fn then_flashing_conflicts<T, Again, Fut>(
    req: &HttpRequest,
    result: Result<T, AppError>,
    back: &str,
    next: impl FnOnce(T) -> Next,
    again: Again,
) -> Result<HttpResponse, AppError>
where
    Again: FnOnce(FieldErrors, StatusCode) -> Fut,
    Fut: Future<Output = Result<HttpResponse, AppError>>,
{
    match result {
        Err(AppError::Conflict(message)) => {
            push_flash(req, Flash::error(message));
            Ok(see_other(back))
        }
        other => then(req, other, FORM, next, again).await,
    }
}
