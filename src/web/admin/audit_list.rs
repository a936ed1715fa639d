//! `GET /admin/audit`: the audit log, newest first, searchable, paged by id.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::models::audit::AuditEntry;
use crate::repo::audit::{self, AuditFilter};
use crate::web::access::{Staff, encode_component};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// Rows per page.
const PER_PAGE: i64 = 50;

/// The audit log page.
#[derive(Template)]
#[template(path = "admin/audit_list.html")]
pub struct AuditPage {
    page: PageCtx,
    q: String,
    rows: Vec<(AuditEntry, Option<String>)>,
    next_link: Option<String>,
}

impl AuditPage {
    fn when(&self, e: &AuditEntry) -> String {
        // To the second, in the active branch's timezone, which the heading names.
        let tz = self
            .page
            .user
            .as_ref()
            .map_or("UTC", |u| u.branch.timezone.as_str());
        let local = e.at.with_timezone(&crate::domain::time::zone(tz));
        local.format("%Y-%m-%d %H:%M:%S").to_string()
    }

    fn json(v: &Option<serde_json::Value>) -> String {
        v.as_ref().map(|v| v.to_string()).unwrap_or_default()
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

/// Shows one page of the log.
pub async fn show(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let AuditQuery { q, before } = query.into_inner();
    let filter = AuditFilter {
        q: Some(q.clone()),
        before_id: before,
    };
    let found = db(&state.pool, &admin.actor(), move |conn| {
        audit::list(conn, &filter, PER_PAGE)
    })
    .await?;
    let next_link = found
        .next_before_id
        .map(|id| format!("/admin/audit?q={}&before={id}", encode_component(&q)));
    html(
        StatusCode::OK,
        &AuditPage {
            page: PageCtx::for_request(&req),
            q,
            rows: found.rows,
            next_link,
        },
    )
}
