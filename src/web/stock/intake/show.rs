//! `GET /stock/intake`: the screen with the branch's open batch; and how its posts answer (a
//! refused scan comes back with the serial field empty and a warning).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::intake::{self, LineRow};
use crate::repo::purchase_orders::{self, LineView};
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::access::encode_component;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
    pub(super) serial: String,
    #[serde(default)]
    pub(super) product_model_id: String,
    #[serde(default)]
    pub(super) unit_cost: String,
    #[serde(default)]
    pub(super) stock_item_id: String,
    #[serde(default)]
    pub(super) quantity: String,
    #[serde(default)]
    pub(super) bulk_cost: String,
    #[serde(default)]
    pub(super) shipping: String,
    #[serde(default)]
    pub(super) duty: String,
    #[serde(default)]
    pub(super) line_id: String,
    #[serde(default)]
    pub(super) purchase_order_id: String,
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

/// The amounts of the screen's forms, checked before any action runs.
pub(super) struct Costs {
    pub(super) unit: BigDecimal,
    pub(super) bulk: BigDecimal,
    pub(super) shipping: BigDecimal,
    pub(super) duty: BigDecimal,
}

/// Runs one of the screen's actions on the branch's open batch and answers: a commit says what
/// came into stock; anything else comes back to the screen with the model and unit cost still
/// chosen. A refused scan comes back with the serial field empty for the next scan and a warning
/// that says what was refused.
pub(super) async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: IntakeForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(
            &mut diesel::PgConnection,
            &Acting,
            i64,
            &IntakeForm,
            Costs,
        ) -> Result<Option<intake::Committed>, RepoError>
        + Send
        + 'static,
{
    let mut errors = FieldErrors::new();
    let costs = Costs {
        unit: form::amount_or_zero(&form.unit_cost, "unit_cost", &mut errors),
        bulk: form::amount_or_zero(&form.bulk_cost, "bulk_cost", &mut errors),
        shipping: form::amount_or_zero(&form.shipping, "shipping", &mut errors),
        duty: form::amount_or_zero(&form.duty, "duty", &mut errors),
    };
    if !errors.is_empty() {
        let code = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&req, &staff, &state, form, errors, code).await;
    }
    let result = answer::run(&staff, &state, &form, move |conn, a, f| {
        let batch = intake::open_batch(conn, a.branch, &a.by)?.0;
        work(conn, a, batch, f, costs)
    })
    .await;
    let next = |done: Option<intake::Committed>| match done {
        Some(done) => Next::saying(
            format!(
                "Delivery committed: {} units and {} bulk pieces are in stock.",
                done.units, done.pieces
            ),
            "/stock/intake",
        ),
        None => Next::quietly(format!(
            "/stock/intake?model={}&cost={}",
            encode_component(&form.product_model_id),
            encode_component(&form.unit_cost)
        )),
    };
    let mut kept = form.clone();
    answer::then(&req, result, "batch", next, |errors, code| {
        if code == StatusCode::UNPROCESSABLE_ENTITY {
            kept.serial.clear();
        }
        render(&req, &staff, &state, kept, errors, code)
    })
    .await
}
