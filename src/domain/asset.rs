//! The asset state machine (DESIGN.md) with its preconditions.
//!
//! `received → diagnostics_pending → wipe_pending → qc_pending → ready_for_sale → reserved →
//! sold → returned`, with `repair_hold`, `not_sellable` and `scrapped`. Leaving
//! `diagnostics_pending` needs a diagnostics result: a pass (or pass with notes) goes on to
//! `wipe_pending`, a fail to `repair_hold` or `not_sellable`. Leaving `wipe_pending` needs a wipe
//! certificate; `qc_pending → ready_for_sale` needs a grade. Only issuing an invoice sells; only a
//! refund returns.

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("unknown {}: {s}", stringify!($name)))
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// Where a serialized unit stands.
    AssetStatus {
        Received => "received",
        DiagnosticsPending => "diagnostics_pending",
        WipePending => "wipe_pending",
        QcPending => "qc_pending",
        ReadyForSale => "ready_for_sale",
        Reserved => "reserved",
        Sold => "sold",
        Returned => "returned",
        RepairHold => "repair_hold",
        NotSellable => "not_sellable",
        Scrapped => "scrapped",
        InTransit => "in_transit",
    }
);

named_enum!(
    /// The overall verdict of a diagnostics checklist.
    DiagnosticsResult {
        Pass => "pass",
        PassWithNotes => "pass_with_notes",
        Fail => "fail",
    }
);

named_enum!(
    /// Condition grade.
    Grade {
        A => "A",
        B => "B",
        C => "C",
    }
);

named_enum!(
    /// How a device was wiped.
    WipeMethod {
        NistClear => "nist_800_88_clear",
        NistPurge => "nist_800_88_purge",
        Dod3Pass => "dod_3_pass",
        VendorTool => "vendor_tool",
    }
);

impl WipeMethod {
    /// The method as the technician and the certificate name it.
    pub fn name(self) -> &'static str {
        match self {
            WipeMethod::NistClear => "Overwrite of all user-addressable storage (Clear)",
            WipeMethod::NistPurge => "Cryptographic or block erase of the whole medium (Purge)",
            WipeMethod::Dod3Pass => "Three-pass overwrite with verification",
            WipeMethod::VendorTool => "Manufacturer's secure erase / factory reset with encryption",
        }
    }
    /// The standard the method follows.
    pub fn standard(self) -> &'static str {
        match self {
            WipeMethod::NistClear => "NIST SP 800-88 Rev. 1, Clear",
            WipeMethod::NistPurge => "NIST SP 800-88 Rev. 1, Purge",
            WipeMethod::Dod3Pass => "DoD 5220.22-M (3 pass)",
            WipeMethod::VendorTool => "Manufacturer's procedure",
        }
    }
}

impl AssetStatus {
    /// The words people read, one way everywhere (`domain::status::title`).
    pub fn label(self) -> String {
        crate::domain::status::title(self.as_str())
    }
    /// The same words inside a sentence: "The ticket is in repair already."
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }
}

/// What caused a change: the counter's forms, issuing an invoice, or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A person moving the unit along by hand.
    Manual,
    /// Issuing an invoice (the only way to `sold`).
    Invoice,
    /// A refund (the only way to `returned`).
    Refund,
    /// Voiding the invoice that sold it (the only way from `sold` back to `ready_for_sale`).
    Void,
}

/// The facts about a unit that preconditions look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// The latest diagnostics verdict, if any.
    pub diagnostics: Option<DiagnosticsResult>,
    /// Whether a wipe certificate exists.
    pub wiped: bool,
    /// The condition grade, if set.
    pub grade: Option<Grade>,
}

/// Whether the table has the edge at all (preconditions aside).
pub fn edge_exists(from: AssetStatus, to: AssetStatus) -> bool {
    use AssetStatus::*;
    matches!(
        (from, to),
        (Received, DiagnosticsPending)
            | (DiagnosticsPending, WipePending)
            | (DiagnosticsPending, RepairHold)
            | (DiagnosticsPending, NotSellable)
            | (WipePending, QcPending)
            | (QcPending, ReadyForSale)
            | (ReadyForSale, Reserved)
            | (Reserved, ReadyForSale)
            | (ReadyForSale, Sold)
            | (Reserved, Sold)
            | (Sold, Returned)
            | (Sold, ReadyForSale)
            | (Returned, DiagnosticsPending)
            | (RepairHold, DiagnosticsPending)
            | (RepairHold, Scrapped)
            | (NotSellable, RepairHold)
            | (NotSellable, Scrapped)
    )
}

