//! Preorders through HTTP: deposits, every transition allowed or refused, the SLA date, the unit
//! reserved on arrival, the invoice with the deposit at pickup, a resale with its shortfall.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::asset::Grade;
use workbay::domain::preorder::{PreorderStatus, edge_exists};
use workbay::domain::role::Role;
use workbay::repo::By;

use crate::common::fixtures::{product_model, ready_unit};
use crate::common::http::location;
use crate::common::{TestApp, spawn_app};

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
) -> reqwest::Response {
    let mut fields = vec![("from", from.as_str()), ("to", to.as_str())];
    fields.extend_from_slice(extra);
    app.post_form(&format!("/preorders/{id}/status"), &fields)
        .await
}

/// At `at`, every move outside the table is refused and changes nothing.
async fn refuses_all_but_the_table(app: &TestApp, id: i64, at: PreorderStatus) {
    for &to in PreorderStatus::ALL {
        if edge_exists(at, to) {
            continue;
        }
        let res = step(app, id, at, to, &[]).await;
        assert_eq!(res.status().as_u16(), 409, "{at} → {to}");
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
    assert!(
        app.get_html(&format!("/preorders/new?customer_id={customer}"))
            .await
            .contains("value=\"500.00\""),
        "the deposit defaults to 500.00"
    );
    // Bad input keeps what was typed.
    let res = app
        .post_form(
            "/preorders/new",
            &[
                ("customer_id", &customer.to_string()),
                ("product_model_id", &model.to_string()),
                ("agreed_price", "-5"),
                ("deposit_required", "500.00"),
                ("specs", "256 GB"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("value=\"256 GB\""));

    let id = start(&app, customer, model, "300.00").await;
    assert_eq!(status(&app, id).await, "deposit_pending");
    refuses_all_but_the_table(&app, id, DepositPending).await;
    let res = step(&app, id, DepositPending, Ordered, &[]).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The deposit is not paid: 300.00 of 500.00 received.")
    );
    let res = app
        .post_form(
            &format!("/preorders/{id}/deposit"),
            &[("amount", "39800.00"), ("method", "cash")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "deposits never pass the price");
    assert_eq!(
        app.post_form(
            &format!("/preorders/{id}/deposit"),
            &[("amount", "200.00"), ("method", "cash")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(
        step(&app, id, DepositPending, Ordered, &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM preorders WHERE id = {id} AND ordered_on = current_date AND sla_due_on = current_date + 21")).await, 1);
    refuses_all_but_the_table(&app, id, Ordered).await;
    assert_eq!(
        step(&app, id, Ordered, InTransit, &[])
            .await
            .status()
            .as_u16(),
        303
    );
    refuses_all_but_the_table(&app, id, InTransit).await;
    // Arrival needs a unit of the ordered model, which it reserves.
    let wrong = unit(&app, other, "A54-0001").await;
    let res = step(&app, id, InTransit, Arrived, &[("asset_code", &wrong)]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("is another model than the one ordered")
    );
    let right = unit(&app, model, "IP13-0001").await;
    assert_eq!(
        step(&app, id, InTransit, Arrived, &[("asset_code", &right)])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE asset_tag = '{right}' AND status = 'reserved'"
        ))
        .await,
        1
    );
    refuses_all_but_the_table(&app, id, Arrived).await;
    assert_eq!(
        step(&app, id, Arrived, CustomerNotified, &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app.count("SELECT count(*) FROM message_outbox WHERE template = 'preorder_arrived' AND recipient = 'achieng@example.com'").await, 1);
    refuses_all_but_the_table(&app, id, CustomerNotified).await;
    // A moved-on preorder: the stale form is told.
    let res = step(&app, id, Arrived, CustomerNotified, &[]).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Someone else moved this preorder")
    );
    assert_eq!(
        step(&app, id, CustomerNotified, PickedUp, &[])
            .await
            .status()
            .as_u16(),
        303
    );
    // The invoice sells the reserved unit at the agreed price with the 500.00 deposit applied.
    assert_eq!(app.count(&format!("SELECT count(*) FROM invoices i JOIN preorders p ON p.invoice_id = i.id WHERE p.id = {id} AND i.subtotal = 40000.00 AND i.paid_total = 500.00 AND i.status = 'partially_paid'")).await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM payments WHERE method = 'deposit' AND amount = 500.00")
            .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE asset_tag = '{right}' AND status = 'sold'"
        ))
        .await,
        1
    );
    refuses_all_but_the_table(&app, id, PickedUp).await;
    assert_eq!(
        step(&app, id, PickedUp, Closed, &[])
            .await
            .status()
            .as_u16(),
        303
    );
    refuses_all_but_the_table(&app, id, Closed).await;
    // One event per change: created, ordered, in transit, arrived, notified, picked up, closed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM preorder_events WHERE preorder_id = {id}"
        ))
        .await,
        7
    );
    // The cash-up counts the deposits when taken, by how they were paid, not again at pickup.
    let cash_up = app.get_html("/invoices/cash-up").await;
    assert!(
        cash_up.contains("Mobile money")
            && cash_up.contains("300.00")
            && !cash_up.contains("Deposit"),
        "{cash_up}"
    );
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
            step(&app, id, from, to, &extra).await.status().as_u16(),
            303,
            "{from} → {to}"
        );
    }
    assert_eq!(
        step(
            &app,
            id,
            CustomerNotified,
            Rejected,
            &[("note", "wanted another colour")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE asset_tag = '{tag}' AND status = 'ready_for_sale'"
        ))
        .await,
        1,
        "the hold is released for resale"
    );
    refuses_all_but_the_table(&app, id, Rejected).await;
    // Resold on another invoice for 36,000: the customer owes 40,000 − 36,000 − 500 = 3,500.
    let (url, branch, code) = (app.db.app_url.clone(), app.branch_id, tag.clone());
    let number = tokio::task::spawn_blocking(move || {
        use workbay::repo::invoices::{self, NewInvoice, NewLine};
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let inv = invoices::create_draft(&mut c, branch, &NewInvoice::default(), &by).unwrap();
        invoices::add_line(
            &mut c,
            branch,
            inv,
            &NewLine::Asset {
                code,
                price: Some("36000.00".parse().unwrap()),
                tier: None,
            },
        )
        .unwrap();
        invoices::issue(&mut c, branch, inv, &by).unwrap().number
    })
    .await
    .unwrap();
    let res = step(&app, id, Rejected, Resold, &[("resale_invoice", "NOPE-1")]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(
        step(&app, id, Rejected, Resold, &[("resale_invoice", &number)])
            .await
            .status()
            .as_u16(),
        303
    );
    let page = app.get_html(&format!("/preorders/{id}")).await;
    assert!(page.contains("id=\"shortfall\">3500.00"), "{page}");
    assert_eq!(
        step(&app, id, Resold, Closed, &[]).await.status().as_u16(),
        303
    );
    // Cancelled before ordering.
    let early = start(&app, customer, model, "").await;
    assert_eq!(
        step(
            &app,
            early,
            DepositPending,
            Closed,
            &[("note", "changed mind")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let res = app
        .post_form(
            &format!("/preorders/{early}/deposit"),
            &[("amount", "100.00"), ("method", "cash")],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        409,
        "a closed preorder takes no deposit"
    );
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
        assert_eq!(
            step(
                &app,
                id,
                PreorderStatus::DepositPending,
                PreorderStatus::Ordered,
                &[]
            )
            .await
            .status()
            .as_u16(),
            303
        );
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
