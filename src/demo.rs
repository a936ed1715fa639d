//! `workbay demo`: a small demo shop (two branches, one user per role). Loading it twice changes
//! nothing. The login page lists these logins only once the demo has been loaded.

use anyhow::Result;
use bigdecimal::BigDecimal;
use diesel::{Connection, PgConnection};

use crate::domain::branch::{BranchInput, OpeningHours};
use crate::domain::role::Role;
use crate::domain::staff::StaffInput;
use crate::repo::{self, By};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "workbay-demo";

/// A demo login, shown on the login page.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Username.
    pub username: &'static str,
    /// Full name.
    pub full_name: &'static str,
    /// Role.
    pub role: Role,
    /// Password.
    pub password: &'static str,
}

/// The demo accounts, one per role.
pub fn logins() -> Vec<DemoLogin> {
    [
        ("amina", "Amina Njeri", Role::Receptionist),
        ("brian", "Brian Otieno", Role::Technician),
        ("chen", "Chen Wei", Role::Warehouse),
        ("dora", "Dora Mensah", Role::Finance),
        ("emeka", "Emeka Obi", Role::Manager),
        ("admin", "Grace Admin", Role::Admin),
    ]
    .into_iter()
    .map(|(username, full_name, role)| DemoLogin {
        username,
        full_name,
        role,
        password: DEMO_PASSWORD,
    })
    .collect()
}

fn branch(name: &str, timezone: &str, prefix: &str, tax: i32, address: &str) -> BranchInput {
    BranchInput {
        name: name.into(),
        timezone: timezone.into(),
        invoice_prefix: prefix.into(),
        tax_rate: BigDecimal::from(tax).with_scale(2),
        tax_rounding: "per_line".into(),
        // Shillings an hour: billed to the customer, and what a technician's hour costs.
        labour_rate: BigDecimal::from(2500).with_scale(2),
        labour_cost_rate: BigDecimal::from(900).with_scale(2),
        address: address.into(),
        phone: "+254 700 000 000".into(),
        opening_hours: OpeningHours::standard(),
        active: true,
    }
}

/// Loads the demo shop unless it is there already. Returns whether anything was loaded.
pub fn load(conn: &mut PgConnection) -> Result<bool> {
    let staff = load_staff(conn)?;
    let counter = load_counter(conn)?;
    let stock = load_stock(conn)?;
    let purchasing = load_purchasing(conn)?;
    let sales = load_invoices(conn)?;
    let workshop = load_workshop(conn)?;
    Ok(staff || counter || stock || purchasing || sales || workshop)
}

fn load_staff(conn: &mut PgConnection) -> Result<bool> {
    if repo::settings::get(conn, repo::settings::DEMO_LOADED)?.is_some() {
        return Ok(false);
    }
    let hash = crate::passwords::hash_blocking(DEMO_PASSWORD)?;
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let westlands = find_or_create_branch(
            conn,
            branch(
                "Westlands",
                "Africa/Nairobi",
                "WL-",
                16,
                "Waiyaki Way 12, Nairobi",
            ),
            &by,
        )?;
        find_or_create_branch(
            conn,
            branch(
                "Mombasa Road",
                "Africa/Nairobi",
                "MR-",
                16,
                "Mombasa Road 210, Nairobi",
            ),
            &by,
        )?;
        for login in logins() {
            if repo::staff::find_by_username(conn, login.username)?.is_some() {
                continue;
            }
            let input = StaffInput {
                username: login.username.into(),
                full_name: login.full_name.into(),
                role: login.role,
                home_branch_id: westlands,
                active: true,
            };
            repo::staff::create(conn, &input, hash.clone(), false, &by)?;
        }
        repo::settings::set(
            conn,
            repo::settings::DEMO_LOADED,
            &chrono::Utc::now().to_rfc3339(),
        )?;
        Ok(())
    })?;
    Ok(true)
}

