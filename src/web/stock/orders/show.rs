//! `GET /stock/orders/{id}`: the order, its lines and history; and how its posts answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::purchase_order::PoStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::purchase_orders::{self as repo, LineView, OrderRow};
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// One order.
#[derive(Template)]
#[template(path = "stock/order.html")]
pub struct OrderPage {
    page: PageCtx,
    order: OrderRow,
    state: PoStatus,
    lines: Vec<LineView>,
    events: Vec<EventRow>,
    total: BigDecimal,
    models: Vec<(i64, String)>,
    items: Vec<(i64, String)>,
    confirm_cancel: bool,
    form: LineForm,
    errors: FieldErrors,
}

impl OrderPage {
    fn goods_selected(&self, value: &str) -> bool {
        self.form.goods == value
    }
    fn status_label(s: &Option<String>) -> String {
        s.as_deref()
            .map(crate::domain::status::title)
            .unwrap_or_default()
    }
}

/// Every form of the order page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LineForm {
    /// `m<id>` for a product model, `i<id>` for a stock item.
    #[serde(default)]
    pub(super) goods: String,
    #[serde(default)]
    pub(super) quantity: String,
    #[serde(default)]
    pub(super) unit_cost: String,
    #[serde(default)]
    pub(super) line_id: String,
    #[serde(default)]
    pub(super) note: String,
    /// Whether the page asks to confirm cancelling (from the query string, not the form).
    #[serde(skip)]
    pub(super) confirm_cancel: bool,
}

/// Query string of the order page.
#[derive(Deserialize)]
pub struct OrderQuery {
    #[serde(default)]
    cancel: Option<String>,
}

async fn render_order(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: LineForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (order, lines, events, models, items) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            repo::get(conn, branch, id)?,
            repo::lines(conn, id)?,
            events::read(conn, Trail::PurchaseOrder(id))?,
            stock::model_choices(conn)?,
            stock::item_choices(conn)?,
        ))
    })
    .await?;
    let total = lines.iter().map(LineView::total).sum();
    html(
        status,
        &OrderPage {
            page: PageCtx::for_request(req),
            state: order.state(),
            order,
            lines,
            events,
            total,
            models,
            items,
            confirm_cancel: form.confirm_cancel,
            form,
            errors,
        },
    )
}

/// `GET /stock/orders/{id}` (`?cancel=1` asks to confirm cancelling).
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<OrderQuery>,
) -> Result<HttpResponse, AppError> {
    let form = LineForm {
        confirm_cancel: query.cancel.is_some(),
        ..Default::default()
    };
    render_order(
        &req,
        &staff,
        &state,
        id.into_inner(),
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Runs one of the order page's actions and answers: back to the order (saying what changed,
/// when the page alone does not show it), or the page again with what was typed.
pub(super) async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: LineForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &LineForm) -> Result<Option<String>, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message: Option<String>| Next {
        flash: message,
        to: format!("/stock/orders/{id}"),
    };
    answer::then(&req, result, "order", next, |errors, code| {
        render_order(&req, &staff, &state, id, form, errors, code)
    })
    .await
}
