//! Warranties and warranty claims (DESIGN.md). A warranty: `active → claimed → active | expired |
//! void`, and `active → expired | void`. A claim: `submitted → approved → completed`, or
//! `submitted → denied` with a reason. Submitting puts the warranty in `claimed`; completing or
//! denying gives it back, `expired` when it ended meanwhile.

use chrono::NaiveDate;

use super::asset::named_enum;

named_enum!(
    /// Where a warranty stands.
    WarrantyStatus {
        Active => "active",
        Claimed => "claimed",
        Expired => "expired",
        Void => "void",
    }
);

named_enum!(
    /// Where a warranty claim stands.
    ClaimStatus {
        Submitted => "submitted",
        Approved => "approved",
        Denied => "denied",
        Completed => "completed",
    }
);

impl ClaimStatus {
    /// Claims still being dealt with.
    pub const OPEN: &'static [ClaimStatus] = &[ClaimStatus::Submitted, ClaimStatus::Approved];

    /// The one status a claim must be in to move to `self`.
    pub fn comes_from(self) -> Option<ClaimStatus> {
        match self {
            Self::Submitted => None,
            Self::Approved | Self::Denied => Some(Self::Submitted),
            Self::Completed => Some(Self::Approved),
        }
    }
}

/// What a warranty goes back to when its claim is closed on `today`: `expired` if it ended
/// before then, `active` otherwise.
pub fn after_claim(ends_on: NaiveDate, today: NaiveDate) -> WarrantyStatus {
    if ends_on < today {
        WarrantyStatus::Expired
    } else {
        WarrantyStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_claim_moves_only_from_the_status_before_it() {
        assert_eq!(
            ClaimStatus::Approved.comes_from(),
            Some(ClaimStatus::Submitted)
        );
        assert_eq!(
            ClaimStatus::Denied.comes_from(),
            Some(ClaimStatus::Submitted)
        );
        assert_eq!(
            ClaimStatus::Completed.comes_from(),
            Some(ClaimStatus::Approved)
        );
        assert_eq!(ClaimStatus::Submitted.comes_from(), None);
        assert_eq!(
            crate::domain::names(ClaimStatus::OPEN, ClaimStatus::as_str),
            ["submitted", "approved"]
        );
    }

    #[test]
    fn a_warranty_that_ended_during_its_claim_comes_back_expired() {
        let today = day("2026-03-11");
        assert_eq!(
            after_claim(day("2026-03-10"), today),
            WarrantyStatus::Expired
        );
        assert_eq!(
            after_claim(day("2026-03-11"), today),
            WarrantyStatus::Active
        );
    }
}
