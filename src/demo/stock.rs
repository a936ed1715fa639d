//! The demo's product models, stock items, vendors and units.

use anyhow::Result;
use diesel::{Connection, PgConnection};

use crate::repo::{self, By};

/// Marks that the stock demo records exist.
const DEMO_STOCK_LOADED: &str = "demo_stock_loaded";

/// Product models, stock items with their ledger, and ~100 units in various statuses.
pub(super) fn load_stock(conn: &mut PgConnection) -> Result<bool> {
    use crate::domain::asset::{AssetStatus, Cause, DiagnosticsResult, Grade, WipeMethod};
    use crate::repo::assets::{self, Arrival};
    use crate::repo::stock::{self, Posting};

    if repo::settings::get(conn, DEMO_STOCK_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let models = [
            ("Laptop", "Lenovo", "ThinkPad T480", "38000"),
            ("Laptop", "Dell", "Latitude 7490", "41000"),
            ("Phone", "Samsung", "Galaxy A52", "18000"),
            ("Phone", "Apple", "iPhone 11", "36000"),
            ("Tablet", "Apple", "iPad 9th gen", "29000"),
        ];
        let mut model_ids = Vec::new();
        for (category, brand, model, _) in models {
            model_ids.push(
                stock::create_product_model(conn, category, brand, model, 90, &By::default())?.id,
            );
        }
        let items = [
            (
                "BRK-PAD-F",
                "Brake pads, front set",
                "2400.00",
                "3900.00",
                4,
                12,
            ),
            (
                "OIL-5W30-1L",
                "Engine oil 5W-30, 1 l",
                "420.00",
                "650.00",
                20,
                64,
            ),
            (
                "FLT-OIL-T",
                "Oil filter (Toyota)",
                "380.00",
                "600.00",
                10,
                7,
            ),
            (
                "SCR-A52",
                "Screen assembly, Galaxy A52",
                "5200.00",
                "8500.00",
                2,
                1,
            ),
            ("BAT-IP11", "Battery, iPhone 11", "2100.00", "3800.00", 3, 5),
        ];
        let branches = repo::branches::active(conn)?;
        for (sku, name, cost, price, threshold, qty) in items {
            let item = stock::create_stock_item(
                conn,
                sku,
                name,
                cost.parse()?,
                price.parse()?,
                threshold,
                &By::default(),
            )?;
            for b in &branches {
                let p = Posting {
                    stock_item_id: item.id,
                    branch_id: b.id,
                    kind: "intake",
                    quantity: qty,
                    unit_cost: Some(cost.parse()?),
                    reason: "",
                    reference: "demo opening stock",
                };
                stock::post(conn, &p, &by)?;
            }
        }
        let Some(branch) = branches.first() else {
            return Ok(());
        };
        // ~100 units: how far each gets along the road depends on its number.
        for n in 0..100u32 {
            let model = model_ids[(n as usize) % model_ids.len()];
            let cost: bigdecimal::BigDecimal = (15000 + (n % 7) * 1000).into();
            let arrival = Arrival {
                serial: format!("DEMO{:06}", 100_000 + n * 37),
                product_model_id: model,
                vendor_id: None,
                branch_id: branch.id,
                location_id: None,
                landed_cost: cost.clone() + bigdecimal::BigDecimal::from(350),
                purchase_cost: cost,
            };
            let id = assets::receive(conn, &arrival, "demo delivery", &by)?.id;
            let stage = n % 7;
            let step = |conn: &mut PgConnection, to| {
                assets::transition(conn, branch.id, id, to, Cause::Manual, "", &by)
            };
            if stage >= 1 {
                step(conn, AssetStatus::DiagnosticsPending)?;
            }
            if stage == 6 {
                let r = serde_json::json!({"display": {"result": "fail", "note": "cracked"}});
                assets::record_diagnostics(conn, branch.id, id, &r, DiagnosticsResult::Fail, &by)?;
                step(conn, AssetStatus::RepairHold)?;
                continue;
            }
            if stage >= 2 {
                let r = serde_json::json!({"power": {"result": "pass", "note": ""}});
                assets::record_diagnostics(conn, branch.id, id, &r, DiagnosticsResult::Pass, &by)?;
                step(conn, AssetStatus::WipePending)?;
            }
            if stage >= 3 {
                assets::record_wipe(
                    conn,
                    branch.id,
                    id,
                    WipeMethod::NistPurge,
                    &format!("WIPE-{n:04}"),
                    &by,
                )?;
                step(conn, AssetStatus::QcPending)?;
            }
            if stage >= 4 {
                let grade = [Grade::A, Grade::B, Grade::C][(n % 3) as usize];
                assets::grade(
                    conn,
                    branch.id,
                    id,
                    grade,
                    Some(80 + (n % 20) as i32),
                    Some((n * 13 % 600) as i32),
                    "",
                )?;
                step(conn, AssetStatus::ReadyForSale)?;
            }
            if stage >= 5 {
                step(conn, AssetStatus::Reserved)?;
            }
        }
        repo::settings::set(conn, DEMO_STOCK_LOADED, &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}
