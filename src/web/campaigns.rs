//! `/campaigns` (managers): the branch's campaigns with their results, and a new one: choose a
//! segment (vehicles due for a service, customers not seen for a while, the best customers) and
//! its figures, see how many match, how many a marketing message can reach (they agreed and have
//! a contact) and a sample, then send (`POST /campaigns`). Bad figures come back as typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::ToPrimitive;
use serde::Deserialize;

use crate::db::db;
use crate::domain::campaign::{SEGMENTS, Segment, SegmentForm};
use crate::domain::message::MESSAGE_CHARS;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::campaigns::{self, Member, Preview, Sent};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, Pager, push_flash};
use crate::web::{AppState, html, see_other};

const PER_PAGE: i64 = 20;

/// The list.
#[derive(Template)]
#[template(path = "campaigns/list.html")]
pub struct ListPage {
    page: PageCtx,
    rows: Vec<Sent>,
    pager: Pager,
}

impl ListPage {
    fn describe(&self, r: &Sent) -> String {
        Segment::describe(&r.segment, &r.params)
    }
    fn link(&self, page: i64) -> String {
        format!("/campaigns?page={page}")
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

/// `GET /campaigns`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut pager = Pager::new(q.page, PER_PAGE);
    let (branch, offset) = (staff.branch.id, pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        campaigns::list(conn, branch, offset, PER_PAGE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &ListPage {
            page: PageCtx::for_request(&req),
            rows,
            pager,
        },
    )
}

/// The new campaign's form, with the segment's preview once it is chosen.
#[derive(Template)]
#[template(path = "campaigns/new.html")]
pub struct NewPage {
    page: PageCtx,
    segments: [(&'static str, &'static str, &'static str); 3],
    form: SegmentForm,
    errors: FieldErrors,
    preview: Option<Preview>,
    /// The segment's messages are news the manager writes (not the service-due reminder).
    news: bool,
    message_chars: usize,
}

impl NewPage {
    /// What the sample's figure means for this segment.
    fn figure(&self, m: &Member) -> String {
        let Some(f) = &m.figure else {
            return String::new();
        };
        match self.form.segment.as_str() {
            "service_due" => format!(
                "about {} km since",
                // an estimate: to the nearest hundred
                crate::domain::campaign::thousands((f.to_i64().unwrap_or(0) + 50) / 100 * 100)
            ),
            "top" => format!("paid {}", self.page.money(f)),
            _ => String::new(),
        }
    }
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: SegmentForm,
    mut errors: FieldErrors,
    counted: bool,
) -> Result<HttpResponse, AppError> {
    let segment = match form.segment() {
        Ok(s) => Some(s),
        Err(e) => {
            if counted {
                errors.merge(e);
            }
            None
        }
    };
    let preview = match (counted, segment) {
        (true, Some(segment)) => {
            let (branch, now) = (staff.branch.id, state.settings.clock.now());
            Some(
                db(&state.pool, &staff.actor(), move |conn| {
                    campaigns::preview(conn, branch, segment, now)
                })
                .await?,
            )
        }
        _ => None,
    };
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let news = form.segment != "service_due";
    html(
        status,
        &NewPage {
            page: PageCtx::for_request(req),
            segments: SEGMENTS,
            form,
            errors,
            preview,
            news,
            message_chars: MESSAGE_CHARS,
        },
    )
}

/// `GET /campaigns/new`: the form; with `?segment=` the count and sample too.
pub async fn new(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    q: web::Query<SegmentForm>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let counted = !q.segment.is_empty();
    let form = match counted {
        true => q,
        false => SegmentForm::new(),
    };
    render(&req, &staff, &state, form, FieldErrors::new(), counted).await
}

/// `POST /campaigns`: sends it.
pub async fn send(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<SegmentForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    form.subject = form.subject.trim().to_string();
    form.message = form.message.trim().to_string();
    let mut errors = FieldErrors::new();
    let segment = form.segment().map_err(|e| errors.merge(e)).ok();
    if segment.is_some_and(|s| s.template() == "news") {
        // the same checks as a one-off message by email
        let written = crate::domain::message::OneOff {
            channel: "email".into(),
            subject: form.subject.clone(),
            message: form.message.clone(),
        };
        if let Err(e) = written.check(true, true) {
            errors.merge(e);
        }
    }
    let Some(segment) = segment.filter(|_| errors.is_empty()) else {
        return render(&req, &staff, &state, form, errors, true).await;
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let (subject, message) = (form.subject.clone(), form.message.clone());
    let sent = db(&state.pool, &staff.actor(), move |conn| {
        campaigns::send(conn, branch, segment, (&subject, &message), &by)
    })
    .await;
    match sent {
        Ok((_, queued)) => {
            push_flash(
                &req,
                Flash::success(format!(
                    "The campaign is on its way: {queued} {}.",
                    if queued == 1 { "message" } else { "messages" }
                )),
            );
            Ok(see_other("/campaigns"))
        }
        Err(AppError::Conflict(m)) => {
            errors.add("form", m);
            render(&req, &staff, &state, form, errors, true).await
        }
        Err(e) => Err(e),
    }
}
