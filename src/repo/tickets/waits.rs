//! A ticket waiting for parts: the stock item and how many, recorded from the ticket page or the
//! tablet; and what happens when a delivery or a transfer brings them to the branch: each wait
//! that the arriving quantity covers (oldest first) is marked arrived, written on the ticket's
//! history, and its technician and whoever recorded it are told, in the arrival's transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};

use super::{event, live, lock};
use crate::domain::validation::FieldErrors;
use crate::repo::notifications::{self, Kind, Notice};
use crate::repo::{By, RepoError};
use crate::schema::{staff_users, stock_items, ticket_part_waits};

/// A wait as the ticket shows it.
#[derive(Debug, Clone, Queryable)]
pub struct PartWait {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub created_at: DateTime<Utc>,
    pub by: Option<String>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrived_with: Option<String>,
}

/// The ticket's waits, oldest first.
pub fn part_waits(conn: &mut PgConnection, ticket_id: i64) -> Result<Vec<PartWait>, RepoError> {
    Ok(ticket_part_waits::table
        .inner_join(stock_items::table)
        .left_join(
            staff_users::table.on(staff_users::id.nullable().eq(ticket_part_waits::created_by)),
        )
        .filter(ticket_part_waits::ticket_id.eq(ticket_id))
        .order(ticket_part_waits::id)
        .select((
            ticket_part_waits::id,
            stock_items::sku,
            stock_items::name,
            ticket_part_waits::quantity,
            ticket_part_waits::created_at,
            staff_users::full_name.nullable(),
            ticket_part_waits::arrived_at,
            ticket_part_waits::arrived_with,
        ))
        .load(conn)?)
}

