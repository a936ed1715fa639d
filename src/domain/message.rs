//! Messages to customers: where a queued message stands in the outbox.

use super::asset::named_enum;

named_enum!(
    /// Where an outbox message stands.
    OutboxStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);
