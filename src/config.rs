//! Settings, from flags and environment, with defaults that work locally.

use chrono::Duration;

/// What the server needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free one).
    pub bind: String,
    /// A connection that may migrate (the owner role, or a member of it).
    pub admin_database_url: String,
    /// The application role's connection, used by the pool.
    pub app_database_url: String,
    /// Mark the session cookie `Secure` (off only for plain-http local use).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub absolute_timeout: Duration,
    /// Most connections the pool opens.
    pub pool_size: u32,
    /// Most requests working in the database at once; the rest wait their turn in arrival order
    /// (`None`: twice the cores, at most the pool size).
    pub db_concurrency: Option<usize>,
    /// HTTP worker threads (`None`: half the cores, at least one; see [`Settings::http_workers`]).
    pub workers: Option<usize>,
    /// Whether `/metrics` answers requests from localhost without a sign-in.
    pub metrics_from_localhost: bool,
    /// How often the server refreshes the materialized dashboard figures (`None`: never).
    pub dashboard_refresh: Option<std::time::Duration>,
    /// What "now" is for the requests (a test pins it; always the system clock from the command
    /// line).
    pub clock: crate::domain::time::Clock,
    /// The message sender (`None`: this server sends nothing; the outbox waits).
    pub sender: Option<SenderSettings>,
    /// The address customers reach the shop's Workbay at, for links in messages written outside
    /// a request (unsubscribe); `None`: `http://` and the address the server listens on.
    pub public_url: Option<String>,
}

/// How messages leave: the SMTP server, and the sender's pace.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// Where email goes (`None`: email waits in the outbox).
    pub smtp: Option<SmtpSettings>,
    /// Where SMS goes (`None`: SMS waits in the outbox).
    pub sms: Option<SmsSettings>,
    /// How often the sender looks for due messages.
    pub every: std::time::Duration,
    /// The first retry's wait; each later one doubles it, at most an hour, with ±20% jitter.
    pub retry_base: std::time::Duration,
    /// Tries before a message that keeps failing for the time being is failed.
    pub max_attempts: i32,
    /// Most messages a minute per branch and channel.
    pub per_minute: u32,
    /// How long a claimed message is this server's; after it, another server may try it.
    pub lease: std::time::Duration,
}

impl Default for SenderSettings {
    fn default() -> Self {
        Self {
            smtp: None,
            sms: None,
            every: std::time::Duration::from_secs(5),
            retry_base: std::time::Duration::from_secs(60),
            max_attempts: 6,
            per_minute: 120,
            lease: std::time::Duration::from_secs(120),
        }
    }
}

/// An SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// `none` (plain, for a relay on localhost), `starttls` or `tls`.
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender: `Shop <noreply@shop.example>`.
    pub from: String,
}

/// An SMS gateway that takes a form POST over HTTP(S), as most do (Africa's Talking, Twilio,
/// Infobip, a local aggregator): the message goes as form fields, named as the gateway wants.
#[derive(Debug, Clone)]
pub struct SmsSettings {
    /// The gateway's address: `https://api.gateway.example/sms/send`.
    pub url: String,
    /// HTTP basic authentication, when the gateway asks for it.
    pub username: Option<String>,
    /// The basic authentication password, or the API key that `{password}` stands for.
    pub password: Option<String>,
    /// The form's fields, in order; in a value `{to}` is the phone number, `{text}` the message,
    /// `{password}` the secret. Default: `to={to}`, `message={text}`.
    pub fields: Vec<(String, String)>,
    /// Extra request headers (`apiKey={password}`), with the same placeholders.
    pub headers: Vec<(String, String)>,
}

impl SmsSettings {
    /// A gateway at `url` taking `to` and `message`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            username: None,
            password: None,
            fields: vec![
                ("to".into(), "{to}".into()),
                ("message".into(), "{text}".into()),
            ],
            headers: Vec::new(),
        }
    }
}

impl Settings {
    /// Settings for the two URLs with every other value at its default.
    pub fn new(admin_database_url: String, app_database_url: String) -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            admin_database_url,
            app_database_url,
            secure_cookies: true,
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            pool_size: 10,
            db_concurrency: None,
            workers: None,
            metrics_from_localhost: true,
            dashboard_refresh: Some(std::time::Duration::from_secs(300)),
            clock: crate::domain::time::Clock::System,
            sender: Some(SenderSettings::default()),
            public_url: None,
        }
    }
}

impl Settings {
    /// How many HTTP worker threads serve requests. They parse requests, render pages and write
    /// answers; the database work runs on blocking threads, and PostgreSQL beside the server
    /// needs cores of its own. So the default is half the cores, at least one: on two cores one
    /// worker served more bookings a second than two, with less of the server's CPU each
    /// (docs/benchmarks.md).
    pub fn http_workers(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        self.workers.unwrap_or(cores / 2).max(1)
    }

    /// How many requests work in the database at once (see [`Settings::db_concurrency`]).
    pub fn db_turns(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        self.db_concurrency
            .unwrap_or(2 * cores)
            .clamp(1, self.pool_size.max(1) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(workers: Option<usize>) -> Settings {
        Settings {
            workers,
            ..Settings::new(String::new(), String::new())
        }
    }

    #[test]
    fn http_workers_are_as_set_and_never_zero() {
        assert_eq!(settings(Some(3)).http_workers(), 3);
        assert_eq!(settings(Some(0)).http_workers(), 1);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let default = settings(None).http_workers();
        assert!(
            default >= 1 && default <= cores.div_ceil(2),
            "{default} of {cores} cores"
        );
        if cores >= 4 {
            assert!(
                default >= 2,
                "more cores, more workers: {default} of {cores}"
            );
        }
    }
}
