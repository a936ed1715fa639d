//! "Refresh now": the materialized daily figures and the customers' sales snapshot.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::error::AppError;
use crate::repo::dashboards::{self};
use crate::web::AppState;
use crate::web::access::Staff;

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
    crate::jobs::dashboard_refresh::take_ledger(&state.pool, &state.ledger).await;
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
