//! `/warranties/{id}`: the warranty, its claims, and a new claim on it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::claims::{self, ClaimRow, WarrantyRow};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, refusal, see_other};

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
