//! Product models, stock items and vendors, and the pickers that choose them.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};
use crate::schema::stock_items;

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
    crate::repo::tx(conn, |conn| {
        let created = diesel::insert_into(product_models::table)
            .values((
                product_models::category.eq(category),
                product_models::brand.eq(brand.trim()),
                product_models::model.eq(model.trim()),
                product_models::warranty_days.eq(warranty_days),
            ))
            .returning(crate::models::stock::ProductModel::as_returning())
            .get_result(conn)
            .map_err(|e| match crate::repo::unique_violation(&e) {
                Some("product_models_key") => {
                    FieldErrors::single("model", "This model exists already.").into()
                }
                _ => RepoError::from(e),
            })?;
        crate::repo::audit::record(
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
    crate::repo::tx(conn, |conn| {
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
            .map_err(|e| match crate::repo::unique_violation(&e) {
                Some("stock_items_sku_key") => {
                    FieldErrors::single("sku", "Another item has this SKU.").into()
                }
                _ => RepoError::from(e),
            })?;
        crate::repo::audit::record(
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
    crate::repo::tx(conn, |conn| {
        let created: i64 = diesel::insert_into(vendors::table)
            .values((
                vendors::name.eq(name.trim()),
                vendors::phone.eq(phone.trim()),
                vendors::email.eq(email.trim()),
            ))
            .returning(vendors::id)
            .get_result(conn)
            .map_err(|e| match crate::repo::unique_violation(&e) {
                Some("vendors_name_key") => RepoError::from(FieldErrors::single(
                    "vendor_name",
                    "This vendor exists already.",
                )),
                _ => e.into(),
            })?;
        crate::repo::audit::record(
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
