//! `/stock/intake`: the scanner-first delivery screen. The serial field keeps the focus; a scan
//! (text + Enter) adds a line and comes back with the field empty and focused. The batch lives in
//! the database, so a reload loses nothing. Commit creates everything in one transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::money::parse_amount;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::intake::{self, LineRow};
use crate::repo::purchase_orders::{self, LineView};
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The intake screen.
#[derive(Template)]
#[template(path = "stock/intake.html")]
pub struct IntakePage {
    page: PageCtx,
    batch_id: i64,
    shipping: BigDecimal,
    duty: BigDecimal,
    lines: Vec<LineRow>,
    units: usize,
    order: Option<(String, Vec<LineView>)>,
    batch_po: Option<i64>,
    orders: Vec<(i64, String)>,
    models: Vec<(i64, String)>,
    items: Vec<(i64, String)>,
    form: IntakeForm,
    errors: FieldErrors,
}

impl IntakePage {
    fn model_selected(&self, id: &i64) -> bool {
        self.form.product_model_id == id.to_string()
    }
    fn order_selected(&self, id: &i64) -> bool {
        self.batch_po == Some(*id)
    }
}

/// Every form of the screen, as typed. The model and unit cost stay selected between scans.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IntakeForm {
    #[serde(default)]
    serial: String,
    #[serde(default)]
    product_model_id: String,
    #[serde(default)]
    unit_cost: String,
    #[serde(default)]
    stock_item_id: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    bulk_cost: String,
    #[serde(default)]
    shipping: String,
    #[serde(default)]
    duty: String,
    #[serde(default)]
    line_id: String,
    #[serde(default)]
    purchase_order_id: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: IntakeForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (branch, by) = (staff.branch.id, staff.by());
    let (batch, lines, models, items, order, orders) =
        db(&state.pool, &staff.actor(), move |conn| {
            let batch = intake::open_batch(conn, branch, &by)?;
            let lines = intake::lines(conn, batch.0)?;
            let order = match batch.4 {
                Some(po) => {
                    let o = purchase_orders::get(conn, branch, po)?;
                    Some((
                        format!("{} · {}", o.number(), o.vendor),
                        purchase_orders::lines(conn, po)?,
                    ))
                }
                None => None,
            };
            Ok((
                batch,
                lines,
                stock::model_choices(conn)?,
                stock::item_choices(conn)?,
                order,
                purchase_orders::receivable(conn, branch)?,
            ))
        })
        .await?;
    let units = lines.iter().filter(|l| l.1.is_some()).count();
    let page = IntakePage {
        page: PageCtx::for_request(req),
        batch_id: batch.0,
        shipping: batch.1,
        duty: batch.2,
        lines,
        units,
        order,
        batch_po: batch.4,
        orders,
        models,
        items,
        form,
        errors,
    };
    html(status, &page)
}

/// Query string: the model and cost to keep selected after a scan.
#[derive(Deserialize)]
pub struct Sticky {
    #[serde(default)]
    model: String,
    #[serde(default)]
    cost: String,
}

/// `GET /stock/intake`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    sticky: web::Query<Sticky>,
) -> Result<HttpResponse, AppError> {
    let form = IntakeForm {
        product_model_id: sticky.model.clone(),
        unit_cost: sticky.cost.clone(),
        ..Default::default()
    };
    render(
        &req,
        &staff,
        &state,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

fn money(raw: &str, field: &str, errors: &mut FieldErrors) -> BigDecimal {
    if raw.trim().is_empty() {
        return BigDecimal::from(0);
    }
    parse_amount(raw).unwrap_or_else(|message| {
        errors.add(field, message);
        BigDecimal::from(0)
    })
}

/// `POST /stock/intake/{action}`: scan, bulk, costs, remove or commit.
pub async fn act(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    action: web::Path<String>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let action = action.into_inner();
    let (branch, by) = (staff.branch.id, staff.by());
    let mut errors = FieldErrors::new();
    let unit_cost = money(&form.unit_cost, "unit_cost", &mut errors);
    let bulk_cost = money(&form.bulk_cost, "bulk_cost", &mut errors);
    let shipping = money(&form.shipping, "shipping", &mut errors);
    let duty = money(&form.duty, "duty", &mut errors);
    if !errors.is_empty() {
        return render(
            &req,
            &staff,
            &state,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let f = form.clone();
    let result = db(&state.pool, &staff.actor(), move |conn| {
        let batch = intake::open_batch(conn, branch, &by)?.0;
        let model = f.product_model_id.parse::<i64>().unwrap_or(0);
        match action.as_str() {
            "scan" => {
                intake::add_unit(conn, branch, batch, &f.serial, model, &unit_cost).map(|_| None)
            }
            "bulk" => {
                let item = f.stock_item_id.parse::<i64>().unwrap_or(0);
                let quantity = f.quantity.trim().parse::<i32>().unwrap_or(0);
                intake::add_bulk(conn, branch, batch, item, quantity, &bulk_cost).map(|_| None)
            }
            "costs" => intake::set_costs(conn, branch, batch, &shipping, &duty).map(|_| None),
            "remove" => intake::remove_line(conn, branch, batch, f.line_id.parse().unwrap_or(0))
                .map(|_| None),
            "attach" => {
                let po = match f.purchase_order_id.trim() {
                    "" => None,
                    raw => Some(raw.parse::<i64>().unwrap_or(0)),
                };
                intake::attach_order(conn, branch, batch, po).map(|_| None)
            }
            "commit" => intake::commit(conn, branch, batch, None, &by).map(Some),
            _ => Err(crate::repo::RepoError::NotFound),
        }
    })
    .await;
    match result {
        Ok(Some(done)) => {
            push_flash(
                &req,
                Flash::success(format!(
                    "Delivery committed: {} units and {} bulk pieces are in stock.",
                    done.units, done.pieces
                )),
            );
            Ok(see_other("/stock/intake"))
        }
        Ok(None) => Ok(see_other(&format!(
            "/stock/intake?model={}&cost={}",
            crate::web::access::encode_component(&form.product_model_id),
            crate::web::access::encode_component(&form.unit_cost)
        ))),
        Err(AppError::Validation(errors)) => {
            // The serial field comes back empty for the next scan; the warning says what was refused.
            let mut kept = form;
            kept.serial.clear();
            render(
                &req,
                &staff,
                &state,
                kept,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            let errors = FieldErrors::single("batch", message);
            render(&req, &staff, &state, form, errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}
