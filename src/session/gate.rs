//! The last check before a response leaves: a request answered on a session kept in memory must
//! have proven it current ([`crate::session::proof`]). Its first unit of work proves it; when the
//! handler ran none, this layer proves it now. When the session turned out to have ended or
//! changed, whatever the handler answered is replaced by `307 Temporary Redirect` to the same
//! address: the browser sends the same request again, form and all, and it is answered on the
//! session as the database has it now (signed out, another role, another branch). Nothing the
//! first sending did was kept: its unit of work rolled back at the proof, and no later one ran.
//! So a form is neither lost nor saved on a session that had ended.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::db::{Actor, db};
use crate::error::AppError;
use crate::session::proof::{self, Standing};
use crate::web::AppState;

/// Routes whose answer never depends on the session.
const SESSION_FREE: &[&str] = &["/static/{file}"];

/// The middleware (inside the session and flash layers, outside the CSRF check and the routes).
pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?.map_into_boxed_body();
    if let Standing::Owed(_) = proof::standing() {
        let free = res
            .request()
            .match_pattern()
            .is_some_and(|p| SESSION_FREE.contains(&p.as_str()));
        if !free {
            let Some(state) = state else {
                return Ok(unproven(
                    res,
                    AppError::Internal(anyhow::anyhow!("no app state")),
                ));
            };
            // An empty unit of work: the batch that opens it carries the proof.
            if let Err(e) = db(&state.pool, &Actor::anonymous(), |_| Ok(())).await
                && !matches!(proof::standing(), Standing::Changed)
            {
                return Ok(unproven(res, e));
            }
        }
    }
    if let Standing::Changed = proof::standing() {
        let req = res.request().clone();
        let response = again(&req);
        return Ok(ServiceResponse::new(req, response));
    }
    Ok(res)
}

/// The proof could not be made (the database is unreachable): the answer is withheld.
fn unproven(res: ServiceResponse<BoxBody>, e: AppError) -> ServiceResponse<BoxBody> {
    tracing::error!(error = %e, "could not prove a kept session");
    let req = res.request().clone();
    ServiceResponse::new(req, e.error_response())
}

/// The same request, to be sent again.
fn again(req: &HttpRequest) -> HttpResponse {
    let location = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    HttpResponse::TemporaryRedirect()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}
