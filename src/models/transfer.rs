//! A transfer between branches as its pages show it.

/// A transfer as shown.
#[derive(Debug, Clone)]
pub struct TransferRow {
    /// Id (the number people say).
    pub id: i64,
    /// Source branch id and name.
    pub from: (i64, String),
    /// Destination branch id and name.
    pub to: (i64, String),
    /// `in_transit` or `received`.
    pub status: String,
    /// Free text.
    pub note: String,
    /// When it left.
    pub shipped_at: chrono::DateTime<chrono::Utc>,
    /// When it arrived.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}
