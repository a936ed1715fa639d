//! Product models, assets and stock items.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::asset::AssetStatus;
use crate::schema::{assets, product_models, stock_items};

/// A kind of unit we sell.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = product_models, check_for_backend(diesel::pg::Pg))]
pub struct ProductModel {
    pub id: i64,
    pub category: String,
    pub brand: String,
    pub model: String,
    pub specs: String,
    pub price_grade_a: BigDecimal,
    pub price_grade_b: BigDecimal,
    pub price_grade_c: BigDecimal,
    pub warranty_days: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// One serialized unit we own.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = assets, check_for_backend(diesel::pg::Pg))]
pub struct Asset {
    pub id: i64,
    pub asset_tag: String,
    pub serial: String,
    pub product_model_id: i64,
    pub vendor_id: Option<i64>,
    pub branch_id: i64,
    pub location_id: Option<i64>,
    pub purchase_cost: BigDecimal,
    pub landed_cost: BigDecimal,
    pub received_at: DateTime<Utc>,
    pub grade: Option<String>,
    pub battery_health: Option<i32>,
    pub battery_cycles: Option<i32>,
    pub cosmetic_notes: String,
    pub status: String,
    pub diagnostics_result: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Asset {
    /// The typed status.
    pub fn status(&self) -> AssetStatus {
        self.status.parse().unwrap_or(AssetStatus::NotSellable)
    }
}

/// A non-serialized stock item (SKU).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = stock_items, check_for_backend(diesel::pg::Pg))]
pub struct StockItem {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit_cost: BigDecimal,
    pub unit_price: BigDecimal,
    pub reorder_threshold: i32,
    pub preferred_vendor_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}