/// Checks a change against the table and its preconditions; the error names what is missing.
pub fn check(from: AssetStatus, to: AssetStatus, facts: Facts, cause: Cause) -> Result<(), String> {
    use AssetStatus::*;
    if !edge_exists(from, to) {
        return Err(format!(
            "A unit that is {} cannot become {}.",
            from.words(),
            to.words()
        ));
    }
    match (from, to) {
        (_, Sold) if cause != Cause::Invoice => {
            Err("Only issuing an invoice marks a unit sold.".into())
        }
        (_, Returned) if cause != Cause::Refund => {
            Err("Only a refund marks a unit returned.".into())
        }
        (Sold, ReadyForSale) if cause != Cause::Void => Err(
            "A sold unit goes back on sale only when the invoice that sold it is voided.".into(),
        ),
        (DiagnosticsPending, WipePending) => match facts.diagnostics {
            Some(DiagnosticsResult::Pass | DiagnosticsResult::PassWithNotes) => Ok(()),
            Some(DiagnosticsResult::Fail) => Err(
                "The diagnostics failed: send the unit to repair hold or mark it not sellable."
                    .into(),
            ),
            None => Err("Record the diagnostics first (a pass is needed to go on to wipe).".into()),
        },
        (DiagnosticsPending, RepairHold | NotSellable) => match facts.diagnostics {
            Some(DiagnosticsResult::Fail) => Ok(()),
            Some(_) => Err("The diagnostics passed: send the unit on to wipe.".into()),
            None => Err(
                "Record the diagnostics first (a fail sends it to repair or not sellable).".into(),
            ),
        },
        (WipePending, QcPending) if !facts.wiped => {
            Err("Record the wipe certificate first.".into())
        }
        (QcPending, ReadyForSale) if facts.grade.is_none() => {
            Err("Set the condition grade (A, B or C) first.".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::AssetStatus::*;
    use super::*;

    fn all_facts() -> Facts {
        Facts {
            diagnostics: Some(DiagnosticsResult::Pass),
            wiped: true,
            grade: Some(Grade::B),
        }
    }

    #[test]
    fn names_round_trip() {
        for s in AssetStatus::ALL {
            assert_eq!(s.as_str().parse::<AssetStatus>(), Ok(*s));
        }
        assert!("lost".parse::<AssetStatus>().is_err());
    }

    #[test]
    fn edges_outside_the_table_are_refused_whatever_the_facts() {
        let mut allowed = 0;
        for from in AssetStatus::ALL {
            for to in AssetStatus::ALL {
                let (from, to) = (*from, *to);
                let cause = match (from, to) {
                    (_, Sold) => Cause::Invoice,
                    (_, Returned) => Cause::Refund,
                    (Sold, _) => Cause::Void,
                    _ => Cause::Manual,
                };
                let mut facts = all_facts();
                if to == RepairHold || to == NotSellable {
                    facts.diagnostics = Some(DiagnosticsResult::Fail);
                }
                let ok = check(from, to, facts, cause).is_ok();
                assert_eq!(ok, edge_exists(from, to), "{from} → {to}");
                allowed += usize::from(ok);
            }
        }
        assert_eq!(allowed, 17);
    }

    #[test]
    fn each_precondition_names_what_is_missing() {
        let none = Facts::default();
        assert!(
            check(DiagnosticsPending, WipePending, none, Cause::Manual)
                .unwrap_err()
                .contains("Record the diagnostics")
        );
        let failed = Facts {
            diagnostics: Some(DiagnosticsResult::Fail),
            ..none
        };
        assert!(
            check(DiagnosticsPending, WipePending, failed, Cause::Manual)
                .unwrap_err()
                .contains("failed")
        );
        assert!(check(DiagnosticsPending, RepairHold, failed, Cause::Manual).is_ok());
        assert!(check(DiagnosticsPending, NotSellable, failed, Cause::Manual).is_ok());
        let passed = Facts {
            diagnostics: Some(DiagnosticsResult::PassWithNotes),
            ..none
        };
        assert!(check(DiagnosticsPending, WipePending, passed, Cause::Manual).is_ok());
        assert!(check(DiagnosticsPending, RepairHold, passed, Cause::Manual).is_err());
        assert!(
            check(WipePending, QcPending, none, Cause::Manual)
                .unwrap_err()
                .contains("wipe certificate")
        );
        assert!(
            check(QcPending, ReadyForSale, none, Cause::Manual)
                .unwrap_err()
                .contains("grade")
        );
        assert!(
            check(ReadyForSale, Sold, all_facts(), Cause::Manual)
                .unwrap_err()
                .contains("invoice")
        );
        assert!(
            check(Sold, Returned, all_facts(), Cause::Manual)
                .unwrap_err()
                .contains("refund")
        );
        assert!(check(Reserved, Sold, all_facts(), Cause::Invoice).is_ok());
        assert!(
            check(Sold, ReadyForSale, all_facts(), Cause::Manual)
                .unwrap_err()
                .contains("voided")
        );
        assert!(check(Sold, ReadyForSale, all_facts(), Cause::Void).is_ok());
    }
}
