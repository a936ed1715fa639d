//! Purchase orders: `/stock/orders` (list), `/stock/orders/new`, `/stock/orders/{id}` (lines,
//! history, place or cancel, receive through the intake screen).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::purchase_order::PoStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::RepoError;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::purchase_orders::{self as repo, Goods, LineView, NewOrder, OrderRow};
use crate::repo::stock;
use crate::web::access::{Staff, encode_component};
use crate::web::answer::{self, Acting, Next};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html, see_other};

/// The list of orders.
#[derive(Template)]
#[template(path = "stock/orders.html")]
pub struct OrderListPage {
    page: PageCtx,
    q: String,
    status: String,
    rows: Vec<OrderRow>,
    pager: Pager,
}

impl OrderListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/stock/orders?q={}&status={}&page={page}",
            encode_component(&self.q),
            self.status
        )
    }
    fn statuses(&self) -> &'static [PoStatus] {
        PoStatus::ALL
    }
    fn label(s: &PoStatus) -> String {
        s.label()
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<i64>,
}

/// `GET /stock/orders`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, status, page } = query.into_inner();
    let wanted = status.parse::<PoStatus>().ok();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        repo::list(conn, branch, wanted, &search, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &OrderListPage {
            page: PageCtx::for_request(&req),
            q,
            status: wanted.map(|s| s.as_str().to_string()).unwrap_or_default(),
            rows,
            pager,
        },
    )
}

/// The new-order form.
#[derive(Template)]
#[template(path = "stock/order_new.html")]
pub struct NewOrderPage {
    page: PageCtx,
    vendors: Vec<(i64, String)>,
    form: OrderForm,
    errors: FieldErrors,
}

impl NewOrderPage {
    fn vendor_selected(&self, id: &i64) -> bool {
        self.form.vendor_id == id.to_string()
    }
}

/// The new-order form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    vendor_id: String,
    #[serde(default)]
    vendor_reference: String,
    #[serde(default)]
    expected_on: String,
    #[serde(default)]
    note: String,
}

async fn render_new(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: OrderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let vendors = db(&state.pool, &staff.actor(), stock::vendor_choices).await?;
    html(
        status,
        &NewOrderPage {
            page: PageCtx::for_request(req),
            vendors,
            form,
            errors,
        },
    )
}

/// `GET /stock/orders/new`.
pub async fn new_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render_new(
        &req,
        &staff,
        &state,
        OrderForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /stock/orders/new`: opens a draft and goes to it.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<OrderForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let vendor_id = form.vendor_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("vendor_id", "Choose the vendor.");
        0
    });
    let expected_on = match form.expected_on.trim() {
        "" => None,
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| errors.add("expected_on", "Enter the date as YYYY-MM-DD."))
            .ok(),
    };
    if !errors.is_empty() {
        return render_new(
            &req,
            &staff,
            &state,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let order = NewOrder {
        vendor_id,
        vendor_reference: form.vendor_reference.clone(),
        expected_on,
        note: form.note.clone(),
    };
    let (branch, by) = (staff.branch.id, staff.by());
    match db(&state.pool, &staff.actor(), move |conn| {
        repo::create(conn, branch, &order, &by)
    })
    .await
    {
        Ok(id) => Ok(see_other(&format!("/stock/orders/{id}"))),
        Err(AppError::Validation(errors)) => {
            render_new(
                &req,
                &staff,
                &state,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

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
            .map(|s| s.replace('_', " "))
            .unwrap_or_default()
    }
}

/// Every form of the order page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LineForm {
    /// `m<id>` for a product model, `i<id>` for a stock item.
    #[serde(default)]
    goods: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit_cost: String,
    #[serde(default)]
    line_id: String,
    #[serde(default)]
    note: String,
    /// Whether the page asks to confirm cancelling (from the query string, not the form).
    #[serde(skip)]
    confirm_cancel: bool,
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

fn parse_goods(raw: &str) -> Option<Goods> {
    let (kind, id) = raw.split_at_checked(1)?;
    let id = id.parse().ok()?;
    match kind {
        "m" => Some(Goods::Model(id)),
        "i" => Some(Goods::Item(id)),
        _ => None,
    }
}

/// Runs one of the order page's actions and answers: back to the order (saying what changed,
/// when the page alone does not show it), or the page again with what was typed.
async fn answer<W>(
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

/// `POST /stock/orders/{id}/line`: a model or stock item, how many and at what cost.
pub async fn add_order_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
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
            let goods = parse_goods(&f.goods);
            if goods.is_none() {
                errors.add("goods", "Choose a model or a stock item.");
            }
            let quantity = f.quantity.trim().parse::<i32>().unwrap_or_else(|_| {
                errors.add("quantity", "Enter how many to order (1 or more).");
                0
            });
            let cost = form::amount(&f.unit_cost, "unit_cost", &mut errors);
            errors.into_result()?;
            let goods = goods.unwrap_or(Goods::Model(0));
            repo::add_line(conn, a.branch, id, goods, quantity, &cost)?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/orders/{id}/remove`: a line off a draft.
pub async fn remove_order_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            repo::remove_line(conn, a.branch, id, f.line_id.parse().unwrap_or(0))?;
            Ok(None)
        },
    )
    .await
}

/// `POST /stock/orders/{id}/place`: the draft is sent to the vendor.
pub async fn place_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            repo::change_status(conn, a.branch, id, PoStatus::Ordered, &f.note, &a.by)?;
            Ok(Some(format!(
                "{} is placed with the vendor.",
                repo::number(id)
            )))
        },
    )
    .await
}

/// `POST /stock/orders/{id}/cancel`: a draft or placed order is called off (after confirmation).
pub async fn cancel_order(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LineForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            repo::change_status(conn, a.branch, id, PoStatus::Cancelled, &f.note, &a.by)?;
            Ok(Some(format!("{} is cancelled.", repo::number(id))))
        },
    )
    .await
}
