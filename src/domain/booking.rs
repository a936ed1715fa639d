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

#[cfg(test)]
mod tests {
    use super::BookingStatus::{self, *};

    #[test]
    fn exactly_the_designed_transitions_are_allowed() {
        let allowed = [
            (Requested, Confirmed),
            (Confirmed, CheckedIn),
            (CheckedIn, Completed),
            (Requested, Cancelled),
            (Confirmed, Cancelled),
            (Confirmed, NoShow),
        ];
        for from in BookingStatus::ALL {
            for to in BookingStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_says_what_was_refused() {
        assert_eq!(
            NoShow.check_transition(Confirmed).unwrap_err(),
            "A no-show booking cannot be marked confirmed."
        );
    }

    #[test]
    fn only_requested_confirmed_and_checked_in_hold_the_bay() {
        let live: Vec<_> = BookingStatus::ALL
            .into_iter()
            .filter(|s| s.is_live())
            .collect();
        assert_eq!(live, vec![Requested, Confirmed, CheckedIn]);
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

#[cfg(test)]
mod slot_tests {
    use super::check_slot;
    use crate::domain::branch::OpeningHours;
    use chrono::{TimeZone, Utc};

    // 2030-01-07 is a Monday; Nairobi is UTC+3.
    fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
        chrono_tz::Africa::Nairobi
            .with_ymd_and_hms(2030, 1, 7, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_slot_inside_the_hours_in_the_branch_timezone_is_fine() {
        let now = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap();
        let h = OpeningHours::standard();
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(8, 0), at(18, 0), now).is_ok());
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(7, 30), at(9, 0), now).is_err());
        assert!(check_slot(&h, chrono_tz::Africa::Nairobi, at(17, 0), at(18, 30), now).is_err());
    }

    #[test]
    fn past_closed_days_and_reversed_ranges_are_refused() {
        let h = OpeningHours::standard();
        let tz = chrono_tz::Africa::Nairobi;
        let later = Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            check_slot(&h, tz, at(9, 0), at(10, 0), later)
                .unwrap_err()
                .0,
            "starts_at"
        );
        let early = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            check_slot(&h, tz, at(10, 0), at(9, 0), early)
                .unwrap_err()
                .0,
            "ends_at"
        );
        let sunday = tz
            .with_ymd_and_hms(2030, 1, 6, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let msg = check_slot(&h, tz, sunday, sunday + chrono::Duration::hours(1), early)
            .unwrap_err()
            .1;
        assert!(msg.contains("closed on Sundays"), "{msg}");
    }
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

#[cfg(test)]
mod form_tests {
    use super::*;
    use crate::domain::validation::FieldErrors;

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_empty_end_is_the_services_hours_after_the_start_in_quarter_hours() {
        let mut errors = FieldErrors::new();
        let hours = ["1.1".parse().unwrap(), "0.5".parse().unwrap()];
        let tz = chrono_tz::Africa::Nairobi;
        let slot = slot_from_form(tz, ("2030-01-07", "09:00", " "), Some(&hours), &mut errors);
        assert_eq!(
            slot,
            Some((at("2030-01-07T06:00:00Z"), at("2030-01-07T07:45:00Z")))
        );
        let typed = slot_from_form(tz, ("2030-01-07", "09:00", "10:00"), None, &mut errors);
        assert_eq!(typed.map(|s| s.1), Some(at("2030-01-07T07:00:00Z")));
        assert!(errors.is_empty());
    }

    #[test]
    fn times_that_do_not_read_are_told_beside_their_fields() {
        let mut errors = FieldErrors::new();
        let tz = chrono_tz::UTC;
        assert_eq!(
            slot_from_form(tz, ("2030-01-07", "9h", "25:00"), None, &mut errors),
            None
        );
        assert!(errors.get("start").is_some() && errors.get("end").is_some());
    }
}
