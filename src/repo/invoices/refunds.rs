//! Credit notes against chosen lines with their refund payments; goods come back.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::{event, give_back, lock, void_warranties};
use crate::domain::asset::Cause;
use crate::domain::invoice::{InvoiceStatus, LineKind, PaymentMethod, RefundBasis};
use crate::domain::validation::FieldErrors;
use crate::models::invoice::InvoiceLine;
use crate::repo::{By, RepoError};
use crate::schema::{credit_note_lines, credit_notes, invoice_lines, invoices, refund_payments};

/// A refund request: which lines, how many of each, why, and how the money goes back.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// (invoice line id, quantity) pairs.
    pub lines: Vec<(i64, BigDecimal)>,
    pub reason: String,
    /// How the money goes back.
    pub method: PaymentMethod,
    pub reference: String,
}

/// Raises a credit note against chosen lines of a (partly) paid invoice, with its refund
/// payment: refunded units become `returned`, refunded stock goes back into the ledger,
/// warranties of wholly refunded lines are void. Each portion gives back its share of the
/// invoice's discounts and stated tax ([`RefundBasis`]); the refund that returns the last of the
/// goods gives back exactly what the invoice still stands at. Never more than was paid, less
/// refunds before.
pub fn refund(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    req: &RefundRequest,
    by: &By,
) -> Result<i64, RepoError> {
    let mut errors = FieldErrors::new();
    if req.reason.trim().is_empty() {
        errors.add("reason", "Say why the money goes back.");
    }
    if req.lines.is_empty() {
        errors.add("lines", "Choose what is being returned.");
    }
    if req.method == PaymentMethod::Deposit {
        errors.add(
            "method",
            "Refunds go back by cash, card, mobile money, bank transfer, store credit or other.",
        );
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        let state = inv.state();
        if !state.refundable() {
            return Err(RepoError::Conflict(format!(
                "{} is {}; only paid or partly paid invoices can be refunded.",
                inv.label(),
                state.words()
            )));
        }
        let reference = format!("refund on {}", inv.label());
        // Every line (the whole invoice decides each one's share), locked against a refund
        // running alongside.
        let lines: Vec<InvoiceLine> = invoice_lines::table
            .filter(invoice_lines::invoice_id.eq(invoice_id))
            .select(InvoiceLine::as_select())
            .order(invoice_lines::id)
            .for_update()
            .load(conn)?;
        let basis = RefundBasis::new(
            &inv.subtotal,
            &inv.tax_total,
            lines.iter().map(|l| (l.line_kind(), &l.net, &l.tax)),
        );
        let mut left_after: std::collections::HashMap<i64, BigDecimal> = lines
            .iter()
            .filter(|l| l.line_kind() != LineKind::Discount)
            .map(|l| (l.id, l.refundable_quantity()))
            .collect();
        // (line, quantity, net back, tax back) per returned line.
        let mut chosen: Vec<(&InvoiceLine, BigDecimal, BigDecimal, BigDecimal)> = Vec::new();
        let (mut subtotal, mut tax) = (BigDecimal::zero(), BigDecimal::zero());
        for (line_id, quantity) in &req.lines {
            let Some(line) = lines.iter().find(|l| l.id == *line_id) else {
                return Err(RepoError::NotFound);
            };
            if line.line_kind() == LineKind::Discount {
                continue;
            }
            if chosen.iter().any(|c| c.0.id == line.id) {
                return Err(FieldErrors::single(
                    "lines",
                    format!("{}: say how many once.", line.description),
                )
                .into());
            }
            let left = line.refundable_quantity();
            if *quantity <= BigDecimal::zero() || *quantity > left {
                return Err(FieldErrors::single(
                    "lines",
                    format!(
                        "{}: between 0 and {} can still be refunded.",
                        line.description,
                        left.normalized()
                    ),
                )
                .into());
            }
            let (net, line_tax) = basis.share(
                &(&line.net * quantity / &line.quantity),
                &(&line.tax * quantity / &line.quantity),
            );
            subtotal += &net;
            tax += &line_tax;
            left_after.insert(line.id, &left - quantity);
            chosen.push((line, quantity.clone(), net, line_tax));
        }
        // The refund that returns the last of the goods gives back exactly what the invoice
        // still stands at, so the shares' rounding never leaves a cent behind or takes one
        // too many; the difference goes on its last line.
        if !chosen.is_empty() && left_after.values().all(|q| q.is_zero()) {
            let (before_net, before_tax): (Option<BigDecimal>, Option<BigDecimal>) =
                credit_notes::table
                    .filter(credit_notes::invoice_id.eq(invoice_id))
                    .select((
                        diesel::dsl::sum(credit_notes::subtotal),
                        diesel::dsl::sum(credit_notes::tax_total),
                    ))
                    .first(conn)?;
            let rest_net = &inv.subtotal - before_net.unwrap_or_default();
            let rest_tax = &inv.tax_total - before_tax.unwrap_or_default();
            if let Some(last) = chosen.last_mut() {
                last.2 += &rest_net - &subtotal;
                last.3 += &rest_tax - &tax;
            }
            (subtotal, tax) = (rest_net, rest_tax);
        }
        let total = &subtotal + &tax;
        if total <= BigDecimal::zero() {
            return Err(FieldErrors::single("lines", "Choose what is being returned.").into());
        }
        let refundable = &inv.paid_total - &inv.refunded_total;
        if total > refundable {
            return Err(FieldErrors::single(
                "lines",
                format!(
                    "A refund cannot be more than what was paid: {:.2} paid, {:.2} refunded already, this refund is {:.2}.",
                    inv.paid_total, inv.refunded_total, total
                ),
            )
            .into());
        }
        let note: i64 = diesel::insert_into(credit_notes::table)
            .values((
                credit_notes::invoice_id.eq(invoice_id),
                credit_notes::branch_id.eq(branch_id),
                credit_notes::reason.eq(req.reason.trim()),
                credit_notes::subtotal.eq(&subtotal),
                credit_notes::tax_total.eq(&tax),
                credit_notes::total.eq(&total),
                credit_notes::created_by.eq(by.user_id),
            ))
            .returning(credit_notes::id)
            .get_result(conn)?;
        let mut finished = Vec::new();
        for (line, quantity, net, line_tax) in &chosen {
            diesel::insert_into(credit_note_lines::table)
                .values((
                    credit_note_lines::credit_note_id.eq(note),
                    credit_note_lines::invoice_line_id.eq(line.id),
                    credit_note_lines::quantity.eq(quantity),
                    credit_note_lines::net.eq(net),
                    credit_note_lines::tax.eq(line_tax),
                ))
                .execute(conn)?;
            give_back(
                conn,
                branch_id,
                line,
                quantity,
                Cause::Refund,
                &reference,
                by,
            )?;
            let refunded = &line.refunded_quantity + quantity;
            let whole = refunded == line.quantity;
            diesel::update(invoice_lines::table.find(line.id))
                .set((
                    invoice_lines::refunded_quantity.eq(&refunded),
                    invoice_lines::live.eq(line.live && !whole),
                ))
                .execute(conn)?;
            if whole {
                finished.push(line.id);
            }
        }
        void_warranties(conn, &finished, &reference, by)?;
        diesel::insert_into(refund_payments::table)
            .values((
                refund_payments::credit_note_id.eq(note),
                refund_payments::branch_id.eq(branch_id),
                refund_payments::method.eq(req.method.as_str()),
                refund_payments::amount.eq(&total),
                refund_payments::reference.eq(req.reference.trim()),
                refund_payments::paid_by.eq(by.user_id),
            ))
            .execute(conn)?;
        diesel::update(invoices::table.find(invoice_id))
            .set((
                invoices::refunded_total.eq(&inv.refunded_total + &total),
                invoices::status.eq(InvoiceStatus::Refunded.as_str()),
                invoices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(
            conn,
            invoice_id,
            Some(state),
            InvoiceStatus::Refunded,
            &format!("credit note CN-{note}: {total}, {}", req.reason.trim()),
            by,
        )?;
        Ok(note)
    })
}
