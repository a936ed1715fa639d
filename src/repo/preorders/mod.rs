//! Preorders. Every change locks the preorder row, checks the table (`domain::preorder`), does
//! what goes with the move (reserve the unit, write the outbox message, issue the invoice with
//! the deposit) and writes a preorder event, in one transaction.

mod create;
mod queries;
mod transitions;

pub use create::*;
pub use queries::*;
pub use transitions::*;

pub use crate::models::preorder::PreorderRow;

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{By, RepoError, assets};
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::PreorderStatus;
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{customers, preorders, product_models};

type RowColumns = (
    preorders::id,
    preorders::status,
    preorders::customer_id,
    customers::name,
    preorders::product_model_id,
    product_models::brand,
    product_models::model,
    preorders::specs,
    preorders::agreed_price,
    preorders::deposit_required,
    preorders::deposit_paid,
    preorders::ordered_on,
    preorders::sla_due_on,
    preorders::asset_id,
    preorders::invoice_id,
    preorders::resale_invoice_id,
    preorders::recovery,
    preorders::created_at,
);

const COLUMNS: RowColumns = (
    preorders::id,
    preorders::status,
    preorders::customer_id,
    customers::name,
    preorders::product_model_id,
    product_models::brand,
    product_models::model,
    preorders::specs,
    preorders::agreed_price,
    preorders::deposit_required,
    preorders::deposit_paid,
    preorders::ordered_on,
    preorders::sla_due_on,
    preorders::asset_id,
    preorders::invoice_id,
    preorders::resale_invoice_id,
    preorders::recovery,
    preorders::created_at,
);

/// A new preorder, with the deposit taken now (if any).
#[derive(Debug, Clone)]
pub struct NewPreorder {
    /// Who orders.
    pub customer_id: i64,
    /// What they want.
    pub product_model_id: i64,
    /// Specs, colour, storage…
    pub specs: String,
    /// The price agreed.
    pub agreed_price: BigDecimal,
    /// The deposit asked for (500.00 unless changed).
    pub deposit_required: BigDecimal,
    /// Money taken now: method, amount, reference.
    pub deposit: Option<(PaymentMethod, BigDecimal, String)>,
}

fn event(
    conn: &mut PgConnection,
    id: i64,
    from: Option<PreorderStatus>,
    to: PreorderStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(
        conn,
        Trail::Preorder(id),
        &Event::moved(from.map(|s| s.as_str()), to.as_str(), note),
        by,
    )?;
    Ok(())
}

fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<PreorderRow, RepoError> {
    // Lock the row first, then read it with its names.
    let _: i64 = preorders::table
        .find(id)
        .filter(preorders::branch_id.eq(branch_id))
        .select(preorders::id)
        .for_update()
        .first(conn)?;
    get(conn, branch_id, id)
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

fn find_unit(conn: &mut PgConnection, branch_id: i64, code: &str) -> Result<Asset, RepoError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Err(FieldErrors::single("asset_code", "Scan the unit's tag or serial.").into());
    }
    assets::find_by_code(conn, branch_id, &code)?.ok_or_else(|| {
        FieldErrors::single(
            "asset_code",
            format!("No unit here has the tag or serial {code}."),
        )
        .into()
    })
}
