//! "Refresh now": the materialized daily figures and the customers' sales snapshot.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::domain::ranking::LedgerShelf;
use crate::error::AppError;
use crate::repo::dashboards::{self};
use crate::web::AppState;
use crate::web::access::Staff;

/// Takes a new snapshot of customers' sales for ranking date ranges and shelves it. A failure
/// is logged and leaves the one before in place (or none: date ranges are then ranked live).
pub async fn take_ledger(pool: &crate::db::Pool, shelf: &LedgerShelf) {
    let _turn = shelf.turn_to_take().await;
    let started = std::time::Instant::now();
    match crate::db::plain(pool, dashboards::revenue_ledger).await {
        Ok(ledger) => {
            tracing::info!(
                moves = ledger.len(),
                mib = ledger.heap_bytes() / (1 << 20),
                ms = started.elapsed().as_millis() as u64,
                "customers' sales snapshot"
            );
            shelf.put(ledger);
        }
        Err(e) => tracing::warn!(error = %e, "taking the customers' sales snapshot failed"),
    }
}

/// The refresh form.
#[derive(Debug, Deserialize)]
pub struct RefreshForm {
    #[serde(default)]
    back: String,
}

/// `POST /dashboards/refresh`: refreshes the materialized figures now, then returns to the page.
pub async fn refresh(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<RefreshForm>,
) -> Result<HttpResponse, AppError> {
    db(&state.pool, &staff.actor(), dashboards::refresh).await?;
    take_ledger(&state.pool, &state.ledger).await;
    crate::web::page::push_flash(
        &req,
        crate::web::page::Flash::success("The dashboard figures are up to date."),
    );
    // Back to a dashboard only: a path of ours, nothing that could leave the site or break the
    // header.
    let back = if form.back.starts_with("/dashboards/")
        && !form.back.contains("//")
        && form.back.bytes().all(|b| b.is_ascii_graphic())
    {
        form.back.as_str()
    } else {
        "/dashboards/sales"
    };
    Ok(crate::web::see_other(back))
}
