//! Voiding an issued invoice without payments: units back on sale, stock back, warranties void.

use bigdecimal::Zero;
use diesel::prelude::*;

use super::{event, give_back, lock, void_warranties};
use crate::domain::asset::Cause;
use crate::domain::invoice::{self as rules, InvoiceStatus};
use crate::domain::validation::FieldErrors;
use crate::models::invoice::InvoiceLine;
use crate::repo::{By, RepoError};
use crate::schema::{invoice_lines, invoices};

/// Voids an issued invoice that has no payments: units back on sale, stock back into the
/// ledger, warranties void. The number stays used (and shown as void).
pub fn void(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    reason: &str,
    by: &By,
) -> Result<(), RepoError> {
    if reason.trim().is_empty() {
        return Err(FieldErrors::single("reason", "Say why the invoice is voided.").into());
    }
    crate::repo::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        let state = inv.state();
        if !rules::edge_exists(state, InvoiceStatus::Void) || !inv.paid_total.is_zero() {
            return Err(RepoError::Conflict(match state {
                InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid | InvoiceStatus::Refunded => {
                    format!(
                        "{} has payments; it cannot be voided. Raise a refund instead.",
                        inv.label()
                    )
                }
                InvoiceStatus::Draft => "A draft is not issued; remove its lines instead.".into(),
                _ => format!("{} is {} already.", inv.label(), state.label()),
            }));
        }
        let reference = format!("void {}", inv.label());
        let lines: Vec<InvoiceLine> = invoice_lines::table
            .filter(invoice_lines::invoice_id.eq(invoice_id))
            .select(InvoiceLine::as_select())
            .order(invoice_lines::id)
            .load(conn)?;
        for line in &lines {
            give_back(
                conn,
                branch_id,
                line,
                &line.quantity,
                Cause::Void,
                &reference,
                by,
            )?;
        }
        let ids: Vec<i64> = lines.iter().map(|l| l.id).collect();
        diesel::update(invoice_lines::table.filter(invoice_lines::id.eq_any(&ids)))
            .set(invoice_lines::live.eq(false))
            .execute(conn)?;
        void_warranties(conn, &ids, &reference, by)?;
        diesel::update(invoices::table.find(invoice_id))
            .set((
                invoices::status.eq(InvoiceStatus::Void.as_str()),
                invoices::void_reason.eq(reason.trim()),
                invoices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(
            conn,
            invoice_id,
            Some(state),
            InvoiceStatus::Void,
            reason.trim(),
            by,
        )
    })
}
