//! Purchase orders. Every status change locks the order row, checks the table
//! (`domain::purchase_order`), updates it and writes an event row in one transaction. Lines can be
//! changed only while the order is a draft. Receiving happens through stock intake, which calls
//! [`receive`] inside its own commit transaction.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::purchase_order::{PoStatus, after_receipt, check_manual};
use crate::domain::validation::FieldErrors;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{product_models, purchase_order_lines, purchase_orders, stock_items, vendors};

/// What a line (or a delivery line) is: a product model (counted units) or a stock item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Goods {
    /// Serialized units of a product model.
    Model(i64),
    /// A bulk quantity of a stock item.
    Item(i64),
}

/// A new order's header, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    /// The vendor (must exist and be active).
    pub vendor_id: i64,
    /// The vendor's own reference (quote, order number).
    pub vendor_reference: String,
    /// When the delivery is expected.
    pub expected_on: Option<NaiveDate>,
    /// Free text.
    pub note: String,
}

/// An order as shown in lists and on its page.
#[derive(Debug, Clone, Queryable)]
pub struct OrderRow {
    /// Id (the number people say: PO-12).
    pub id: i64,
    /// Status (stored name).
    pub status: String,
    /// Vendor name.
    pub vendor: String,
    /// Vendor id.
    pub vendor_id: i64,
    /// The vendor's reference.
    pub vendor_reference: String,
    /// Expected delivery date.
    pub expected_on: Option<NaiveDate>,
    /// Free text.
    pub note: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl OrderRow {
    /// The order's number as printed.
    pub fn number(&self) -> String {
        number(self.id)
    }
    /// The status as a value.
    pub fn state(&self) -> PoStatus {
        self.status.parse().unwrap_or(PoStatus::Draft)
    }
}

/// The order's number as printed.
pub fn number(id: i64) -> String {
    format!("PO-{id}")
}

/// A line as shown.
#[derive(Debug, Clone)]
pub struct LineView {
    /// Line id.
    pub id: i64,
    /// What is ordered.
    pub goods: Goods,
    /// "Brand Model" or "SKU — name".
    pub what: String,
    /// Ordered.
    pub quantity: i32,
    /// Received so far.
    pub received: i32,
    /// Agreed unit cost.
    pub unit_cost: BigDecimal,
}

impl LineView {
    /// Still to come.
    pub fn outstanding(&self) -> i32 {
        self.quantity - self.received
    }
    /// Quantity × unit cost.
    pub fn total(&self) -> BigDecimal {
        &self.unit_cost * BigDecimal::from(self.quantity)
    }
}

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

/// Opens a draft order at the branch; returns its id.
pub fn create(
    conn: &mut PgConnection,
    branch_id: i64,
    order: &NewOrder,
    by: &By,
) -> Result<i64, RepoError> {
    super::tx(conn, |conn| {
        let active: Option<bool> = vendors::table
            .find(order.vendor_id)
            .select(vendors::active)
            .first(conn)
            .optional()?;
        if active != Some(true) {
            return Err(FieldErrors::single("vendor_id", "Choose the vendor.").into());
        }
        let id: i64 = diesel::insert_into(purchase_orders::table)
            .values((
                purchase_orders::branch_id.eq(branch_id),
                purchase_orders::vendor_id.eq(order.vendor_id),
                purchase_orders::vendor_reference.eq(order.vendor_reference.trim()),
                purchase_orders::expected_on.eq(order.expected_on),
                purchase_orders::note.eq(order.note.trim()),
                purchase_orders::created_by.eq(by.user_id),
            ))
            .returning(purchase_orders::id)
            .get_result(conn)?;
        event(conn, id, None, PoStatus::Draft, "", by)?;
        Ok(id)
    })
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

/// Adds a line to a draft; ordering the same model or item again raises its quantity.
pub fn add_line(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    goods: Goods,
    quantity: i32,
    unit_cost: &BigDecimal,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if quantity <= 0 {
        errors.add("quantity", "Enter how many to order (1 or more).");
    }
    if unit_cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("unit_cost", "The cost cannot be negative.");
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let status = lock(conn, branch_id, po)?;
        if status != PoStatus::Draft {
            return Err(RepoError::Conflict(format!(
                "Lines can be changed only on a draft; this order is {}.",
                status.label()
            )));
        }
        let (model, item) = match goods {
            Goods::Model(id) => {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    product_models::table
                        .find(id)
                        .filter(product_models::active.eq(true)),
                ))
                .get_result(conn)?;
                if !ok {
                    return Err(
                        FieldErrors::single("goods", "Choose a model or a stock item.").into(),
                    );
                }
                (Some(id), None)
            }
            Goods::Item(id) => {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    stock_items::table
                        .find(id)
                        .filter(stock_items::active.eq(true)),
                ))
                .get_result(conn)?;
                if !ok {
                    return Err(
                        FieldErrors::single("goods", "Choose a model or a stock item.").into(),
                    );
                }
                (None, Some(id))
            }
        };
        let existing: Option<i64> = purchase_order_lines::table
            .filter(purchase_order_lines::purchase_order_id.eq(po))
            .filter(
                purchase_order_lines::product_model_id
                    .is_not_distinct_from(model)
                    .and(purchase_order_lines::stock_item_id.is_not_distinct_from(item)),
            )
            .select(purchase_order_lines::id)
            .first(conn)
            .optional()?;
        match existing {
            Some(line) => {
                diesel::update(purchase_order_lines::table.find(line))
                    .set((
                        purchase_order_lines::quantity
                            .eq(purchase_order_lines::quantity + quantity),
                        purchase_order_lines::unit_cost.eq(unit_cost),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(purchase_order_lines::table)
                    .values((
                        purchase_order_lines::purchase_order_id.eq(po),
                        purchase_order_lines::product_model_id.eq(model),
                        purchase_order_lines::stock_item_id.eq(item),
                        purchase_order_lines::quantity.eq(quantity),
                        purchase_order_lines::unit_cost.eq(unit_cost),
                    ))
                    .execute(conn)?;
            }
        }
        diesel::update(purchase_orders::table.find(po))
            .set(purchase_orders::updated_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    })
}

