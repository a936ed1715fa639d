//! `GET /preorders`, with the SLA view `?sla=1`: days left or overdue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::preorder::PreorderStatus;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::preorders::{self as repo, PreorderRow};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The list (and SLA view).
#[derive(Template)]
#[template(path = "preorders/list.html")]
pub struct ListPage {
    page: PageCtx,
    q: String,
    status: String,
    sla: bool,
    rows: Vec<PreorderRow>,
    pager: Pager,
    today: chrono::NaiveDate,
}

impl ListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/preorders?q={}&status={}&sla={}&page={page}",
            encode_component(&self.q),
            self.status,
            if self.sla { "1" } else { "" }
        )
    }
    fn statuses(&self) -> &'static [PreorderStatus] {
        PreorderStatus::ALL
    }
    fn label(s: &PreorderStatus) -> String {
        s.label()
    }
    fn sla_text(&self, p: &PreorderRow) -> String {
        match p.days_left(self.today) {
            Some(d) if d < 0 => format!("overdue by {} days", -d),
            Some(0) => "due today".to_string(),
            Some(d) => format!("{d} days left"),
            None => String::new(),
        }
    }
    fn overdue(&self, p: &PreorderRow) -> bool {
        p.days_left(self.today).is_some_and(|d| d < 0)
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sla: String,
    page: Option<i64>,
}

/// `GET /preorders`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery {
        q,
        status,
        sla,
        page,
    } = query.into_inner();
    let wanted = status.parse::<PreorderStatus>().ok();
    let sla = !sla.is_empty();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        repo::list(conn, branch, wanted, &search, sla, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &ListPage {
            page: PageCtx::for_request(&req),
            q,
            status: wanted.map(|s| s.as_str().to_string()).unwrap_or_default(),
            sla,
            rows,
            pager,
            today: staff.today(),
        },
    )
}
