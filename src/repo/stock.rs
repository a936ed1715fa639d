//! The bulk stock ledger. On-hand changes only through ledger rows: a trigger applies each row to
//! `stock_levels`, whose CHECK keeps on-hand at zero or more. A take-out that would go below
//! zero is not written and is reported as a message naming what is left; when another posting
//! took the stock in the meantime, the trigger refuses it with the same figures and the whole
//! transaction fails.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::{By, RepoError};
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::schema::{stock_items, stock_ledger, stock_levels};

/// Kinds of ledger rows.
pub const KINDS: [&str; 7] = [
    "intake",
    "sale",
    "repair_use",
    "adjustment",
    "transfer_out",
    "transfer_in",
    "return",
];

/// One change of on-hand.
#[derive(Debug, Clone)]
pub struct Posting<'a> {
    /// The stock item.
    pub stock_item_id: i64,
    /// The branch whose stock changes.
    pub branch_id: i64,
    /// One of [`KINDS`].
    pub kind: &'a str,
    /// Signed: positive adds stock, negative takes it out.
    pub quantity: i32,
    /// Unit cost for intakes.
    pub unit_cost: Option<BigDecimal>,
    /// Required for adjustments.
    pub reason: &'a str,
    /// Invoice, ticket or PO number.
    pub reference: &'a str,
}

