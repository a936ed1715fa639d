//! The preorder state machine (DESIGN.md): `deposit_pending → ordered → in_transit → arrived →
//! customer_notified → picked_up → closed`; `customer_notified → rejected → resold → closed`;
//! `deposit_pending → closed` (cancelled). `ordered` needs the deposit paid; the SLA date is the
//! order date + 21 days; `arrived` needs a unit; `picked_up` issues the invoice with the deposit.

use bigdecimal::BigDecimal;
use chrono::NaiveDate;

use super::asset::named_enum;

named_enum!(
    /// Where a preorder stands.
    PreorderStatus {
        DepositPending => "deposit_pending",
        Ordered => "ordered",
        InTransit => "in_transit",
        Arrived => "arrived",
        CustomerNotified => "customer_notified",
        PickedUp => "picked_up",
        Rejected => "rejected",
        Resold => "resold",
        Closed => "closed",
    }
);

impl PreorderStatus {
    /// On order from the supplier: the SLA date is running.
    pub const ON_ORDER: &'static [PreorderStatus] =
        &[PreorderStatus::Ordered, PreorderStatus::InTransit];

    /// The words people read, one way everywhere (`domain::status::title`).
    pub fn label(self) -> String {
        crate::domain::status::title(self.as_str())
    }
    /// The same words inside a sentence: "The ticket is in repair already."
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }
    /// Waiting on the supplier: the SLA clock runs.
    pub fn on_the_clock(self) -> bool {
        matches!(self, PreorderStatus::Ordered | PreorderStatus::InTransit)
    }
}

/// Days from ordering to the promised arrival.
pub const SLA_DAYS: i64 = 21;

/// The SLA date of an order placed on `ordered_on`.
pub fn sla_due(ordered_on: NaiveDate) -> NaiveDate {
    ordered_on + chrono::Duration::days(SLA_DAYS)
}

/// Whether the table has the edge.
pub fn edge_exists(from: PreorderStatus, to: PreorderStatus) -> bool {
    use PreorderStatus::*;
    matches!(
        (from, to),
        (DepositPending, Ordered)
            | (Ordered, InTransit)
            | (InTransit, Arrived)
            | (Arrived, CustomerNotified)
            | (CustomerNotified, PickedUp)
            | (PickedUp, Closed)
            | (CustomerNotified, Rejected)
            | (Rejected, Resold)
            | (Resold, Closed)
            | (DepositPending, Closed)
    )
}

/// Checks a move against the table and the deposit rule.
pub fn check(
    from: PreorderStatus,
    to: PreorderStatus,
    paid: &BigDecimal,
    required: &BigDecimal,
) -> Result<(), String> {
    if !edge_exists(from, to) {
        return Err(format!(
            "A preorder that is {} cannot become {}.",
            from.words(),
            to.words()
        ));
    }
    if to == PreorderStatus::Ordered && paid < required {
        return Err(format!(
            "The deposit is not paid: {paid:.2} of {required:.2} received. Take the rest before ordering."
        ));
    }
    Ok(())
}

/// What the customer still owes after a rejected unit was resold: the agreed price less what the
/// resale recovered and the deposit kept, never below zero.
pub fn shortfall(agreed: &BigDecimal, recovery: &BigDecimal, deposit: &BigDecimal) -> BigDecimal {
    let owed = agreed - recovery - deposit;
    if owed < 0 {
        BigDecimal::from(0).with_scale(2)
    } else {
        owed.with_scale(2)
    }
}

#[cfg(test)]
mod tests {
    use super::PreorderStatus::*;
    use super::*;

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn ordering_needs_the_whole_deposit() {
        assert!(
            check(DepositPending, Ordered, &d("499.99"), &d("500"))
                .unwrap_err()
                .contains("499.99 of 500.00")
        );
        assert!(check(DepositPending, Ordered, &d("500"), &d("500")).is_ok());
        assert!(check(DepositPending, Closed, &d("0"), &d("500")).is_ok());
        assert!(check(Ordered, Arrived, &d("500"), &d("500")).is_err());
    }

    #[test]
    fn the_table_has_ten_edges_and_the_sla_is_three_weeks() {
        let n = PreorderStatus::ALL
            .iter()
            .flat_map(|a| PreorderStatus::ALL.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| edge_exists(*a, *b))
            .count();
        assert_eq!(n, 10);
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(sla_due(day), NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
    }

    #[test]
    fn the_shortfall_is_what_the_resale_and_deposit_did_not_cover() {
        assert_eq!(shortfall(&d("40000"), &d("36000"), &d("500")), d("3500.00"));
        assert_eq!(shortfall(&d("40000"), &d("41000"), &d("500")), d("0.00"));
    }
}
