//! Workbay: the counter, workshop floor and back office of a multi-branch service business.
//! `Application::build` is shared by `main` and the tests.

pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod jobs;
pub mod models;
pub mod passwords;
pub mod repo;
pub mod scale;
pub mod schema;
pub mod session;
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
use crate::session::store::PgSessionStore;
use crate::web::AppState;

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
        jobs::housekeeping::spawn(pool.clone());
        if let Some(sender) = settings.sender.clone() {
            let base = match &settings.public_url {
                Some(url) => url.trim_end_matches('/').to_string(),
                // the listening address: right on a shop's network, and a link a customer
                // outside cannot open until `--public-url` is set
                None => {
                    let host = settings
                        .bind
                        .rsplit_once(':')
                        .map_or("127.0.0.1", |(h, _)| h);
                    format!("http://{host}:{port}")
                }
            };
            let links = jobs::sender::Links {
                key: cookie_key.signing().to_vec(),
                base,
            };
            jobs::sender::spawn(pool.clone(), sender, settings.clock, links);
        }
        if let Some(every) = settings.dashboard_refresh {
            jobs::dashboard_refresh::spawn(pool.clone(), ledger, every);
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
                .wrap(from_fn(web::input::clean))
                .wrap(from_fn(session::gate::gate))
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
