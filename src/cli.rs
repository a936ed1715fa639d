//! The command line: `serve` (default), `migrate`, `create-admin`, `demo`, `psql`.
//!
//! Over 300 lines: each command is a few lines, but they share the cluster start-up and settings.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use diesel::{Connection, PgConnection};

use crate::Application;
use crate::config::Settings;
use crate::db::embedded::{ClusterOptions, EmbeddedCluster, SUPERUSER};
use crate::db::roles::{APP_ROLE, url_with_user};
use crate::domain::role::Role;
use crate::domain::staff::{StaffInput, check_password, normalise_username};

/// The database every Workbay installation keeps its data in.
const DB_NAME: &str = "workbay";

/// Workbay: run the counter, the workshop floor and the back office.
#[derive(Parser, Debug)]
#[command(name = "workbay", version)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
struct GlobalArgs {
    /// Where the embedded PostgreSQL keeps its data (unused with DATABASE_URL).
    #[arg(long, global = true, env = "WORKBAY_DATA_DIR", default_value = "./var")]
    data_dir: PathBuf,
    /// Use this PostgreSQL server instead of the embedded one (a user that may migrate).
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The application role's URL (default: DATABASE_URL with the user workbay_app).
    #[arg(
        long,
        global = true,
        env = "WORKBAY_APP_DATABASE_URL",
        hide_env_values = true
    )]
    app_database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application (the default).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator (password from WORKBAY_ADMIN_PASSWORD or standard input).
    CreateAdmin {
        /// The new administrator's username.
        username: String,
    },
    /// Load the demo shop (two branches, one user per role); loading twice changes nothing.
    /// With `--scale N`: instead, five years of history for N generated branches.
    Demo {
        /// Generate N branches of five years' history (about 2.3 million rows a branch).
        #[arg(long)]
        scale: Option<u32>,
        /// Seed for the generated history (the same seed gives the same shop).
        #[arg(long, default_value_t = 42)]
        seed: u32,
    },
    /// Run psql against Workbay's database.
    Psql {
        /// Arguments passed to psql.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Args, Debug, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "WORKBAY_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Send the session cookie without `Secure`, for plain-http local use.
    #[arg(long, env = "WORKBAY_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "WORKBAY_IDLE_TIMEOUT_MINUTES", default_value_t = 30)]
    idle_timeout_minutes: i64,
    /// Hours after sign-in after which a session ends.
    #[arg(long, env = "WORKBAY_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    absolute_timeout_hours: i64,
    /// Most database connections.
    #[arg(long, env = "WORKBAY_POOL_SIZE", default_value_t = 10)]
    pool_size: u32,
    /// Most requests working in the database at once, the rest waiting their turn (0: twice
    /// the cores, at most the pool size).
    #[arg(long, env = "WORKBAY_DB_CONCURRENCY", default_value_t = 0)]
    db_concurrency: usize,
    /// HTTP worker threads (0: half the cores, at least one).
    #[arg(long, env = "WORKBAY_HTTP_WORKERS", default_value_t = 0)]
    http_workers: usize,
    /// Minutes between refreshes of the dashboards' materialized figures (0: only on demand).
    #[arg(long, env = "WORKBAY_DASHBOARD_REFRESH_MINUTES", default_value_t = 5)]
    dashboard_refresh_minutes: u64,
    /// The SMTP server email goes through (none: email waits in the outbox).
    #[arg(long, env = "WORKBAY_SMTP_HOST")]
    smtp_host: Option<String>,
    /// Its port: 587 for STARTTLS, 465 for TLS, 25 for a plain relay.
    #[arg(long, env = "WORKBAY_SMTP_PORT", default_value_t = 587)]
    smtp_port: u16,
    /// `starttls`, `tls`, or `none` (a relay on localhost only).
    #[arg(long, env = "WORKBAY_SMTP_SECURITY", default_value = "starttls")]
    smtp_security: String,
    /// The SMTP account, if the server asks for one.
    #[arg(long, env = "WORKBAY_SMTP_USER")]
    smtp_user: Option<String>,
    /// Its password (from the environment, so it stays out of the process list).
    #[arg(long, env = "WORKBAY_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// Whom email comes from: `Shop name <noreply@shop.example>`.
    #[arg(
        long,
        env = "WORKBAY_MAIL_FROM",
        default_value = "Workbay <noreply@localhost>"
    )]
    mail_from: String,
    /// The SMS gateway's address, which takes a form POST (none: SMS waits in the outbox).
    #[arg(long, env = "WORKBAY_SMS_URL")]
    sms_url: Option<String>,
    /// The gateway's account for HTTP basic authentication, if it uses that.
    #[arg(long, env = "WORKBAY_SMS_USER")]
    sms_user: Option<String>,
    /// Its password or API key: the basic authentication password, and `{password}` in fields
    /// and headers (from the environment, so it stays out of the process list).
    #[arg(long, env = "WORKBAY_SMS_PASSWORD", hide_env_values = true)]
    sms_password: Option<String>,
    /// A form field of the gateway's request, `name=value`, repeated; in a value `{to}` is the
    /// number, `{text}` the message, `{password}` the secret (default: `to={to}` and
    /// `message={text}`).
    #[arg(long = "sms-field", env = "WORKBAY_SMS_FIELDS", value_delimiter = ',')]
    sms_fields: Vec<String>,
    /// A request header for the gateway, `Name=value`, repeated (`apiKey={password}`).
    #[arg(
        long = "sms-header",
        env = "WORKBAY_SMS_HEADERS",
        value_delimiter = ','
    )]
    sms_headers: Vec<String>,
    /// The address customers reach this Workbay at, for links in messages
    /// (`https://shop.example`; default: the address it listens on).
    #[arg(long, env = "WORKBAY_PUBLIC_URL")]
    public_url: Option<String>,
    /// Do not send messages from this server (another one sends them).
    #[arg(long, env = "WORKBAY_NO_SENDER")]
    no_sender: bool,
    /// Milliseconds between the sender's looks for due messages.
    #[arg(long, env = "WORKBAY_SENDER_EVERY_MS", default_value_t = 5000)]
    sender_every_ms: u64,
    /// Seconds a message claimed by this server is its own; after a crash another server (or
    /// this one restarted) sends it once they pass.
    #[arg(long, env = "WORKBAY_SENDER_LEASE_SECONDS", default_value_t = 120)]
    sender_lease_seconds: u64,
    /// Most messages a minute per branch and channel (what a mail provider or SMS gateway
    /// allows).
    #[arg(long, env = "WORKBAY_SENDER_PER_MINUTE", default_value_t = 120)]
    sender_per_minute: u32,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            insecure_cookies: false,
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            pool_size: 10,
            db_concurrency: 0,
            http_workers: 0,
            dashboard_refresh_minutes: 5,
            smtp_host: None,
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_user: None,
            smtp_password: None,
            mail_from: "Workbay <noreply@localhost>".into(),
            sms_url: None,
            sms_user: None,
            sms_password: None,
            sms_fields: Vec::new(),
            sms_headers: Vec::new(),
            public_url: None,
            no_sender: false,
            sender_every_ms: 5000,
            sender_lease_seconds: 120,
            sender_per_minute: 120,
        }
    }
}

