use diesel::RunQueryDsl;
use fantoccini::Locator;
use fantoccini::key::Key;
use workbay::domain::asset::{AssetStatus, Cause, DiagnosticsResult, Grade, WipeMethod};
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::assets::{self, Arrival};
use workbay::repo::stock::{self, Posting};

use crate::common::fixtures::product_model;
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn the_counter_sells_a_laptop_and_a_charger_takes_cash_and_mobile_money_and_prints_the_receipt()
 {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE branches SET tax_rate = 16, invoice_prefix = 'NRB-' WHERE id = {branch}"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    let url = app.db.app_url.clone();
    let tag = tokio::task::spawn_blocking(move || {
        let mut c = <diesel::PgConnection as diesel::Connection>::establish(&url).unwrap();
        let by = By::default();
        let model = product_model(&mut c, "Laptop", "Dell", "Latitude 7490", 90);
        diesel::sql_query(format!(
            "UPDATE product_models SET price_grade_b = 400.00 WHERE id = {model}"
        ))
        .execute(&mut c)
        .unwrap();
        let item = stock::create_stock_item(
            &mut c,
            "CHG-65W",
            "65W USB-C charger",
            "4.00".parse().unwrap(),
            "15.00".parse().unwrap(),
            0,
            &by,
        )
        .unwrap()
        .id;
        stock::post(
            &mut c,
            &Posting {
                stock_item_id: item,
                branch_id: branch,
                kind: "intake",
                quantity: 3,
                unit_cost: None,
                reason: "",
                reference: "",
            },
            &by,
        )
        .unwrap();
        let a = assets::receive(
            &mut c,
            &Arrival {
                serial: "DL7490X1".into(),
                product_model_id: model,
                vendor_id: None,
                branch_id: branch,
                location_id: None,
                purchase_cost: "250".parse().unwrap(),
                landed_cost: "260".parse().unwrap(),
            },
            "",
            &by,
        )
        .unwrap();
        let id = a.id;
        assets::transition(
            &mut c,
            branch,
            id,
            AssetStatus::DiagnosticsPending,
            Cause::Manual,
            "",
            &by,
        )
        .unwrap();
        assets::record_diagnostics(
            &mut c,
            branch,
            id,
            &serde_json::json!({}),
            DiagnosticsResult::Pass,
            &by,
        )
        .unwrap();
        assets::transition(
            &mut c,
            branch,
            id,
            AssetStatus::WipePending,
            Cause::Manual,
            "",
            &by,
        )
        .unwrap();
        assets::record_wipe(&mut c, branch, id, WipeMethod::NistClear, "W-9", &by).unwrap();
        assets::transition(
            &mut c,
            branch,
            id,
            AssetStatus::QcPending,
            Cause::Manual,
            "",
            &by,
        )
        .unwrap();
        assets::grade(&mut c, branch, id, Grade::B, Some(88), Some(210), "").unwrap();
        assets::transition(
            &mut c,
            branch,
            id,
            AssetStatus::ReadyForSale,
            Cause::Manual,
            "",
            &by,
        )
        .unwrap();
        a.asset_tag
    })
    .await
    .unwrap();

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login?next=%2Finvoices%2Fnew", app.address))
        .await
        .unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.wait_for_path(|p| p == "/invoices/new").await;
    browser.fill("#f-walk_in_name", "Brian Otieno").await;
    browser
        .click("form[method=post][action='/invoices/new'] button[type=submit]")
        .await;
    let page = browser
        .wait_for_path(|p| p.starts_with("/invoices/") && p != "/invoices/new")
        .await;

    // The scanner types the tag and Enter; the unit lands on the invoice and the field is ready
    // for the next scan.
    browser
        .fill("#f-code", &format!("{tag}{}", Key::Enter))
        .await;
    browser
        .text_until("#invoice-lines", |t| t.contains("Dell Latitude 7490"))
        .await;
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("f-code"));

    browser.click("#add-lines details summary").await;
    c.find(Locator::Css("#f-stock_item_id option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.fill("#f-quantity", "1").await;
    browser
        .click("form[action$='/lines/stock'] button[type=submit]")
        .await;
    browser
        .text_until("#invoice-lines", |t| t.contains("65W USB-C charger"))
        .await;
    // 400.00 + 15.00 + 16% tax = 481.40
    browser
        .text_until("#totals", |t| t.contains("481.40"))
        .await;

    browser.click("form[action$='/issue'] button").await;
    browser
        .text_until("#invoice-status", |t| t.contains("issued"))
        .await;

    // Part by mobile money…
    browser
        .click("input[name=method][value=mobile_money]")
        .await;
    let amount = c.find(Locator::Css("#f-amount")).await.unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("300.00").await.unwrap();
    browser.fill("#f-reference", "QK7H2M1X").await;
    browser.click("#payment button[type=submit]").await;
    browser
        .text_until("#invoice-status", |t| t.contains("partially paid"))
        .await;
    // …the rest in cash, handing over 200.
    browser.click("input[name=method][value=cash]").await;
    let amount = c.find(Locator::Css("#f-amount")).await.unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("200.00").await.unwrap();
    browser.click("#payment button[type=submit]").await;
    let change = browser.text_of("#change-due").await;
    assert!(change.contains("18.60"), "{change}");
    browser
        .text_until("#invoice-status", |t| {
            t.contains("paid") && !t.contains("partially")
        })
        .await;

    c.goto(&format!("{}{page}/receipt", app.address))
        .await
        .unwrap();
    let receipt = browser.text_of("main.doc").await;
    for expected in [
        "Receipt NRB-000001",
        "Brian Otieno",
        "481.40",
        "Mobile money (QK7H2M1X)",
        "Change",
        "18.60",
        "Warranty terms",
    ] {
        assert!(
            receipt.contains(expected),
            "{expected} missing from: {receipt}"
        );
    }
    browser.close().await;
    assert_eq!(app.count("SELECT count(*) FROM payments").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'sold'")
            .await,
        1
    );
}