/// Takes a line off a draft.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    line: i64,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let status = lock(conn, branch_id, po)?;
        if status != PoStatus::Draft {
            return Err(RepoError::Conflict(format!(
                "Lines can be changed only on a draft; this order is {}.",
                status.label()
            )));
        }
        diesel::delete(
            purchase_order_lines::table
                .find(line)
                .filter(purchase_order_lines::purchase_order_id.eq(po)),
        )
        .execute(conn)?;
        Ok(())
    })
}

/// Places the order (`draft → ordered`) or cancels it (`draft|ordered → cancelled`).
pub fn change_status(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    to: PoStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let from = lock(conn, branch_id, po)?;
        let lines: i64 = purchase_order_lines::table
            .filter(purchase_order_lines::purchase_order_id.eq(po))
            .count()
            .get_result(conn)?;
        check_manual(from, to, lines as usize).map_err(RepoError::Conflict)?;
        touch(conn, po, to)?;
        event(conn, po, Some(from), to, note.trim(), by)
    })
}

/// Records a delivery against the order, inside the caller's transaction: each delivered model
/// or item must be on the order with enough still outstanding. Moves the order to
/// `partially_received` or `received`.
pub fn receive(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    delivered: &[(Goods, i32)],
    note: &str,
    by: &By,
) -> Result<PoStatus, RepoError> {
    let from = lock(conn, branch_id, po)?;
    if !from.receivable() {
        return Err(RepoError::Conflict(format!(
            "{} is {}; nothing can be received against it.",
            number(po),
            from.label()
        )));
    }
    let mut lines = lines(conn, po)?;
    for (goods, count) in delivered {
        let Some(line) = lines.iter_mut().find(|l| l.goods == *goods) else {
            return Err(RepoError::Conflict(format!(
                "This delivery has goods that are not on {}.",
                number(po)
            )));
        };
        if line.received + count > line.quantity {
            return Err(RepoError::Conflict(format!(
                "{}: {} ordered {}, {} already received, this delivery has {}.",
                line.what,
                number(po),
                line.quantity,
                line.received,
                count
            )));
        }
        line.received += count;
        diesel::update(purchase_order_lines::table.find(line.id))
            .set(purchase_order_lines::received.eq(line.received))
            .execute(conn)?;
    }
    let progress: Vec<(i32, i32)> = lines.iter().map(|l| (l.quantity, l.received)).collect();
    let to = after_receipt(&progress);
    touch(conn, po, to)?;
    event(conn, po, Some(from), to, note, by)?;
    Ok(to)
}

