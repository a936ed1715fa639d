//! `GET /imports/{id}`: an uploaded file's page. Before it is committed: the mapping of the file's
//! columns to Workbay's fields (the last one used for this kind, else a guess from the headers)
//! and the preview: the first records as they will be saved, every bad line with its reason, and
//! nothing written. `POST /imports/{id}`: `preview` saves the mapping and shows the page again;
//! `commit` claims the import and commits it in the background, all or nothing, while the page
//! shows a progress bar (`GET /imports/{id}/progress`, polled by its script).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;

use super::view::{MapRow, Preview, preview};
use crate::db::db;
use crate::domain::import::check::{Mapping, columns, guess};
use crate::domain::import::kinds::{ImportKind, kind};
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::imports::{self, Import};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The import's page.
#[derive(Template)]
#[template(path = "imports/show.html")]
pub struct ShowPage {
    page: PageCtx,
    import: Import,
    kind: &'static ImportKind,
    headers: Vec<String>,
    fields: Vec<MapRow>,
    missing: Vec<String>,
    preview: Option<Preview>,
    committing: bool,
    percent: i64,
}

fn kind_of(import: &Import) -> Result<&'static ImportKind, AppError> {
    kind(&import.kind).ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown import kind")))
}

/// `GET /imports/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (branch, branches) = (staff.branch.id, vec![staff.branch.id]);
    let allowed: Vec<i64> = staff.branches.iter().map(|b| b.id).collect();
    let (import, sheet, remembered, plan) = db(&state.pool, &staff.actor(), move |conn| {
        let import = imports::get(conn, id, &branches)?;
        let k = kind(&import.kind).ok_or(RepoError::NotFound)?;
        let sheet = match import.status.as_str() {
            "committed" | "committing" => None,
            _ => imports::sheet(conn, id)?,
        };
        let remembered = imports::remembered(conn, &import.kind)?;
        let mut plan = None;
        if let Some(sheet) = &sheet {
            let mapping = match import.mapping() {
                m if m.is_empty() => guess(k, &sheet.headers, &remembered),
                m => m,
            };
            if let Ok(cols) = columns(k, &sheet.headers, &mapping) {
                plan = Some(imports::plan(conn, k, sheet, &cols, branch, &allowed)?);
            }
        }
        Ok((import, sheet, remembered, plan))
    })
    .await?;
    let k = kind_of(&import)?;
    let mut mapping = import.mapping();
    if mapping.is_empty()
        && let Some(sheet) = &sheet
    {
        mapping = guess(k, &sheet.headers, &remembered);
    }
    let headers = import.headers.clone();
    let first = sheet.as_ref().and_then(|s| s.records.first());
    let fields = k
        .fields
        .iter()
        .map(|f| {
            let chosen = mapping.get(f.key).cloned().unwrap_or_default();
            let sample = headers
                .iter()
                .position(|h| *h == chosen)
                .and_then(|c| first.and_then(|r| r.cells.get(c)))
                .cloned()
                .unwrap_or_default();
            MapRow {
                key: f.key,
                label: f.label,
                required: f.required,
                chosen,
                sample,
            }
        })
        .collect();
    let missing = match columns(k, &headers, &mapping) {
        Err(m) if sheet.is_some() => m,
        _ => Vec::new(),
    };
    let preview = plan.map(|p| preview(k, &headers, &mapping, p));
    let committing = import.committing(staff.now);
    let percent = (import.rows_done as i64 * 100) / (import.row_count.max(1) as i64);
    let page = PageCtx::for_request(&req);
    html(
        StatusCode::OK,
        &ShowPage {
            page,
            import,
            kind: k,
            headers,
            fields,
            missing,
            preview,
            committing,
            percent,
        },
    )
}

/// `POST /imports/{id}`: the mapping (`map_<field>` = header), and `action` = `preview` or
/// `commit`.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let back = format!("/imports/{id}");
    let branches = vec![staff.branch.id];
    let form = form.into_inner();
    let (import, cols) = db(&state.pool, &staff.actor(), move |conn| {
        let import = imports::get(conn, id, &branches)?;
        let k = kind(&import.kind).ok_or(RepoError::NotFound)?;
        // a form without the columns (a script's commit) keeps the mapping shown
        let mapping: Mapping = if form.keys().any(|f| f.starts_with("map_")) {
            k.fields
                .iter()
                .filter_map(|f| {
                    let h = form.get(&format!("map_{}", f.key))?;
                    import
                        .headers
                        .contains(h)
                        .then(|| (f.key.to_string(), h.clone()))
                })
                .collect()
        } else {
            match import.mapping() {
                m if m.is_empty() => guess(k, &import.headers, &imports::remembered(conn, k.kind)?),
                m => m,
            }
        };
        // committed, or a commit under way (the same form sent twice): the page tells which
        let open = imports::set_mapping(conn, id, &mapping)?;
        let commit = open && form.get("action").map(String::as_str) == Some("commit");
        // an incomplete mapping is shown again with what is missing, never committed
        let cols = match columns(k, &import.headers, &mapping) {
            Ok(cols) if commit && imports::start(conn, id, &branches)? => Some(cols),
            _ => None,
        };
        Ok((import, cols))
    })
    .await?;
    let Some(cols) = cols else {
        return Ok(see_other(&back));
    };
    let k = kind_of(&import)?;
    let (pool, actor, by) = (state.pool.clone(), staff.actor(), staff.by());
    let (branch, allowed) = (staff.branch.id, actor.branch_ids.clone());
    actix_web::rt::spawn(async move {
        let reporter = pool.clone();
        let result = db(&pool, &actor, move |conn| {
            let progress = |n: i32| match reporter.get() {
                Ok(mut c) => {
                    if let Err(e) = imports::progress(&mut c, id, n) {
                        tracing::warn!(error = %e, "import progress not recorded");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "import progress not recorded"),
            };
            imports::commit(conn, id, k, &cols, branch, &allowed, &by, &progress)
        })
        .await;
        if let Err(e) = result {
            let message = match e {
                AppError::Conflict(m) => m,
                other => {
                    tracing::error!(error = %other, import = id, "import failed");
                    format!("The import failed and nothing was imported ({other}).")
                }
            };
            let _ = db(&pool, &actor, move |conn| imports::fail(conn, id, &message)).await;
        }
    });
    push_flash(
        &req,
        Flash::success("Importing: the page shows how far it has got."),
    );
    Ok(see_other(&back))
}

/// `GET /imports/{id}/progress`: how far a commit has got, for the page's script.
pub async fn progress(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let branches = vec![staff.branch.id];
    let import = db(&state.pool, &staff.actor(), move |conn| {
        imports::get(conn, id, &branches)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "status": import.status,
            "done": import.rows_done,
            "total": import.row_count,
            "committing": import.committing(staff.now),
        })))
}
