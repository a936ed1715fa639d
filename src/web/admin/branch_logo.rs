//! `POST /admin/branches/{id}/logo`: the branch's logo for its customers' pages (the approval
//! and status pages), sent from the branch form as a data URL; `remove` takes it off.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::domain::branch::logo_image;
use crate::error::AppError;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// The posted logo.
#[derive(Deserialize)]
pub struct LogoForm {
    #[serde(default)]
    logo: String,
    #[serde(default)]
    remove: String,
}

/// `POST /admin/branches/{id}/logo`.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LogoForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let back = format!("/admin/branches/{id}");
    let logo = if form.remove.is_empty() {
        match logo_image(&form.logo) {
            Ok((image, kind)) => Some((image, kind)),
            Err(message) => {
                push_flash(&req, Flash::error(message));
                return Ok(see_other(&back));
            }
        }
    } else {
        None
    };
    let removed = logo.is_none();
    let by = staff.by();
    db(&state.pool, &staff.actor(), move |conn| {
        branches::set_logo(conn, id, logo, &by)
    })
    .await?;
    push_flash(
        &req,
        Flash::success(if removed {
            "Logo taken off."
        } else {
            "Logo saved: customers see it on their estimate and status pages."
        }),
    );
    Ok(see_other(&back))
}
