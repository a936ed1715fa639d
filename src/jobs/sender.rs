//! The message sender: a task in the server that delivers due outbox rows, outside any request
//! and any open transaction. Each round it claims a few due messages (a lease on each: another
//! server passes them over, and after a crash an expired lease is tried again, so a message is
//! sent at least once and, when the crash falls between the server's acceptance and the row's
//! update, twice), writes each from its template and sends it, then records the outcome:
//! Email goes over SMTP (`lettre`), SMS through an HTTP gateway ([`super::sms`]); a channel with
//! nothing configured is left waiting in the outbox. Marketing carries a signed unsubscribe link
//! (and, in email, `List-Unsubscribe` with one-click `List-Unsubscribe-Post`).
//!
//! - sent, with the server's answer and the message's id;
//! - a temporary failure (SMTP 4xx, no connection) tried again after a doubling wait with
//!   jitter, failed after the last try;
//! - a permanent failure (SMTP 5xx, an address that cannot be one) failed at once, the
//!   server's answer kept;
//! - skipped with the reason (no consent for marketing, the customer's data erased, no contact);
//! - held until the branch's morning in quiet hours (reminders and marketing), or for a few
//!   seconds past the rate limit of its branch and channel; neither counts as a try.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

use futures_util::StreamExt;

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{SenderSettings, SmtpSettings};
use crate::db::{Actor, Pool, db};
use crate::domain::message::{backoff, quiet_until};
use crate::domain::templates::{self, Audience};
use crate::domain::time::Clock;
use crate::repo::messages::{self, Claimed, Context, Outcome};

/// Messages claimed a round.
const BATCH: i64 = 20;
/// Messages of a round sent at once.
const SENDING: usize = 8;

/// How the sender writes links: the key they are signed with and the address they start with.
#[derive(Clone)]
pub struct Links {
    pub key: Vec<u8>,
    /// `https://shop.example` (no trailing slash).
    pub base: String,
}

/// How long an unsubscribe link in a message works.
const UNSUBSCRIBE_DAYS: i64 = 400;

/// A message written out: subject, plain text, HTML, SMS text, and its unsubscribe link if it
/// is marketing.
struct Written {
    subject: String,
    text: String,
    html: String,
    sms: String,
    unsubscribe: Option<String>,
}

/// Starts the sender on the runtime.
pub fn spawn(pool: Pool, settings: SenderSettings, clock: Clock, links: Links) {
    tokio::spawn(async move {
        let mut sender = match Sender::new(settings, clock, links) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "the message sender cannot start");
                return;
            }
        };
        let mut tick = tokio::time::interval(sender.settings.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // a full batch means more may be due: go on at once
            while let Ok(n) = sender.round(&pool).await {
                if n < BATCH as usize {
                    break;
                }
            }
        }
    });
}

struct Sender {
    settings: SenderSettings,
    clock: Clock,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sms: Option<super::sms::Gateway>,
    links: Links,
    sent: HashMap<(i64, String), VecDeque<Instant>>,
}

impl Sender {
    fn new(settings: SenderSettings, clock: Clock, links: Links) -> anyhow::Result<Self> {
        let smtp = match &settings.smtp {
            Some(s) => Some((transport(s)?, s.from.parse()?)),
            None => None,
        };
        let sms = match &settings.sms {
            Some(s) => Some(super::sms::Gateway::new(s.clone())?),
            None => None,
        };
        Ok(Self {
            settings,
            clock,
            smtp,
            sms,
            links,
            sent: HashMap::new(),
        })
    }

