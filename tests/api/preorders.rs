//! Preorders through HTTP: deposits, every transition allowed or refused, the SLA date, the unit
//! reserved on arrival, the invoice with the deposit at pickup, a resale with its shortfall.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::asset::Grade;
use workbay::domain::preorder::{PreorderStatus, edge_exists};
use workbay::domain::role::Role;
use workbay::repo::By;

use crate::common::fixtures::{product_model, ready_unit};
use crate::common::http::location;
use crate::common::{Reply, TestApp, spawn_app};

/// A customer, the ordered model and another model: (customer, model, other).
async fn setup(app: &TestApp) -> (i64, i64, i64) {
    let customer = app
        .create_customer("Achieng O.", "0733 444 555", "achieng@example.com")
        .await;
    let url = app.db.app_url.clone();
    let (model, other) = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        (
            product_model(&mut c, "Phone", "Apple", "iPhone 13", 90),
            product_model(&mut c, "Phone", "Samsung", "A54", 90),
        )
    })
    .await
    .unwrap();
    (customer, model, other)
}

async fn unit(app: &TestApp, model: i64, serial: &str) -> String {
    let (url, branch, serial) = (app.db.app_url.clone(), app.branch_id, serial.to_string());
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        ready_unit(&mut c, branch, model, &serial, Grade::A).1
    })
    .await
    .unwrap()
}

async fn status(app: &TestApp, id: i64) -> String {
    app.text(&format!("SELECT status FROM preorders WHERE id = {id}"))
        .await
}

