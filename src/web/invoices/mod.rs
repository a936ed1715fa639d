//! Invoicing at the counter: the list and cash-up sheet, new drafts, the invoice page (lines,
//! issuing, split-tender payments, void), refunds and the printable invoice and receipt.

pub mod cash_up;
pub mod lines;
pub mod list;
pub mod money;
pub mod new;
pub mod print;
pub mod refund;
pub mod show;

use uuid::Uuid;

use crate::domain::validation::FieldErrors;

/// A fresh one-time id for a money form.
pub fn submission_id() -> String {
    Uuid::new_v4().to_string()
}

/// The posted one-time id; a form without one is refused (it is older than this screen).
pub fn posted_submission(raw: &str) -> Result<Uuid, FieldErrors> {
    Uuid::parse_str(raw.trim()).map_err(|_| {
        FieldErrors::single(
            "form",
            "This form is out of date. It has been reloaded; check it and submit again.",
        )
    })
}
