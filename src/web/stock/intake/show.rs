//! `GET /stock/intake`: the screen with the branch's open batch, and how it is drawn again after
//! a post: the whole page, or only its scan panel when the page's script asked for it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::intake::BadLine;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::intake::{self, LastModel, LineRow, Summary};
use crate::repo::purchase_orders::{self, LineView};
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// How many of the latest scans the panel lists (the count says how many there are in all).
pub const LATEST: i64 = 10;

/// The part of the screen beside the serial field: the counts, the goods so far, what the last
/// scan did and the latest scans, newest first. The page's script swaps in a fresh one after
/// each scan instead of loading the whole page.
#[derive(Default)]
pub struct Panel {
    pub summary: Summary,
    pub latest: Vec<LineRow>,
    /// What the last post added, in words.
    pub added: Option<String>,
    /// Serials of a list that were refused, each with why.
    pub refused: Vec<BadLine>,
    /// Whether `refused` came from a typed list with lines worth naming.
    pub numbered: bool,
    /// The last model used, offered when a scan came before a model was chosen, with the
    /// serials to add as that model.
    pub offer: Option<(LastModel, String)>,
    /// Drawn alone for the page's script (so it shows the batch's refusals itself).
    pub alone: bool,
}

impl Panel {
    fn earlier(&self) -> i64 {
        self.summary.units - self.latest.len() as i64
    }
}

/// The intake screen.
#[derive(Template)]
#[template(path = "stock/intake.html")]
pub struct IntakePage {
    page: PageCtx,
    batch_id: i64,
    shipping: BigDecimal,
    duty: BigDecimal,
    panel: Panel,
    bulk: Vec<LineRow>,
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

/// The scan panel alone, for the page's script.
#[derive(Template)]
#[template(path = "stock/intake_panel.html")]
pub struct PanelOnly {
    page: PageCtx,
    panel: Panel,
    errors: FieldErrors,
}

/// Every form of the screen, as typed. The model and unit cost stay selected between scans.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IntakeForm {
    #[serde(default)]
    pub(super) serial: String,
    /// A pasted list of serials, one per line (ranges allowed).
    #[serde(default)]
    pub(super) serials: String,
    /// "1" when `serials` is a scanner's burst sent by the page's script: no ranges.
    #[serde(default)]
    pub(super) literal: String,
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
    /// A serial to take off the delivery.
    #[serde(default)]
    pub(super) remove_serial: String,
    #[serde(default)]
    pub(super) purchase_order_id: String,
}

/// Whether the page's script asked for the scan panel alone.
pub(super) fn wants_panel(req: &HttpRequest) -> bool {
    req.headers()
        .get("X-Workbay-Panel")
        .is_some_and(|v| v == "scans")
}

/// Draws the screen (or its panel alone) for the user's open batch.
pub(super) async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: IntakeForm,
    errors: FieldErrors,
    mut panel: Panel,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (branch, by) = (staff.branch.id, staff.by());
    let only_panel = wants_panel(req);
    // a list refused for want of a model: offer the last one used
    let offer_serials = match (errors.get("product_model_id"), form.serial.trim()) {
        (None, _) => None,
        (Some(_), "") if form.serials.trim().is_empty() => None,
        (Some(_), "") => Some(form.serials.clone()),
        (Some(_), one) => Some(one.to_uppercase()),
    };
    let (batch, summary, latest, last, rest) = db(&state.pool, &staff.actor(), move |conn| {
        let batch = intake::open_batch(conn, branch, &by)?;
        let summary = intake::summary(conn, batch.0)?;
        let latest = intake::lines(conn, batch.0, true, LATEST)?;
        let last = match offer_serials {
            Some(serials) => intake::last_model(conn, branch, &by)?.map(|m| (m, serials)),
            None => None,
        };
        if only_panel {
            return Ok((batch, summary, latest, last, None));
        }
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
        let rest = (
            intake::lines(conn, batch.0, false, 200)?,
            order,
            purchase_orders::receivable(conn, branch)?,
            stock::model_choices(conn)?,
            stock::item_choices(conn)?,
        );
        Ok((batch, summary, latest, last, Some(rest)))
    })
    .await?;
    panel.summary = summary;
    panel.latest = latest;
    panel.offer = last;
    panel.alone = only_panel;
    let page = PageCtx::for_request(req);
    let Some((bulk, order, orders, models, items)) = rest else {
        return html(
            status,
            &PanelOnly {
                page,
                panel,
                errors,
            },
        );
    };
    let page = IntakePage {
        page,
        batch_id: batch.0,
        shipping: batch.1,
        duty: batch.2,
        panel,
        bulk,
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
    let (errors, panel) = (FieldErrors::new(), Panel::default());
    render(&req, &staff, &state, form, errors, panel, StatusCode::OK).await
}
