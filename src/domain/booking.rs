//! The booking state machine (DESIGN.md): `requested → confirmed → checked_in → completed`;
//! `requested|confirmed → cancelled`; `confirmed → no_show`.

use std::fmt;
use std::str::FromStr;

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    /// Asked for, not yet confirmed with the customer.
    Requested,
    /// Agreed with the customer.
    Confirmed,
    /// The customer arrived; a ticket was opened.
    CheckedIn,
    /// The work is done.
    Completed,
    /// Called off (with a reason).
    Cancelled,
    /// The customer did not come.
    NoShow,
}

impl BookingStatus {
    /// The statuses that hold a bay (no two of them overlap on one).
    pub const LIVE: [BookingStatus; 3] = [
        BookingStatus::Requested,
        BookingStatus::Confirmed,
        BookingStatus::CheckedIn,
    ];

    /// Every status.
    pub const ALL: [BookingStatus; 6] = [
        BookingStatus::Requested,
        BookingStatus::Confirmed,
        BookingStatus::CheckedIn,
        BookingStatus::Completed,
        BookingStatus::Cancelled,
        BookingStatus::NoShow,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::CheckedIn => "checked_in",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::NoShow => "no_show",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Requested => "Requested",
            Self::Confirmed => "Confirmed",
            Self::CheckedIn => "Checked in",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
            Self::NoShow => "No-show",
        }
    }

    /// Whether the booking still holds its bay (only live bookings may not overlap).
    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// Whether the table allows moving from `self` to `to`.
    pub fn can_become(self, to: BookingStatus) -> bool {
        use BookingStatus::*;
        matches!(
            (self, to),
            (Requested, Confirmed)
                | (Confirmed, CheckedIn)
                | (CheckedIn, Completed)
                | (Requested, Cancelled)
                | (Confirmed, Cancelled)
                | (Confirmed, NoShow)
        )
    }

    /// `Ok(())` or the sentence telling the user why not.
    pub fn check_transition(self, to: BookingStatus) -> Result<(), String> {
        if self.can_become(to) {
            Ok(())
        } else {
            Err(format!(
                "A {} booking cannot be marked {}.",
                self.label().to_lowercase(),
                to.label().to_lowercase()
            ))
        }
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BookingStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| format!("unknown booking status: {s}"))
    }
}

/// Checks that `[start, end)` lies inside one day's opening hours of a branch in `tz`, and not in
/// the past. Returns the message for the form (field `starts_at`) when it does not.
pub fn check_slot(
    hours: &super::branch::OpeningHours,
    tz: chrono_tz::Tz,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), (&'static str, String)> {
    use chrono::Datelike;
    if end <= start {
        return Err(("ends_at", "The end must be after the start.".into()));
    }
    if start < now {
        return Err((
            "starts_at",
            "That time has passed; choose a time from now on.".into(),
        ));
    }
    let (local_start, local_end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let (key, label) = super::branch::DAYS[local_start.weekday().num_days_from_monday() as usize];
    let Some((open, close)) = hours.day(key) else {
        return Err(("starts_at", format!("The branch is closed on {label}s.")));
    };
    let fmt = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    if local_end.date_naive() != local_start.date_naive()
        || local_start.time() < open
        || local_end.time() > close
    {
        return Err((
            "starts_at",
            format!(
                "On {label}s the branch is open {}–{}; the booking must fit inside.",
                fmt(open),
                fmt(close)
            ),
        ));
    }
    Ok(())
}

/// A branch-local date ("2030-01-07") and time ("09:30") as a UTC instant; `None` when either
/// does not parse or the local time does not exist (a DST gap).
pub fn local_to_utc(
    tz: chrono_tz::Tz,
    date: &str,
    time: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let date = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let time = chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// How long the booked services take, rounded up to a quarter hour (at least 15 minutes).
pub fn duration_of(hours: &[bigdecimal::BigDecimal]) -> chrono::Duration {
    use bigdecimal::ToPrimitive;
    let total: f64 = hours.iter().filter_map(|h| h.to_f64()).sum();
    // Whole minutes are exact enough for scheduling; money never takes this path.
    let minutes = (total * 60.0).ceil() as i64;
    let quarters = ((minutes + 14) / 15).max(1);
    chrono::Duration::minutes(quarters * 15)
}

/// When a booking starts and ends as the form gave them, read in the branch's timezone `tz`. An
/// end left empty is the start plus the booked services' hours, rounded up to a quarter hour
/// (`service_hours`: the caller reads them only when the end is empty). A time that does not
/// read is a message under its field.
pub fn slot_from_form(
    tz: chrono_tz::Tz,
    (date, start, end): (&str, &str, &str),
    service_hours: Option<&[bigdecimal::BigDecimal]>,
    errors: &mut crate::domain::validation::FieldErrors,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let starts_at = local_to_utc(tz, date, start);
    if starts_at.is_none() {
        errors.add("start", "Enter the date and a start time such as 09:30.");
    }
    let ends_at = match (end.trim(), starts_at) {
        ("", Some(start)) => Some(start + duration_of(service_hours.unwrap_or_default())),
        (end, _) => local_to_utc(tz, date, end).or_else(|| {
            errors.add("end", "Enter an end time such as 11:00, or leave it empty.");
            None
        }),
    };
    starts_at.zip(ends_at)
}

/// Refuses a no-show before the booking's start: until then the customer may still come.
pub fn check_no_show(
    starts_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> Result<(), String> {
    if now < starts_at {
        return Err(format!(
            "The booking starts at {}; the customer can be marked a no-show only after that.",
            starts_at.with_timezone(&tz).format("%H:%M on %-d %B")
        ));
    }
    Ok(())
}

/// Hours before its start from which a booking checks in without asking: earlier than this the
/// counter confirms it means this booking (a customer in a day early, or the wrong booking).
pub const EARLY_CHECK_IN_HOURS: i64 = 24;

/// Whether checking in now is early enough to ask first.
pub fn is_early_check_in(
    starts_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    starts_at - now > chrono::Duration::hours(EARLY_CHECK_IN_HOURS)
}

/// The free stretches of a bay's day: `[open, close)` less the `busy` ranges (in any order,
/// overlapping or not), starting no earlier than `earliest` (now, on today), shortest kept
/// from 15 minutes.
pub fn free_gaps(
    (open, close): (chrono::NaiveTime, chrono::NaiveTime),
    busy: &[(chrono::NaiveTime, chrono::NaiveTime)],
    earliest: Option<chrono::NaiveTime>,
) -> Vec<(chrono::NaiveTime, chrono::NaiveTime)> {
    let mut busy = busy.to_vec();
    busy.sort();
    let mut gaps = Vec::new();
    let mut from = earliest.map_or(open, |e| e.max(open));
    for (start, end) in busy {
        if start > from {
            gaps.push((from, start.min(close)));
        }
        from = from.max(end);
    }
    if from < close {
        gaps.push((from, close));
    }
    gaps.retain(|(a, b)| *b - *a >= chrono::Duration::minutes(15));
    gaps
}

#[cfg(test)]
#[path = "booking_tests.rs"]
mod tests;
