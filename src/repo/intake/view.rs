//! What the intake screen shows of a batch: its counts and goods, the latest scans, the bulk
//! lines; and a committed delivery with the units it became, for its labels.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text, Timestamptz};

use super::{LineRow, RawLine};
use crate::domain::intake::BatchStatus;
use crate::repo::RepoError;
use crate::schema::{intake_lines, product_models, stock_items};

/// The goods of a batch, one row per model or stock item.
#[derive(Debug, Clone, QueryableByName)]
pub struct GoodsRow {
    #[diesel(sql_type = Text)]
    pub what: String,
    /// Whether these are serialized units (else bulk pieces).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub units: bool,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = Numeric)]
    pub value: BigDecimal,
}

/// A batch in figures: how many units, bulk pieces and lines, and its goods.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub units: i64,
    pub pieces: i64,
    pub lines: i64,
    pub goods: Vec<GoodsRow>,
}

/// The batch's figures and goods, in one query however many lines it has.
pub fn summary(conn: &mut PgConnection, batch_id: i64) -> Result<Summary, RepoError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        lines: i64,
        #[diesel(sql_type = Text)]
        what: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        units: bool,
        #[diesel(sql_type = BigInt)]
        quantity: i64,
        #[diesel(sql_type = Numeric)]
        value: BigDecimal,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT count(*) AS lines, coalesce(pm.brand || ' ' || pm.model, si.sku || ' ' || si.name, '') AS what, \
                l.serial IS NOT NULL AS units, sum(l.quantity)::int8 AS quantity, \
                sum(l.quantity * l.unit_cost) AS value \
         FROM intake_lines l \
         LEFT JOIN product_models pm ON pm.id = l.product_model_id \
         LEFT JOIN stock_items si ON si.id = l.stock_item_id \
         WHERE l.batch_id = $1 \
         GROUP BY l.product_model_id, l.stock_item_id, 2, 3 ORDER BY 3 DESC, 2",
    )
    .bind::<BigInt, _>(batch_id)
    .load(conn)?;
    let mut s = Summary::default();
    for r in rows {
        s.lines += r.lines;
        if r.units {
            s.units += r.quantity;
        } else {
            s.pieces += r.quantity;
        }
        s.goods.push(GoodsRow {
            what: r.what,
            units: r.units,
            quantity: r.quantity,
            value: r.value,
        });
    }
    Ok(s)
}

/// The batch's latest `n` scanned units (newest first) or all its bulk lines, as shown.
pub fn lines(
    conn: &mut PgConnection,
    batch_id: i64,
    serialized: bool,
    n: i64,
) -> Result<Vec<LineRow>, RepoError> {
    let query = intake_lines::table
        .left_join(product_models::table)
        .left_join(stock_items::table)
        .filter(intake_lines::batch_id.eq(batch_id))
        .select((
            intake_lines::id,
            intake_lines::serial,
            product_models::brand.nullable(),
            product_models::model.nullable(),
            stock_items::name.nullable(),
            intake_lines::quantity,
            intake_lines::unit_cost,
        ))
        .order(intake_lines::id.desc())
        .limit(n)
        .into_boxed();
    let query = if serialized {
        query.filter(intake_lines::serial.is_not_null())
    } else {
        query.filter(intake_lines::serial.is_null())
    };
    let rows: Vec<RawLine> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, serial, brand, model, item, qty, cost)| {
            let what = match (brand, model, item) {
                (Some(b), Some(m), _) => format!("{b} {m}"),
                (_, _, Some(i)) => i,
                _ => String::new(),
            };
            (id, serial, what, qty, cost)
        })
        .collect())
}

/// A committed delivery of the branch, as its receipt and labels show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Delivery {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub committed_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub received_by: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub vendor: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub purchase_order_id: Option<i64>,
}

/// A unit's label: its tag (the barcode), model and serial.
#[derive(Debug, Clone, QueryableByName)]
pub struct UnitLabel {
    #[diesel(sql_type = Text)]
    pub tag: String,
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = Text)]
    pub serial: String,
}

/// A bulk line's label: the SKU (the barcode), name, price and how many arrived.
#[derive(Debug, Clone, QueryableByName)]
pub struct ItemLabel {
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Numeric)]
    pub price: BigDecimal,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
}

