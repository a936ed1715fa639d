//! The staging table a commit COPYs each chunk into, the chunk written as COPY's CSV, and the
//! statements that move a chunk from it into the shop's tables.

use std::fmt::Write as _;

use super::plan::Planned;
use crate::domain::import::STAGED_COLUMNS;
use crate::domain::import::kinds::ImportKind;

diesel::table! {
    /// The staging table, temporary, dropped at commit.
    import_rows (line) {
        line -> Int4,
        id -> Nullable<Int8>,
        link -> Nullable<Int8>,
        branch_id -> Nullable<Int8>,
        fresh -> Bool,
        opening -> Bool,
        v0 -> Nullable<Text>, v1 -> Nullable<Text>, v2 -> Nullable<Text>, v3 -> Nullable<Text>,
        v4 -> Nullable<Text>, v5 -> Nullable<Text>, v6 -> Nullable<Text>, v7 -> Nullable<Text>,
        v8 -> Nullable<Text>, v9 -> Nullable<Text>, v10 -> Nullable<Text>, v11 -> Nullable<Text>,
        v12 -> Nullable<Text>, v13 -> Nullable<Text>, v14 -> Nullable<Text>, v15 -> Nullable<Text>,
        v16 -> Nullable<Text>, v17 -> Nullable<Text>, v18 -> Nullable<Text>, v19 -> Nullable<Text>,
        v20 -> Nullable<Text>, v21 -> Nullable<Text>,
    }
}

/// The chunk as COPY's CSV: an unquoted empty cell is NULL, a quoted one an empty text.
pub(super) fn csv(chunk: &[&Planned], id_of: &dyn Fn(&Planned) -> Option<i64>) -> String {
    let mut out = String::new();
    let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for p in chunk {
        let _ = write!(
            out,
            "{},{},{},{},{},{}",
            p.row.line,
            num(id_of(p)),
            num(p.vendor_id),
            num(p.branch_id),
            p.fresh,
            p.opening
        );
        for i in 0..STAGED_COLUMNS {
            out.push(',');
            if let Some(Some(v)) = p.row.values.get(i) {
                let _ = write!(out, "\"{}\"", v.replace('"', "\"\""));
            }
        }
        out.push('\n');
    }
    out
}

/// The statements that move a chunk from the staging table into the shop's tables. `$1` is the
/// branch, `$2` the import's reference, `$3` the user (each statement uses those it needs). Columns are this module's and
/// `domain::import::kinds`' constants.
pub(super) fn statements(kind: &ImportKind) -> Vec<String> {
    let v = |k: &str| format!("v{}", kind.at(k));
    let text = |k: &str| format!("coalesce({}, '')", v(k));
    let reference = format!("nullif({}, '')", v("external_ref"));
    match kind.kind {
        "customers" => vec![
            format!(
                "INSERT INTO customers (id, kind, segment, name, phone, email, address, \
                   marketing_consent, marketing_consent_at, notes, created_branch_id, external_ref) \
                 SELECT id, {}, {}, {}, {}, {}, {}, {c}::boolean, CASE WHEN {c}::boolean THEN now() END, \
                   {}, $1, {reference} FROM import_rows ORDER BY line",
                v("kind"),
                v("segment"),
                v("name"),
                text("phone"),
                text("email"),
                text("address"),
                text("notes"),
                c = v("marketing_consent"),
            ),
            format!(
                "INSERT INTO vehicles (customer_id, vin, plate, make, model, year, mileage) \
                 SELECT id, nullif({vin}, ''), {}, {}, {}, {}::int4, {}::int4 FROM import_rows \
                 WHERE ({} <> '' OR {vin} IS NOT NULL) ORDER BY line",
                text("plate"),
                text("make"),
                text("vehicle_model"),
                v("year"),
                v("mileage"),
                text("plate"),
                vin = v("vin"),
            ),
            format!(
                "INSERT INTO devices (customer_id, kind, brand, model, serial) \
                 SELECT id, {}, {}, {}, {} FROM import_rows \
                 WHERE {} || {} || {} || {} <> '' ORDER BY line",
                text("device_kind"),
                text("device_brand"),
                text("device_model"),
                text("device_serial"),
                text("device_kind"),
                text("device_brand"),
                text("device_model"),
                text("device_serial"),
            ),
        ],
        "stock_items" => vec![
            format!(
                "INSERT INTO stock_items (id, sku, name, category, unit_cost, unit_price, \
                   reorder_threshold, preferred_vendor_id, external_ref) \
                 SELECT id, {}, {}, {}, {}::numeric, {}::numeric, {}::int4, link, {reference} \
                 FROM import_rows WHERE fresh ORDER BY line",
                v("sku"),
                v("name"),
                text("category"),
                v("unit_cost"),
                v("unit_price"),
                v("reorder_threshold"),
            ),
            format!(
                "INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, unit_cost, \
                   reason, reference, actor_user_id) \
                 SELECT id, branch_id, 'opening', {}::int4, {}::numeric, 'Opening stock', $2, $3 \
                 FROM import_rows WHERE opening ORDER BY line",
                v("opening_stock"),
                v("unit_cost"),
            ),
        ],
        "product_models" => vec![format!(
            "INSERT INTO product_models (category, brand, model, specs, price_grade_a, \
               price_grade_b, price_grade_c, warranty_days, external_ref) \
             SELECT {}, {}, {}, {}, {}::numeric, {}::numeric, {}::numeric, {}::int4, {reference} \
             FROM import_rows ORDER BY line",
            v("category"),
            v("brand"),
            v("model"),
            text("specs"),
            v("price_grade_a"),
            v("price_grade_b"),
            v("price_grade_c"),
            v("warranty_days"),
        )],
        "services" => vec![format!(
            "INSERT INTO services (name, category, labour_hours, price, external_ref) \
             SELECT {}, {}, {}::numeric, {}::numeric, {reference} FROM import_rows \
             ORDER BY line",
            v("name"),
            v("category"),
            v("labour_hours"),
            v("price"),
        )],
        _ => vec![format!(
            "INSERT INTO vendors (name, phone, email, notes, external_ref) \
             SELECT {}, {}, {}, {}, {reference} FROM import_rows \
             ORDER BY line",
            v("name"),
            text("phone"),
            text("email"),
            text("notes"),
        )],
    }
}
