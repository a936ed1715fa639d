//! Invoices. Drafts take lines (units, stock, services, labour, fees, discounts) priced on the
//! server; issuing takes the branch's next number under its counter row lock, marks units sold,
//! writes the stock ledger and creates warranties in one transaction; payments, voids and credit
//! notes each lock the invoice row, check the table (`domain::invoice`) and write their event row.

mod drafts;
mod issue;
mod lines;
mod payments;
mod queries;
mod receipts;
mod refunds;
mod void;

pub use drafts::*;
pub use issue::*;
pub use lines::*;
pub use payments::*;
pub use queries::*;
pub use receipts::*;
pub use refunds::*;
pub use void::*;

use bigdecimal::{BigDecimal, ToPrimitive, Zero};
use diesel::prelude::*;

use super::stock::{self, Posting};
use super::{By, RepoError, assets};
use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::invoice::{self as rules, InvoiceStatus, LineKind};
use crate::domain::warranty::WarrantyStatus;
use crate::models::invoice::{Invoice, InvoiceLine};
use crate::repo::events::{self, Event, Trail};
use crate::schema::{assets as assets_t, invoice_lines, invoices, warranties};

fn event(
    conn: &mut PgConnection,
    invoice: i64,
    from: Option<InvoiceStatus>,
    to: InvoiceStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(
        conn,
        Trail::Invoice(invoice),
        &Event::moved(from.map(|s| s.as_str()), to.as_str(), note),
        by,
    )?;
    Ok(())
}

fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Invoice, RepoError> {
    Ok(invoices::table
        .find(id)
        .filter(invoices::branch_id.eq(branch_id))
        .select(Invoice::as_select())
        .for_update()
        .first::<Invoice>(conn)?
        .scaled())
}

fn lock_draft(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Invoice, RepoError> {
    draft_only(lock(conn, branch_id, id)?)
}

/// The invoice, refused unless it is a draft.
fn draft_only(inv: Invoice) -> Result<Invoice, RepoError> {
    if inv.state() != InvoiceStatus::Draft {
        return Err(RepoError::Conflict(format!(
            "{} is {}; its lines can no longer be changed.",
            inv.label(),
            inv.state().words()
        )));
    }
    Ok(inv)
}

fn current_totals(
    conn: &mut PgConnection,
    inv: &Invoice,
) -> Result<(BigDecimal, BigDecimal, BigDecimal), RepoError> {
    let amounts: Vec<(BigDecimal, BigDecimal)> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(inv.id))
        .select((invoice_lines::net, invoice_lines::tax))
        .load(conn)?;
    Ok(totals_of(inv, &amounts))
}

/// Subtotal, tax and total of the invoice's line amounts (net, tax) under its tax rounding.
fn totals_of(
    inv: &Invoice,
    amounts: &[(BigDecimal, BigDecimal)],
) -> (BigDecimal, BigDecimal, BigDecimal) {
    rules::totals(amounts, &inv.tax_rate, inv.tax_rounding == "per_invoice")
}

/// The totals, refused when the discounts outweigh the other lines.
fn not_negative(
    totals: (BigDecimal, BigDecimal, BigDecimal),
) -> Result<(BigDecimal, BigDecimal, BigDecimal), RepoError> {
    if totals.2 < BigDecimal::zero() {
        return Err(RepoError::Conflict(
            "The discounts are more than the other lines; remove a discount first.".into(),
        ));
    }
    Ok(totals)
}

fn store_totals(conn: &mut PgConnection, inv: &Invoice) -> Result<(), RepoError> {
    let totals = not_negative(current_totals(conn, inv)?)?;
    write_totals(conn, inv.id, totals)
}

fn write_totals(
    conn: &mut PgConnection,
    invoice_id: i64,
    (subtotal, tax, total): (BigDecimal, BigDecimal, BigDecimal),
) -> Result<(), RepoError> {
    use diesel::sql_types::{BigInt, Numeric};
    super::prepared::prepared(
        "UPDATE invoices SET subtotal = $1, tax_total = $2, total = $3, updated_at = now() WHERE id = $4",
    )
    .bind::<Numeric, _>(subtotal)
    .bind::<Numeric, _>(tax)
    .bind::<Numeric, _>(total)
    .bind::<BigInt, _>(invoice_id)
    .execute(conn)?;
    Ok(())
}

fn current_status(conn: &mut PgConnection, asset_id: i64) -> Option<String> {
    assets_t::table
        .find(asset_id)
        .select(assets_t::status)
        .first::<String>(conn)
        .ok()
        .map(|s| s.replace('_', " "))
}

fn warranty_event(
    conn: &mut PgConnection,
    warranty: i64,
    from: Option<&str>,
    to: &str,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(
        conn,
        Trail::Warranty(warranty),
        &Event::moved(from, to, note),
        by,
    )?;
    Ok(())
}

fn void_warranties(
    conn: &mut PgConnection,
    line_ids: &[i64],
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    let live: Vec<(i64, String)> = warranties::table
        .filter(warranties::invoice_line_id.eq_any(line_ids))
        .filter(warranties::status.ne(WarrantyStatus::Void.as_str()))
        .select((warranties::id, warranties::status))
        .for_update()
        .load(conn)?;
    for (id, status) in live {
        diesel::update(warranties::table.find(id))
            .set(warranties::status.eq(WarrantyStatus::Void.as_str()))
            .execute(conn)?;
        warranty_event(
            conn,
            id,
            Some(&status),
            WarrantyStatus::Void.as_str(),
            note,
            by,
        )?;
    }
    Ok(())
}

/// Puts a line's goods back: a unit goes back on sale (void) or to `returned` (refund); stock
/// goes back into the ledger.
fn give_back(
    conn: &mut PgConnection,
    branch_id: i64,
    line: &InvoiceLine,
    quantity: &BigDecimal,
    cause: Cause,
    reference: &str,
    by: &By,
) -> Result<(), RepoError> {
    match line.line_kind() {
        LineKind::Asset => {
            let to = if cause == Cause::Refund {
                AssetStatus::Returned
            } else {
                AssetStatus::ReadyForSale
            };
            assets::transition(
                conn,
                branch_id,
                line.asset_id.unwrap_or_default(),
                to,
                cause,
                reference,
                by,
            )?;
        }
        LineKind::Stock => {
            let pieces = quantity.to_i32().unwrap_or(0);
            if pieces > 0 {
                let p = Posting {
                    stock_item_id: line.stock_item_id.unwrap_or_default(),
                    branch_id,
                    kind: "return",
                    quantity: pieces,
                    unit_cost: line.unit_cost.clone(),
                    reason: "",
                    reference,
                };
                stock::post(conn, &p, by)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// An invoice locked by the statement that claimed a submission: where the claim stores the
/// result (`None` when the submission was taken before), the id a numbered claim took, and the
/// invoice's row.
#[derive(QueryableByName)]
struct ClaimedInvoice {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    claimed: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    claimed_id: Option<i64>,
    #[diesel(embed)]
    invoice: Invoice,
}

impl ClaimedInvoice {
    /// Runs `query`, a claim and the invoice's lock (selecting `claimed`, `claimed_id` and
    /// `i.*`); `None` when the submission was taken before. No row: the invoice is not at this
    /// branch.
    pub(super) fn lock(
        conn: &mut PgConnection,
        query: crate::repo::prepared::Prepared<'_>,
    ) -> Result<Option<Self>, RepoError> {
        let row: Self = query
            .get_result(conn)
            .optional()?
            .ok_or(RepoError::NotFound)?;
        Ok(row.claimed.is_some().then_some(row))
    }
}