/// A committed delivery of the branch (404 for an open one or another branch's).
pub fn delivery(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
) -> Result<Delivery, RepoError> {
    Ok(diesel::sql_query(
        "SELECT b.id, b.committed_at, coalesce(u.full_name, '') AS received_by, \
                v.name AS vendor, b.purchase_order_id \
         FROM intake_batches b \
         LEFT JOIN staff_users u ON u.id = b.created_by \
         LEFT JOIN vendors v ON v.id = b.vendor_id \
         WHERE b.id = $1 AND b.branch_id = $2 AND b.status = $3",
    )
    .bind::<BigInt, _>(batch_id)
    .bind::<BigInt, _>(branch_id)
    .bind::<Text, _>(BatchStatus::Committed.as_str())
    .get_result(conn)?)
}

/// The units a committed delivery became, in the order they were scanned.
pub fn unit_labels(conn: &mut PgConnection, batch_id: i64) -> Result<Vec<UnitLabel>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT a.asset_tag AS tag, pm.brand || ' ' || pm.model AS model, a.serial \
         FROM intake_lines l JOIN assets a ON a.id = l.asset_id \
         JOIN product_models pm ON pm.id = a.product_model_id \
         WHERE l.batch_id = $1 ORDER BY l.id",
    )
    .bind::<BigInt, _>(batch_id)
    .load(conn)?)
}

/// The stock items a delivery brought, one row per item with the pieces that arrived.
pub fn item_labels(conn: &mut PgConnection, batch_id: i64) -> Result<Vec<ItemLabel>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT si.sku, si.name, si.unit_price AS price, sum(l.quantity)::int8 AS quantity \
         FROM intake_lines l JOIN stock_items si ON si.id = l.stock_item_id \
         WHERE l.batch_id = $1 GROUP BY si.id ORDER BY min(l.id)",
    )
    .bind::<BigInt, _>(batch_id)
    .load(conn)?)
}

/// The branch's committed deliveries, newest first: (id, committed, by, units, pieces).
pub type DeliveryRow = (i64, DateTime<Utc>, String, i64, i64);

/// A page of the branch's committed deliveries, newest first, and how many match (up to
/// [`crate::repo::COUNT_CAP`]). `q` finds the delivery that brought a serial, or a delivery by
/// its number.
pub fn deliveries(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DeliveryRow>, i64), RepoError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Timestamptz)]
        committed_at: DateTime<Utc>,
        #[diesel(sql_type = Text)]
        by: String,
        #[diesel(sql_type = BigInt)]
        units: i64,
        #[diesel(sql_type = BigInt)]
        pieces: i64,
        #[diesel(sql_type = BigInt)]
        total: i64,
    }
    let q = q.trim().trim_start_matches('#').to_uppercase();
    let number = q.parse::<i64>().ok();
    // a search looks a serial up by its index, or a delivery by its number
    let filter = match q.is_empty() {
        true => "",
        false => {
            "AND (b.id = $3 OR b.id IN (SELECT l.batch_id FROM intake_lines l \
             WHERE upper(btrim(l.serial)) = $2 AND l.serial IS NOT NULL))"
        }
    };
    let rows: Vec<Row> = diesel::sql_query(format!(
        "WITH found AS ( \
           SELECT b.id, b.committed_at, b.created_by FROM intake_batches b \
           WHERE b.branch_id = $1 AND b.status = 'committed' {filter} \
           ORDER BY b.committed_at DESC LIMIT $6), \
         counted AS (SELECT count(*) AS total FROM found) \
         SELECT f.id, f.committed_at, coalesce(u.full_name, '') AS by, \
                (SELECT count(*) FROM intake_lines l WHERE l.batch_id = f.id AND l.serial IS NOT NULL) AS units, \
                (SELECT coalesce(sum(quantity), 0)::int8 FROM intake_lines l \
                 WHERE l.batch_id = f.id AND l.serial IS NULL) AS pieces, \
                counted.total \
         FROM found f CROSS JOIN counted LEFT JOIN staff_users u ON u.id = f.created_by \
         ORDER BY f.committed_at DESC OFFSET $4 LIMIT $5"
    ))
    .bind::<BigInt, _>(branch_id)
    .bind::<Text, _>(&q)
    .bind::<Nullable<BigInt>, _>(number)
    .bind::<BigInt, _>(offset.max(0))
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(crate::repo::COUNT_CAP)
    .load(conn)?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((
        rows.into_iter()
            .map(|r| (r.id, r.committed_at, r.by, r.units, r.pieces))
            .collect(),
        total,
    ))
}