fn find_or_create_branch(conn: &mut PgConnection, input: BranchInput, by: &By) -> Result<i64> {
    match repo::branches::find_by_prefix(conn, &input.invoice_prefix)? {
        Some(branch) => Ok(branch.id),
        None => Ok(repo::branches::create(conn, &input, by)?.id),
    }
}

/// Marks that the counter's demo records (services, bays, customers, a week of bookings) exist.
const DEMO_COUNTER_LOADED: &str = "demo_counter_loaded";

/// Services, bays, customers with vehicles, and a week of bookings from tomorrow on.
fn load_counter(conn: &mut PgConnection) -> Result<bool> {
    use chrono::{Datelike, Duration, Utc};

    use crate::domain::booking::{BookingStatus, local_to_utc};
    use crate::domain::customer::{CustomerInput, VehicleInput};
    use crate::repo::bookings::BookingRequest;

    if repo::settings::get(conn, DEMO_COUNTER_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let services = [
            ("Oil and filter change", "Maintenance", "1.00", "3500.00"),
            ("Brake pads, front axle", "Brakes", "1.50", "6500.00"),
            ("Computer diagnostics", "Diagnostics", "0.50", "2000.00"),
            ("Wheel alignment", "Tyres", "1.00", "3000.00"),
            ("Phone screen replacement", "Devices", "1.00", "4500.00"),
        ]
        .map(|(name, cat, hours, price)| {
            repo::catalogue::create_service(
                conn,
                name,
                cat,
                hours.parse().unwrap_or_default(),
                price.parse().unwrap_or_default(),
                &by,
            )
            .map(|s| s.id)
        });
        let services: Vec<i64> = services.into_iter().collect::<Result<_, _>>()?;
        let branches = repo::branches::active(conn)?;
        let people = [
            (
                "Wanjiru Kamau",
                "+254 712 345 678",
                "KDA 123B",
                "Toyota",
                "Corolla",
            ),
            (
                "Otieno Garage Ltd",
                "+254 733 999 000",
                "KCB 456C",
                "Isuzu",
                "D-Max",
            ),
            (
                "Amani Mwangi",
                "+254 701 222 333",
                "KDE 789D",
                "Mazda",
                "Demio",
            ),
            (
                "Fatuma Hassan",
                "+254 722 444 555",
                "KDF 246E",
                "Nissan",
                "Note",
            ),
            (
                "Peter Njoroge",
                "+254 710 666 777",
                "KCZ 135F",
                "Subaru",
                "Forester",
            ),
            (
                "Grace Achieng",
                "+254 799 888 111",
                "KDG 864G",
                "Honda",
                "Fit",
            ),
        ];
        let mut customers = Vec::new();
        for (i, (name, phone, plate, make, model)) in people.into_iter().enumerate() {
            let input = CustomerInput {
                kind: if name.ends_with("Ltd") {
                    "business"
                } else {
                    "person"
                }
                .into(),
                segment: if name.ends_with("Ltd") {
                    "wholesale"
                } else {
                    "retail"
                }
                .into(),
                name: name.into(),
                phone: phone.into(),
                email: String::new(),
                address: String::new(),
                lead_source_id: Some(1 + (i as i64 % 8)),
                marketing_consent: i % 2 == 0,
                notes: String::new(),
                vehicle: Some(VehicleInput {
                    vin: None,
                    plate: crate::domain::vehicle::normalise_plate(plate),
                    make: make.into(),
                    model: model.into(),
                    year: Some(2010 + i as i32),
                    mileage: Some(40_000 + 9_000 * i as i32),
                }),
            };
            let branch = branches.first().map(|b| b.id).unwrap_or(1);
            let c = repo::customers::create(conn, &input, branch, &by)?;
            let v = repo::customers::vehicles_of(conn, c.id)?
                .first()
                .map(|v| v.id);
            customers.push((c.id, v));
        }
        let now = Utc::now();
        for branch in &branches {
            let bays: Vec<i64> = ["Lift 1", "Lift 2", "Alignment bay"]
                .into_iter()
                .map(|b| repo::catalogue::create_bay(conn, branch.id, b, &[], &by).map(|b| b.id))
                .collect::<Result<_, _>>()?;
            let tz = crate::domain::time::zone(&branch.timezone);
            let today = now.with_timezone(&tz).date_naive();
            let mut n = 0usize;
            for day in 1..=7 {
                let date = today + Duration::days(day);
                if date.weekday() == chrono::Weekday::Sun {
                    continue;
                }
                let slots: &[(&str, &str)] = if date.weekday() == chrono::Weekday::Sat {
                    &[("09:00", "10:00"), ("10:30", "12:00")]
                } else {
                    &[
                        ("08:00", "09:00"),
                        ("09:30", "11:00"),
                        ("11:00", "12:00"),
                        ("14:00", "15:30"),
                    ]
                };
                for (start, end) in slots {
                    let (customer, vehicle) = customers[n % customers.len()];
                    let date_s = date.format("%Y-%m-%d").to_string();
                    let (Some(starts_at), Some(ends_at)) = (
                        local_to_utc(tz, &date_s, start),
                        local_to_utc(tz, &date_s, end),
                    ) else {
                        continue;
                    };
                    let request = BookingRequest {
                        customer_id: customer,
                        vehicle_id: vehicle,
                        device_id: None,
                        bay_id: bays[n % bays.len()],
                        starts_at,
                        ends_at,
                        service_ids: vec![services[n % 4]],
                        notes: String::new(),
                    };
                    let booking = repo::bookings::create(conn, branch.id, &request, &by, now)?;
                    if n % 3 != 2 {
                        repo::bookings::transition(
                            conn,
                            branch.id,
                            booking.id,
                            BookingStatus::Confirmed,
                            None,
                            &by,
                            now,
                        )?;
                    }
                    n += 1;
                }
            }
        }
        repo::settings::set(conn, DEMO_COUNTER_LOADED, &now.to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}

/// Marks that the stock demo records exist.
const DEMO_STOCK_LOADED: &str = "demo_stock_loaded";

/// Product models, stock items with their ledger, and ~100 units in various statuses.
fn load_stock(conn: &mut PgConnection) -> Result<bool> {
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

/// Marks that the demo's vendors and purchase orders are there.
const DEMO_PURCHASING_LOADED: &str = "demo_purchasing_loaded";

/// Vendors and purchase orders at the first branch: one placed and half delivered, one placed
/// and awaited, one still a draft.
fn load_purchasing(conn: &mut PgConnection) -> Result<bool> {
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

/// Marks that the demo's invoices are there.
const DEMO_INVOICES_LOADED: &str = "demo_invoices_loaded";

/// The note every demo sale carries, so [`backdate_invoices`] can find them.
const DEMO_SALE_NOTE: &str = "Demo sale";

/// About three weeks of counter sales at the first branch: units, stock and services, paid by
/// cash, card, mobile money or a mix; a few left part-paid, one voided, one refunded.
fn load_invoices(conn: &mut PgConnection) -> Result<bool> {
    use crate::domain::asset::AssetStatus;
    use crate::domain::invoice::{PaymentMethod, WarrantyTier};
    use crate::repo::invoices::{self, NewInvoice, NewLine, RefundRequest};

    if repo::settings::get(conn, DEMO_INVOICES_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let Some(branch) = repo::branches::active(conn)?.into_iter().next() else {
            return Ok(());
        };
        let by = By::default();
        let mut ready: Vec<String> =
            repo::assets::list(conn, branch.id, Some(AssetStatus::ReadyForSale), "", 0, 100)?
                .0
                .into_iter()
                .map(|(a, _, _)| a.asset_tag)
                .collect();
        let items = repo::stock::item_choices(conn)?;
        let services = repo::catalogue::active_services(conn)?;
        let customers = repo::customers::search(conn, "", 0, 40)?.0;
        let sources = [
            "Walk-in",
            "Instagram",
            "Referral",
            "WhatsApp",
            "Online Search",
        ];
        let money = |v: &str| -> Result<BigDecimal> { Ok(v.parse()?) };
        for n in 0..36usize {
            let input = NewInvoice {
                customer_id: (n % 3 != 0)
                    .then(|| customers.get(n % customers.len().max(1)).map(|c| c.id))
                    .flatten(),
                walk_in_name: String::new(),
                lead_source: sources[n % sources.len()].to_string(),
                sales_person_id: None,
                note: format!("{DEMO_SALE_NOTE} {}", n + 1),
            };
            let id = invoices::create_draft(conn, branch.id, &input, &by)?;
            if n % 4 == 0
                && let Some(tag) = ready.pop()
            {
                let tier = if n % 8 == 0 {
                    WarrantyTier::Premium
                } else {
                    WarrantyTier::Standard
                };
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Asset {
                        code: tag,
                        price: Some(money(&format!("{}", 21000 + n * 250))?),
                        tier: Some(tier),
                    },
                )?;
            }
            if let Some((item, _)) = items.get(n % items.len().max(1)) {
                let line = NewLine::Stock {
                    stock_item_id: *item,
                    quantity: 1,
                    price: None,
                    tier: None,
                };
                // Stock that ran out is simply left off this sale.
                let _ = conn.transaction(|c| invoices::add_line(c, branch.id, id, &line));
            }
            if let Some(service) = services.get(n % services.len().max(1))
                && n % 2 == 1
            {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Service {
                        service_id: service.id,
                        price: None,
                    },
                )?;
            }
            if n % 5 == 2 {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Labour {
                        description: "Diagnosis".into(),
                        hours: money("0.5")?,
                        rate: money("1500.00")?,
                    },
                )?;
            }
            if n % 9 == 4 {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Discount {
                        description: "returning customer".into(),
                        amount: money("200.00")?,
                    },
                )?;
            }
            let added = invoices::view(conn, branch.id, id)?;
            if added.lines.is_empty() {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Fee {
                        description: "Data transfer".into(),
                        amount: money("800.00")?,
                    },
                )?;
            }
            if n == 35 {
                continue; // one draft still open at the counter
            }
            invoices::issue(conn, branch.id, id, &by)?;
            let total = invoices::view(conn, branch.id, id)?.invoice.total;
            if n == 7 {
                invoices::void(conn, branch.id, id, "Entered on the wrong customer", &by)?;
                continue;
            }
            match n % 6 {
                0 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::Cash,
                        &(crate::domain::money::cents(&(&total / BigDecimal::from(100)))
                            * BigDecimal::from(100)
                            + BigDecimal::from(100)),
                        "",
                        &by,
                    )?;
                }
                1 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::Card,
                        &total,
                        &format!("AUTH{:05}", 31000 + n),
                        &by,
                    )?;
                }
                2 | 3 => {
                    let part = crate::domain::money::cents(&(&total / BigDecimal::from(2)));
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::MobileMoney,
                        &part,
                        &format!("QK{n:02}H2M1X"),
                        &by,
                    )?;
                    if n % 6 == 2 {
                        let rest = &total - &part;
                        invoices::pay(conn, branch.id, id, PaymentMethod::Cash, &rest, "", &by)?;
                    }
                }
                4 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::BankTransfer,
                        &total,
                        &format!("EFT-{n:04}"),
                        &by,
                    )?;
                }
                _ => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::MobileMoney,
                        &total,
                        &format!("QM{n:02}X7Y"),
                        &by,
                    )?;
                }
            }
            if n == 13 {
                let v = invoices::view(conn, branch.id, id)?;
                if let Some(line) = v.lines.iter().find(|l| l.stock_item_id.is_some()) {
                    invoices::refund(
                        conn,
                        branch.id,
                        id,
                        &RefundRequest {
                            lines: vec![(line.id, line.quantity.clone())],
                            reason: "Wrong part ordered".into(),
                            method: PaymentMethod::Cash,
                            reference: String::new(),
                        },
                        &by,
                    )?;
                }
            }
        }
        repo::settings::set(conn, DEMO_INVOICES_LOADED, &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}

