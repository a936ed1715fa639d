//! `GET /imports`: the imports of the active branch, and the form that uploads a file from the
//! old system; `POST /imports`: the upload (multipart), refused unread when it is over the size
//! limit, read and kept when it is a CSV file, then its page (`show`) maps and previews it.

pub mod show;
pub mod view;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

use crate::db::db;
use crate::domain::import::kinds::{ImportKind, KINDS, kind};
use crate::domain::import::read::{self, MAX_BYTES};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::imports::{self, Listed, Upload};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html, see_other};

const PER_PAGE: i64 = 25;

/// The imports page.
#[derive(Template)]
#[template(path = "imports/list.html")]
pub struct ListPage {
    page: PageCtx,
    kinds: &'static [ImportKind],
    chosen: String,
    errors: FieldErrors,
    rows: Vec<Listed>,
    next: Option<i64>,
    max_mb: u64,
}

/// The list's page.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    before: Option<i64>,
    #[serde(default)]
    kind: String,
}

async fn page(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    before: Option<i64>,
    chosen: String,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let branch = [staff.branch.id];
    let (rows, more) = db(&state.pool, &staff.actor(), move |conn| {
        imports::list(conn, &branch, before, PER_PAGE)
    })
    .await?;
    let next = more.then(|| rows.last().map(|r| r.import.id)).flatten();
    Ok(ListPage {
        page: PageCtx::for_request(req),
        kinds: KINDS,
        chosen,
        errors,
        rows,
        next,
        max_mb: MAX_BYTES / (1024 * 1024),
    })
}

/// `GET /imports`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let shown = page(&req, &staff, &state, q.before, q.kind, FieldErrors::new()).await?;
    html(StatusCode::OK, &shown)
}

/// `POST /imports?csrf_token=…` (multipart: `kind`, then `file`).
pub async fn upload(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    let too_large = format!(
        "The file is larger than {} MB, the most one import takes. Split it into several files \
         (each with the header line) and import them one after another.",
        MAX_BYTES / (1024 * 1024)
    );
    let mut errors = FieldErrors::new();
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (mut chosen, mut file_name, mut bytes) = (String::new(), String::new(), Vec::new());
    if declared.is_some_and(|n| n > MAX_BYTES + 64 * 1024) {
        // refused before a byte of it is read
        errors.add("file", too_large);
    } else {
        'fields: while let Some(field) = form.next().await {
            let mut field =
                field.map_err(|e| AppError::Conflict(format!("The upload broke off: {e}")))?;
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                file_name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .unwrap_or("")
                    .to_string();
            }
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk =
                    chunk.map_err(|e| AppError::Conflict(format!("The upload broke off: {e}")))?;
                if (value.len() + chunk.len()) as u64 > MAX_BYTES {
                    errors.add("file", too_large.clone());
                    break 'fields;
                }
                value.extend_from_slice(&chunk);
            }
            match name.as_str() {
                "kind" => chosen = String::from_utf8_lossy(&value).into_owned(),
                "file" => bytes = value,
                _ => {}
            }
        }
    }
    let import_kind = kind(&chosen);
    if import_kind.is_none() {
        errors.add("kind", "Choose what the file holds.");
    }
    if errors.get("file").is_none() && bytes.is_empty() {
        errors.add("file", "Choose the CSV file to import.");
    }
    if let (Some(k), true) = (import_kind, errors.is_empty()) {
        let (branch, user) = (staff.branch.id, staff.id);
        let file_bytes = bytes.len() as i64;
        let stored = db(&state.pool, &staff.actor(), move |conn| {
            // read on the blocking pool: a large file takes a moment
            let text = match read::decode(&bytes) {
                Ok(t) => t,
                Err(m) => return Ok(Err(m)),
            };
            let sheet = match read::parse(&text, read::sniff(&text)) {
                Ok(s) => s,
                Err(m) => return Ok(Err(m)),
            };
            if sheet.records.is_empty() {
                return Ok(Err(
                    "The file has a header line but no records under it.".into()
                ));
            }
            let upload = Upload {
                kind: k.kind,
                file_name,
                file_bytes,
                text,
                sheet,
            };
            imports::create(conn, &upload, branch, user).map(Ok)
        })
        .await?;
        match stored {
            Ok(id) => return Ok(see_other(&format!("/imports/{id}"))),
            Err(message) => errors.add("file", message),
        }
    }
    if !errors.is_empty() && errors.get("file").is_some() {
        errors.add(
            "file_note",
            "Choose the file again: a browser does not keep it after a refusal.",
        );
    }
    let status = if errors
        .get("file")
        .is_some_and(|e| e.starts_with("The file is larger"))
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown = page(&req, &staff, &state, None, chosen, errors).await?;
    html(status, &shown)
}
