//! A branch's settings as typed into a form, and the rules they must meet.

use std::collections::BTreeMap;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::validation::FieldErrors;

/// Day keys, Monday first, as stored in the opening-hours JSON.
pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// Opening hours: for each day either `[open, close]` ("HH:MM", local time) or closed (`null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours(pub BTreeMap<String, Option<[String; 2]>>);

impl OpeningHours {
    /// Monday to Friday 08:00–18:00, Saturday 09:00–14:00, Sunday closed.
    pub fn standard() -> Self {
        let mut map = BTreeMap::new();
        for (key, _) in DAYS {
            let hours = match key {
                "sat" => Some(["09:00".to_string(), "14:00".to_string()]),
                "sun" => None,
                _ => Some(["08:00".to_string(), "18:00".to_string()]),
            };
            map.insert(key.to_string(), hours);
        }
        Self(map)
    }

    /// The hours of one day, if open.
    pub fn day(&self, key: &str) -> Option<(NaiveTime, NaiveTime)> {
        let [open, close] = self.0.get(key)?.as_ref()?;
        Some((parse_time(open)?, parse_time(close)?))
    }

    /// The form fields (`mon_open`, `mon_close`, `mon_closed`, …) for these hours.
    pub fn to_form_fields(&self) -> BTreeMap<String, String> {
        let mut fields = BTreeMap::new();
        for (key, _) in DAYS {
            match self.0.get(key).and_then(Option::as_ref) {
                Some([open, close]) => {
                    fields.insert(format!("{key}_open"), open.clone());
                    fields.insert(format!("{key}_close"), close.clone());
                }
                None => {
                    fields.insert(format!("{key}_closed"), "on".into());
                }
            }
        }
        fields
    }
}

/// A percentage from 0 to 100 with at most two decimals.
fn rate_in_range(rate: &BigDecimal) -> bool {
    let (low, high) = (BigDecimal::from(0), BigDecimal::from(100));
    (low..=high).contains(rate) && rate.fractional_digit_count() <= 2
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// The branch form exactly as typed, so it can be shown again with messages.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BranchDraft {
    /// Shown on screens and printed documents.
    #[serde(default)]
    pub name: String,
    /// IANA timezone name, e.g. `Africa/Nairobi`.
    #[serde(default)]
    pub timezone: String,
    /// Invoice number prefix.
    #[serde(default)]
    pub invoice_prefix: String,
    /// Percent, up to two decimals.
    #[serde(default)]
    pub tax_rate: String,
    /// `per_line` or `per_invoice`.
    #[serde(default)]
    pub tax_rounding: String,
    /// What an hour of clocked labour is billed at.
    #[serde(default)]
    pub labour_rate: String,
    /// What an hour of a technician costs the shop (service profitability).
    #[serde(default)]
    pub labour_cost_rate: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// ISO 4217 currency code, e.g. `KES`.
    #[serde(default)]
    pub currency: String,
    /// Tax registration number printed on receipts and invoices.
    #[serde(default)]
    pub tax_registration: String,
    /// ISO 3166 country code the branch's local phone numbers are read in, e.g. `KE`.
    #[serde(default)]
    pub country: String,
    /// Set when the form's "active" box is ticked.
    #[serde(default)]
    pub active: Option<String>,
    /// `mon_open`, `mon_close`, `mon_closed`, … for each day.
    #[serde(flatten)]
    pub hours: BTreeMap<String, String>,
    /// The version of the branch the form was opened on (its last save, in microseconds):
    /// a save over a later one is refused.
    #[serde(default)]
    pub version: String,
}

impl BranchDraft {
    /// The value of an opening-hours field.
    pub fn hour(&self, field: &str) -> &str {
        self.hours.get(field).map(String::as_str).unwrap_or("")
    }

    /// Whether the day is marked closed.
    pub fn closed(&self, day: &str) -> bool {
        self.hours.contains_key(&format!("{day}_closed"))
    }
}

/// Valid branch settings.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchInput {
    /// Display name.
    pub name: String,
    /// IANA timezone.
    pub timezone: String,
    /// Upper-case invoice prefix.
    pub invoice_prefix: String,
    /// Percent.
    pub tax_rate: BigDecimal,
    /// `per_line` or `per_invoice`.
    pub tax_rounding: String,
    /// Billed per clocked hour.
    pub labour_rate: BigDecimal,
    /// Cost per technician hour.
    pub labour_cost_rate: BigDecimal,
    /// Postal address.
    pub address: String,
    /// Phone number.
    pub phone: String,
    /// Opening hours by day.
    pub opening_hours: OpeningHours,
    /// Whether the branch is in use.
    pub active: bool,
    /// Upper-case ISO 4217 code.
    pub currency: String,
    pub tax_registration: String,
    /// Upper-case ISO 3166 code.
    pub country: String,
}

