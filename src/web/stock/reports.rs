//! `GET /stock/aging` (unsold units by age) and `GET /stock/labels` (printable asset-tag labels
//! with Code 128 barcodes).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::asset::AssetStatus;
use crate::domain::barcode::code128_svg;
use crate::error::AppError;
use crate::repo::assets;
use crate::repo::dashboards::{self, AgeBucket};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The aging page.
#[derive(Template)]
#[template(path = "stock/aging.html")]
pub struct AgingPage {
    page: PageCtx,
    buckets: Vec<AgeBucket>,
}

/// Shows the aging buckets of the active branch.
pub async fn aging(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let buckets = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::aging(conn, &[branch])
    })
    .await?;
    html(
        StatusCode::OK,
        &AgingPage {
            page: PageCtx::for_request(&req),
            buckets,
        },
    )
}

/// One label: tag, model, serial and the barcode (SVG we drew).
pub struct Label {
    tag: String,
    model: String,
    serial: String,
    barcode: String,
}

/// The labels page.
#[derive(Template)]
#[template(path = "stock/labels.html")]
pub struct LabelsPage {
    page: PageCtx,
    labels: Vec<Label>,
}

/// Query string: which units.
#[derive(Deserialize)]
pub struct LabelQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
}

/// Labels for up to 100 units matching the filter.
pub async fn labels(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<LabelQuery>,
) -> Result<HttpResponse, AppError> {
    let LabelQuery { status, q } = query.into_inner();
    let (branch, status) = (staff.branch.id, status.parse::<AssetStatus>().ok());
    let (rows, _) = db(&state.pool, &staff.actor(), move |conn| {
        assets::list(conn, branch, status, &q, 0, 100)
    })
    .await?;
    let labels = rows
        .into_iter()
        .map(|(a, model, _)| Label {
            barcode: code128_svg(&a.asset_tag, 40).unwrap_or_default(),
            tag: a.asset_tag,
            model,
            serial: a.serial,
        })
        .collect();
    html(
        StatusCode::OK,
        &LabelsPage {
            page: PageCtx::for_request(&req),
            labels,
        },
    )
}