/// On-hand of an item at a branch (0 when it never had any).
pub fn on_hand(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
) -> Result<i32, RepoError> {
    Ok(stock_levels::table
        .find((stock_item_id, branch_id))
        .select(stock_levels::on_hand)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Writes one ledger row (and so changes on-hand). Adjustments are audited.
pub fn post(conn: &mut PgConnection, p: &Posting, by: &By) -> Result<i64, RepoError> {
    if !KINDS.contains(&p.kind) {
        return Err(RepoError::Conflict(format!(
            "Unknown stock movement: {}.",
            p.kind
        )));
    }
    if p.quantity == 0 {
        return Err(FieldErrors::single("quantity", "Enter a quantity other than zero.").into());
    }
    if p.kind == "adjustment" && p.reason.trim().is_empty() {
        return Err(FieldErrors::single(
            "reason",
            "Say why stock is adjusted (count, damage, loss…).",
        )
        .into());
    }
    super::tx(conn, |conn| {
        // One statement, no savepoint: the row is written only when on-hand (as this statement
        // sees it) covers a take-out, and on-hand and the SKU come back for the message when it
        // does not. Should another till take the stock between that look and the trigger's
        // update, the trigger refuses it (migration 000021; the transaction then ends).
        #[derive(QueryableByName)]
        struct Posted {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            id: Option<i64>,
            #[diesel(sql_type = diesel::sql_types::Integer)]
            on_hand: i32,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            sku: Option<String>,
        }
        use diesel::sql_types::{BigInt, Integer, Nullable, Numeric, Text};
        let posted = super::prepared::prepared(
            "WITH have AS ( \
               SELECT COALESCE((SELECT on_hand FROM stock_levels WHERE stock_item_id = $1 AND branch_id = $2), 0) AS on_hand), \
             ins AS ( \
               INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, unit_cost, reason, reference, actor_user_id) \
               SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM have WHERE have.on_hand + $4 >= 0 \
               RETURNING id) \
             SELECT (SELECT id FROM ins) AS id, have.on_hand, \
                    CASE WHEN have.on_hand + $4 < 0 THEN (SELECT sku FROM stock_items WHERE id = $1) END AS sku \
             FROM have",
        )
        .bind::<BigInt, _>(p.stock_item_id)
        .bind::<BigInt, _>(p.branch_id)
        .bind::<Text, _>(p.kind)
        .bind::<Integer, _>(p.quantity)
        .bind::<Nullable<Numeric>, _>(&p.unit_cost)
        .bind::<Text, _>(p.reason.trim())
        .bind::<Text, _>(p.reference)
        .bind::<Nullable<BigInt>, _>(by.user_id)
        .get_result::<Posted>(conn);
        let short = |on_hand: i32, sku: &str| -> RepoError {
            FieldErrors::single(
                "quantity",
                format!(
                    "Only {on_hand} of {sku} in stock here; {} cannot be taken out.",
                    -p.quantity
                ),
            )
            .into()
        };
        let id = match posted {
            Ok(Posted { id: Some(id), .. }) => id,
            Ok(Posted { on_hand, sku, .. }) => {
                return Err(short(on_hand, &sku.unwrap_or_default()));
            }
            // The race: the trigger found less than this statement saw, and says how much
            // (DETAIL) of which SKU (HINT). The transaction cannot go on; the caller's ends.
            Err(DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info))
                if info.constraint_name() == Some("stock_levels_on_hand_not_negative") =>
            {
                let left = info.details().and_then(|d| d.parse::<i32>().ok());
                return Err(match (left, info.hint()) {
                    (Some(left), Some(sku)) => short(left, sku),
                    // The CHECK itself (not the trigger's refusal): no figures to give.
                    _ => FieldErrors::single(
                        "quantity",
                        format!(
                            "Not enough in stock here; {} cannot be taken out.",
                            -p.quantity
                        ),
                    )
                    .into(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        if p.kind == "adjustment" {
            super::audit::record(
                conn,
                NewAuditEntry::new("stock.adjust", "stock_item", Some(p.stock_item_id.to_string()))
                    .by(by.user_id, by.client_addr.as_deref())
                    .change(
                        None,
                        Some(serde_json::json!({ "branch_id": p.branch_id, "quantity": p.quantity, "reason": p.reason })),
                    ),
            )?;
        }
        Ok(id)
    })
}

/// Sum of an item's ledger rows at a branch (what on-hand must equal).
pub fn ledger_sum(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
) -> Result<i64, RepoError> {
    use diesel::dsl::sum;
    let total: Option<i64> = stock_ledger::table
        .filter(stock_ledger::stock_item_id.eq(stock_item_id))
        .filter(stock_ledger::branch_id.eq(branch_id))
        .select(sum(stock_ledger::quantity))
        .first(conn)?;
    Ok(total.unwrap_or(0))
}

/// Adds a product model (category Laptop, Phone, Tablet, Part or Accessory).
pub fn create_product_model(
    conn: &mut PgConnection,
    category: &str,
    brand: &str,
    model: &str,
    warranty_days: i32,
    by: &By,
) -> Result<crate::models::stock::ProductModel, RepoError> {
    use crate::schema::product_models;
    if !["Laptop", "Phone", "Tablet", "Part", "Accessory"].contains(&category) {
        return Err(FieldErrors::single(
            "category",
            "Choose Laptop, Phone, Tablet, Part or Accessory.",
        )
        .into());
    }
    super::tx(conn, |conn| {
        let created = diesel::insert_into(product_models::table)
            .values((
                product_models::category.eq(category),
                product_models::brand.eq(brand.trim()),
                product_models::model.eq(model.trim()),
                product_models::warranty_days.eq(warranty_days),
            ))
            .returning(crate::models::stock::ProductModel::as_returning())
            .get_result(conn)
            .map_err(|e| match super::unique_violation(&e) {
                Some("product_models_key") => {
                    FieldErrors::single("model", "This model exists already.").into()
                }
                _ => RepoError::from(e),
            })?;
        super::audit::record(
            conn,
            NewAuditEntry::new(
                "product_model.create",
                "product_model",
                Some(created.id.to_string()),
            )
            .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(created)
    })
}

/// Adds a stock item (SKU).
pub fn create_stock_item(
    conn: &mut PgConnection,
    sku: &str,
    name: &str,
    unit_cost: BigDecimal,
    unit_price: BigDecimal,
    reorder_threshold: i32,
    by: &By,
) -> Result<crate::models::stock::StockItem, RepoError> {
    super::tx(conn, |conn| {
        let created = diesel::insert_into(stock_items::table)
            .values((
                stock_items::sku.eq(sku.trim().to_uppercase()),
                stock_items::name.eq(name.trim()),
                stock_items::unit_cost.eq(unit_cost),
                stock_items::unit_price.eq(unit_price),
                stock_items::reorder_threshold.eq(reorder_threshold),
            ))
            .returning(crate::models::stock::StockItem::as_returning())
            .get_result(conn)
            .map_err(|e| match super::unique_violation(&e) {
                Some("stock_items_sku_key") => {
                    FieldErrors::single("sku", "Another item has this SKU.").into()
                }
                _ => RepoError::from(e),
            })?;
        super::audit::record(
            conn,
            NewAuditEntry::new(
                "stock_item.create",
                "stock_item",
                Some(created.id.to_string()),
            )
            .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(created)
    })
}

/// Stock items with their on-hand at a branch, by SKU; `low_only` keeps those below their
/// reorder threshold (the low-stock list). One page and the total.
pub fn list_items(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
    low_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(crate::models::stock::StockItem, i32)>, i64), RepoError> {
    use diesel::dsl::sql;
    use diesel::sql_types::Integer;
    let on_hand = sql::<Integer>("COALESCE(stock_levels.on_hand, 0)");
    let filtered = || {
        let mut query = stock_items::table
            .left_join(
                stock_levels::table.on(stock_levels::stock_item_id
                    .eq(stock_items::id)
                    .and(stock_levels::branch_id.eq(branch_id))),
            )
            .filter(stock_items::active.eq(true))
            .into_boxed();
        let q = q.trim();
        if !q.is_empty() {
            let pattern = format!("%{}%", super::audit::escape_like(q));
            query = query.filter(
                stock_items::sku
                    .ilike(pattern.clone())
                    .or(stock_items::name.ilike(pattern)),
            );
        }
        if low_only {
            query = query.filter(sql::<diesel::sql_types::Bool>(
                "COALESCE(stock_levels.on_hand, 0) < stock_items.reorder_threshold",
            ));
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(stock_items::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
    let rows = filtered()
        .select((crate::models::stock::StockItem::as_select(), on_hand))
        .order(stock_items::sku.asc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// One stock item.
pub fn get_item(
    conn: &mut PgConnection,
    id: i64,
) -> Result<crate::models::stock::StockItem, RepoError> {
    Ok(stock_items::table
        .find(id)
        .select(crate::models::stock::StockItem::as_select())
        .first(conn)?)
}

/// A ledger row as shown: (id, at, kind, quantity, reason, reference, actor name).
pub type LedgerRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    i32,
    String,
    String,
    Option<String>,
);

/// One page of an item's ledger at a branch, newest first: up to `limit` rows older than the
/// row `before` (the newest when `None`), and whether older rows remain. Keyset paging on
/// `(stock_item_id, branch_id, id)`, so a page deep in years of history costs what the first
/// one does.
pub fn ledger(
    conn: &mut PgConnection,
    stock_item_id: i64,
    branch_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<LedgerRow>, bool), RepoError> {
    use crate::schema::staff_users;
    let mut rows: Vec<LedgerRow> = stock_ledger::table
        .left_join(staff_users::table)
        .filter(stock_ledger::stock_item_id.eq(stock_item_id))
        .filter(stock_ledger::branch_id.eq(branch_id))
        .filter(stock_ledger::id.lt(before.unwrap_or(i64::MAX)))
        .select((
            stock_ledger::id,
            stock_ledger::at,
            stock_ledger::kind,
            stock_ledger::quantity,
            stock_ledger::reason,
            stock_ledger::reference,
            staff_users::full_name.nullable(),
        ))
        .order(stock_ledger::id.desc())
        .limit(limit + 1)
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    Ok((rows, more))
}

/// Active product models as (id, "Brand Model (Category)").
pub fn model_choices(conn: &mut PgConnection) -> Result<Vec<(i64, String)>, RepoError> {
    use crate::schema::product_models;
    let rows: Vec<(i64, String, String, String)> = product_models::table
        .filter(product_models::active.eq(true))
        .select((
            product_models::id,
            product_models::brand,
            product_models::model,
            product_models::category,
        ))
        .order((product_models::brand, product_models::model))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, b, m, c)| (id, format!("{b} {m} ({c})")))
        .collect())
}

/// Active stock items as (id, "SKU — name").
pub fn item_choices(conn: &mut PgConnection) -> Result<Vec<(i64, String)>, RepoError> {
    let rows: Vec<(i64, String, String)> = stock_items::table
        .filter(stock_items::active.eq(true))
        .select((stock_items::id, stock_items::sku, stock_items::name))
        .order(stock_items::sku)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, sku, name)| (id, format!("{sku} — {name}")))
        .collect())
}

/// Adds a vendor.
pub fn create_vendor(
    conn: &mut PgConnection,
    name: &str,
    phone: &str,
    email: &str,
    by: &By,
) -> Result<i64, RepoError> {
    use crate::schema::vendors;
    if name.trim().is_empty() {
        return Err(FieldErrors::single("vendor_name", "Enter the vendor's name.").into());
    }
    super::tx(conn, |conn| {
        let created: i64 = diesel::insert_into(vendors::table)
            .values((
                vendors::name.eq(name.trim()),
                vendors::phone.eq(phone.trim()),
                vendors::email.eq(email.trim()),
            ))
            .returning(vendors::id)
            .get_result(conn)
            .map_err(|e| match super::unique_violation(&e) {
                Some("vendors_name_key") => RepoError::from(FieldErrors::single(
                    "vendor_name",
                    "This vendor exists already.",
                )),
                _ => e.into(),
            })?;
        super::audit::record(
            conn,
            NewAuditEntry::new("vendor.create", "vendor", Some(created.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(created)
    })
}

/// Vendors by name as (id, name).
pub fn vendor_choices(conn: &mut PgConnection) -> Result<Vec<(i64, String)>, RepoError> {
    use crate::schema::vendors;
    Ok(vendors::table
        .select((vendors::id, vendors::name))
        .order(vendors::name)
        .load(conn)?)
}
