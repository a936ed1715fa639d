use diesel::RunQueryDsl;
use fantoccini::key::Key;
use workbay::domain::asset::Grade;
use workbay::domain::role::Role;

use crate::common::fixtures::{product_model, ready_unit, stock_in, stock_item};
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

/// Tax at 16%, a grade B laptop priced 400.00 ready for sale, three chargers at 15.00 on the
/// shelf; returns the laptop's tag.
async fn counter_stock(app: &crate::common::TestApp) -> String {
    let branch = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET tax_rate = 16, invoice_prefix = 'NRB-' WHERE id = {branch}"
    ))
    .await;
    app.with_db(move |c| {
        let model = product_model(c, "Laptop", "Dell", "Latitude 7490", 90);
        diesel::sql_query(format!(
            "UPDATE product_models SET price_grade_b = 400.00 WHERE id = {model}"
        ))
        .execute(c)
        .unwrap();
        let item = stock_item(c, "CHG-65W", "65W USB-C charger", "4.00", "15.00", 0);
        stock_in(c, branch, item, 3);
        ready_unit(c, branch, model, "DL7490X1", Grade::B).1
    })
    .await
}

#[tokio::test]
async fn the_counter_sells_a_laptop_and_a_charger_takes_cash_and_mobile_money_and_prints_the_receipt()
 {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let tag = counter_stock(&app).await;

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

    scan_a_laptop_and_add_a_charger(&browser, &tag).await;
    browser.click("form[action$='/issue'] button").await;
    browser
        .text_until("#invoice-status", |t| t.contains("Issued"))
        .await;
    pay_by_mobile_money_then_cash(&browser).await;

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
    // The receipt prints on 80 mm paper, the invoice on A4.
    let (width, _) = browser.printed_page_mm().await;
    assert!(
        (width - 80.0).abs() < 0.5,
        "the receipt's page is {width} mm wide"
    );
    c.goto(&format!("{}{page}/print", app.address))
        .await
        .unwrap();
    browser.text_of("main.doc").await;
    let (width, height) = browser.printed_page_mm().await;
    assert!(
        (width - 210.0).abs() < 0.5 && (height - 297.0).abs() < 0.5,
        "A4: {width} × {height}"
    );
    browser.close().await;
    assert_eq!(app.count("SELECT count(*) FROM payments").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'sold'")
            .await,
        1
    );
}

/// The scanner types the tag and Enter; the unit lands on the invoice and the field is ready
/// for the next scan. A charger is picked from the list; 400.00 + 15.00 + 16% tax = 481.40.
async fn scan_a_laptop_and_add_a_charger(browser: &Browser, tag: &str) {
    let c = &browser.client;
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
    browser.click("#f-stock_item_id option:nth-child(2)").await;
    browser.fill("#f-quantity", "1").await;
    browser
        .click("form[action$='/lines/stock'] button[type=submit]")
        .await;
    browser
        .text_until("#invoice-lines", |t| t.contains("65W USB-C charger"))
        .await;
    browser
        .text_until("#totals", |t| t.contains("481.40"))
        .await;
}

/// Part by mobile money, the rest in cash handing over 200: the change shows.
async fn pay_by_mobile_money_then_cash(browser: &Browser) {
    browser
        .click("input[name=method][value=mobile_money]")
        .await;
    browser.replace("#f-amount", "300.00").await;
    browser.fill("#f-reference", "QK7H2M1X").await;
    browser.click("#payment button[type=submit]").await;
    browser
        .text_until("#invoice-status", |t| t.contains("Partially paid"))
        .await;
    browser.click("input[name=method][value=cash]").await;
    browser.replace("#f-amount", "200.00").await;
    browser.click("#payment button[type=submit]").await;
    let change = browser.text_of("#change-due").await;
    assert!(change.contains("18.60"), "{change}");
    browser
        .text_until("#invoice-status", |t| {
            t.contains("Paid") && !t.contains("Partially")
        })
        .await;
}
