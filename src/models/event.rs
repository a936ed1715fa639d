//! A history row of any record (ticket, invoice, booking…) as its page shows it.

use chrono::{DateTime, Utc};

/// A history row as pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: String,
    /// Who did it (none for the system).
    pub who: Option<String>,
}

impl EventRow {
    /// The status it moved to (empty for a note or an assignment).
    pub fn to_status(&self) -> &str {
        self.to.as_deref().unwrap_or_default()
    }
}
