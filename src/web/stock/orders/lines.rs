//! `POST /stock/orders/{id}/line` and `/remove`: a draft's lines.

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{LineForm, answer};
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::purchase_orders::{self as repo, Goods};
use crate::web::AppState;
use crate::web::access::Staff;

fn parse_goods(raw: &str) -> Option<Goods> {
    let (kind, id) = raw.split_at_checked(1)?;
    let id = id.parse().ok()?;
    match kind {
        "m" => Some(Goods::Model(id)),
        "i" => Some(Goods::Item(id)),
        _ => None,
    }
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
