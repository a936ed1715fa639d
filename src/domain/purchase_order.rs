//! The purchase order state machine (DESIGN.md): `draft → ordered → partially_received →
//! received`; `draft|ordered → cancelled`. Receiving moves an order along by what has arrived;
//! people move it by hand only to `ordered` and `cancelled`.

use super::asset::named_enum;

named_enum!(
    /// Where a purchase order stands.
    PoStatus {
        Draft => "draft",
        Ordered => "ordered",
        PartiallyReceived => "partially_received",
        Received => "received",
        Cancelled => "cancelled",
    }
);

/// An order's number as printed: `PO-12`.
pub fn number(id: i64) -> String {
    format!("PO-{id}")
}

impl PoStatus {
    /// Placed and not yet fully received: a delivery may be received against it.
    pub const RECEIVABLE: &'static [PoStatus] = &[PoStatus::Ordered, PoStatus::PartiallyReceived];

    /// The words people read, one way everywhere (`domain::status::title`).
    pub fn label(self) -> String {
        crate::domain::status::title(self.as_str())
    }
    /// The same words inside a sentence: "The ticket is in repair already."
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// Whether deliveries may be received against it.
    pub fn receivable(self) -> bool {
        matches!(self, PoStatus::Ordered | PoStatus::PartiallyReceived)
    }
}

/// Whether the table has the edge.
pub fn edge_exists(from: PoStatus, to: PoStatus) -> bool {
    use PoStatus::*;
    matches!(
        (from, to),
        (Draft, Ordered)
            | (Ordered, PartiallyReceived)
            | (Ordered, Received)
            | (PartiallyReceived, PartiallyReceived)
            | (PartiallyReceived, Received)
            | (Draft, Cancelled)
            | (Ordered, Cancelled)
    )
}

/// Checks a change by hand (ordering or cancelling) against the table and its preconditions:
/// an order needs at least one line, and an order that has received anything cannot be cancelled.
pub fn check_manual(from: PoStatus, to: PoStatus, lines: usize) -> Result<(), String> {
    if !matches!(to, PoStatus::Ordered | PoStatus::Cancelled) {
        return Err(format!(
            "An order becomes {} only by receiving a delivery against it.",
            to.words()
        ));
    }
    if !edge_exists(from, to) {
        return Err(match (from, to) {
            (PoStatus::PartiallyReceived, PoStatus::Cancelled) => {
                "Part of this order has been received, so it can no longer be cancelled.".into()
            }
            _ => format!("A {} order cannot become {}.", from.words(), to.words()),
        });
    }
    if to == PoStatus::Ordered && lines == 0 {
        return Err("Add at least one line before placing the order.".into());
    }
    Ok(())
}

/// The status after a delivery: every line complete → received, otherwise partially received.
pub fn after_receipt(lines: &[(i32, i32)]) -> PoStatus {
    if lines.iter().all(|(ordered, received)| received >= ordered) {
        PoStatus::Received
    } else {
        PoStatus::PartiallyReceived
    }
}

/// What a line (or a delivery line) is: a product model (counted units) or a stock item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Goods {
    /// Serialized units of a product model.
    Model(i64),
    /// A bulk quantity of a stock item.
    Item(i64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use PoStatus::*;

    #[test]
    fn manual_changes_follow_the_table() {
        for &from in PoStatus::ALL {
            for &to in PoStatus::ALL {
                let allowed = check_manual(from, to, 1).is_ok();
                let expected = matches!(
                    (from, to),
                    (Draft, Ordered) | (Draft, Cancelled) | (Ordered, Cancelled)
                );
                assert_eq!(allowed, expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn ordering_needs_a_line_and_a_started_receipt_blocks_cancelling() {
        assert!(
            check_manual(Draft, Ordered, 0)
                .unwrap_err()
                .contains("at least one line")
        );
        assert!(
            check_manual(PartiallyReceived, Cancelled, 1)
                .unwrap_err()
                .contains("no longer be cancelled")
        );
        assert!(
            check_manual(Ordered, Received, 1)
                .unwrap_err()
                .contains("receiving a delivery")
        );
    }

    #[test]
    fn receipt_status_depends_on_every_line() {
        assert_eq!(after_receipt(&[(5, 5), (2, 2)]), Received);
        assert_eq!(after_receipt(&[(5, 5), (2, 1)]), PartiallyReceived);
        assert!(
            edge_exists(Ordered, PartiallyReceived) && edge_exists(PartiallyReceived, Received)
        );
        assert!(!edge_exists(Received, Cancelled) && !edge_exists(Cancelled, Ordered));
    }
}