    /// One round: claims due messages and sends each; how many were claimed.
    async fn round(&mut self, pool: &Pool) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let mut channels: Vec<&'static str> = Vec::with_capacity(2);
        if self.smtp.is_some() {
            channels.push("email");
        }
        if self.sms.is_some() {
            channels.push("sms");
        }
        if channels.is_empty() {
            return Ok(0);
        }
        let lease = chrono::Duration::from_std(self.settings.lease)?;
        let claimed = db(pool, &Actor::anonymous(), move |conn| {
            messages::claim(conn, now, &channels, lease, BATCH)
        })
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "claiming messages failed"))?;
        let n = claimed.len();
        // each message checked and written in turn (the rate limit counts them), then the
        // batch sent a few at a time: a send mostly waits on the mail server
        let mut ready = Vec::with_capacity(n);
        for m in claimed {
            let ctx = {
                let m = m.clone();
                db(pool, &Actor::anonymous(), move |conn| {
                    messages::context(conn, &m)
                })
                .await?
            };
            let written = self.prepare(&m, &ctx);
            ready.push((m, written));
        }
        let this = &*self;
        let outcomes: Vec<(Claimed, Outcome)> = futures_util::stream::iter(ready)
            .map(|(m, written)| async move {
                let outcome = match written {
                    Ok(parts) => this.send(&m, parts).await,
                    Err(outcome) => outcome,
                };
                (m, outcome)
            })
            .buffer_unordered(SENDING)
            .collect()
            .await;
        for (m, outcome) in outcomes {
            let (id, now) = (m.id, self.clock.now());
            if let Outcome::Failed { answer } = &outcome {
                tracing::warn!(message = id, answer = %answer, "a message failed");
            }
            db(pool, &Actor::anonymous(), move |conn| {
                messages::finish(conn, id, &m.channel, &m.recipient, &outcome, now)
            })
            .await?;
        }
        Ok(n)
    }

    /// Checks and writes one message: its subject, text and HTML, or what became of it instead
    /// (skipped, held, failed).
    fn prepare(&mut self, m: &Claimed, ctx: &Context) -> Result<Written, Outcome> {
        let now = self.clock.now();
        let Some(event) = templates::event(&m.template) else {
            return Err(Outcome::Failed {
                answer: format!("no template is called {}", m.template),
            });
        };
        let marketing = m.audience == "marketing" || event.audience == Audience::Marketing;
        if ctx.erased {
            return Err(Outcome::Skipped {
                reason: "the customer's personal data was erased".into(),
            });
        }
        if marketing && !ctx.consent {
            return Err(Outcome::Skipped {
                reason: "marketing, and the customer has not agreed to it".into(),
            });
        }
        if m.recipient.trim().is_empty() {
            return Err(Outcome::Skipped {
                reason: "the customer has no email or phone on file".into(),
            });
        }
        if (event.waits_for_morning || marketing)
            && let Some(until) = quiet_until(now, &ctx.timezone, ctx.quiet_start, ctx.quiet_end)
        {
            return Err(Outcome::Held {
                reason: "quiet hours at the branch".into(),
                at: until,
            });
        }
        if !self.within_rate(m.branch_id, &m.channel) {
            return Err(Outcome::Held {
                reason: "the branch's rate limit for this channel".into(),
                at: now + chrono::Duration::seconds(5),
            });
        }
        let mut values = variables(m, ctx);
        let unsubscribe = match (marketing, m.customer_id) {
            (true, Some(customer)) => {
                let expires = now + chrono::Duration::days(UNSUBSCRIBE_DAYS);
                let token = crate::domain::approval_link::sign_unsubscribe(
                    &self.links.key,
                    customer,
                    expires,
                );
                let url = format!("{}/unsubscribe/{token}", self.links.base);
                values.insert("unsubscribe_link".into(), url.clone());
                Some(url)
            }
            _ => None,
        };
        let (subject, text, html, sms) = match &ctx.wording {
            Some((s, t, h, sms)) => (s.as_str(), t.as_str(), h.as_str(), sms.as_str()),
            None => (event.subject, event.text, event.html, event.sms),
        };
        Ok(Written {
            subject: templates::render(subject, &values, false),
            text: templates::render(text, &values, false),
            html: templates::render(html, &values, true),
            sms: templates::render(sms, &values, false),
            unsubscribe,
        })
    }

    /// Sends a written message; what became of it.
    async fn send(&self, m: &Claimed, written: Written) -> Outcome {
        let answer = match m.channel.as_str() {
            "sms" => match &self.sms {
                Some(gateway) => gateway
                    .send(&m.recipient, &written.sms)
                    .await
                    .map(|answer| (answer, None)),
                None => Err(("no SMS gateway is configured".into(), false)),
            },
            _ => self
                .email(m, written)
                .await
                .map(|(answer, id)| (answer, Some(id))),
        };
        let now = self.clock.now();
        match answer {
            Ok((answer, message_id)) => Outcome::Sent { answer, message_id },
            Err((answer, true)) => Outcome::Failed { answer },
            Err((answer, false)) if m.attempts >= self.settings.max_attempts => Outcome::Failed {
                answer: format!("gave up after {} tries: {answer}", m.attempts),
            },
            Err((answer, false)) => {
                let jitter = (rand::random::<f64>() * 2.0) - 1.0;
                Outcome::Retry {
                    answer,
                    at: now + backoff(self.settings.retry_base, m.attempts, jitter),
                }
            }
        }
    }

    /// Whether one more message of `branch` on `channel` keeps within the minute's limit (and
    /// counts it if so).
    fn within_rate(&mut self, branch: i64, channel: &str) -> bool {
        let window = self.sent.entry((branch, channel.to_string())).or_default();
        let minute_ago = Instant::now() - std::time::Duration::from_secs(60);
        while window.front().is_some_and(|t| *t < minute_ago) {
            window.pop_front();
        }
        if window.len() >= self.settings.per_minute as usize {
            return false;
        }
        window.push_back(Instant::now());
        true
    }

    /// Sends an email: the server's answer and the message's id, or the failure and whether it
    /// is permanent.
    async fn email(&self, m: &Claimed, w: Written) -> Result<(String, String), (String, bool)> {
        let Some((transport, from)) = &self.smtp else {
            return Err(("no SMTP server is configured".into(), false));
        };
        let to: Mailbox = m.recipient.parse().map_err(|e| {
            (
                format!("“{}” is not an email address: {e}", m.recipient),
                true,
            )
        })?;
        let domain = from.email.domain().to_string();
        let message_id = format!("<workbay.{}@{domain}>", m.id);
        let mut builder = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(w.subject)
            .message_id(Some(message_id.clone()));
        if let Some(url) = &w.unsubscribe {
            // RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that posts here
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let email = builder
            .multipart(MultiPart::alternative_plain_html(w.text, w.html))
            .map_err(|e| (format!("the message could not be written: {e}"), true))?;
        match transport.send(email).await {
            Ok(response) => Ok((
                format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                ),
                message_id,
            )),
            Err(e) => Err((e.to_string(), e.is_permanent())),
        }
    }
}

