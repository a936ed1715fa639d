//! Warranties and claims at the counter: `/warranties?q=` (find by serial, asset tag or invoice
//! number; open claims), `/warranties/{id}` (claim it), `/claims/{id}` (approve, which opens a
//! ticket; deny with a reason; complete with outcome and cost).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::claims::{self, ClaimRow, WarrantyRow};
use crate::repo::events::{self, EventRow, Trail};
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, refusal, see_other};

/// The search page.
#[derive(Template)]
#[template(path = "warranties/find.html")]
pub struct FindPage {
    page: PageCtx,
    q: String,
    found: Vec<WarrantyRow>,
    open: Vec<ClaimRow>,
    today: chrono::NaiveDate,
}

/// Query string.
#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
}

/// `GET /warranties`.
pub async fn find(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<FindQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().q;
    let (branch, search) = (staff.branch.id, q.clone());
    let (found, open) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            claims::find(conn, branch, &search)?,
            claims::open_claims(conn, branch)?,
        ))
    })
    .await?;
    html(
        StatusCode::OK,
        &FindPage {
            page: PageCtx::for_request(&req),
            q,
            found,
            open,
            today: staff.today(),
        },
    )
}

/// A warranty.
#[derive(Template)]
#[template(path = "warranties/show.html")]
pub struct WarrantyPage {
    page: PageCtx,
    w: WarrantyRow,
    claims: Vec<ClaimRow>,
    problem: String,
    errors: FieldErrors,
    today: chrono::NaiveDate,
}

async fn render_warranty(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    problem: String,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (w, list) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((claims::get(conn, branch, id)?, claims::claims_of(conn, id)?))
    })
    .await?;
    html(
        code,
        &WarrantyPage {
            page: PageCtx::for_request(req),
            w,
            claims: list,
            problem,
            errors,
            today: staff.today(),
        },
    )
}

/// `GET /warranties/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_warranty(
        &req,
        &staff,
        &state,
        id.into_inner(),
        String::new(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The claim form.
#[derive(Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    problem: String,
}

/// `POST /warranties/{id}/claim`.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let problem = form.into_inner().problem;
    let (branch, by, p) = (staff.branch.id, staff.by(), problem.clone());
    match db(&state.pool, &staff.actor(), move |conn| {
        claims::submit(conn, branch, id, &p, &by)
    })
    .await
    {
        Ok(claim) => {
            push_flash(&req, Flash::success(format!("Claim #{claim} submitted.")));
            Ok(see_other(&format!("/claims/{claim}")))
        }
        Err(e) => {
            let (errors, code) = refusal(e, "warranty")?;
            render_warranty(&req, &staff, &state, id, problem, errors, code).await
        }
    }
}

/// A claim.
#[derive(Template)]
#[template(path = "warranties/claim.html")]
pub struct ClaimPage {
    page: PageCtx,
    c: ClaimRow,
    w: WarrantyRow,
    events: Vec<EventRow>,
    form: ClaimActForm,
    errors: FieldErrors,
}

/// The claim page's forms, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimActForm {
    #[serde(default)]
    deny_reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    cost: String,
}

async fn render_claim(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: ClaimActForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (c, w, events) = db(&state.pool, &staff.actor(), move |conn| {
        let c = claims::claim(conn, branch, id)?;
        let w = claims::get(conn, branch, c.warranty_id)?;
        Ok((c, w, events::read(conn, Trail::Claim(id))?))
    })
    .await?;
    html(
        code,
        &ClaimPage {
            page: PageCtx::for_request(req),
            c,
            w,
            events,
            form,
            errors,
        },
    )
}

/// `GET /claims/{id}`.
pub async fn claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_claim(
        &req,
        &staff,
        &state,
        id.into_inner(),
        ClaimActForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Runs one of the claim page's actions and answers: its message and back to the claim, or the
/// page again with what was typed and why it was refused.
async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: ClaimActForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &ClaimActForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message| Next::saying(message, format!("/claims/{id}"));
    answer::then(&req, result, "claim", next, |errors, code| {
        render_claim(&req, &staff, &state, id, form, errors, code)
    })
    .await
}

/// `POST /claims/{id}/approve`: approving opens a high-priority ticket on the unit.
pub async fn approve_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, _| {
            claims::approve(conn, a.branch, id, &a.by)
                .map(|t| format!("Claim approved; ticket opened (#{t} in the system)."))
        },
    )
    .await
}

/// `POST /claims/{id}/deny`: with a reason.
pub async fn deny_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            claims::deny(conn, a.branch, id, &f.deny_reason, &a.by)
                .map(|_| "Claim denied.".to_string())
        },
    )
    .await
}

/// `POST /claims/{id}/complete`: with the outcome and what the repair cost.
pub async fn complete_claim(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ClaimActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let mut errors = FieldErrors::new();
            let cost = form::amount_or_zero(&f.cost, "cost", &mut errors);
            errors.into_result()?;
            claims::complete(conn, a.branch, id, &f.outcome, &cost, &a.by)
                .map(|_| "Claim completed.".to_string())
        },
    )
    .await
}