/// Where the database is: the URLs, and the embedded cluster if we run one.
struct Database {
    admin_url: String,
    app_url: String,
    cluster: Option<EmbeddedCluster>,
}

impl Database {
    fn open(global: &GlobalArgs) -> Result<Self> {
        if let Some(url) = &global.database_url {
            let app_url = global
                .app_database_url
                .clone()
                .unwrap_or_else(|| url_with_user(url, APP_ROLE));
            return Ok(Self {
                admin_url: url.clone(),
                app_url,
                cluster: None,
            });
        }
        let mut cluster = EmbeddedCluster::new(&global.data_dir)?;
        cluster.init_and_start(&ClusterOptions::default())?;
        cluster.bootstrap(DB_NAME)?;
        Ok(Self {
            admin_url: cluster.url(SUPERUSER, DB_NAME),
            app_url: cluster.url(APP_ROLE, DB_NAME),
            cluster: Some(cluster),
        })
    }

    fn stop(&mut self) -> Result<()> {
        match self.cluster.as_mut() {
            Some(c) => c.stop(),
            None => Ok(()),
        }
    }
}

/// Parses the command line and runs it.
pub async fn run() -> Result<()> {
    crate::telemetry::init();
    let cli = Cli::parse();
    let global = cli.global.clone();
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(Box::default()))
    {
        Command::Serve(args) => serve(&global, *args).await,
        Command::Migrate => with_database(&global, |db| {
            let n = crate::db::migrate::run_migrations(&db.admin_url)?;
            println!("{n} migration(s) applied; the database is up to date.");
            Ok(())
        }),
        Command::CreateAdmin { username } => {
            with_database(&global, |db| create_admin(db, &username))
        }
        Command::Demo {
            scale: Some(branches),
            seed,
        } => with_database(&global, |db| {
            crate::db::migrate::run_migrations(&db.admin_url)?;
            let mut owner = PgConnection::establish(&db.admin_url)?;
            let summary =
                crate::scale::generate(&mut owner, branches, seed, crate::demo::DEMO_PASSWORD)?;
            print!("{}", crate::scale::report(&summary));
            println!(
                "Sign in as scale-admin, scale-finance or s01-receptionist1 … / {}",
                crate::demo::DEMO_PASSWORD
            );
            Ok(())
        }),
        Command::Demo { scale: None, .. } => with_database(&global, |db| {
            crate::db::migrate::run_migrations(&db.admin_url)?;
            let mut conn = PgConnection::establish(&db.app_url)?;
            if crate::demo::load(&mut conn)? {
                let mut owner = PgConnection::establish(&db.admin_url)?;
                crate::demo::backdate_invoices(&mut owner)?;
                diesel::connection::SimpleConnection::batch_execute(
                    &mut owner,
                    "SELECT refresh_dashboards()",
                )?;
                println!(
                    "Demo shop loaded. Sign in as admin / {}",
                    crate::demo::DEMO_PASSWORD
                );
            } else {
                println!("The demo shop is already loaded.");
            }
            Ok(())
        }),
        Command::Psql { args } => with_database(&global, |db| psql(db, &args)),
    }
}

