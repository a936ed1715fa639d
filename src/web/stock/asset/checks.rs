//! `POST /stock/assets/{id}/diagnostics`, `/wipe` and `/grade`: what the table's preconditions need.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::asset::{DiagnosticsResult, Grade, WipeMethod};
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

use super::show::{ActionForm, answer};
use crate::repo::assets::{self as repo};
use crate::web::AppState;
use crate::web::access::Staff;

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

const WHOLE: &str = "Enter a whole number.";

/// The diagnostics checklist as posted: `check_<name>` results with their `note_<name>` notes.
pub(super) fn checklist(f: &ActionForm) -> serde_json::Value {
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
