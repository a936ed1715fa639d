//! Time in a branch: the one place that says what "now" and "today" are, where a day begins and
//! ends, and how a moment is shown. Instants are UTC everywhere; a branch's dates and the times
//! staff read are in its IANA timezone, so a branch at UTC+3 is on its new day at 00:00 local
//! time, not at 03:00.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The shop's clock: the real time, a moment fixed for a test or a demonstration, or a time a
/// test moves on (microseconds since the epoch, shared with the test: the message sender's
/// "due at" tests).
#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(DateTime<Utc>),
    Manual(&'static std::sync::atomic::AtomicI64),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => *at,
            Self::Manual(micros) => {
                DateTime::from_timestamp_micros(micros.load(std::sync::atomic::Ordering::SeqCst))
                    .unwrap_or_else(Utc::now)
            }
        }
    }

    /// A clock at `at` that a test moves with [`Clock::set`].
    pub fn manual(at: DateTime<Utc>) -> Self {
        let cell = Box::leak(Box::new(std::sync::atomic::AtomicI64::new(
            at.timestamp_micros(),
        )));
        Self::Manual(cell)
    }

    /// Moves a manual clock to `at` (other clocks stay as they are).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Self::Manual(micros) = self {
            micros.store(at.timestamp_micros(), std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// A branch's timezone from its stored name (UTC for a name that does not parse, which the
/// branch form never stores).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// The date at the branch at `now`.
pub fn local_date(tz: &str, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone(tz)).date_naive()
}

/// Where a branch-local day begins and the next one begins, as UTC instants; `None` when local
/// midnight does not exist there on that day.
pub fn day_bounds(tz: &str, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start_of = |d: NaiveDate| {
        zone(tz)
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((start_of(date)?, start_of(date.succ_opt()?)?))
}

/// A moment as staff read it at the branch: `2026-03-11 01:00`.
pub fn show(at: &DateTime<Utc>, tz: &str) -> String {
    at.with_timezone(&zone(tz))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The date of a moment at the branch: `2026-03-11`.
pub fn show_day(at: &DateTime<Utc>, tz: &str) -> String {
    at.with_timezone(&zone(tz)).format("%Y-%m-%d").to_string()
}

/// A length of time as a technician reads it: `under a minute`, `7 min`, `1 h 05 min`.
pub fn duration_words(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, 0) => "under a minute".into(),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_recorded_length_of_time_reads_in_hours_and_minutes() {
        assert_eq!(duration_words(59), "under a minute");
        assert_eq!(duration_words(7 * 60 + 59), "7 min");
        assert_eq!(duration_words(3600 + 5 * 60), "1 h 05 min");
        assert_eq!(duration_words(-5), "under a minute");
    }

    #[test]
    fn one_in_the_morning_in_nairobi_is_already_the_new_day() {
        let now = at("2026-03-10T22:00:00Z");
        assert_eq!(
            local_date("Africa/Nairobi", now),
            NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
        );
        assert_eq!(
            local_date("UTC", now),
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
        );
        assert_eq!(show(&now, "Africa/Nairobi"), "2026-03-11 01:00");
    }

    #[test]
    fn a_days_bounds_are_local_midnights() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
        let (from, to) = day_bounds("Africa/Nairobi", day).unwrap();
        assert_eq!(from, at("2026-03-10T21:00:00Z"));
        assert_eq!(to, at("2026-03-11T21:00:00Z"));
    }

    #[test]
    fn a_day_across_a_clock_change_is_23_hours_long() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (from, to) = day_bounds("Europe/London", day).unwrap();
        assert_eq!(to - from, chrono::Duration::hours(23));
    }

    #[test]
    fn a_fixed_clock_stays_put() {
        let now = at("2026-03-10T22:00:00Z");
        assert_eq!(Clock::Fixed(now).now(), now);
    }
}
