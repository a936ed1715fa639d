//! `GET /floor/{id}`: a job on the tablet, with one big clock button, a note, a part by scanning
//! its SKU or serial, and the next status; and how the tablet's actions answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::ticket::TicketStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::web::access::Staff;
use crate::web::answer::{self as post, Acting};
use crate::web::page::PageCtx;
use crate::web::page::{Flash, push_flash};
use crate::web::tickets::answer::{self, Done};
use crate::web::tickets::show::{TicketData, TicketForm, load};
use crate::web::{AppState, html, see_other};
use diesel::PgConnection;

/// A job on the tablet.
#[derive(Template)]
#[template(path = "floor/job.html")]
pub struct JobPage {
    page: PageCtx,
    d: TicketData,
    form: TicketForm,
    errors: FieldErrors,
}

impl JobPage {
    fn label(s: &TicketStatus) -> String {
        s.label()
    }
    /// The technician's next steps (closing and cancelling stay at the counter).
    fn steps(&self) -> Vec<TicketStatus> {
        self.d
            .next_steps()
            .into_iter()
            .filter(|s| *s != TicketStatus::Closed)
            .collect()
    }
}

/// Renders the job page (also after a refused action, with what was typed).
pub async fn render_job(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: TicketForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let d = load(state, staff, id).await?;
    html(
        code,
        &JobPage {
            page: PageCtx::for_request(req),
            d,
            form,
            errors,
        },
    )
}

/// `GET /floor/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_job(
        &req,
        &staff,
        &state,
        id.into_inner(),
        TicketForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// A tablet action: `work`, then back to `/floor/{id}`, or the job page again with what was
/// typed and why it was refused.
pub(crate) async fn answer<F>(
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
    match post::run(staff, state, &form, work).await {
        Ok(done) => {
            push_flash(req, Flash::success(done.message));
            Ok(see_other(&format!("/floor/{id}")))
        }
        Err(e) => {
            let (errors, code) = answer::refused(e, &mut form)?;
            render_job(req, staff, state, id, form, errors, code).await
        }
    }
}
