//! What every ticket action does around its own work: run it in one unit of work as the signed-in
//! staff member, then flash its message and go back to the ticket page, or show the page again
//! with what was typed and why it was refused. The tablet (`web::floor`) runs the same work and
//! answers with its own page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use diesel::PgConnection;

use super::show::{TicketForm, render};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::web::access::Staff;
use crate::web::answer::{self, Acting};
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, refusal, see_other};

/// What an action did: the message to flash, and a signed approval link to show once.
pub(crate) struct Done {
    pub message: String,
    pub link: Option<String>,
}

impl Done {
    pub fn said(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            link: None,
        }
    }
}

/// Splits a refusal into the messages beside the fields and its status; a refused scan is not
/// kept in the box, so the next scan starts clean.
pub(crate) fn refused(
    e: AppError,
    form: &mut TicketForm,
) -> Result<(FieldErrors, StatusCode), AppError> {
    let (errors, code) = refusal(e, "ticket")?;
    if errors.get("code").is_some() {
        form.code.clear();
    }
    Ok((errors, code))
}

/// A desk action: `work`, then back to `/tickets/{id}` (with the link, if one was made).
pub(crate) async fn desk<F>(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    mut form: TicketForm,
    work: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &Acting, &TicketForm) -> Result<Done, RepoError> + Send + 'static,
{
    match answer::run(staff, state, &form, work).await {
        Ok(done) => {
            push_flash(req, Flash::success(done.message));
            Ok(see_other(&match done.link {
                Some(token) => format!("/tickets/{id}?link={token}"),
                None => format!("/tickets/{id}"),
            }))
        }
        Err(e) => {
            let (errors, code) = refused(e, &mut form)?;
            render(req, staff, state, id, false, form, errors, code).await
        }
    }
}
