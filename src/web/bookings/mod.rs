//! Bookings at the counter: create, show with its actions, status changes, reschedule,
//! check-in.

pub mod check_in;
pub mod new;
pub mod plan;
pub mod reschedule;
pub mod show;
pub mod status;

use std::collections::BTreeMap;

use serde::Deserialize;

/// The booking form as typed (services are checkboxes named `service_<id>`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BookingDraft {
    #[serde(default)]
    pub customer_id: String,
    /// Vehicle id (optional).
    #[serde(default)]
    pub vehicle_id: String,
    /// Device id (optional; a booking is for a vehicle or a device).
    #[serde(default)]
    pub device_id: String,
    #[serde(default)]
    pub bay_id: String,
    /// Local date, YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// Local start, HH:MM.
    #[serde(default)]
    pub start: String,
    /// Local end, HH:MM (empty: from the services' hours).
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub notes: String,
    /// Version of the booking the form was rendered from (reschedule).
    #[serde(default)]
    pub version: String,
    /// `service_<id>` checkboxes and anything else.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl BookingDraft {
    /// The ticked service ids.
    pub fn service_ids(&self) -> Vec<i64> {
        self.extra
            .keys()
            .filter_map(|k| k.strip_prefix("service_")?.parse().ok())
            .collect()
    }

    /// The typed value of another field of the page (the check-in form).
    pub fn typed(&self, field: &str) -> &str {
        self.extra.get(field).map(String::as_str).unwrap_or("")
    }

    /// Whether service `id` is ticked.
    pub fn has_service(&self, id: &i64) -> bool {
        self.extra.contains_key(&format!("service_{id}"))
    }
}
