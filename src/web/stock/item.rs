//! `GET /stock/items/{id}[?before=ID]` (on-hand and a page of the ledger at the active branch) and
//! `POST /stock/items/{id}/adjust` (an adjustment with a reason).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::stock::StockItem;
use crate::repo::stock::{self, LedgerRow, Posting};
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The item page.
#[derive(Template)]
#[template(path = "stock/item.html")]
pub struct ItemPage {
    page: PageCtx,
    item: StockItem,
    on_hand: i32,
    ledger: Vec<LedgerRow>,
    /// The page shows rows older than this ledger row (`None`: the newest).
    before: Option<i64>,
    /// The `before` of the next (older) page, when there is one.
    older: Option<i64>,
    form: AdjustForm,
    errors: FieldErrors,
}

/// Rows of the ledger on one page.
const LEDGER_PAGE: i64 = 50;

/// `?before=ID`: the ledger page that starts below that row.
#[derive(Debug, Default, Deserialize)]
pub struct LedgerQuery {
    #[serde(default)]
    before: String,
}

/// The adjustment form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    reason: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    before: Option<i64>,
    (form, errors): (AdjustForm, FieldErrors),
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (item, on_hand, (ledger, more)) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            stock::get_item(conn, id)?,
            stock::on_hand(conn, id, branch)?,
            stock::ledger(conn, id, branch, before, LEDGER_PAGE)?,
        ))
    })
    .await?;
    let older = if more {
        ledger.last().map(|row| row.0)
    } else {
        None
    };
    html(
        status,
        &ItemPage {
            page: PageCtx::for_request(req),
            item,
            on_hand,
            ledger,
            before,
            older,
            form,
            errors,
        },
    )
}

/// Shows the item. A `before` that is not a positive number shows the newest rows.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, AppError> {
    let before = query.before.trim().parse::<i64>().ok().filter(|b| *b > 0);
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        before,
        (AdjustForm::default(), FieldErrors::new()),
        StatusCode::OK,
    )
    .await
}

/// Adjusts on-hand (counted, damaged, lost…); never below zero, always with a reason.
pub async fn adjust(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AdjustForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (id.into_inner(), form.into_inner());
    let Ok(quantity) = form.quantity.trim().trim_start_matches('+').parse::<i32>() else {
        let errors = FieldErrors::single("quantity", "Enter a whole number, e.g. -2 or 5.");
        return render(
            &req,
            &staff,
            &state,
            id,
            None,
            (form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (branch, by, reason) = (staff.branch.id, staff.by(), form.reason.clone());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        let p = Posting {
            stock_item_id: id,
            branch_id: branch,
            kind: "adjustment",
            quantity,
            unit_cost: None,
            reason: &reason,
            reference: "",
        };
        stock::post(conn, &p, &by)
    })
    .await;
    let next = |_| {
        Next::saying(
            format!("Stock adjusted by {quantity}."),
            format!("/stock/items/{id}"),
        )
    };
    answer::then(&req, result, FORM, next, |errors, status| {
        render(&req, &staff, &state, id, None, (form, errors), status)
    })
    .await
}
