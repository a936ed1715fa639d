//! Workbay: the counter, workshop floor and back office of a multi-branch service business.
//! `Application::build` is shared by `main` and the tests.

pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod models;
pub mod passwords;
pub mod repo;
pub mod scale;
pub mod schema;
pub mod telemetry;
pub mod web;

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web as aweb};
use anyhow::Context;
use rand::Rng;

use crate::config::Settings;
use crate::db::{Actor, Pool};
use crate::repo::settings as app_settings;
use crate::web::AppState;
use crate::web::session_store::PgSessionStore;

/// The cookie that carries the session key.
pub const SESSION_COOKIE: &str = "workbay_session";

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
}

impl Application {
    /// Migrates the database, opens the pool and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let admin_url = settings.admin_database_url.clone();
        tokio::task::spawn_blocking(move || db::migrate::run_migrations(&admin_url))
            .await
            .context("migration task")??;
        let pool = db::build_pool(&settings.app_database_url, settings.pool_size)?
            .with_concurrency(settings.db_turns());
        let cookie_key = db::db(&pool, &Actor::anonymous(), |conn| {
            app_settings::get_or_init(conn, app_settings::COOKIE_KEY, || {
                let bytes: [u8; 64] = rand::rng().random();
                hex::encode(bytes)
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("loading the cookie key: {e}"))?;
        let cookie_key = Key::from(&hex::decode(cookie_key).context("cookie key is not hex")?);

        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let settings = Arc::new(settings);
        let ledger = Arc::new(domain::ranking::LedgerShelf::default());
        let state = aweb::Data::new(AppState {
            pool: pool.clone(),
            settings: settings.clone(),
            metrics: web::metrics::Metrics::default(),
            link_key: cookie_key.signing().to_vec(),
            ledger: ledger.clone(),
        });
        spawn_housekeeping(pool.clone());
        if let Some(every) = settings.dashboard_refresh {
            spawn_dashboard_refresh(pool.clone(), ledger, every);
        }

        let store = PgSessionStore::new(
            pool.clone(),
            settings.idle_timeout,
            settings.absolute_timeout,
        );
        let idle = CookieDuration::seconds(settings.idle_timeout.num_seconds());
        let secure = settings.secure_cookies;
        let server = HttpServer::new(move || {
            let flash_key = cookie_key.clone();
            let sessions = SessionMiddleware::builder(store.clone(), cookie_key.clone())
                .cookie_name(SESSION_COOKIE.to_string())
                .cookie_secure(secure)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .cookie_content_security(CookieContentSecurity::Private)
                .session_lifecycle(
                    BrowserSession::default()
                        .state_ttl(idle)
                        .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                )
                .build();
            App::new()
                .app_data(state.clone())
                .app_data(aweb::FormConfig::default().limit(256 * 1024))
                .configure(web::routes)
                .default_service(aweb::to(not_found))
                .wrap(from_fn(web::csrf::check))
                .wrap(from_fn(web::session_gate::gate))
                .wrap(from_fn(move |req, next| {
                    web::flash::carry(flash_key.clone(), secure, req, next)
                }))
                .wrap(sessions)
                .wrap(from_fn(web::observe::observe))
                .wrap(web::security_headers())
        })
        .shutdown_timeout(10)
        .workers(settings.http_workers())
        .listen(listener)?;
        Ok(Self {
            port,
            server: server.run(),
            pool,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The application role's pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Serves until the server is stopped (Ctrl-C or SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn not_found() -> Result<actix_web::HttpResponse, error::AppError> {
    Err(error::AppError::NotFound)
}

/// Every ten minutes: forget expired sessions and old login attempts.
fn spawn_housekeeping(pool: Pool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let result = db::db(&pool, &Actor::anonymous(), |conn| {
                let now = chrono::Utc::now();
                repo::claims::expire_ended(conn, now)?;
                Ok((
                    repo::sessions::purge_expired(conn, now)?,
                    repo::login_attempts::purge_old(conn, now)?,
                ))
            })
            .await;
            match result {
                Ok((s, a)) if s + a > 0 => {
                    tracing::info!(sessions = s, attempts = a, "housekeeping")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
}

/// At start, take the snapshot of customers' sales that date ranges are ranked from (the
/// materialized views are kept in the database, the snapshot is not); then every `every` (five
/// minutes by default) refresh the materialized dashboard figures, concurrently, so readers are
/// never blocked, and take the snapshot again.
fn spawn_dashboard_refresh(
    pool: Pool,
    ledger: Arc<domain::ranking::LedgerShelf>,
    every: std::time::Duration,
) {
    tokio::spawn(async move {
        web::dashboards::take_ledger(&pool, &ledger).await;
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let started = std::time::Instant::now();
            match db::db(&pool, &Actor::anonymous(), repo::dashboards::refresh).await {
                Ok(done) => tracing::info!(
                    refreshed = done,
                    ms = started.elapsed().as_millis() as u64,
                    "dashboard figures"
                ),
                Err(e) => tracing::warn!(error = %e, "refreshing the dashboard figures failed"),
            }
            web::dashboards::take_ledger(&pool, &ledger).await;
        }
    });
}