async fn start(app: &TestApp, customer: i64, model: i64, amount: &str) -> i64 {
    let res = app
        .post_form(
            "/preorders/new",
            &[
                ("customer_id", &customer.to_string()),
                ("product_model_id", &model.to_string()),
                ("specs", "128 GB, blue"),
                ("agreed_price", "40000.00"),
                ("deposit_required", "500.00"),
                ("amount", amount),
                ("method", "mobile_money"),
                ("reference", "QX1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    location(&res)
        .trim_start_matches("/preorders/")
        .parse()
        .unwrap()
}

async fn step(
    app: &TestApp,
    id: i64,
    from: PreorderStatus,
    to: PreorderStatus,
    extra: &[(&str, &str)],
) -> Reply {
    let fields = [&[("from", from.as_str()), ("to", to.as_str())], extra].concat();
    app.send(&format!("/preorders/{id}/status"), &fields).await
}

/// A move that must go through, then a check that every other move from where it lands is
/// refused.
async fn moved(
    app: &TestApp,
    id: i64,
    from: PreorderStatus,
    to: PreorderStatus,
    extra: &[(&str, &str)],
) {
    assert_eq!(
        step(app, id, from, to, extra).await.status,
        303,
        "{from} → {to}"
    );
    refuses_all_but_the_table(app, id, to).await;
}

/// Pays `amount` in cash towards preorder `id`'s deposit.
async fn deposit(app: &TestApp, id: i64, amount: &str) -> Reply {
    let fields = [("amount", amount), ("method", "cash")];
    app.send(&format!("/preorders/{id}/deposit"), &fields).await
}

/// At `at`, every move outside the table is refused and changes nothing.
async fn refuses_all_but_the_table(app: &TestApp, id: i64, at: PreorderStatus) {
    for &to in PreorderStatus::ALL {
        if edge_exists(at, to) {
            continue;
        }
        assert_eq!(step(app, id, at, to, &[]).await.status, 409, "{at} → {to}");
        assert_eq!(status(app, id).await, at.as_str());
    }
}

#[tokio::test]
async fn a_preorder_is_ordered_only_with_its_deposit_and_picked_up_on_an_invoice_with_the_deposit_applied()
 {
    use PreorderStatus::*;
    let app = spawn_app().await;
    let (customer, model, other) = setup(&app).await;
    app.login_as(Role::Receptionist).await;
    let form = app
        .get_html(&format!("/preorders/new?customer_id={customer}"))
        .await;
    assert!(
        form.contains("value=\"500.00\""),
        "the deposit defaults to 500.00"
    );
    // Bad input keeps what was typed.
    let (customer_s, model_s) = (customer.to_string(), model.to_string());
    let bad = [
        ("customer_id", customer_s.as_str()),
        ("product_model_id", &model_s),
        ("agreed_price", "-5"),
        ("deposit_required", "500.00"),
        ("specs", "256 GB"),
    ];
    app.send("/preorders/new", &bad)
        .await
        .is(422)
        .says("value=\"256 GB\"");

    let id = start(&app, customer, model, "300.00").await;
    assert_eq!(status(&app, id).await, "deposit_pending");
    refuses_all_but_the_table(&app, id, DepositPending).await;
    step(&app, id, DepositPending, Ordered, &[])
        .await
        .says("The deposit is not paid: 300.00 of 500.00 received.");
    assert_eq!(
        deposit(&app, id, "39800.00").await.status,
        422,
        "deposits never pass the price"
    );
    deposit(&app, id, "200.00").await.is(303);
    moved(&app, id, DepositPending, Ordered, &[]).await;
    assert_eq!(app.count(&format!("SELECT count(*) FROM preorders WHERE id = {id} AND ordered_on = current_date AND sla_due_on = current_date + 21")).await, 1);
    moved(&app, id, Ordered, InTransit, &[]).await;
    // Arrival needs a unit of the ordered model, which it reserves.
    let wrong = unit(&app, other, "A54-0001").await;
    step(&app, id, InTransit, Arrived, &[("asset_code", &wrong)])
        .await
        .is(422)
        .says("is another model than the one ordered");
    let right = unit(&app, model, "IP13-0001").await;
    moved(&app, id, InTransit, Arrived, &[("asset_code", &right)]).await;
    let unit_is = |status: &str| {
        format!("SELECT count(*) FROM assets WHERE asset_tag = '{right}' AND status = '{status}'")
    };
    assert_eq!(app.count(&unit_is("reserved")).await, 1);
    moved(&app, id, Arrived, CustomerNotified, &[]).await;
    assert_eq!(app.count("SELECT count(*) FROM message_outbox WHERE template = 'preorder_arrived' AND recipient = 'achieng@example.com'").await, 1);
    // A moved-on preorder: the stale form is told.
    step(&app, id, Arrived, CustomerNotified, &[])
        .await
        .says("Someone else moved this preorder");
    moved(&app, id, CustomerNotified, PickedUp, &[]).await;
    // The invoice sells the reserved unit at the agreed price with the 500.00 deposit applied.
    assert_eq!(app.count(&format!("SELECT count(*) FROM invoices i JOIN preorders p ON p.invoice_id = i.id WHERE p.id = {id} AND i.subtotal = 40000.00 AND i.paid_total = 500.00 AND i.status = 'partially_paid'")).await, 1);
    let applied = "SELECT count(*) FROM payments WHERE method = 'deposit' AND amount = 500.00";
    assert_eq!(app.count(applied).await, 1);
    assert_eq!(app.count(&unit_is("sold")).await, 1);
    moved(&app, id, PickedUp, Closed, &[]).await;
    // One event per change: created, ordered, in transit, arrived, notified, picked up, closed.
    let events = format!("SELECT count(*) FROM preorder_events WHERE preorder_id = {id}");
    assert_eq!(app.count(&events).await, 7);
    // The cash-up counts the deposits when taken, by how they were paid, not again at pickup.
    let cash_up = app.get_html("/invoices/cash-up").await;
    assert!(
        cash_up.contains("Mobile money")
            && cash_up.contains("300.00")
            && !cash_up.contains("Deposit"),
        "{cash_up}"
    );
}

/// Sells the unit `code` on a new invoice at `price` and issues it; returns the invoice number.
async fn resell(app: &TestApp, code: &str, price: &str) -> String {
    use workbay::repo::invoices::{self, NewInvoice, NewLine};
    let (branch, code, price) = (app.branch_id, code.to_string(), price.parse().unwrap());
    app.with_db(move |c| {
        let by = By::default();
        let inv = invoices::create_draft(c, branch, &NewInvoice::default(), &by).unwrap();
        let line = NewLine::Asset {
            code,
            price: Some(price),
            tier: None,
        };
        invoices::add_line(c, branch, inv, &line).unwrap();
        invoices::issue(c, branch, inv, &by).unwrap().number
    })
    .await
}

#[tokio::test]
async fn a_rejected_unit_is_resold_and_the_shortfall_is_shown_and_an_unordered_preorder_can_be_cancelled()
 {
    use PreorderStatus::*;
    let app = spawn_app().await;
    let (customer, model, _) = setup(&app).await;
    app.login_as(Role::Receptionist).await;
    let id = start(&app, customer, model, "500.00").await;
    let tag = unit(&app, model, "IP13-0002").await;
    for (from, to, extra) in [
        (DepositPending, Ordered, vec![]),
        (Ordered, InTransit, vec![]),
        (InTransit, Arrived, vec![("asset_code", tag.as_str())]),
        (Arrived, CustomerNotified, vec![]),
    ] {
        assert_eq!(
            step(&app, id, from, to, &extra).await.status,
            303,
            "{from} → {to}"
        );
    }
    step(
        &app,
        id,
        CustomerNotified,
        Rejected,
        &[("note", "wanted another colour")],
    )
    .await
    .is(303);
    let released = format!(
        "SELECT count(*) FROM assets WHERE asset_tag = '{tag}' AND status = 'ready_for_sale'"
    );
    assert_eq!(
        app.count(&released).await,
        1,
        "the hold is released for resale"
    );
    refuses_all_but_the_table(&app, id, Rejected).await;
    // Resold on another invoice for 36,000: the customer owes 40,000 − 36,000 − 500 = 3,500.
    let number = resell(&app, &tag, "36000.00").await;
    step(&app, id, Rejected, Resold, &[("resale_invoice", "NOPE-1")])
        .await
        .is(422);
    step(&app, id, Rejected, Resold, &[("resale_invoice", &number)])
        .await
        .is(303);
    let page = app.get_html(&format!("/preorders/{id}")).await;
    assert!(page.contains("id=\"shortfall\">KES 3,500.00"), "{page}");
    step(&app, id, Resold, Closed, &[]).await.is(303);
    // Cancelled before ordering.
    let early = start(&app, customer, model, "").await;
    step(
        &app,
        early,
        DepositPending,
        Closed,
        &[("note", "changed mind")],
    )
    .await
    .is(303);
    let late = deposit(&app, early, "100.00").await;
    assert_eq!(late.status, 409, "a closed preorder takes no deposit");
}

#[tokio::test]
async fn the_sla_view_lists_open_orders_by_due_date_with_the_overdue_marked() {
    let app = spawn_app().await;
    let (customer, model, _) = setup(&app).await;
    app.login_as(Role::Receptionist).await;
    let late = start(&app, customer, model, "500.00").await;
    let fresh = start(&app, customer, model, "500.00").await;
    let waiting = start(&app, customer, model, "").await;
    for id in [late, fresh] {
        let (from, to) = (PreorderStatus::DepositPending, PreorderStatus::Ordered);
        step(&app, id, from, to, &[]).await.is(303);
    }
    app.with_db(move |c| {
        diesel::sql_query(format!("UPDATE preorders SET ordered_on = current_date - 25, sla_due_on = current_date - 4 WHERE id = {late}")).execute(c).unwrap();
    })
    .await;
    let sla = app.get_html("/preorders?sla=1").await;
    assert!(
        sla.contains("overdue by 4 days") && sla.contains("21 days left"),
        "{sla}"
    );
    let (a, b) = (
        sla.find(&format!("/preorders/{late}\"")).unwrap(),
        sla.find(&format!("/preorders/{fresh}\"")).unwrap(),
    );
    assert!(a < b, "the overdue one comes first");
    assert!(
        !sla.contains(&format!("/preorders/{waiting}\"")),
        "not on the clock before ordering"
    );
}