/// One order of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, po: i64) -> Result<OrderRow, RepoError> {
    Ok(purchase_orders::table
        .inner_join(vendors::table)
        .filter(purchase_orders::id.eq(po))
        .filter(purchase_orders::branch_id.eq(branch_id))
        .select(row_columns())
        .first(conn)?)
}

type RowColumns = (
    purchase_orders::id,
    purchase_orders::status,
    vendors::name,
    purchase_orders::vendor_id,
    purchase_orders::vendor_reference,
    purchase_orders::expected_on,
    purchase_orders::note,
    purchase_orders::created_at,
);

fn row_columns() -> RowColumns {
    (
        purchase_orders::id,
        purchase_orders::status,
        vendors::name,
        purchase_orders::vendor_id,
        purchase_orders::vendor_reference,
        purchase_orders::expected_on,
        purchase_orders::note,
        purchase_orders::created_at,
    )
}

type RawLine = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    i32,
    BigDecimal,
);

/// The order's lines, in the order they were added.
pub fn lines(conn: &mut PgConnection, po: i64) -> Result<Vec<LineView>, RepoError> {
    let rows: Vec<RawLine> = purchase_order_lines::table
        .left_join(product_models::table)
        .left_join(stock_items::table)
        .filter(purchase_order_lines::purchase_order_id.eq(po))
        .select((
            purchase_order_lines::id,
            purchase_order_lines::product_model_id,
            purchase_order_lines::stock_item_id,
            product_models::brand.nullable(),
            product_models::model.nullable(),
            stock_items::sku.nullable(),
            stock_items::name.nullable(),
            purchase_order_lines::quantity,
            purchase_order_lines::received,
            purchase_order_lines::unit_cost,
        ))
        .order(purchase_order_lines::id)
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, model, item, brand, mname, sku, iname, quantity, received, unit_cost)| {
                let (goods, what) = match (model, item) {
                    (Some(m), _) => (
                        Goods::Model(m),
                        format!(
                            "{} {}",
                            brand.unwrap_or_default(),
                            mname.unwrap_or_default()
                        ),
                    ),
                    (None, Some(i)) => (
                        Goods::Item(i),
                        format!(
                            "{} — {}",
                            sku.unwrap_or_default(),
                            iname.unwrap_or_default()
                        ),
                    ),
                    (None, None) => {
                        return Err(RepoError::Internal(anyhow::anyhow!(
                            "malformed PO line {id}"
                        )));
                    }
                };
                Ok(LineView {
                    id,
                    goods,
                    what,
                    quantity,
                    received,
                    unit_cost,
                })
            },
        )
        .collect()
}

/// The branch's orders, newest first, by status and by number, vendor or vendor reference; one
/// page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    status: Option<PoStatus>,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OrderRow>, i64), RepoError> {
    let q = q.trim();
    let number = q
        .trim_start_matches(['P', 'p', 'O', 'o', '-'])
        .parse::<i64>()
        .ok();
    let filtered = || {
        let mut query = purchase_orders::table
            .inner_join(vendors::table)
            .filter(purchase_orders::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(purchase_orders::status.eq(s.as_str()));
        }
        if !q.is_empty() {
            let pattern = format!("%{}%", super::audit::escape_like(q));
            query = query.filter(
                vendors::name
                    .ilike(pattern.clone())
                    .or(purchase_orders::vendor_reference.ilike(pattern))
                    .or(purchase_orders::id.nullable().eq(number)),
            );
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(purchase_orders::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
    let rows = filtered()
        .select(row_columns())
        .order(purchase_orders::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Orders of the branch that deliveries can be received against, as (id, "PO-12 · Vendor").
pub fn receivable(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    let rows: Vec<(i64, String)> = purchase_orders::table
        .inner_join(vendors::table)
        .filter(purchase_orders::branch_id.eq(branch_id))
        .filter(purchase_orders::status.eq_any(["ordered", "partially_received"]))
        .select((purchase_orders::id, vendors::name))
        .order(purchase_orders::id.desc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, vendor)| (id, format!("{} · {vendor}", number(id))))
        .collect())
}
