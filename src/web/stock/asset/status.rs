//! `POST /stock/assets/{id}/status` and `/location`: a unit moved by hand, or to a shelf.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

use super::show::{ActionForm, answer};
use crate::repo::assets::{self as repo};
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /stock/assets/{id}/status`: the next status by hand (with a reason where it needs one).
pub async fn move_asset(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let to: AssetStatus =
                f.to.parse()
                    .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
            repo::transition(conn, a.branch, id, to, Cause::Manual, &f.reason, &a.by)?;
            Ok(format!("Unit is now {}.", to.words()))
        },
    )
    .await
}

/// `POST /stock/assets/{id}/location`: a shelf or bin at the branch.
pub async fn relocate_asset(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let location = f
                .location_id
                .parse::<i64>()
                .map_err(|_| FieldErrors::single("location_id", "Choose a location."))?;
            repo::relocate(conn, a.branch, id, location, &f.reason, &a.by)?;
            Ok("Unit moved.".to_string())
        },
    )
    .await
}
