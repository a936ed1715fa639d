//! `GET /healthz`: 200 when the database answers, 503 otherwise.

use actix_web::{HttpResponse, web};

use crate::db::{Actor, db};
use crate::web::AppState;

/// Runs `SELECT 1` through the pool.
pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let ok = db(
        &state.pool,
        &Actor::anonymous(),
        crate::repo::settings::ping,
    )
    .await;
    match ok {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
