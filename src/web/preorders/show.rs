//! `GET /preorders/{id}`: deposits, each next step with what it needs, history; and how the
//! page's posts answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::{self, PreorderStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::preorders::{self as repo, PreorderRow};
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// One preorder.
#[derive(Template)]
#[template(path = "preorders/show.html")]
pub struct ShowPage {
    page: PageCtx,
    p: PreorderRow,
    state: PreorderStatus,
    events: Vec<EventRow>,
    deposits: Vec<crate::repo::preorders::DepositRow>,
    form: ActForm,
    errors: FieldErrors,
    today: chrono::NaiveDate,
}

impl ShowPage {
    fn next_steps(&self) -> Vec<PreorderStatus> {
        PreorderStatus::ALL
            .iter()
            .copied()
            .filter(|to| preorder::edge_exists(self.state, *to))
            .collect()
    }
    fn label(s: &PreorderStatus) -> String {
        s.label()
    }
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
    fn method_label(m: &str) -> &'static str {
        PaymentMethod::label_of(m)
    }
    fn sla_text(&self) -> String {
        match self.p.days_left(self.today) {
            Some(d) if d < 0 => format!("overdue by {} days", -d),
            Some(d) => format!("{d} days left"),
            None => String::new(),
        }
    }
}

/// The forms of the preorder page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) asset_code: String,
    #[serde(default)]
    pub(super) resale_invoice: String,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) amount: String,
    #[serde(default)]
    pub(super) method: String,
    #[serde(default)]
    pub(super) reference: String,
}

async fn render_show(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: ActForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (p, events, deposits) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            repo::get(conn, branch, id)?,
            events::read(conn, Trail::Preorder(id))?,
            repo::deposits(conn, id)?,
        ))
    })
    .await?;
    html(
        code,
        &ShowPage {
            page: PageCtx::for_request(req),
            state: p.state(),
            p,
            events,
            deposits,
            form,
            errors,
            today: staff.today(),
        },
    )
}

/// `GET /preorders/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_show(
        &req,
        &staff,
        &state,
        id.into_inner(),
        ActForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Runs one of the preorder page's actions and answers: its message and back to the preorder,
/// or the page again with what was typed and why it was refused.
pub(super) async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: ActForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &ActForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message| Next::saying(message, format!("/preorders/{id}"));
    answer::then(&req, result, "preorder", next, |errors, code| {
        render_show(&req, &staff, &state, id, form, errors, code)
    })
    .await
}
