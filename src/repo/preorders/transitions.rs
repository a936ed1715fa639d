//! Each next step of a preorder, with what goes with it: the order date and SLA date, the unit
//! reserved on arrival, the "arrived" message, the invoice with the deposit at pickup, a resale.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::{event, find_unit, join, lock};
use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::{PreorderStatus, check, sla_due};
use crate::domain::validation::FieldErrors;
use crate::repo::invoices::{self, NewInvoice, NewLine};
use crate::repo::{By, RepoError, assets, outbox};
use crate::schema::{assets as assets_t, invoice_lines, invoices as invoices_t, preorders};

/// What some moves need from the person.
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    /// `arrived`: the unit's tag or serial.
    pub asset_code: String,
    /// `resold`: the resale invoice's number.
    pub resale_invoice: String,
    /// Free text for the event.
    pub note: String,
}

/// Moves a preorder. `expected` is the status the person saw.
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    expected: Option<PreorderStatus>,
    to: PreorderStatus,
    input: &MoveInput,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let p = lock(conn, branch_id, id)?;
        let from = p.state();
        if let Some(seen) = expected
            && seen != from
        {
            return Err(RepoError::Conflict(format!(
                "Someone else moved this preorder to {} a moment ago; nothing was changed.",
                from.words()
            )));
        }
        check(from, to, &p.deposit_paid, &p.deposit_required).map_err(RepoError::Conflict)?;
        let mut note = input.note.trim().to_string();
        match to {
            PreorderStatus::Ordered => {
                let today = by.today;
                diesel::update(preorders::table.find(id))
                    .set((
                        preorders::ordered_on.eq(today),
                        preorders::sla_due_on.eq(sla_due(today)),
                    ))
                    .execute(conn)?;
                note = join(&note, &format!("due by {}", sla_due(today)));
            }
            PreorderStatus::Arrived => {
                let unit = find_unit(conn, branch_id, &input.asset_code)?;
                if unit.product_model_id != p.product_model_id {
                    return Err(FieldErrors::single(
                        "asset_code",
                        format!(
                            "Unit {} is another model than the one ordered.",
                            unit.asset_tag
                        ),
                    )
                    .into());
                }
                assets::transition(
                    conn,
                    branch_id,
                    unit.id,
                    AssetStatus::Reserved,
                    Cause::Manual,
                    &format!("preorder #{id}"),
                    by,
                )
                .map_err(|e| match e {
                    RepoError::Conflict(m) => RepoError::from(FieldErrors::single("asset_code", m)),
                    other => other,
                })?;
                diesel::update(preorders::table.find(id))
                    .set(preorders::asset_id.eq(unit.id))
                    .execute(conn)?;
                note = join(&note, &format!("unit {} reserved", unit.asset_tag));
            }
            PreorderStatus::CustomerNotified => {
                if let Some(to) = outbox::recipient_of(conn, p.customer_id)? {
                    let message = outbox::Message {
                        branch_id,
                        template: "preorder_arrived",
                        customer_id: p.customer_id,
                        about: outbox::About::Customer,
                        due_at: by.at,
                        payload: serde_json::json!({
                            "customer": p.customer,
                            "item": format!("{} {}", p.brand, p.model),
                            "preorder": id,
                            "balance": format!("{:.2}", &p.agreed_price - &p.deposit_paid),
                        }),
                    };
                    outbox::queue(conn, &message, &to)?;
                }
            }
            PreorderStatus::PickedUp => {
                let Some(asset) = p.asset_id else {
                    return Err(RepoError::Conflict(
                        "No unit is linked to this preorder.".into(),
                    ));
                };
                let tag: String = assets_t::table
                    .find(asset)
                    .select(assets_t::asset_tag)
                    .first(conn)?;
                let invoice = invoices::create_draft(
                    conn,
                    branch_id,
                    &NewInvoice {
                        customer_id: Some(p.customer_id),
                        note: format!("Preorder #{id}"),
                        ..Default::default()
                    },
                    by,
                )?;
                invoices::add_line(
                    conn,
                    branch_id,
                    invoice,
                    &NewLine::Asset {
                        code: tag,
                        price: Some(p.agreed_price.clone()),
                        tier: None,
                    },
                )?;
                let issued = invoices::issue(conn, branch_id, invoice, by)?;
                if p.deposit_paid > BigDecimal::zero() {
                    let total: BigDecimal = invoices_t::table
                        .find(invoice)
                        .select(invoices_t::total)
                        .first(conn)?;
                    let applied = if p.deposit_paid < total {
                        p.deposit_paid.clone()
                    } else {
                        total
                    };
                    invoices::pay(
                        conn,
                        branch_id,
                        invoice,
                        PaymentMethod::Deposit,
                        &applied,
                        &format!("preorder #{id}"),
                        by,
                    )?;
                }
                diesel::update(preorders::table.find(id))
                    .set(preorders::invoice_id.eq(invoice))
                    .execute(conn)?;
                note = join(
                    &note,
                    &format!("invoice {} with the deposit applied", issued.number),
                );
            }
            PreorderStatus::Rejected => {
                if let Some(asset) = p.asset_id {
                    assets::transition(
                        conn,
                        branch_id,
                        asset,
                        AssetStatus::ReadyForSale,
                        Cause::Manual,
                        &format!("preorder #{id} rejected"),
                        by,
                    )?;
                }
            }
            PreorderStatus::Resold => {
                let number = input.resale_invoice.trim().to_uppercase();
                let found: Option<(i64, String)> = invoices_t::table
                    .filter(invoices_t::branch_id.eq(branch_id))
                    .filter(invoices_t::number.eq(&number))
                    .select((invoices_t::id, invoices_t::status))
                    .first(conn)
                    .optional()?;
                let Some((invoice, status)) = found.filter(|f| f.1 != "void" && f.1 != "draft")
                else {
                    return Err(FieldErrors::single(
                        "resale_invoice",
                        "Enter the number of the issued invoice that resold the unit.",
                    )
                    .into());
                };
                let _ = status;
                let recovery: Option<BigDecimal> = invoice_lines::table
                    .filter(invoice_lines::invoice_id.eq(invoice))
                    .filter(invoice_lines::asset_id.eq(p.asset_id.unwrap_or(-1)))
                    .select(invoice_lines::net)
                    .first(conn)
                    .optional()?;
                let Some(recovery) = recovery else {
                    return Err(FieldErrors::single(
                        "resale_invoice",
                        format!("Invoice {number} does not sell this preorder's unit."),
                    )
                    .into());
                };
                diesel::update(preorders::table.find(id))
                    .set((
                        preorders::resale_invoice_id.eq(invoice),
                        preorders::recovery.eq(&recovery),
                    ))
                    .execute(conn)?;
                let owed =
                    crate::domain::preorder::shortfall(&p.agreed_price, &recovery, &p.deposit_paid);
                note = join(
                    &note,
                    &format!("resold on {number} for {recovery:.2}; the customer owes {owed:.2}"),
                );
            }
            _ => {}
        }
        diesel::update(preorders::table.find(id))
            .set((
                preorders::status.eq(to.as_str()),
                preorders::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(conn, id, Some(from), to, &note, by)
    })
}
