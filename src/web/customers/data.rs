//! `GET /customers/{id}/data.json`: the customer's own data as one JSON file, for their access
//! request (GDPR); handing it out is audited.

use actix_web::{HttpResponse, web};

use crate::db::db;
use crate::error::AppError;
use crate::repo::customers;
use crate::web::AppState;
use crate::web::access::Staff;

/// `GET /customers/{id}/data.json`.
pub async fn bundle(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let by = staff.by();
    let json = db(&state.pool, &staff.actor(), move |conn| {
        customers::data_bundle(conn, id, &by)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"customer-{id}-data.json\""),
        ))
        .body(json))
}
