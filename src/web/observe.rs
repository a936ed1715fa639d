//! The outermost layer of every request: a request id, one log line (method, path, status,
//! latency; never cookies, query strings or bodies), metrics, and the HTML error page for any
//! error response that is not already a page of ours.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use askama::Template;

use crate::error::AppError;
use crate::web::AppState;
use crate::web::page::PageCtx;

/// The id of this request, shown on error pages and in every log line about it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Bare context (no forms on this page).
    pub page: PageCtx,
    /// HTTP status code.
    pub status: u16,
    /// Short title, e.g. "Not found".
    pub title: String,
    /// What happened, for people.
    pub message: String,
    /// The request id to quote to support.
    pub request_id: String,
}

/// The middleware.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();

    // Its turns at the database queue by when it arrived (`db::turns`), and it answers for the
    // session it is served on (`session::proof`).
    let answered = crate::session::proof::scope(next.call(req));
    let mut res = match crate::db::turns::as_request_from(started, answered).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            // Only a failing session store gets here (our own layers answer with responses).
            tracing::error!(request_id = %request_id, error = %e, method = %method, path = %path, "request failed before a response");
            return Err(e);
        }
    };
    let status = res.status();
    if status.is_client_error() || status.is_server_error() {
        if let Some(err) = res.response().error() {
            if status.is_server_error() {
                tracing::error!(request_id = %request_id, error = %chain(err), "request failed");
            } else {
                tracing::info!(request_id = %request_id, reason = %err, "request refused");
            }
        }
        if !is_html(&res) {
            res = render_error_page(res, &request_id, &path);
        }
    }
    res.headers_mut().insert(
        header::HeaderName::from_static("x-request-id"),
        HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("-")),
    );
    let elapsed = started.elapsed();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    if let Some(state) = state {
        state
            .metrics
            .observe(&route, &method, res.status().as_u16(), elapsed);
    }
    tracing::info!(
        request_id = %request_id,
        method = %method,
        path = %path,
        status = res.status().as_u16(),
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}

fn chain(err: &actix_web::Error) -> String {
    let mut out = err.to_string();
    let Some(app) = err.as_error::<AppError>() else {
        return out;
    };
    let mut source = std::error::Error::source(app);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn is_html(res: &ServiceResponse<BoxBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

fn render_error_page(
    res: ServiceResponse<BoxBody>,
    request_id: &str,
    path: &str,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let message = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(AppError::public_message)
        .unwrap_or_else(|| default_message(status.as_u16()).to_string());
    let page = ErrorPage {
        page: PageCtx::bare(path),
        status: status.as_u16(),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        message,
        request_id: request_id.to_string(),
    };
    let body = page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering the error page failed");
        format!("Error {status}. Request id {request_id}.")
    });
    let mut new = HttpResponse::build(status);
    for (name, value) in res.headers() {
        if name == header::RETRY_AFTER {
            new.insert_header((name.clone(), value.clone()));
        }
    }
    let new = new.content_type("text/html; charset=utf-8").body(body);
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, new)
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "The request could not be understood.",
        401 | 403 => "You do not have permission to do that.",
        404 => "We could not find that page or record.",
        405 => "That action is not available here.",
        413 => "What you sent is too large.",
        429 => "Too many attempts. Please wait a moment and try again.",
        _ => "Something went wrong on our side. It has been logged.",
    }
}

/// Renders an error for a handler that wants to answer with the page directly.
pub fn error_response(e: &AppError) -> HttpResponse {
    e.error_response()
}
