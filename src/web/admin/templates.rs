//! `GET /admin/messages`: the messages customers get and whether the active branch words each
//! its own way; `GET/POST /admin/messages/{event}`: a template's subject, plain text, HTML and
//! SMS, with the variables it can use, a preview on sample values (the SMS with its length and
//! the messages it takes), and a save that refuses an unknown variable and a form opened before
//! someone else's save.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::templates::{self, COMMON, EVENTS, Event};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::templates::{self as store, Wording};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The list of templates.
#[derive(Template)]
#[template(path = "admin/templates.html")]
pub struct ListPage {
    page: PageCtx,
    rows: Vec<(&'static Event, Option<i32>)>,
}

/// `GET /admin/messages`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let own = db(&state.pool, &staff.actor(), move |conn| {
        store::own(conn, branch)
    })
    .await?;
    let rows = EVENTS
        .iter()
        .map(|e| (e, own.iter().find(|(k, _)| k == e.key).map(|(_, v)| *v)))
        .collect();
    html(
        StatusCode::OK,
        &ListPage {
            page: PageCtx::for_request(&req),
            rows,
        },
    )
}

/// The template form.
#[derive(Template)]
#[template(path = "admin/template_edit.html")]
pub struct EditPage {
    page: PageCtx,
    event: &'static Event,
    wording: Wording,
    version: i32,
    own: bool,
    errors: FieldErrors,
    variables: Vec<(&'static str, &'static str)>,
    preview: (String, String, String, String),
    sms_length: (usize, usize),
}

impl EditPage {
    /// The text parts of the form: field, label, what it holds, rows.
    fn parts(&self) -> [(&'static str, &'static str, &str, u8); 3] {
        [
            ("body_text", "Email, plain text", &self.wording.body_text, 8),
            ("body_html", "Email, HTML", &self.wording.body_html, 8),
            ("sms", "SMS", &self.wording.sms, 3),
        ]
    }
}

fn event_of(key: &str) -> Result<&'static Event, AppError> {
    templates::event(key).ok_or(AppError::NotFound)
}

fn default_of(e: &Event) -> Wording {
    Wording {
        subject: e.subject.into(),
        body_text: e.text.into(),
        body_html: e.html.into(),
        sms: e.sms.into(),
    }
}

fn page(
    req: &HttpRequest,
    event: &'static Event,
    wording: Wording,
    version: i32,
    errors: FieldErrors,
) -> EditPage {
    let values = templates::samples(event);
    let preview = (
        templates::render(&wording.subject, &values, false),
        templates::render(&wording.body_text, &values, false),
        templates::render(&wording.body_html, &values, true),
        templates::render(&wording.sms, &values, false),
    );
    let sms_length = templates::sms_segments(&preview.3);
    EditPage {
        page: PageCtx::for_request(req),
        event,
        wording,
        version,
        own: version > 0,
        errors,
        variables: COMMON.iter().chain(event.variables).copied().collect(),
        preview,
        sms_length,
    }
}

/// `GET /admin/messages/{event}`.
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let event = event_of(&key)?;
    let branch = staff.branch.id;
    let saved = db(&state.pool, &staff.actor(), move |conn| {
        store::wording(conn, branch, event.key)
    })
    .await?;
    let (wording, version) = saved.unwrap_or_else(|| (default_of(event), 0));
    html(
        StatusCode::OK,
        &page(&req, event, wording, version, FieldErrors::new()),
    )
}

/// The form as posted.
#[derive(Debug, Deserialize)]
pub struct Posted {
    #[serde(flatten)]
    wording: Wording,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    action: String,
}

/// `POST /admin/messages/{event}`: `action=preview` shows the typed text filled in; otherwise
/// saves it.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    key: web::Path<String>,
    form: web::Form<Posted>,
) -> Result<HttpResponse, AppError> {
    let event = event_of(&key)?;
    let Posted {
        wording,
        version,
        action,
    } = form.into_inner();
    let mut errors = FieldErrors::new();
    for (field, text) in [
        ("subject", &wording.subject),
        ("body_text", &wording.body_text),
        ("body_html", &wording.body_html),
        ("sms", &wording.sms),
    ] {
        if text.trim().is_empty() {
            errors.add(field, "Write this part: a message is never sent empty.");
        } else if let Err(m) = templates::check(event, text) {
            errors.add(field, m);
        } else if let Err(m) = templates::check_opt_out(event, field, text) {
            errors.add(field, m);
        }
    }
    if action == "preview" || !errors.is_empty() {
        let status = match errors.is_empty() {
            true => StatusCode::OK,
            false => StatusCode::UNPROCESSABLE_ENTITY,
        };
        return html(status, &page(&req, event, wording, version, errors));
    }
    let (branch, by, w) = (staff.branch.id, staff.by(), wording.clone());
    let saved = db(&state.pool, &staff.actor(), move |conn| {
        store::save(conn, branch, event.key, &w, version, &by)
    })
    .await;
    match saved {
        Ok(_) => {
            push_flash(
                &req,
                Flash::success(format!("“{}” saved for this branch.", event.title)),
            );
            Ok(see_other("/admin/messages"))
        }
        Err(AppError::Conflict(m)) => {
            errors.add("form", m);
            let now = db(&state.pool, &staff.actor(), move |conn| {
                store::wording(conn, branch, event.key)
            })
            .await?
            .map_or(0, |(_, v)| v);
            html(
                StatusCode::CONFLICT,
                &page(&req, event, wording, now, errors),
            )
        }
        Err(e) => Err(e),
    }
}
