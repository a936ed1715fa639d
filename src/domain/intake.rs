//! Stock intake: where a delivery's batch stands.

use super::asset::named_enum;

named_enum!(
    /// Where an intake batch stands.
    BatchStatus {
        Open => "open",
        Committed => "committed",
        Discarded => "discarded",
    }
);
