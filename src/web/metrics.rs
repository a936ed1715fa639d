//! Prometheus metrics: requests by route, method and status, a latency histogram per route, and
//! the pool's usage. Served at `/metrics` to admins and to localhost.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use actix_session::SessionExt;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::web::AppState;

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Counters kept in memory by this instance.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

/// A request's method as a label: the methods HTTP defines, every other spelling folded into
/// `other`, so invented methods cannot grow the series without limit.
fn known_method(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

impl Metrics {
    /// Counts one finished request.
    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let method = known_method(method);
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_string()).or_default();
            let secs = elapsed.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += secs;
            h.count += 1;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, pool: &crate::db::Pool) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP workbay_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE workbay_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((route, method, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "workbay_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
        }
        out.push_str("# HELP workbay_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE workbay_http_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for (route, h) in l.iter() {
                let route = escape(route);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "workbay_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "workbay_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "workbay_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "workbay_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        let state = pool.state();
        out.push_str("# HELP workbay_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE workbay_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "workbay_db_pool_connections{{state=\"idle\"}} {}",
            state.idle_connections
        );
        let _ = writeln!(
            out,
            "workbay_db_pool_connections{{state=\"in_use\"}} {}",
            state.connections - state.idle_connections
        );
        let _ = writeln!(out, "workbay_db_pool_max_size {}", pool.max_size());
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `GET /metrics`: for localhost, or a signed-in admin.
pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let local = state.settings.metrics_from_localhost
        && req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    if !local && !is_admin(&req, &state).await? {
        return Err(AppError::forbidden("metrics are for admins or localhost"));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&state.pool)))
}

async fn is_admin(req: &HttpRequest, state: &AppState) -> Result<bool, AppError> {
    let Some(user_id) = req
        .get_session()
        .get::<i64>(crate::web::access::SESSION_USER)
        .ok()
        .flatten()
    else {
        return Ok(false);
    };
    let user = crate::db::db(&state.pool, &crate::db::Actor::anonymous(), move |conn| {
        crate::repo::staff::get(conn, user_id)
    })
    .await;
    Ok(matches!(user, Ok(u) if u.active && u.role() == crate::domain::role::Role::Admin))
}
