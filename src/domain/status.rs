//! The one way a status is shown, for every state machine: its words in sentence case
//! ("Waiting for parts", "Partially paid") and the tone of its badge. Stored names are shared
//! between machines where they mean the same ("cancelled", "closed"), so one table serves all.

/// A stored status as people read it: "waiting_for_parts" → "Waiting for parts".
pub fn title(stored: &str) -> String {
    match stored {
        "no_show" => "No-show".to_string(),
        "qc_pending" => "QC pending".to_string(),
        _ => {
            let words = stored.replace('_', " ");
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// The tone of a stored status's badge: `new` (just in), `waiting` (on someone else: the
/// customer, a supplier, money), `working` (on the bench), `done` (as it should end up, or ready
/// for the next step), `ended` (out of play) or `problem`.
pub fn tone(stored: &str) -> &'static str {
    match stored {
        "open" | "requested" | "draft" | "received" | "submitted" | "queued" | "uploaded" => "new",
        "awaiting_approval"
        | "waiting_for_parts"
        | "waiting_for_customer"
        | "deposit_pending"
        | "diagnostics_pending"
        | "wipe_pending"
        | "qc_pending"
        | "ordered"
        | "in_transit"
        | "issued"
        | "partially_paid"
        | "customer_notified"
        | "partially_received"
        | "repair_hold"
        | "claimed"
        | "sending"
        | "pending" => "waiting",
        "diagnosing" | "in_repair" | "quality_check" | "checked_in" | "reserved" | "committing" => {
            "working"
        }
        "ready" | "confirmed" | "completed" | "paid" | "ready_for_sale" | "arrived"
        | "picked_up" | "active" | "approved" | "sent" | "committed" | "resold" => "done",
        "returned" | "not_sellable" | "scrapped" | "rejected" | "denied" | "failed"
        | "refunded" => "problem",
        _ => "ended",
    }
}

/// A stage of the repair as the customer reads it.
pub struct Stage {
    pub label: &'static str,
    /// `done`, `now` or `next`.
    pub state: &'static str,
}

/// A repair's stages as its customer reads them on the status page, for a ticket at `status`
/// (waiting for parts shown only while it waits).
pub fn customer_stages(status: crate::domain::ticket::TicketStatus) -> Vec<Stage> {
    use crate::domain::ticket::TicketStatus::*;
    let at = match status {
        Open => 0,
        Diagnosing => 1,
        AwaitingApproval => 2,
        WaitingForParts => 3,
        InRepair | QualityCheck => 4,
        Ready => 5,
        Closed => 6,
        Cancelled => 0,
    };
    let mut all = vec![
        (0, "Received"),
        (1, "Diagnosing"),
        (2, "Waiting for your approval"),
        (3, "Waiting for parts"),
        (4, "Being repaired"),
        (5, "Ready to collect"),
    ];
    if status != WaitingForParts {
        all.retain(|(i, _)| *i != 3);
    }
    all.into_iter()
        .map(|(i, label)| Stage {
            label,
            state: if i < at || status == Closed {
                "done"
            } else if i == at {
                "now"
            } else {
                "next"
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::asset::AssetStatus;
    use crate::domain::booking::BookingStatus;
    use crate::domain::invoice::InvoiceStatus;
    use crate::domain::preorder::PreorderStatus;
    use crate::domain::purchase_order::PoStatus;
    use crate::domain::ticket::TicketStatus;
    use crate::domain::transfer::TransferStatus;
    use crate::domain::warranty::{ClaimStatus, WarrantyStatus};

    #[test]
    fn a_status_reads_one_way() {
        assert_eq!(title("waiting_for_parts"), "Waiting for parts");
        assert_eq!(title("partially_paid"), "Partially paid");
        assert_eq!(title("no_show"), "No-show");
        assert_eq!(title("open"), "Open");
    }

    #[test]
    fn every_status_of_every_machine_has_a_tone_of_its_own_meaning() {
        let mut all: Vec<&str> = Vec::new();
        all.extend(TicketStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(BookingStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(InvoiceStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(AssetStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(PreorderStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(PoStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(WarrantyStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(ClaimStatus::ALL.iter().map(|s| s.as_str()));
        all.extend(TransferStatus::ALL.iter().map(|s| s.as_str()));
        // Only what is out of play is grey: every other status is in the table on purpose.
        let ended = ["closed", "cancelled", "void", "sold", "expired", "no_show"];
        for s in all {
            assert_eq!(tone(s) == "ended", ended.contains(&s), "{s} is {}", tone(s));
            assert!(!title(s).contains('_') && title(s).chars().next().unwrap().is_uppercase());
        }
        assert_eq!(tone("paid"), "done");
        assert_eq!(tone("waiting_for_parts"), "waiting");
    }

    fn shown(status: crate::domain::ticket::TicketStatus) -> Vec<String> {
        customer_stages(status)
            .iter()
            .map(|s| format!("{}:{}", s.label, s.state))
            .collect()
    }

    #[test]
    fn each_status_is_a_stage_the_customer_understands() {
        assert_eq!(
            shown(crate::domain::ticket::TicketStatus::AwaitingApproval),
            [
                "Received:done",
                "Diagnosing:done",
                "Waiting for your approval:now",
                "Being repaired:next",
                "Ready to collect:next"
            ]
        );
        assert_eq!(
            shown(crate::domain::ticket::TicketStatus::WaitingForParts)[3],
            "Waiting for parts:now"
        );
        assert_eq!(
            shown(crate::domain::ticket::TicketStatus::QualityCheck)[3],
            "Being repaired:now"
        );
        assert!(
            shown(crate::domain::ticket::TicketStatus::Closed)
                .iter()
                .all(|s| s.ends_with(":done"))
        );
    }
}
