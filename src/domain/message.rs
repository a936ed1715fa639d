//! Messages to customers: where a queued message stands in the outbox, when quiet hours hold one
//! until morning, and how long a failed try waits before the next.

use crate::domain::validation::FieldErrors;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use super::asset::named_enum;

named_enum!(
    /// Where an outbox message stands.
    OutboxStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
        Cancelled => "cancelled",
        Skipped => "skipped",
    }
);

/// When quiet hours from `start` to `end` (branch-local, across midnight when `start` is later
/// than `end`) in `tz` end, if `now` falls inside them.
pub fn quiet_until(
    now: DateTime<Utc>,
    tz: &str,
    start: NaiveTime,
    end: NaiveTime,
) -> Option<DateTime<Utc>> {
    if start == end {
        return None;
    }
    let zone = super::time::zone(tz);
    let local = now.with_timezone(&zone);
    let t = local.time();
    let inside = match start < end {
        true => t >= start && t < end,
        false => t >= start || t < end,
    };
    if !inside {
        return None;
    }
    let day = match t >= end {
        true => local.date_naive() + Duration::days(1),
        false => local.date_naive(),
    };
    zone.from_local_datetime(&day.and_time(end))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// The wait after try `attempt` (1 for the first) failed for the time being: `base` doubled
/// for each try before, at most an hour, moved by `jitter` (from -1.0 to 1.0) up to a fifth.
pub fn backoff(base: std::time::Duration, attempt: i32, jitter: f64) -> Duration {
    let doubled = base.as_millis() as f64 * 2f64.powi((attempt - 1).clamp(0, 20));
    let capped = doubled.min(3_600_000.0);
    let jittered = capped * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0));
    Duration::milliseconds(jittered.max(1.0) as i64)
}

/// A message staff write to one customer: the channel, and for email a subject.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OneOff {
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
}

/// Longest subject staff may write.
pub const SUBJECT_CHARS: usize = 150;
/// Longest message staff may write (an SMS of it runs to about ten parts).
pub const MESSAGE_CHARS: usize = 1500;

impl OneOff {
    /// The message checked: a channel the customer can be reached on (`email`, `sms`), a
    /// subject for email, some text, each within its length, no control characters but line
    /// breaks. Trimmed.
    pub fn check(mut self, has_email: bool, has_phone: bool) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.subject = self.subject.trim().to_string();
        self.message = self.message.trim().replace("\r\n", "\n");
        match self.channel.as_str() {
            "email" if !has_email => {
                errors.add("channel", "The customer has no email address on file.")
            }
            "sms" if !has_phone => {
                errors.add("channel", "The customer has no phone number on file.")
            }
            "email" | "sms" => {}
            _ => errors.add("channel", "Choose email or SMS."),
        }
        if self.channel == "email" && self.subject.is_empty() {
            errors.add(
                "subject",
                "Write a subject: it is the first thing the customer sees.",
            );
        }
        if self.subject.chars().count() > SUBJECT_CHARS {
            errors.add(
                "subject",
                format!("Keep the subject within {SUBJECT_CHARS} characters."),
            );
        }
        if self.subject.chars().any(char::is_control) {
            errors.add(
                "subject",
                "The subject holds a character that cannot be sent.",
            );
        }
        if self.message.is_empty() {
            errors.add("message", "Write the message.");
        } else if self.message.chars().count() > MESSAGE_CHARS {
            errors.add(
                "message",
                format!("Keep the message within {MESSAGE_CHARS} characters."),
            );
        }
        if self
            .message
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.add(
                "message",
                "The message holds a character that cannot be sent.",
            );
        }
        errors.into_result().map(|_| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn quiet_hours_hold_until_the_branchs_morning() {
        let (start, end) = (
            NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        );
        // 23:30 in Nairobi (UTC+3) is 20:30 UTC: held until 08:00 Nairobi, 05:00 UTC, next day
        assert_eq!(
            quiet_until(at("2026-12-07T20:30:00Z"), "Africa/Nairobi", start, end),
            Some(at("2026-12-08T05:00:00Z"))
        );
        // 03:00 in Nairobi: until 08:00 the same day
        assert_eq!(
            quiet_until(at("2026-12-08T00:00:00Z"), "Africa/Nairobi", start, end),
            Some(at("2026-12-08T05:00:00Z"))
        );
        // 12:00 in Nairobi: not quiet
        assert_eq!(
            quiet_until(at("2026-12-08T09:00:00Z"), "Africa/Nairobi", start, end),
            None
        );
        // 20:30 in Nairobi is not quiet yet, though it is in UTC+0's evening
        assert_eq!(
            quiet_until(at("2026-12-08T17:30:00Z"), "Africa/Nairobi", start, end),
            None
        );
        // quiet hours within one day
        let (s2, e2) = (
            NaiveTime::from_hms_opt(1, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(6, 0, 0).unwrap(),
        );
        assert_eq!(
            quiet_until(at("2026-12-08T02:00:00Z"), "UTC", s2, e2),
            Some(at("2026-12-08T06:00:00Z"))
        );
        assert_eq!(
            quiet_until(at("2026-12-08T02:00:00Z"), "UTC", s2, s2),
            None,
            "none when they are equal"
        );
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let base = std::time::Duration::from_secs(60);
        assert_eq!(backoff(base, 1, 0.0), Duration::seconds(60));
        assert_eq!(backoff(base, 3, 0.0), Duration::seconds(240));
        assert_eq!(backoff(base, 12, 0.0), Duration::hours(1));
        assert_eq!(backoff(base, 1, 1.0), Duration::seconds(72));
        assert_eq!(backoff(base, 1, -1.0), Duration::seconds(48));
    }
}
