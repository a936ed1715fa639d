//! `GET /stock/assets/{id}`: one unit, its whole history and the forms for its next steps; and
//! how those posts answer.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::asset::{self, AssetStatus, WipeMethod};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::stock::Asset;
use crate::repo::RepoError;

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
    wipe: Option<repo::WipeCertificate>,
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
    let (asset, timeline, checks, locations, wipe) = db(&state.pool, &staff.actor(), move |conn| {
        let asset = repo::get(conn, branch, id)?;
        let category = repo::category_of(conn, &asset)?;
        Ok((
            asset,
            repo::timeline(conn, id)?,
            repo::checklist(conn, &category)?,
            repo::locations_of(conn, branch)?,
            repo::wipe_certificate(conn, id)?,
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
        wipe,
        form,
        errors,
    };
    html(code, &page)
}

/// Every action form of the page, as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) overall: String,
    #[serde(default)]
    pub(super) method: String,
    #[serde(default)]
    pub(super) reference: String,
    #[serde(default)]
    pub(super) grade: String,
    #[serde(default)]
    pub(super) battery_health: String,
    #[serde(default)]
    pub(super) battery_cycles: String,
    #[serde(default)]
    pub(super) cosmetic_notes: String,
    #[serde(default)]
    pub(super) location_id: String,
    /// `check_<name>` results and `note_<name>` notes of the diagnostics checklist.
    #[serde(flatten)]
    pub(super) extra: BTreeMap<String, String>,
}

/// Runs one of the unit page's actions and answers: its message and back to the unit, or the
/// page again with everything as it was chosen or typed.
pub(super) async fn answer<W>(
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
