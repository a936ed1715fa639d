//! `GET /stock/intake/deliveries`: the deliveries the branch received; `/{id}`: one of them, with
//! "Print labels for this delivery"; `/{id}/labels`: the labels, one per page of the roll.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::barcode::code128_svg;
use crate::domain::labels::{BulkLabels, LabelPlan, LabelSize};
use crate::error::AppError;
use crate::repo::intake::{self, Delivery, DeliveryRow, ItemLabel, Summary, UnitLabel};
use crate::web::access::{Staff, encode_component};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html, see_other};

const PAGE_SIZE: i64 = 25;

/// The list of deliveries.
#[derive(Template)]
#[template(path = "stock/deliveries.html")]
pub struct DeliveriesPage {
    page: PageCtx,
    rows: Vec<DeliveryRow>,
    q: String,
    pager: Pager,
}

impl DeliveriesPage {
    fn page_link(&self, n: i64) -> String {
        format!(
            "/stock/intake/deliveries?q={}&page={n}",
            encode_component(&self.q)
        )
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct DeliveriesQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

/// `GET /stock/intake/deliveries`.
pub async fn deliveries(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DeliveriesQuery>,
) -> Result<HttpResponse, AppError> {
    let DeliveriesQuery { q, page } = query.into_inner();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, offset, text) = (staff.branch.id, pager.offset(), q.clone());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        intake::deliveries(conn, branch, &text, offset, PAGE_SIZE)
    })
    .await?;
    if rows.is_empty() && pager.page > 1 {
        return Ok(see_other(&format!(
            "/stock/intake/deliveries?q={}",
            encode_component(&q)
        )));
    }
    pager.settle(total);
    let page = PageCtx::for_request(&req);
    html(
        StatusCode::OK,
        &DeliveriesPage {
            page,
            rows,
            q,
            pager,
        },
    )
}

/// One delivery: what came in, and the form that prints its labels.
#[derive(Template)]
#[template(path = "stock/delivery.html")]
pub struct DeliveryPage {
    page: PageCtx,
    d: Delivery,
    summary: Summary,
    sizes: &'static [LabelSize],
}

/// `GET /stock/intake/deliveries/{id}`.
pub async fn delivery(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, id) = (staff.branch.id, id.into_inner());
    let (d, summary) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            intake::delivery(conn, branch, id)?,
            intake::summary(conn, id)?,
        ))
    })
    .await?;
    let page = PageCtx::for_request(&req);
    let sizes = LabelSize::ALL;
    html(
        StatusCode::OK,
        &DeliveryPage {
            page,
            d,
            summary,
            sizes,
        },
    )
}

/// One printed label: the barcode, what it says in large type and small.
pub struct Label {
    barcode: String,
    code: String,
    title: String,
    detail: String,
}

/// The labels of a delivery, ready to print on the chosen roll.
#[derive(Template)]
#[template(path = "stock/delivery_labels.html")]
pub struct LabelsPrint {
    d: Delivery,
    plan: LabelPlan,
    labels: Vec<Label>,
    /// More were asked for than one print holds: the first ones are shown and this says so.
    cut: Option<usize>,
}

/// Query string of the labels: size, copies per unit and the bulk labels.
#[derive(Deserialize)]
pub struct LabelsQuery {
    #[serde(default)]
    size: String,
    #[serde(default)]
    copies: String,
    #[serde(default)]
    bulk: String,
}

/// `GET /stock/intake/deliveries/{id}/labels`.
pub async fn delivery_labels(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<LabelsQuery>,
) -> Result<HttpResponse, AppError> {
    let plan = LabelPlan::read(&query.size, &query.copies, &query.bulk);
    let (branch, id) = (staff.branch.id, id.into_inner());
    let (d, units, items) = db(&state.pool, &staff.actor(), move |conn| {
        let d = intake::delivery(conn, branch, id)?;
        let items = match plan.bulk {
            BulkLabels::Without => Vec::new(),
            _ => intake::item_labels(conn, id)?,
        };
        Ok((d, intake::unit_labels(conn, id)?, items))
    })
    .await?;
    let page = PageCtx::for_request(&req);
    let quantities: Vec<i64> = items.iter().map(|i| i.quantity).collect();
    let (wanted, over) = plan.count(units.len(), &quantities);
    let labels = lay_out(&page, plan, units, items);
    let cut = over.then_some(wanted);
    html(
        StatusCode::OK,
        &LabelsPrint {
            d,
            plan,
            labels,
            cut,
        },
    )
}

/// Every label in print order: each unit's copies together, then the stock items; at most
/// [`crate::domain::labels::MOST_LABELS`]. A barcode is drawn once and repeated for its copies.
fn lay_out(
    page: &PageCtx,
    plan: LabelPlan,
    units: Vec<UnitLabel>,
    items: Vec<ItemLabel>,
) -> Vec<Label> {
    let most = crate::domain::labels::MOST_LABELS;
    let mut labels = Vec::new();
    let push = |labels: &mut Vec<Label>, n: usize, code: String, title: String, detail: String| {
        let barcode = code128_svg(&code, 40).unwrap_or_default();
        for _ in 0..n.min(most.saturating_sub(labels.len())) {
            labels.push(Label {
                barcode: barcode.clone(),
                code: code.clone(),
                title: title.clone(),
                detail: detail.clone(),
            });
        }
    };
    for u in units {
        let detail = format!("S/N {}", u.serial);
        push(&mut labels, plan.copies as usize, u.tag, u.model, detail);
    }
    for i in items {
        let n = plan.item_copies(i.quantity);
        push(&mut labels, n, i.sku, i.name, page.money(&i.price));
    }
    labels
}
