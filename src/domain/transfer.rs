//! Transfers between branches: where one stands.

use super::asset::named_enum;

named_enum!(
    /// Where a transfer stands.
    TransferStatus {
        InTransit => "in_transit",
        Received => "received",
    }
);
