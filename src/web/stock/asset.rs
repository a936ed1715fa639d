//! `/stock/assets/{id}`: one unit, its whole history, and the next steps (status, diagnostics,
//! wipe certificate, grade, location). Refusals come back as messages on the page.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::asset::{self, AssetStatus, Cause, DiagnosticsResult, Grade, WipeMethod};
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::stock::Asset;
use crate::repo::RepoError;

const WHOLE: &str = "Enter a whole number.";
use crate::repo::assets::{self as repo, MovementRow};
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The asset page.
#[derive(Template)]
#[template(path = "stock/asset.html")]
pub struct AssetPage {
    page: PageCtx,
    asset: Asset,
    status: AssetStatus,
    timeline: Vec<MovementRow>,
    checks: Vec<String>,
    locations: Vec<(i64, String)>,
    form: ActionForm,
    errors: FieldErrors,
}

impl AssetPage {
    /// Statuses a person may move this unit to by hand from here.
    fn next_steps(&self) -> Vec<AssetStatus> {
        AssetStatus::ALL
            .iter()
            .copied()
            .filter(|to| {
                asset::edge_exists(self.status, *to)
                    && !matches!(to, AssetStatus::Sold | AssetStatus::Returned)
                    && self.status != AssetStatus::Sold
            })
            .collect()
    }
    fn label(s: &AssetStatus) -> String {
        s.label()
    }
    fn methods(&self) -> &'static [WipeMethod] {
        WipeMethod::ALL
    }
    /// The result chosen for a check (as typed before a refusal; `pass` at first).
    fn check_value(&self, check: &str) -> &str {
        self.form
            .extra
            .get(&format!("check_{check}"))
            .map(String::as_str)
            .unwrap_or("pass")
    }
    fn note_value(&self, check: &str) -> &str {
        self.form
            .extra
            .get(&format!("note_{check}"))
            .map(String::as_str)
            .unwrap_or("")
    }
    fn same(a: &str, b: &str) -> bool {
        a == b
    }
    fn location_selected(&self, id: &i64) -> bool {
        match self.form.location_id.parse::<i64>() {
            Ok(chosen) => chosen == *id,
            Err(_) => self.asset.location_id == Some(*id),
        }
    }
}

/// Shows the unit.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        ActionForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: ActionForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (asset, timeline, checks, locations) = db(&state.pool, &staff.actor(), move |conn| {
        let asset = repo::get(conn, branch, id)?;
        let category = repo::category_of(conn, &asset)?;
        Ok((
            asset,
            repo::timeline(conn, id)?,
            repo::checklist(conn, &category)?,
            repo::locations_of(conn, branch)?,
        ))
    })
    .await?;
    let page = AssetPage {
        page: PageCtx::for_request(req),
        status: asset.status(),
        asset,
        timeline,
        checks,
        locations,
        form,
        errors,
    };
    html(code, &page)
}

/// Every action form of the page, as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    overall: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    battery_health: String,
    #[serde(default)]
    battery_cycles: String,
    #[serde(default)]
    cosmetic_notes: String,
    #[serde(default)]
    location_id: String,
    /// `check_<name>` results and `note_<name>` notes of the diagnostics checklist.
    #[serde(flatten)]
    extra: BTreeMap<String, String>,
}

/// Runs one of the unit page's actions and answers: its message and back to the unit, or the
/// page again with everything as it was chosen or typed.
async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: ActionForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &ActionForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message| Next::saying(message, format!("/stock/assets/{id}"));
    answer::then(&req, result, "asset", next, |errors, code| {
        render(&req, &staff, &state, id, form, errors, code)
    })
    .await
}

/// `POST /stock/assets/{id}/status`: the next status by hand (with a reason where it needs one).
pub async fn move_asset(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let to: AssetStatus =
                f.to.parse()
                    .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
            repo::transition(conn, a.branch, id, to, Cause::Manual, &f.reason, &a.by)?;
            Ok(format!("Unit is now {}.", to.label()))
        },
    )
    .await
}

/// `POST /stock/assets/{id}/diagnostics`: the checklist's results and the overall result.
pub async fn record_diagnostics(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let overall: DiagnosticsResult = f
                .overall
                .parse()
                .map_err(|_| FieldErrors::single("overall", "Choose the overall result."))?;
            let results = checklist(f);
            repo::record_diagnostics(conn, a.branch, id, &results, overall, &a.by)?;
            Ok(format!(
                "Diagnostics recorded: {}.",
                overall.as_str().replace('_', " ")
            ))
        },
    )
    .await
}

/// `POST /stock/assets/{id}/wipe`: the data wipe's certificate.
pub async fn record_wipe(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let method: WipeMethod = f
                .method
                .parse()
                .map_err(|_| FieldErrors::single("method", "Choose the wipe method."))?;
            repo::record_wipe(conn, a.branch, id, method, &f.reference, &a.by)?;
            Ok("Wipe certificate recorded.".to_string())
        },
    )
    .await
}

/// `POST /stock/assets/{id}/grade`: the condition grade and battery figures.
pub async fn grade_asset(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
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
            let grade: Grade = f
                .grade
                .parse()
                .map_err(|_| FieldErrors::single("grade", "Grade is A, B or C."))?;
            let health =
                form::optional_whole(&f.battery_health, "battery_health", WHOLE, &mut errors);
            let cycles =
                form::optional_whole(&f.battery_cycles, "battery_cycles", WHOLE, &mut errors);
            errors.into_result()?;
            repo::grade(conn, a.branch, id, grade, health, cycles, &f.cosmetic_notes)?;
            Ok(format!("Graded {}.", grade.as_str()))
        },
    )
    .await
}

/// `POST /stock/assets/{id}/location`: a shelf or bin at the branch.
pub async fn relocate_asset(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let location = f
                .location_id
                .parse::<i64>()
                .map_err(|_| FieldErrors::single("location_id", "Choose a location."))?;
            repo::relocate(conn, a.branch, id, location, &f.reason, &a.by)?;
            Ok("Unit moved.".to_string())
        },
    )
    .await
}

/// The diagnostics checklist as posted: `check_<name>` results with their `note_<name>` notes.
fn checklist(f: &ActionForm) -> serde_json::Value {
    let mut results = serde_json::Map::new();
    for (key, value) in &f.extra {
        if let Some(check) = key.strip_prefix("check_") {
            let note = f
                .extra
                .get(&format!("note_{check}"))
                .cloned()
                .unwrap_or_default();
            results.insert(
                check.to_string(),
                serde_json::json!({ "result": value, "note": note }),
            );
        }
    }
    serde_json::Value::Object(results)
}