/// The SMTP transport the settings describe.
fn transport(s: &SmtpSettings) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match s.security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        other => anyhow::bail!("SMTP security “{other}” is not starttls, tls or none"),
    };
    let builder = builder
        .port(s.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    let builder = match (&s.username, &s.password) {
        (Some(u), Some(p)) => builder.credentials(Credentials::new(u.clone(), p.clone())),
        _ => builder,
    };
    Ok(builder.build())
}

/// What a message's template is filled in with: the payload's values, the customer's and the
/// shop's, and what an event works out (a booking's local day and time).
fn variables(m: &Claimed, ctx: &Context) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    if let Some(map) = m.payload.as_object() {
        for (k, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            v.insert(k.clone(), text);
        }
    }
    v.insert("customer_name".into(), ctx.customer_name.clone());
    v.insert("shop_name".into(), ctx.shop_name.clone());
    v.insert("shop_phone".into(), ctx.shop_phone.clone());
    v.insert("shop_address".into(), ctx.shop_address.clone());
    // an amount is shown with the branch's currency: `KES 38,000.00`
    for key in ["balance", "total", "amount"] {
        if let Some(value) = v
            .get(key)
            .and_then(|b| b.parse::<bigdecimal::BigDecimal>().ok())
        {
            let shown = crate::domain::money::show(&value, &ctx.currency);
            v.insert(key.into(), shown);
        }
    }
    if let Some(url) = m.payload.get("url").and_then(|u| u.as_str()) {
        v.insert("approval_link".into(), url.to_string());
    }
    if let Some(start) = m
        .payload
        .get("starts_at")
        .and_then(|s| s.as_str())
        .and_then(|s| s.parse::<DateTime<Utc>>().ok())
    {
        let local = start.with_timezone(&crate::domain::time::zone(&ctx.timezone));
        v.insert(
            "booking_date".into(),
            local.format("%A %-d %B %Y").to_string(),
        );
        v.insert("booking_time".into(), local.format("%H:%M").to_string());
    }
    v
}
