//! Builders for the records tests start from, shared by every test file: a test says what it
//! needs ("a unit ready for sale, grade A") instead of repeating the steps that make it.

use diesel::PgConnection;
use workbay::domain::asset::{AssetStatus, Cause, DiagnosticsResult, Grade, WipeMethod};
use workbay::repo::By;
use workbay::repo::assets::{self, Arrival};
use workbay::repo::stock;

/// A product model of `brand` and `model` in `category`, warrantied for `warranty_days`.
pub fn product_model(
    c: &mut PgConnection,
    category: &str,
    brand: &str,
    model: &str,
    warranty_days: i32,
) -> i64 {
    stock::create_product_model(c, category, brand, model, warranty_days, &By::default())
        .unwrap()
        .id
}

/// Receives one unit of `model` at `branch`, bought for `purchase` and landed at `landed`.
pub fn receive_unit(
    c: &mut PgConnection,
    branch: i64,
    model: i64,
    serial: &str,
    purchase: &str,
    landed: &str,
) -> workbay::models::stock::Asset {
    assets::receive(
        c,
        &Arrival {
            serial: serial.into(),
            product_model_id: model,
            vendor_id: None,
            branch_id: branch,
            location_id: None,
            purchase_cost: purchase.parse().unwrap(),
            landed_cost: landed.parse().unwrap(),
        },
        "",
        &By::default(),
    )
    .unwrap()
}

/// A unit received and taken all the way to ready for sale, graded `grade`: (id, asset tag).
pub fn ready_unit(
    c: &mut PgConnection,
    branch: i64,
    model: i64,
    serial: &str,
    grade: Grade,
) -> (i64, String) {
    let by = By::default();
    let a = receive_unit(c, branch, model, serial, "250.00", "262.50");
    let id = a.id;
    assets::transition(
        c,
        branch,
        id,
        AssetStatus::DiagnosticsPending,
        Cause::Manual,
        "",
        &by,
    )
    .unwrap();
    assets::record_diagnostics(
        c,
        branch,
        id,
        &serde_json::json!({}),
        DiagnosticsResult::Pass,
        &by,
    )
    .unwrap();
    assets::transition(
        c,
        branch,
        id,
        AssetStatus::WipePending,
        Cause::Manual,
        "",
        &by,
    )
    .unwrap();
    assets::record_wipe(c, branch, id, WipeMethod::NistPurge, "W-1", &by).unwrap();
    assets::transition(
        c,
        branch,
        id,
        AssetStatus::QcPending,
        Cause::Manual,
        "",
        &by,
    )
    .unwrap();
    assets::grade(c, branch, id, grade, Some(90), Some(100), "").unwrap();
    assets::transition(
        c,
        branch,
        id,
        AssetStatus::ReadyForSale,
        Cause::Manual,
        "",
        &by,
    )
    .unwrap();
    (id, a.asset_tag)
}

/// A stock item `sku` costing `cost` and sold at `price`, reordered below `reorder_level`.
pub fn stock_item(
    c: &mut PgConnection,
    sku: &str,
    name: &str,
    cost: &str,
    price: &str,
    reorder_level: i32,
) -> i64 {
    let (cost, price) = (cost.parse().unwrap(), price.parse().unwrap());
    stock::create_stock_item(c, sku, name, cost, price, reorder_level, &By::default())
        .unwrap()
        .id
}

/// Puts `quantity` of `item` on the shelf at `branch` (an intake posting with no cost of its own).
pub fn stock_in(c: &mut PgConnection, branch: i64, item: i64, quantity: i32) {
    let posting = stock::Posting {
        stock_item_id: item,
        branch_id: branch,
        kind: "intake",
        quantity,
        unit_cost: None,
        reason: "",
        reference: "",
    };
    stock::post(c, &posting, &By::default()).unwrap();
}

/// An active vendor named `name`.
pub fn vendor(c: &mut PgConnection, name: &str) -> i64 {
    stock::create_vendor(c, name, "", "", &By::default()).unwrap()
}

/// A catalogue service `name` in `category` taking `hours` of labour, sold at `price`.
pub fn service(c: &mut PgConnection, name: &str, category: &str, hours: &str, price: &str) -> i64 {
    let (hours, price) = (hours.parse().unwrap(), price.parse().unwrap());
    workbay::repo::catalogue::create_service(c, name, category, hours, price, &By::default())
        .unwrap()
        .id
}

/// An issued invoice at `branch` for `customer` (a walk-in if `None`) with one fee line of
/// each of `amounts`; returns its id.
pub fn issued_sale(
    c: &mut PgConnection,
    branch: i64,
    customer: Option<i64>,
    amounts: &[&str],
) -> i64 {
    use workbay::repo::invoices::{self, NewInvoice, NewLine};
    let by = By::default();
    let new = NewInvoice {
        customer_id: customer,
        ..Default::default()
    };
    let id = invoices::create_draft(c, branch, &new, &by).unwrap();
    for amount in amounts {
        let fee = NewLine::Fee {
            description: "Work".into(),
            amount: amount.parse().unwrap(),
        };
        invoices::add_line(c, branch, id, &fee).unwrap();
    }
    invoices::issue(c, branch, id, &by).unwrap();
    id
}

/// A walk-in ticket of `customer` ("No power", one labour line of 1.5 h at 1200.00) moved through
/// the repository to `at` (closed as repaired).
pub fn ticket_at(
    c: &mut PgConnection,
    branch: i64,
    customer: i64,
    at: workbay::domain::ticket::TicketStatus,
) -> i64 {
    use workbay::domain::ticket::{Outcome, TicketStatus::*};
    use workbay::repo::tickets::{self, CheckIn, NewTicketLine};
    let by = By::default();
    let check_in = CheckIn {
        problem: "No power".into(),
        ..Default::default()
    };
    let t = tickets::open_walk_in(c, branch, customer, Default::default(), &check_in, &by)
        .unwrap()
        .id;
    let line = NewTicketLine {
        kind: "labour".into(),
        description: "Replace DC jack".into(),
        quantity: "1.5".parse().unwrap(),
        unit_price: Some("1200.00".parse().unwrap()),
        code: String::new(),
        for_service_id: None,
    };
    tickets::add_line(c, branch, t, &line, &by).unwrap();
    let path: &[workbay::domain::ticket::TicketStatus] = match at {
        Open => &[],
        Diagnosing => &[Diagnosing],
        AwaitingApproval => &[Diagnosing, AwaitingApproval],
        InRepair => &[Diagnosing, InRepair],
        WaitingForParts => &[Diagnosing, InRepair, WaitingForParts],
        QualityCheck => &[Diagnosing, InRepair, QualityCheck],
        Ready => &[Diagnosing, InRepair, QualityCheck, Ready],
        Closed => &[Diagnosing, InRepair, QualityCheck, Ready, Closed],
        Cancelled => &[Cancelled],
    };
    for to in path {
        tickets::transition(c, branch, t, None, *to, Some(Outcome::Repaired), "", &by).unwrap();
    }
    t
}
