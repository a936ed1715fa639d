//! The ticket state machine (DESIGN.md): `open → diagnosing → awaiting_approval → in_repair ↔
//! waiting_for_parts → quality_check → ready → closed`; `diagnosing → in_repair` when no approval
//! is needed; `awaiting_approval → ready` when the customer declines; any state but closed →
//! cancelled. Closing needs an outcome; leaving `awaiting_approval` needs the customer's answer.

use super::asset::named_enum;

named_enum!(
    /// Where a ticket stands.
    TicketStatus {
        Open => "open",
        Diagnosing => "diagnosing",
        AwaitingApproval => "awaiting_approval",
        InRepair => "in_repair",
        WaitingForParts => "waiting_for_parts",
        QualityCheck => "quality_check",
        Ready => "ready",
        Closed => "closed",
        Cancelled => "cancelled",
    }
);

named_enum!(
    /// How a closed ticket ended.
    Outcome {
        Repaired => "repaired",
        Replaced => "replaced",
        Refunded => "refunded",
        Unable => "unable",
    }
);

named_enum!(
    /// A ticket's urgency.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

impl TicketStatus {
    /// The words people read, one way everywhere (`domain::status::title`).
    pub fn label(self) -> String {
        crate::domain::status::title(self.as_str())
    }
    /// The same words inside a sentence: "The ticket is in repair already."
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }
    /// Still being worked on (not closed or cancelled).
    pub fn is_live(self) -> bool {
        !matches!(self, TicketStatus::Closed | TicketStatus::Cancelled)
    }
    /// The board's columns, in workflow order.
    pub const BOARD: &'static [TicketStatus] = &[
        TicketStatus::Open,
        TicketStatus::Diagnosing,
        TicketStatus::AwaitingApproval,
        TicketStatus::InRepair,
        TicketStatus::WaitingForParts,
        TicketStatus::QualityCheck,
        TicketStatus::Ready,
    ];
}

/// Whether the table has the edge.
pub fn edge_exists(from: TicketStatus, to: TicketStatus) -> bool {
    use TicketStatus::*;
    if to == Cancelled {
        return from != Closed && from != Cancelled;
    }
    matches!(
        (from, to),
        (Open, Diagnosing)
            | (Diagnosing, AwaitingApproval)
            | (Diagnosing, InRepair)
            | (AwaitingApproval, InRepair)
            | (AwaitingApproval, Ready)
            | (InRepair, WaitingForParts)
            | (WaitingForParts, InRepair)
            | (InRepair, QualityCheck)
            | (QualityCheck, Ready)
            | (Ready, Closed)
    )
}

/// The facts about a ticket that preconditions look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Estimate lines on the ticket.
    pub lines: usize,
    /// The customer's answer to the estimate, if given.
    pub approval: Option<bool>,
    /// The outcome given for closing.
    pub outcome: Option<Outcome>,
}

/// Checks a change against the table and its preconditions; the message names what is missing.
pub fn check(from: TicketStatus, to: TicketStatus, facts: Facts) -> Result<(), String> {
    use TicketStatus::*;
    if from == to {
        return Err(format!("The ticket is {} already.", to.words()));
    }
    if !edge_exists(from, to) {
        return Err(format!(
            "A ticket that is {} cannot become {}.",
            from.words(),
            to.words()
        ));
    }
    match (from, to) {
        (Diagnosing, AwaitingApproval) if facts.lines == 0 => {
            Err("Add the estimate's lines (labour, parts, fees) before sending it.".into())
        }
        (AwaitingApproval, InRepair) if facts.approval != Some(true) => {
            Err("The customer has not approved the estimate yet.".into())
        }
        (AwaitingApproval, Ready) if facts.approval != Some(false) => {
            Err("Only a declined estimate sends the ticket to ready (returned unrepaired).".into())
        }
        (Ready, Closed) if facts.outcome.is_none() => Err(
            "Choose the outcome (repaired, replaced, refunded or unable) to close the ticket."
                .into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    fn all() -> Facts {
        Facts {
            lines: 1,
            approval: None,
            outcome: Some(Outcome::Repaired),
        }
    }

    #[test]
    fn the_table_allows_exactly_its_edges() {
        let mut allowed = 0;
        for &from in TicketStatus::ALL {
            for &to in TicketStatus::ALL {
                let mut facts = all();
                facts.approval = Some(to == InRepair);
                let ok = check(from, to, facts).is_ok();
                assert_eq!(ok, edge_exists(from, to) && from != to, "{from} → {to}");
                allowed += usize::from(ok);
            }
        }
        // 10 forward edges and 7 ways to cancel.
        assert_eq!(allowed, 17);
    }

    #[test]
    fn preconditions_name_what_is_missing() {
        let none = Facts::default();
        assert!(
            check(Diagnosing, AwaitingApproval, none)
                .unwrap_err()
                .contains("estimate")
        );
        assert!(
            check(AwaitingApproval, InRepair, none)
                .unwrap_err()
                .contains("not approved")
        );
        let declined = Facts {
            approval: Some(false),
            ..none
        };
        assert!(check(AwaitingApproval, InRepair, declined).is_err());
        assert!(check(AwaitingApproval, Ready, declined).is_ok());
        assert!(check(Ready, Closed, none).unwrap_err().contains("outcome"));
        assert!(check(Closed, Cancelled, all()).is_err());
        assert!(
            check(InRepair, InRepair, all())
                .unwrap_err()
                .contains("already")
        );
    }
}
