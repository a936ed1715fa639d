//! `GET /admin/audit`: the audit log, newest first, paged by id, filtered by kind of record (and
//! one record), by who did it, by local day and by words. Admins see every entry; a manager the
//! entries of the branch they work in (money and stock there, and what its staff did), another
//! branch's after switching to it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::role::Role;
use crate::domain::time::day_bounds;
use crate::domain::validation::FieldErrors;
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
    query: AuditQuery,
    errors: FieldErrors,
    entities: Vec<String>,
    actors: Vec<(i64, String, String)>,
    rows: Vec<(AuditEntry, Option<String>)>,
    next_link: Option<String>,
    /// Whether every branch's entries are shown (an admin).
    everything: bool,
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

    /// The address of this page with the same filters and `before`.
    fn link(&self, before: Option<i64>) -> String {
        let q = &self.query;
        let mut link = format!(
            "/admin/audit?q={}&entity={}&entity_id={}&user={}&from={}&to={}",
            encode_component(&q.q),
            encode_component(&q.entity),
            encode_component(&q.entity_id),
            encode_component(&q.user),
            encode_component(&q.from),
            encode_component(&q.to)
        );
        if let Some(b) = before {
            link.push_str(&format!("&before={b}"));
        }
        link
    }
}

/// Query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

/// The filter the query asks for, read in the branch's timezone; messages for what does not read.
fn filter(staff: &Staff, q: &AuditQuery) -> (AuditFilter, FieldErrors) {
    let mut errors = FieldErrors::new();
    let tz = staff.branch.timezone.as_str();
    let mut day = |typed: &str, field: &str| match typed.trim() {
        "" => None,
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| day_bounds(tz, d))
        {
            Some(bounds) => Some(bounds),
            None => {
                errors.add(field, "Enter the date as YYYY-MM-DD.");
                None
            }
        },
    };
    let from = day(&q.from, "from").map(|(start, _)| start);
    let to = day(&q.to, "to").map(|(_, end)| end);
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        errors.add("from", "The start comes after the end; swap the dates.");
    }
    let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let everything = staff.role == Role::Admin;
    let filter = AuditFilter {
        q: text(&q.q),
        entity: text(&q.entity),
        entity_id: text(&q.entity_id),
        user_id: q.user.trim().parse().ok(),
        from,
        to,
        branches: (!everything).then(|| vec![staff.branch.id]),
        before_id: q.before,
    };
    (filter, errors)
}

/// Shows one page of the log.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, errors) = filter(&staff, &query);
    let everything = filter.branches.is_none();
    let ok = errors.is_empty();
    let (found, entities, actors) = db(&state.pool, &staff.actor(), move |conn| {
        let found = match ok {
            true => Some(audit::list(conn, &filter, PER_PAGE)?),
            false => None,
        };
        let entities = audit::entities(conn)?;
        let actors = audit::actors(conn, filter.branches.as_deref())?;
        Ok((found, entities, actors))
    })
    .await?;
    let (rows, next) = found.map_or((Vec::new(), None), |f| (f.rows, f.next_before_id));
    let mut shown = AuditPage {
        page: PageCtx::for_request(&req),
        query,
        errors,
        entities,
        actors,
        rows,
        next_link: None,
        everything,
    };
    shown.next_link = next.map(|id| shown.link(Some(id)));
    let status = match shown.errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    html(status, &shown)
}