/// Spreads the demo sales over the last three weeks (run with the owner's connection: payments
/// and events are append-only for the application). Ledger and movement rows keep today's date.
pub fn backdate_invoices(owner: &mut PgConnection) -> Result<()> {
    use diesel::RunQueryDsl;
    owner.transaction(|conn| -> Result<()> {
        diesel::sql_query(format!(
            "CREATE TEMP TABLE demo_days ON COMMIT DROP AS \
             SELECT id, ((row_number() OVER (ORDER BY id DESC) - 1) * 21 / count(*) OVER ())::int AS days \
             FROM invoices WHERE note LIKE '{DEMO_SALE_NOTE} %' AND created_at > now() - interval '1 hour'"
        ))
        .execute(conn)?;
        for sql in [
            "UPDATE invoices i SET created_at = i.created_at - make_interval(days => d.days), \
                 issued_at = i.issued_at - make_interval(days => d.days), \
                 updated_at = i.updated_at - make_interval(days => d.days) FROM demo_days d WHERE d.id = i.id",
            "UPDATE payments p SET at = p.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = p.invoice_id",
            "UPDATE invoice_events e SET at = e.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = e.invoice_id",
            "UPDATE credit_notes n SET at = n.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = n.invoice_id",
            "UPDATE refund_payments r SET at = r.at - make_interval(days => d.days) \
                 FROM credit_notes n JOIN demo_days d ON d.id = n.invoice_id WHERE r.credit_note_id = n.id",
            "UPDATE warranties w SET starts_on = w.starts_on - d.days, ends_on = w.ends_on - d.days \
                 FROM demo_days d WHERE d.id = w.invoice_id",
        ] {
            diesel::sql_query(sql).execute(conn)?;
        }
        Ok(())
    })
}

