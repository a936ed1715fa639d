//! `GET /calendar?date=`: one day of the active branch, a column per bay and a row per half hour
//! inside the opening hours, in the branch's timezone. Empty slots start a booking.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use crate::db::db;
use crate::domain::branch::DAYS;
use crate::error::AppError;
use crate::models::booking::Bay;
use crate::repo::{bookings, branches, catalogue};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// One cell of the grid.
pub struct Cell {
    pub bay_id: i64,
    /// The booking starting in this slot: (id, label, status) and how many rows it spans.
    pub booking: Option<(i64, String, String)>,
    /// Rows the booking covers (1 for a free slot).
    pub span: usize,
    /// Covered by a booking that started in an earlier row (no cell is drawn).
    pub covered: bool,
}

/// One half-hour row.
pub struct Row {
    /// "09:30".
    pub time: String,
    /// A cell per bay.
    pub cells: Vec<Cell>,
}

/// The day view.
#[derive(Template)]
#[template(path = "calendar/day.html")]
pub struct DayPage {
    page: PageCtx,
    date: String,
    label: String,
    prev: String,
    next: String,
    bays: Vec<Bay>,
    rows: Vec<Row>,
    closed: bool,
}

/// Query string.
#[derive(Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

/// The active branch, its bays, its timezone and the asked-for date (today there by default).
async fn branch_and_date(
    staff: &Staff,
    state: &AppState,
    date: Option<&str>,
) -> Result<
    (
        crate::models::branch::Branch,
        Vec<Bay>,
        chrono_tz::Tz,
        NaiveDate,
    ),
    AppError,
> {
    let branch_id = staff.branch.id;
    let (branch, bays) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            branches::get(conn, branch_id)?,
            catalogue::bays_of(conn, branch_id)?,
        ))
    })
    .await?;
    let tz = crate::domain::time::zone(&branch.timezone);
    let today = staff.today();
    let date = date
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(today);
    Ok((branch, bays, tz, date))
}

/// Shows one day.
pub async fn day(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    let branch_id = staff.branch.id;
    let (branch, bays, tz, date) = branch_and_date(&staff, &state, query.date.as_deref()).await?;
    let day_key = DAYS[date.weekday().num_days_from_monday() as usize].0;
    let hours = branch.hours().day(day_key);
    let local = |t: chrono::NaiveTime| tz.from_local_datetime(&date.and_time(t)).earliest();
    let (from, to) = match hours.and_then(|(o, c)| Some((local(o)?, local(c)?))) {
        Some((o, c)) => (o.with_timezone(&Utc), c.with_timezone(&Utc)),
        None => {
            let midnight = local(chrono::NaiveTime::MIN)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(Utc::now);
            (midnight, midnight)
        }
    };
    let booked = db(&state.pool, &staff.actor(), move |conn| {
        bookings::in_range(conn, branch_id, from, to)
    })
    .await?;
    let mut slots = Vec::new();
    let mut slot = from;
    while slot < to {
        slots.push(slot);
        slot += Duration::minutes(30);
    }
    let live: Vec<_> = booked
        .iter()
        .filter(|(b, _)| b.status().is_live())
        .collect();
    let rows = slots
        .iter()
        .map(|&slot| {
            let end = slot + Duration::minutes(30);
            let cells = bays
                .iter()
                .map(|bay| {
                    let here = live
                        .iter()
                        .find(|(b, _)| b.bay_id == bay.id && b.starts_at < end && b.ends_at > slot);
                    match here {
                        // The booking is drawn in the first row it touches and spans the rest.
                        Some((b, name)) if b.starts_at.max(from) >= slot => {
                            let covered_rows = slots
                                .iter()
                                .filter(|s| **s >= slot && **s < b.ends_at)
                                .count();
                            Cell {
                                bay_id: bay.id,
                                booking: Some((b.id, name.clone(), b.status().label().to_string())),
                                span: covered_rows.max(1),
                                covered: false,
                            }
                        }
                        Some(_) => Cell {
                            bay_id: bay.id,
                            booking: None,
                            span: 1,
                            covered: true,
                        },
                        None => Cell {
                            bay_id: bay.id,
                            booking: None,
                            span: 1,
                            covered: false,
                        },
                    }
                })
                .collect();
            Row {
                time: slot.with_timezone(&tz).format("%H:%M").to_string(),
                cells,
            }
        })
        .collect();
    let page = DayPage {
        page: PageCtx::for_request(&req),
        date: date.format("%Y-%m-%d").to_string(),
        label: date.format("%A %-d %B %Y").to_string(),
        prev: (date - Duration::days(1)).format("%Y-%m-%d").to_string(),
        next: (date + Duration::days(1)).format("%Y-%m-%d").to_string(),
        closed: hours.is_none(),
        bays,
        rows,
    };
    html(StatusCode::OK, &page)
}

/// One bay's bookings on one day of the week: (id, "09:00 Wanjiru Kamau", status).
pub struct WeekCell {
    /// The day, YYYY-MM-DD (for the link to the day view).
    pub date: String,
    /// Bookings that start that day on that bay.
    pub bookings: Vec<(i64, String, String)>,
}

/// One bay's row in the week.
pub struct WeekRow {
    /// Bay name.
    pub bay: String,
    /// A cell per day, Monday first.
    pub days: Vec<WeekCell>,
}

/// The week view.
#[derive(Template)]
#[template(path = "calendar/week.html")]
pub struct WeekPage {
    page: PageCtx,
    label: String,
    /// (YYYY-MM-DD, "Mon 7", open?) per day.
    days: Vec<(String, String, bool)>,
    rows: Vec<WeekRow>,
    prev: String,
    next: String,
}

/// Shows the week (Monday to Sunday) holding `date`, by bay.
pub async fn week(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    let branch_id = staff.branch.id;
    let (branch, bays, tz, date) = branch_and_date(&staff, &state, query.date.as_deref()).await?;
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    let dates: Vec<NaiveDate> = (0..7).map(|d| monday + Duration::days(d)).collect();
    let midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    };
    let (from, to) = (midnight(monday), midnight(monday + Duration::days(7)));
    let booked = db(&state.pool, &staff.actor(), move |conn| {
        bookings::in_range(conn, branch_id, from, to)
    })
    .await?;
    let hours = branch.hours();
    let days = dates
        .iter()
        .map(|d| {
            let key = DAYS[d.weekday().num_days_from_monday() as usize].0;
            (
                d.format("%Y-%m-%d").to_string(),
                d.format("%a %-d").to_string(),
                hours.day(key).is_some(),
            )
        })
        .collect();
    let rows = bays
        .iter()
        .map(|bay| WeekRow {
            bay: bay.name.clone(),
            days: dates
                .iter()
                .map(|d| WeekCell {
                    date: d.format("%Y-%m-%d").to_string(),
                    bookings: booked
                        .iter()
                        .filter(|(b, _)| {
                            b.bay_id == bay.id
                                && b.status().is_live()
                                && b.starts_at.with_timezone(&tz).date_naive() == *d
                        })
                        .map(|(b, name)| {
                            let at = b.starts_at.with_timezone(&tz).format("%H:%M");
                            (b.id, format!("{at} {name}"), b.status().label().to_string())
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let page = WeekPage {
        page: PageCtx::for_request(&req),
        label: format!("Week of {}", monday.format("%-d %B %Y")),
        days,
        rows,
        prev: (monday - Duration::days(7)).format("%Y-%m-%d").to_string(),
        next: (monday + Duration::days(7)).format("%Y-%m-%d").to_string(),
    };
    html(StatusCode::OK, &page)
}
