//! Stock intake: an open batch per person and branch that survives reloads, scanned line by line,
//! then committed in one transaction (every unit, every ledger row, or nothing).

mod commit;
mod lines;
mod order;
mod units;
mod view;

pub use commit::*;
pub use lines::*;
pub use order::*;
pub use units::*;
pub use view::*;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::intake::BatchStatus;
use crate::schema::intake_batches;

/// A line as shown: id, serial or SKU, what it is, quantity, unit cost.
pub type LineRow = (i64, Option<String>, String, i32, BigDecimal);

type CommitLine = (Option<String>, Option<i64>, Option<i64>, i32, BigDecimal);
type RawLine = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    BigDecimal,
);

/// An open batch: id, shipping, duty, when it was started, the purchase order it receives.
pub type Batch = (i64, BigDecimal, BigDecimal, DateTime<Utc>, Option<i64>);

/// The user's open batch at the branch, started when there is none.
pub fn open_batch(conn: &mut PgConnection, branch_id: i64, by: &By) -> Result<Batch, RepoError> {
    super::tx(conn, |conn| {
        let found = intake_batches::table
            .filter(intake_batches::branch_id.eq(branch_id))
            .filter(intake_batches::created_by.is_not_distinct_from(by.user_id))
            .filter(intake_batches::status.eq(BatchStatus::Open.as_str()))
            .select((
                intake_batches::id,
                intake_batches::shipping,
                intake_batches::duty,
                intake_batches::created_at,
                intake_batches::purchase_order_id,
            ))
            .order(intake_batches::id.desc())
            .first(conn)
            .optional()?;
        if let Some(batch) = found {
            return Ok(batch);
        }
        Ok(diesel::insert_into(intake_batches::table)
            .values((
                intake_batches::branch_id.eq(branch_id),
                intake_batches::created_by.eq(by.user_id),
            ))
            .returning((
                intake_batches::id,
                intake_batches::shipping,
                intake_batches::duty,
                intake_batches::created_at,
                intake_batches::purchase_order_id,
            ))
            .get_result(conn)?)
    })
}

fn lock_open(conn: &mut PgConnection, branch_id: i64, batch_id: i64) -> Result<(), RepoError> {
    let status: String = intake_batches::table
        .find(batch_id)
        .filter(intake_batches::branch_id.eq(branch_id))
        .select(intake_batches::status)
        .for_update()
        .first(conn)?;
    if status != "open" {
        return Err(RepoError::Conflict(format!(
            "This delivery was already {status}."
        )));
    }
    Ok(())
}
