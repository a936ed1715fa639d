//! The demo's purchase orders and transfers.

use anyhow::Result;
use diesel::{Connection, PgConnection};

use crate::repo::{self, By};

/// Marks that the demo's vendors and purchase orders are there.
const DEMO_PURCHASING_LOADED: &str = "demo_purchasing_loaded";

/// Vendors and purchase orders at the first branch: one placed and half delivered, one placed
/// and awaited, one still a draft.
pub(super) fn load_purchasing(conn: &mut PgConnection) -> Result<bool> {
    use crate::domain::purchase_order::PoStatus;
    use crate::repo::purchase_orders::{self as po, Goods, NewOrder};
    use crate::repo::stock;

    if repo::settings::get(conn, DEMO_PURCHASING_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let Some(branch) = repo::branches::active(conn)?.into_iter().next() else {
            return Ok(());
        };
        let mut vendors = Vec::new();
        for (name, phone, email) in [
            (
                "Refurb Supply Ltd",
                "+254 20 555 0101",
                "orders@refurbsupply.example",
            ),
            (
                "AutoParts East Africa",
                "+254 20 555 0202",
                "sales@autoparts.example",
            ),
            (
                "Mobile Spares Hub",
                "+254 20 555 0303",
                "hello@mobilespares.example",
            ),
        ] {
            let existing = stock::vendor_choices(conn)?
                .into_iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name));
            vendors.push(match existing {
                Some((id, _)) => id,
                None => stock::create_vendor(conn, name, phone, email, &by)?,
            });
        }
        let models = stock::model_choices(conn)?;
        let items = stock::item_choices(conn)?;
        let model = |needle: &str| models.iter().find(|(_, n)| n.contains(needle)).map(|m| m.0);
        let item = |sku: &str| items.iter().find(|(_, n)| n.starts_with(sku)).map(|i| i.0);
        let today = chrono::Utc::now().date_naive();
        let order = |vendor: i64, reference: &str, days: i64| NewOrder {
            vendor_id: vendor,
            vendor_reference: reference.into(),
            expected_on: Some(today + chrono::Duration::days(days)),
            note: String::new(),
        };
        let cost = |v: &str| -> Result<bigdecimal::BigDecimal> { Ok(v.parse()?) };

        // Laptops: placed, two of five delivered.
        let laptops = po::create(conn, branch.id, &order(vendors[0], "RS-Q-2231", 3), &by)?;
        if let Some(m) = model("T480") {
            po::add_line(
                conn,
                branch.id,
                laptops,
                Goods::Model(m),
                5,
                &cost("15500.00")?,
            )?;
            po::change_status(conn, branch.id, laptops, PoStatus::Ordered, "", &by)?;
            // The first two arrived through the intake screen's path: a batch against the order.
            let batch = crate::repo::intake::open_batch(conn, branch.id, &by)?.0;
            crate::repo::intake::attach_order(conn, branch.id, batch, Some(laptops))?;
            for serial in ["PF1T480A01", "PF1T480A02"] {
                crate::repo::intake::add_unit(
                    conn,
                    branch.id,
                    batch,
                    serial,
                    m,
                    &cost("15500.00")?,
                )?;
            }
            crate::repo::intake::commit(conn, branch.id, batch, None, &by)?;
        }
        // Workshop consumables: placed, awaited.
        let parts = po::create(conn, branch.id, &order(vendors[1], "APEA-55810", 5), &by)?;
        for (sku, qty, c) in [("BRK-PAD-F", 8, "2350.00"), ("FLT-OIL-T", 20, "370.00")] {
            if let Some(i) = item(sku) {
                po::add_line(conn, branch.id, parts, Goods::Item(i), qty, &cost(c)?)?;
            }
        }
        po::change_status(conn, branch.id, parts, PoStatus::Ordered, "", &by)?;
        // Phone spares: still a draft.
        let spares = po::create(conn, branch.id, &order(vendors[2], "", 10), &by)?;
        if let Some(i) = item("SCR-A52") {
            po::add_line(
                conn,
                branch.id,
                spares,
                Goods::Item(i),
                4,
                &cost("5100.00")?,
            )?;
        }
        repo::settings::set(
            conn,
            DEMO_PURCHASING_LOADED,
            &chrono::Utc::now().to_rfc3339(),
        )?;
        Ok(())
    })?;
    Ok(true)
}
