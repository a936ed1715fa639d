//! Purchase orders. Every status change locks the order row, checks the table
//! (`domain::purchase_order`), updates it and writes an event row in one transaction. Lines can be
//! changed only while the order is a draft. Receiving happens through stock intake, which calls
//! [`receive`] inside its own commit transaction.

mod drafts;
mod queries;
mod transitions;

pub use drafts::*;
pub use queries::*;
pub use transitions::*;

pub use crate::domain::purchase_order::number;
pub use crate::models::purchase_order::OrderRow;

use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::purchase_order::PoStatus;
use crate::repo::events::{self, Event, Trail};
use crate::schema::purchase_orders;

pub use crate::domain::purchase_order::Goods;

fn event(
    conn: &mut PgConnection,
    po: i64,
    from: Option<PoStatus>,
    to: PoStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(
        conn,
        Trail::PurchaseOrder(po),
        &Event::moved(from.map(|s| s.as_str()), to.as_str(), note),
        by,
    )?;
    Ok(())
}

/// Locks the order (of this branch) and returns its status.
fn lock(conn: &mut PgConnection, branch_id: i64, po: i64) -> Result<PoStatus, RepoError> {
    let status: String = purchase_orders::table
        .find(po)
        .filter(purchase_orders::branch_id.eq(branch_id))
        .select(purchase_orders::status)
        .for_update()
        .first(conn)?;
    status
        .parse()
        .map_err(|e: String| RepoError::Internal(anyhow::anyhow!(e)))
}

fn touch(conn: &mut PgConnection, po: i64, status: PoStatus) -> Result<(), RepoError> {
    diesel::update(purchase_orders::table.find(po))
        .set((
            purchase_orders::status.eq(status.as_str()),
            purchase_orders::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}
