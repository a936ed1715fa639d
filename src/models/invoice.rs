//! Invoice rows.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::domain::invoice::{InvoiceStatus, LineKind};
use crate::models::event::EventRow;
use crate::schema::{invoice_lines, invoices, payments};

/// An invoice header.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = invoices)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Invoice {
    pub id: i64,
    pub branch_id: i64,
    pub number: Option<String>,
    pub seq: Option<i32>,
    pub status: String,
    pub customer_id: Option<i64>,
    pub walk_in_name: String,
    pub ticket_id: Option<i64>,
    pub lead_source: String,
    pub sales_person_id: Option<i64>,
    pub tax_rate: BigDecimal,
    pub tax_rounding: String,
    pub subtotal: BigDecimal,
    pub tax_total: BigDecimal,
    pub total: BigDecimal,
    pub paid_total: BigDecimal,
    pub refunded_total: BigDecimal,
    pub note: String,
    pub void_reason: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub issued_by: Option<i64>,
    pub issued_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Money as stored has two decimals, but a zero comes back without them; amounts are shown and
/// compared with both.
fn two(v: &mut BigDecimal) {
    *v = v.with_scale(2);
}

impl Invoice {
    /// Every amount with two decimals, as printed.
    pub fn scaled(mut self) -> Self {
        for v in [
            &mut self.subtotal,
            &mut self.tax_total,
            &mut self.total,
            &mut self.paid_total,
            &mut self.refunded_total,
        ] {
            two(v);
        }
        self
    }
    /// The typed status.
    pub fn state(&self) -> InvoiceStatus {
        self.status.parse().unwrap_or(InvoiceStatus::Draft)
    }
    /// What is still owed.
    pub fn balance(&self) -> BigDecimal {
        &self.total - &self.paid_total
    }
    /// The number, or "Draft #id" before issuing.
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) => n.clone(),
            None => format!("Draft #{}", self.id),
        }
    }
}

/// An invoice line.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = invoice_lines)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct InvoiceLine {
    pub id: i64,
    pub invoice_id: i64,
    pub kind: String,
    pub asset_id: Option<i64>,
    pub stock_item_id: Option<i64>,
    pub service_id: Option<i64>,
    pub description: String,
    pub quantity: BigDecimal,
    pub unit_price: BigDecimal,
    pub unit_cost: Option<BigDecimal>,
    pub net: BigDecimal,
    pub tax: BigDecimal,
    pub warranty_tier: Option<String>,
    pub live: bool,
    pub refunded_quantity: BigDecimal,
    pub asset_status_before: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl InvoiceLine {
    /// Every amount with two decimals, as printed.
    pub fn scaled(mut self) -> Self {
        for v in [&mut self.unit_price, &mut self.net, &mut self.tax] {
            two(v);
        }
        if let Some(c) = self.unit_cost.as_mut() {
            two(c);
        }
        self
    }
    /// The typed kind.
    pub fn line_kind(&self) -> LineKind {
        self.kind.parse().unwrap_or(LineKind::Fee)
    }
    /// Net plus tax.
    pub fn total(&self) -> BigDecimal {
        &self.net + &self.tax
    }
    /// The quantity shown: whole numbers without decimals.
    pub fn qty(&self) -> String {
        let q = self.quantity.normalized();
        if q.fractional_digit_count() <= 0 {
            q.with_scale(0).to_string()
        } else {
            q.to_string()
        }
    }
    /// Still refundable.
    pub fn refundable_quantity(&self) -> BigDecimal {
        &self.quantity - &self.refunded_quantity
    }
}

/// A payment.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = payments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub id: i64,
    pub invoice_id: i64,
    pub branch_id: i64,
    pub method: String,
    pub amount: BigDecimal,
    pub tendered: Option<BigDecimal>,
    pub change_given: BigDecimal,
    pub reference: String,
    pub received_by: Option<i64>,
    pub at: DateTime<Utc>,
}

impl Payment {
    /// Every amount with two decimals, as printed.
    pub fn scaled(mut self) -> Self {
        two(&mut self.amount);
        two(&mut self.change_given);
        if let Some(t) = self.tendered.as_mut() {
            two(t);
        }
        self
    }
    /// The method as people read it.
    pub fn method_label(&self) -> &'static str {
        crate::domain::invoice::PaymentMethod::label_of(&self.method)
    }
}

/// A credit note as shown: (id, at, reason, total, refund method).
pub type CreditNoteRow = (i64, DateTime<Utc>, String, BigDecimal, Option<String>);

/// An invoice with everything its page shows.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    /// The header.
    pub invoice: Invoice,
    /// Customer name (or the walk-in's).
    pub customer: String,
    pub customer_phone: String,
    /// The sales person's name.
    pub sales_person: Option<String>,
    /// Lines in order.
    pub lines: Vec<InvoiceLine>,
    /// Payments in order.
    pub payments: Vec<Payment>,
    /// Credit notes: (id, at, reason, total, refund method).
    pub credit_notes: Vec<CreditNoteRow>,
    /// Warranties: (line id, tier, ends on, status).
    pub warranties: Vec<(i64, String, NaiveDate, String)>,
    /// History: (at, from, to, note, who).
    pub events: Vec<EventRow>,
}

/// The invoice a ticket has, as the ticket page names it.
#[derive(Debug, Clone)]
pub struct TicketInvoice {
    pub id: i64,
    /// None while it is a draft.
    pub number: Option<String>,
    pub status: InvoiceStatus,
}

impl TicketInvoice {
    /// "NRB-000012", or "the draft invoice".
    pub fn label(&self) -> String {
        self.number
            .clone()
            .unwrap_or_else(|| "the draft invoice".into())
    }
}