fn with_database(global: &GlobalArgs, f: impl FnOnce(&Database) -> Result<()>) -> Result<()> {
    let mut db = Database::open(global)?;
    let result = f(&db);
    db.stop()?;
    result
}

async fn serve(global: &GlobalArgs, args: ServeArgs) -> Result<()> {
    let sms = match &args.sms_url {
        Some(url) => Some(sms_settings(&args, url)?),
        None => None,
    };
    let started = std::time::Instant::now();
    let _lock = match &global.database_url {
        None => Some(lock_data_dir(&global.data_dir)?),
        Some(_) => None,
    };
    let global = global.clone();
    let mut db = tokio::task::spawn_blocking(move || {
        let mut db = Database::open(&global)?;
        if let Some(cluster) = db.cluster.as_mut() {
            cluster.adopt();
        }
        anyhow::Ok(db)
    })
    .await??;
    let mut settings = Settings::new(db.admin_url.clone(), db.app_url.clone());
    settings.bind = args.bind.clone();
    settings.secure_cookies = !args.insecure_cookies;
    settings.idle_timeout = chrono::Duration::minutes(args.idle_timeout_minutes.max(1));
    settings.absolute_timeout = chrono::Duration::hours(args.absolute_timeout_hours.max(1));
    settings.pool_size = args.pool_size.max(2);
    settings.db_concurrency = (args.db_concurrency > 0).then_some(args.db_concurrency);
    settings.workers = (args.http_workers > 0).then_some(args.http_workers);
    settings.dashboard_refresh = (args.dashboard_refresh_minutes > 0)
        .then(|| std::time::Duration::from_secs(args.dashboard_refresh_minutes * 60));
    settings.sender = (!args.no_sender).then(|| crate::config::SenderSettings {
        smtp: args
            .smtp_host
            .clone()
            .map(|host| crate::config::SmtpSettings {
                host,
                port: args.smtp_port,
                security: args.smtp_security.clone(),
                username: args.smtp_user.clone(),
                password: args.smtp_password.clone(),
                from: args.mail_from.clone(),
            }),
        sms,
        every: std::time::Duration::from_millis(args.sender_every_ms.max(50)),
        lease: std::time::Duration::from_secs(args.sender_lease_seconds.max(1)),
        per_minute: args.sender_per_minute.max(1),
        ..Default::default()
    });
    settings.public_url = args.public_url.clone();
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            db.stop()?;
            return Err(e);
        }
    };
    let host = args.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    tracing::info!(
        startup_ms = started.elapsed().as_millis() as u64,
        "Workbay is serving on http://{}:{}",
        host,
        app.port()
    );
    let served = app.run_until_stopped().await;
    tracing::info!("server stopped; stopping the database");
    tokio::task::spawn_blocking(move || db.stop()).await??;
    served.context("serving")
}

