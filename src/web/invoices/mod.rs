//! Invoicing at the counter: the list and cash-up sheet, new drafts, the invoice page (lines,
//! issuing, split-tender payments, void), refunds and the printable invoice and receipt.

pub mod list;
pub mod new;
pub mod print;
pub mod refund;
pub mod show;

use uuid::Uuid;

use crate::domain::validation::FieldErrors;

/// A fresh one-time id for a money form.
pub fn submission_id() -> String {
    Uuid::new_v4().to_string()
}

/// The posted one-time id; a form without one is refused (it is older than this screen).
pub fn posted_submission(raw: &str) -> Result<Uuid, FieldErrors> {
    Uuid::parse_str(raw.trim()).map_err(|_| {
        FieldErrors::single(
            "form",
            "This form is out of date. It has been reloaded; check it and submit again.",
        )
    })
}

/// The branch-local day `date` (YYYY-MM-DD) as UTC bounds `[start, end)`.
pub fn day_bounds(
    tz: &str,
    date: chrono::NaiveDate,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    let day = date.format("%Y-%m-%d").to_string();
    let next = (date + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    Some((
        crate::domain::booking::local_to_utc(tz, &day, "00:00")?,
        crate::domain::booking::local_to_utc(tz, &next, "00:00")?,
    ))
}

/// Today at the branch.
pub fn branch_today(tz: &str) -> chrono::NaiveDate {
    let now = chrono::Utc::now();
    match tz.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).date_naive(),
        Err(_) => now.date_naive(),
    }
}