/// The active stock item typed as its SKU (any case) or its name, or the one item whose SKU or
/// name contains what was typed; refused under `wait_code` otherwise.
fn find_item(conn: &mut PgConnection, typed: &str) -> Result<(i64, String), RepoError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(
            FieldErrors::single("wait_code", "Type or scan the part's SKU or name.").into(),
        );
    }
    let exact: Option<(i64, String)> = stock_items::table
        .filter(stock_items::active.eq(true))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(upper(sku) = upper(")
                .bind::<Text, _>(typed)
                .sql(") OR lower(name) = lower(")
                .bind::<Text, _>(typed)
                .sql("))"),
        )
        .select((stock_items::id, stock_items::name))
        .order(stock_items::id)
        .first(conn)
        .optional()?;
    if let Some(found) = exact {
        return Ok(found);
    }
    let pattern = format!(
        "%{}%",
        typed
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let near: Vec<(i64, String, String)> = stock_items::table
        .filter(stock_items::active.eq(true))
        .filter(
            stock_items::sku
                .ilike(&pattern)
                .or(stock_items::name.ilike(&pattern)),
        )
        .select((stock_items::id, stock_items::sku, stock_items::name))
        .order(stock_items::name)
        .limit(4)
        .load(conn)?;
    match near.as_slice() {
        [(id, _, name)] => Ok((*id, name.clone())),
        [] => Err(FieldErrors::single(
            "wait_code",
            format!("No stock item has the SKU or name “{typed}”."),
        )
        .into()),
        several => Err(FieldErrors::single(
            "wait_code",
            format!(
                "Several items match “{typed}”: {}; type the SKU.",
                several
                    .iter()
                    .take(3)
                    .map(|(_, sku, name)| format!("{name} ({sku})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}

/// Records that the ticket waits for `quantity` of the item typed (SKU or name); returns what
/// the person is told.
pub fn wait_for_part(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    typed: &str,
    quantity: i32,
    by: &By,
) -> Result<String, RepoError> {
    if quantity <= 0 {
        return Err(FieldErrors::single("quantity", "Enter how many (1 or more).").into());
    }
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, ticket_id)?;
        live(&t)?;
        let (item, name) = find_item(conn, typed)?;
        diesel::insert_into(ticket_part_waits::table)
            .values((
                ticket_part_waits::ticket_id.eq(ticket_id),
                ticket_part_waits::branch_id.eq(branch_id),
                ticket_part_waits::stock_item_id.eq(item),
                ticket_part_waits::quantity.eq(quantity),
                ticket_part_waits::created_by.eq(by.user_id),
            ))
            .execute(conn)?;
        let what = format!("{name} ×{quantity}");
        event(
            conn,
            ticket_id,
            "parts",
            None,
            None,
            &format!("Waiting for {what}."),
            by,
        )?;
        Ok(format!(
            "Waiting for {what}: you will be told when it arrives."
        ))
    })
}

/// Takes back a wait that has not been met (ordered by mistake, found on the shelf).
pub fn cancel_wait(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    wait_id: i64,
    by: &By,
) -> Result<String, RepoError> {
    crate::repo::tx(conn, |conn| {
        lock(conn, branch_id, ticket_id)?;
        let gone: Option<(i64, i32)> = diesel::delete(
            ticket_part_waits::table
                .filter(ticket_part_waits::id.eq(wait_id))
                .filter(ticket_part_waits::ticket_id.eq(ticket_id))
                .filter(ticket_part_waits::arrived_at.is_null()),
        )
        .returning((
            ticket_part_waits::stock_item_id,
            ticket_part_waits::quantity,
        ))
        .get_result(conn)
        .optional()?;
        let Some((item, quantity)) = gone else {
            return Err(RepoError::Conflict(
                "That wait has been met or taken back already.".into(),
            ));
        };
        let name: String = stock_items::table
            .find(item)
            .select(stock_items::name)
            .first(conn)?;
        let what = format!("{name} ×{quantity}");
        event(
            conn,
            ticket_id,
            "parts",
            None,
            None,
            &format!("No longer waiting for {what}."),
            by,
        )?;
        Ok(format!("No longer waiting for {what}."))
    })
}

#[derive(QueryableByName)]
struct Open {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    ticket_id: i64,
    #[diesel(sql_type = BigInt)]
    stock_item_id: i64,
    #[diesel(sql_type = Integer)]
    quantity: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    created_by: Option<i64>,
    #[diesel(sql_type = Integer)]
    number: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    assigned_to: Option<i64>,
    #[diesel(sql_type = Text)]
    name: String,
}

/// Stock items arrived at the branch (`arrived`: item and quantity) with `reference` ("intake
/// #12"), inside the caller's transaction: the open waits they cover, oldest first, are marked
/// arrived, written on their tickets and told to the ticket's technician and whoever recorded
/// the wait (not to the person receiving). Returns how many waits were met.
pub fn parts_arrived(
    conn: &mut PgConnection,
    branch_id: i64,
    arrived: &[(i64, i32)],
    reference: &str,
    by: &By,
) -> Result<usize, RepoError> {
    if arrived.is_empty() {
        return Ok(0);
    }
    let mut left: HashMap<i64, i32> = HashMap::new();
    for (item, n) in arrived {
        *left.entry(*item).or_default() += n;
    }
    let items: Vec<i64> = left.keys().copied().collect();
    let open: Vec<Open> = diesel::sql_query(
        "SELECT w.id, w.ticket_id, w.stock_item_id, w.quantity, w.created_by, t.number, \
                t.assigned_to, si.name \
         FROM ticket_part_waits w JOIN tickets t ON t.id = w.ticket_id \
         JOIN stock_items si ON si.id = w.stock_item_id \
         WHERE w.branch_id = $1 AND w.arrived_at IS NULL AND w.stock_item_id = ANY($2) \
         ORDER BY w.id FOR UPDATE OF w",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<Array<BigInt>, _>(&items)
    .load(conn)?;
    let mut met = 0;
    for w in open {
        let Some(n) = left.get_mut(&w.stock_item_id) else {
            continue;
        };
        if *n < w.quantity {
            continue;
        }
        *n -= w.quantity;
        diesel::update(ticket_part_waits::table.find(w.id))
            .set((
                ticket_part_waits::arrived_at.eq(diesel::dsl::now),
                ticket_part_waits::arrived_with.eq(reference),
            ))
            .execute(conn)?;
        let what = format!("{} ×{}", w.name, w.quantity);
        let note = format!("Arrived: {what} ({reference}).");
        event(conn, w.ticket_id, "parts", None, None, &note, by)?;
        let text = format!("Parts received for #{}: {what}", w.number);
        let tell = |conn: &mut PgConnection, user: Option<i64>, link: String| match user {
            Some(u) if Some(u) != by.user_id => notifications::notify(
                conn,
                &[u],
                &Notice {
                    branch_id,
                    kind: Kind::PartsReceived,
                    text: &text,
                    link: &link,
                    once_key: "",
                },
            )
            .map(|_| ()),
            _ => Ok(()),
        };
        // the technician on the tablet; whoever recorded it (if someone else) at the counter
        tell(conn, w.assigned_to, format!("/floor/{}", w.ticket_id))?;
        if w.created_by != w.assigned_to {
            tell(conn, w.created_by, format!("/tickets/{}", w.ticket_id))?;
        }
        met += 1;
    }
    Ok(met)
}