/// Marks that the demo's workshop (tickets, preorders, a claim) is there.
const DEMO_WORKSHOP_LOADED: &str = "demo_workshop_loaded";

/// Tickets in every status (most assigned to brian), preorders in several states with one
/// overdue, and a warranty claim waiting for a decision.
fn load_workshop(conn: &mut PgConnection) -> Result<bool> {
    use diesel::prelude::*;

    use crate::domain::invoice::PaymentMethod;
    use crate::domain::preorder::PreorderStatus;
    use crate::domain::ticket::{Outcome, TicketStatus};
    use crate::repo::preorders::{self, MoveInput, NewPreorder};
    use crate::repo::tickets::CheckIn;
    use crate::repo::tickets::{self, NewTicketLine};

    if repo::settings::get(conn, DEMO_WORKSHOP_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        // At the technician's own branch, so the jobs can be his.
        let brian = repo::staff::find_by_username(conn, "brian")?;
        let branch = match &brian {
            Some(b) => repo::branches::get(conn, b.home_branch_id)?,
            None => match repo::branches::active(conn)?.into_iter().next() {
                Some(b) => b,
                None => return Ok(()),
            },
        };
        let brian: Option<i64> = brian.map(|u| u.id);
        let by = By::default();
        let customers = repo::customers::search(conn, "", 0, 30)?.0;
        if customers.is_empty() {
            return Ok(());
        }
        use TicketStatus::*;
        let roads: [(&str, &[TicketStatus]); 9] = [
            ("Laptop will not power on", &[]),
            ("Cracked screen, touch works", &[Diagnosing]),
            (
                "Engine light on, rough idle",
                &[Diagnosing, AwaitingApproval],
            ),
            ("Brake pads worn, squeal", &[Diagnosing, InRepair]),
            ("Battery swelling", &[Diagnosing, InRepair, WaitingForParts]),
            (
                "Water damage, keyboard",
                &[Diagnosing, InRepair, QualityCheck],
            ),
            (
                "Full service, 40,000 km",
                &[Diagnosing, InRepair, QualityCheck, Ready],
            ),
            (
                "Charging port loose",
                &[Diagnosing, InRepair, QualityCheck, Ready, Closed],
            ),
            ("Customer changed mind", &[Cancelled]),
        ];
        for (n, (problem, road)) in roads.iter().enumerate() {
            let customer = customers[n % customers.len()].id;
            let input = CheckIn {
                problem: problem.to_string(),
                ..Default::default()
            };
            let t = repo::tickets::open_walk_in(conn, branch.id, customer, None, &input, &by)?.id;
            if n % 4 != 0 {
                tickets::assign(conn, branch.id, t, brian, &by)?;
            }
            let line = NewTicketLine {
                kind: "labour".into(),
                description: "Diagnosis and repair".into(),
                quantity: "1.5".parse()?,
                unit_price: Some("1500.00".parse()?),
                code: String::new(),
            };
            tickets::add_line(conn, branch.id, t, &line, &by)?;
            for to in road.iter() {
                tickets::transition(
                    conn,
                    branch.id,
                    t,
                    None,
                    *to,
                    Some(Outcome::Repaired),
                    "",
                    &by,
                )?;
            }
        }
        // Preorders: waiting for the deposit, ordered (one overdue), arrived and notified.
        let models = repo::stock::model_choices(conn)?;
        let Some((model, _)) = models
            .iter()
            .find(|(_, n)| n.contains("iPhone"))
            .or(models.first())
            .cloned()
        else {
            return Ok(());
        };
        let take = |conn: &mut PgConnection, customer: i64, deposit: &str| -> Result<i64> {
            let amount: BigDecimal = deposit.parse()?;
            let p = NewPreorder {
                customer_id: customer,
                product_model_id: model,
                specs: "128 GB, any colour, grade A".into(),
                agreed_price: "42000.00".parse()?,
                deposit_required: "500.00".parse()?,
                deposit: (amount > 0)
                    .then(|| (PaymentMethod::MobileMoney, amount, "QDEMO".to_string())),
            };
            Ok(preorders::create(conn, branch.id, &p, &By::default())?)
        };
        take(conn, customers[0].id, "200.00")?;
        let on_time = take(conn, customers[1 % customers.len()].id, "500.00")?;
        preorders::transition(
            conn,
            branch.id,
            on_time,
            None,
            PreorderStatus::Ordered,
            &MoveInput::default(),
            &by,
        )?;
        let late = take(conn, customers[2 % customers.len()].id, "500.00")?;
        preorders::transition(
            conn,
            branch.id,
            late,
            None,
            PreorderStatus::Ordered,
            &MoveInput::default(),
            &by,
        )?;
        preorders::transition(
            conn,
            branch.id,
            late,
            None,
            PreorderStatus::InTransit,
            &MoveInput::default(),
            &by,
        )?;
        let today = chrono::Utc::now().date_naive();
        diesel::update(crate::schema::preorders::table.find(late))
            .set((
                crate::schema::preorders::ordered_on.eq(today - chrono::Duration::days(26)),
                crate::schema::preorders::sla_due_on.eq(today - chrono::Duration::days(5)),
            ))
            .execute(conn)?;
        // A claim on a sold unit's warranty, waiting for a decision.
        let warranty: Option<(i64, i64)> = crate::schema::warranties::table
            .filter(crate::schema::warranties::status.eq("active"))
            .filter(crate::schema::warranties::customer_id.is_not_null())
            .filter(crate::schema::warranties::asset_id.is_not_null())
            .select((
                crate::schema::warranties::id,
                crate::schema::warranties::branch_id,
            ))
            .first(conn)
            .optional()?;
        if let Some((w, at)) = warranty {
            repo::claims::submit(conn, at, w, "Trackpad clicks stop registering", &by)?;
        }
        repo::settings::set(conn, DEMO_WORKSHOP_LOADED, &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}
