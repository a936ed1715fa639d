//! When each bay is free on one of the branch's days, as the booking form shows it beside the
//! time fields (the stretches themselves come from `domain::booking::free_gaps`).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

use crate::domain::booking::free_gaps;
use crate::domain::branch::DAYS;
use crate::models::booking::{Bay, Booking};
use crate::models::branch::Branch;

/// One bay's free stretches, as "09:30"–"11:00".
pub struct BayDay {
    pub bay_id: i64,
    pub name: String,
    pub free: Vec<(String, String)>,
}

/// A day of the branch for the booking form.
pub struct DayPlan {
    /// "Monday 7 January".
    pub label: String,
    /// "Open 08:00–18:00", or why nothing can be booked ("Closed on Sundays", "This day has
    /// passed").
    pub hours: String,
    pub bays: Vec<BayDay>,
}

/// The free stretches of each active bay on `date`, given the day's live `bookings`; on today,
/// only from `now` on.
pub fn plan_day(
    branch: &Branch,
    bays: &[Bay],
    bookings: &[Booking],
    date: NaiveDate,
    now: DateTime<Utc>,
) -> DayPlan {
    let tz = crate::domain::time::zone(&branch.timezone);
    let local_now = now.with_timezone(&tz);
    let (key, day_name) = DAYS[date.weekday().num_days_from_monday() as usize];
    let label = date.format("%A %-d %B").to_string();
    let Some(open_close) = branch.hours().day(key) else {
        let hours = format!("Closed on {day_name}s");
        return DayPlan {
            label,
            hours,
            bays: Vec::new(),
        };
    };
    let earliest = match date.cmp(&local_now.date_naive()) {
        std::cmp::Ordering::Less => {
            let hours = "This day has passed".to_string();
            return DayPlan {
                label,
                hours,
                bays: Vec::new(),
            };
        }
        std::cmp::Ordering::Equal => Some(local_now.time()),
        std::cmp::Ordering::Greater => None,
    };
    let local = |t: DateTime<Utc>| -> NaiveTime {
        let t = t.with_timezone(&tz);
        if t.date_naive() < date {
            NaiveTime::MIN
        } else {
            t.time()
        }
    };
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    let bays = bays
        .iter()
        .filter(|b| b.active)
        .map(|bay| {
            let busy: Vec<(NaiveTime, NaiveTime)> = bookings
                .iter()
                .filter(|b| b.bay_id == bay.id)
                .map(|b| {
                    let end = b.ends_at.with_timezone(&tz);
                    let end = if end.date_naive() > date {
                        open_close.1
                    } else {
                        end.time()
                    };
                    (local(b.starts_at), end)
                })
                .collect();
            BayDay {
                bay_id: bay.id,
                name: bay.name.clone(),
                free: free_gaps(open_close, &busy, earliest.map(round_up_to_quarter))
                    .into_iter()
                    .map(|(a, b)| (hm(a), hm(b)))
                    .collect(),
            }
        })
        .collect();
    let hours = format!("Open {}–{}", hm(open_close.0), hm(open_close.1));
    DayPlan { label, hours, bays }
}

/// The next quarter hour from `t` (a booking starts on one).
fn round_up_to_quarter(t: NaiveTime) -> NaiveTime {
    use chrono::Timelike;
    let minutes = t.hour() * 60 + t.minute() + u32::from(t.second() > 0);
    let up = minutes.div_ceil(15) * 15;
    NaiveTime::from_hms_opt(up / 60, up % 60, 0).unwrap_or(t)
}
