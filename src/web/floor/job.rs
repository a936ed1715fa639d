//! `GET /floor/{id}`: a job on the tablet, with one big clock button, a note, a part by scanning
//! its SKU or serial (and undoing the last), sending the estimate, and the next status; and how
//! the tablet's actions answer: always with a redirect to the job page, so a reload never posts
//! again. A refusal comes back as an error message (in its own colour, with a short sound) and
//! what was typed in the query string.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::models::ticket::TicketLine;
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
    /// What was typed before a refusal (from the query string).
    form: Typed,
    /// The signed-in technician.
    me: i64,
}

/// What the tablet's forms had typed in when an action was refused.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Typed {
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    for_service_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    wait_code: String,
    #[serde(default)]
    wait_quantity: String,
}

impl JobPage {
    fn label(s: &TicketStatus) -> String {
        s.label()
    }
    /// The technician's next steps (closing and cancelling stay at the counter; the estimate
    /// goes by its own button).
    fn steps(&self) -> Vec<TicketStatus> {
        self.d
            .next_steps()
            .into_iter()
            .filter(|s| *s != TicketStatus::Closed)
            .collect()
    }
    /// Whether anyone wrote a note on the job.
    fn has_notes(&self) -> bool {
        self.d.events.iter().any(|e| e.kind == "note")
    }
    /// Whether parts still go on the job: it is live and not done yet.
    fn takes_parts(&self) -> bool {
        use TicketStatus::{QualityCheck, Ready};
        let state = self.d.ticket.state();
        state.is_live() && !matches!(state, QualityCheck | Ready)
    }
    /// The last line, when it is a part this technician put on and it can still be taken off
    /// (the job is live and the line was not on the estimate the customer was sent).
    fn undoable(&self) -> Option<&TicketLine> {
        self.d.lines.iter().max_by_key(|l| l.id).filter(|l| {
            l.kind == "part"
                && l.created_by == Some(self.me)
                && self.d.ticket.state().is_live()
                && !self.d.ticket.line_was_sent(l)
        })
    }
    /// Whether the estimate can go to the customer from here: diagnosed, with lines, not sent.
    fn can_send_estimate(&self) -> bool {
        crate::domain::ticket::edge_exists(self.d.ticket.state(), TicketStatus::AwaitingApproval)
            && !self.d.lines.is_empty()
            && self.d.ticket.approval.is_none()
    }
    /// When the viewer's clock started on this job (RFC 3339, for the ticking time).
    fn since(&self) -> String {
        match self.d.clock {
            Some((t, at)) if t == self.d.ticket.id => at.to_rfc3339(),
            _ => String::new(),
        }
    }
}

/// `GET /floor/{id}` (with what was typed before a refusal).
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    typed: web::Query<Typed>,
) -> Result<HttpResponse, AppError> {
    let d = load(&state, &staff, id.into_inner()).await?;
    html(
        StatusCode::OK,
        &JobPage {
            page: PageCtx::for_request(&req),
            d,
            form: typed.into_inner(),
            me: staff.id,
        },
    )
}

/// A tablet action: `work`, then back to `/floor/{id}`; a refusal comes back there too, each of
/// its messages flashed as an error and what was typed (not a refused scan) in the query.
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
            let (errors, _) = answer::refused(e, &mut form)?;
            for (_, message) in errors.iter() {
                push_flash(req, Flash::error(message));
            }
            // What was typed, back in the address (an empty field left out; not a refused scan).
            let typed: Vec<(&str, &String)> = [
                ("quantity", &form.quantity),
                ("for_service_id", &form.for_service_id),
                ("note", &form.note),
                ("findings", &form.findings),
                ("wait_code", &form.wait_code),
                ("wait_quantity", &form.wait_quantity),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
            let query = serde_urlencoded::to_string(&typed).unwrap_or_default();
            Ok(see_other(&match query.is_empty() {
                true => format!("/floor/{id}"),
                false => format!("/floor/{id}?{query}"),
            }))
        }
    }
}