impl BranchInput {
    /// Checks every field, collecting a message per bad field.
    pub fn parse(draft: &BranchDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = draft.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Enter the branch name.");
        } else if name.chars().count() > 80 {
            errors.add("name", "Keep the name to 80 characters.");
        }
        let timezone = draft.timezone.trim().to_string();
        if chrono_tz::Tz::from_str(&timezone).is_err() {
            errors.add(
                "timezone",
                "Choose a timezone such as Africa/Nairobi or Europe/London.",
            );
        }
        let invoice_prefix = draft.invoice_prefix.trim().to_uppercase();
        if invoice_prefix.is_empty()
            || invoice_prefix.len() > 10
            || !invoice_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.add(
                "invoice_prefix",
                "Use 1 to 10 letters, digits or dashes, e.g. NBO-.",
            );
        }
        let tax_rate = match BigDecimal::from_str(draft.tax_rate.trim()) {
            Ok(rate) if rate_in_range(&rate) => rate.with_scale(2),
            _ => {
                errors.add(
                    "tax_rate",
                    "Enter a percentage from 0 to 100, e.g. 16 or 7.5.",
                );
                BigDecimal::from(0)
            }
        };
        let labour_rate = hourly_rate(&draft.labour_rate, "labour_rate", &mut errors);
        let labour_cost_rate =
            hourly_rate(&draft.labour_cost_rate, "labour_cost_rate", &mut errors);
        let tax_rounding = draft.tax_rounding.trim().to_string();
        if tax_rounding != "per_line" && tax_rounding != "per_invoice" {
            errors.add("tax_rounding", "Choose per line or per invoice.");
        }
        let currency = draft.currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            errors.add(
                "currency",
                "Enter the three-letter currency code, e.g. KES or UGX.",
            );
        }
        let tax_registration = draft.tax_registration.trim().to_string();
        if tax_registration.chars().count() > 40 {
            errors.add(
                "tax_registration",
                "Keep the registration number to 40 characters.",
            );
        }
        let country = draft.country.trim().to_uppercase();
        if crate::domain::phone::calling_code(&country).is_none() {
            errors.add(
                "country",
                "Choose the country the branch's phone numbers are in.",
            );
        }
        let mut hours = BTreeMap::new();
        for (key, label) in DAYS {
            if draft.closed(key) {
                hours.insert(key.to_string(), None);
                continue;
            }
            let open = parse_time(draft.hour(&format!("{key}_open")));
            let close = parse_time(draft.hour(&format!("{key}_close")));
            match (open, close) {
                (Some(o), Some(c)) if o < c => {
                    hours.insert(
                        key.to_string(),
                        Some([o.format("%H:%M").to_string(), c.format("%H:%M").to_string()]),
                    );
                }
                (Some(_), Some(_)) => errors.add(
                    &format!("{key}_close"),
                    format!("{label} must close after it opens."),
                ),
                _ => errors.add(
                    &format!("{key}_open"),
                    format!("Enter {label}'s hours as HH:MM, or tick closed."),
                ),
            }
        }
        errors.into_result()?;
        Ok(Self {
            name,
            timezone,
            invoice_prefix,
            tax_rate,
            tax_rounding,
            labour_rate,
            labour_cost_rate,
            address: draft.address.trim().to_string(),
            phone: draft.phone.trim().to_string(),
            opening_hours: OpeningHours(hours),
            active: draft.active.is_some(),
            currency,
            tax_registration,
            country,
        })
    }
}

/// An amount per hour as typed (an amount of money, thousands commas allowed), below a million.
fn hourly_rate(raw: &str, field: &str, errors: &mut FieldErrors) -> BigDecimal {
    // the one parser of amounts: `12,50` is twelve and a half, not 1250 (issue 36, hole 10)
    const SAY: &str = "Enter an amount per hour, e.g. 25 or 12.50.";
    let mut own = FieldErrors::new();
    let rate = crate::domain::form::amount_or_say(raw, field, SAY, &mut own);
    if own.is_empty() && rate < 1_000_000 {
        return rate.with_scale(2);
    }
    errors.merge(own);
    errors.add(field, SAY);
    BigDecimal::from(0)
}

/// The largest logo a branch may have, in bytes (it is sent inside a form, base64 encoded).
pub const MAX_LOGO_BYTES: usize = 150 * 1024;

/// A logo sent as a data URL by the branch form: its bytes and type. PNG, JPEG or WebP, checked
/// by their first bytes (not by what the browser said), at most [`MAX_LOGO_BYTES`].
pub fn logo_image(data_url: &str) -> Result<(Vec<u8>, &'static str), &'static str> {
    use base64::Engine;
    let unreadable = "Choose a PNG, JPEG or WebP picture for the logo.";
    let (head, encoded) = data_url.split_once(',').ok_or(unreadable)?;
    if !head.starts_with("data:image/") || !head.ends_with(";base64") {
        return Err(unreadable);
    }
    if encoded.len() > MAX_LOGO_BYTES * 4 / 3 + 4 {
        return Err("The logo is larger than 150 kB; save a smaller picture.");
    }
    let image = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| unreadable)?;
    if image.len() > MAX_LOGO_BYTES {
        return Err("The logo is larger than 150 kB; save a smaller picture.");
    }
    let kind = if image.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if image.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if image.len() > 12 && &image[0..4] == b"RIFF" && &image[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err(unreadable);
    };
    Ok((image, kind))
}

#[cfg(test)]
#[path = "branch_tests.rs"]
mod tests;
