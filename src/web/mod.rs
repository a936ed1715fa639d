//! HTTP: one module per area, one handler (or GET/POST pair) per file.

pub mod access;
pub mod admin;
pub mod answer;
pub mod approve;
pub mod auth;
pub mod bookings;
pub mod calendar;
pub mod campaigns;
pub mod csrf;
pub mod customer_view;
pub mod customers;
pub mod dashboards;
pub mod exports;
pub mod flash;
pub mod floor;
pub mod health;
pub mod home;
pub mod imports;
pub mod input;
pub mod invoices;
pub mod messages;
pub mod metrics;
pub mod notifications;
pub mod observe;
pub mod page;
pub mod preorders;
pub mod records;
pub mod routes;
pub mod search;
pub mod static_files;
pub mod status_page;
pub mod stock;
pub mod tickets;
pub mod unsubscribe;
pub mod warranties;

use std::sync::Arc;

use actix_web::middleware::DefaultHeaders;

use crate::config::Settings;
use crate::db::Pool;

/// Shared state of the running application.
pub struct AppState {
    /// The application role's pool.
    pub pool: Pool,
    /// The settings the server was built with.
    pub settings: Arc<Settings>,
    /// Request counters.
    pub metrics: metrics::Metrics,
    /// Signs customers' approval links (derived from the cookie key).
    pub link_key: Vec<u8>,
    /// The latest snapshot of customers' sales, for ranking date ranges (taken with the
    /// dashboard figures).
    pub ledger: Arc<crate::domain::ranking::LedgerShelf>,
}

pub use answer::refusal;
pub use routes::routes;

/// Security headers on every response, error pages included. The policy allows no inline
/// script and no framing.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"))
}

/// `303 See Other` to `location`: the answer to every successful form post.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header(("Location", location.to_string()))
        .finish()
}

/// A rendered page with `status` (forms shown again with messages use 422).
pub fn html(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}