/// One `serve` per data directory: it owns the embedded cluster and stops it on exit, so a
/// second one must not start (and must not stop the first one's database).
/// The SMS gateway the flags describe; a field or header that is not `name=value` is refused.
fn sms_settings(args: &ServeArgs, url: &str) -> Result<crate::config::SmsSettings> {
    fn pairs(list: &[String], what: &str) -> Result<Vec<(String, String)>> {
        list.iter()
            .map(|p| match p.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
                _ => anyhow::bail!("--sms-{what} “{p}” is not name=value"),
            })
            .collect()
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        anyhow::bail!("--sms-url “{url}” is not an http:// or https:// address");
    }
    let mut sms = crate::config::SmsSettings::new(url);
    sms.username = args.sms_user.clone();
    sms.password = args.sms_password.clone();
    if !args.sms_fields.is_empty() {
        sms.fields = pairs(&args.sms_fields, "field")?;
    }
    sms.headers = pairs(&args.sms_headers, "header")?;
    Ok(sms)
}

fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join("workbay.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // SAFETY: flock on a descriptor we own; the lock lives as long as the returned file.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    if !locked {
        bail!(
            "another `workbay serve` is already using {}; stop it first or choose another --data-dir",
            data_dir.display()
        );
    }
    Ok(file)
}

fn create_admin(db: &Database, username: &str) -> Result<()> {
    crate::db::migrate::run_migrations(&db.admin_url)?;
    let username = normalise_username(username);
    let password = match std::env::var("WORKBAY_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for {username} (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if let Err(message) = check_password(&username, &password) {
        bail!("password refused: {message}");
    }
    let mut conn = PgConnection::establish(&db.app_url)?;
    let branch = crate::repo::branches::first_or_create_default(&mut conn)?;
    let input = StaffInput {
        username: username.clone(),
        full_name: username.clone(),
        role: Role::Admin,
        home_branch_id: branch.id,
        active: true,
    };
    let hash = crate::passwords::hash_blocking(&password)?;
    crate::repo::staff::create(
        &mut conn,
        &input,
        hash,
        false,
        &crate::repo::staff::Steward::admin(),
        &crate::repo::By::default(),
    )
    .map_err(|e| anyhow::anyhow!("creating {username}: {e}"))?;
    println!(
        "Administrator {username} created (home branch: {}).",
        branch.name
    );
    Ok(())
}

fn psql(db: &Database, args: &[String]) -> Result<()> {
    let status = match &db.cluster {
        Some(cluster) => {
            let mut cmd = std::process::Command::new(cluster.binaries().path("psql"));
            cmd.arg(db.admin_url.as_str()).args(args).status()
        }
        None => std::process::Command::new(psql_on_path())
            .arg(&db.admin_url)
            .args(args)
            .status(),
    }
    .context("running psql")?;
    if !status.success() {
        bail!("psql exited with {status}");
    }
    Ok(())
}

fn psql_on_path() -> &'static Path {
    Path::new("psql")
}
