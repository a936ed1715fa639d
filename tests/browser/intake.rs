use fantoccini::Locator;
use fantoccini::key::Key;
use workbay::domain::role::Role;

use crate::common::fixtures::product_model;
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn warehouse_staff_scan_serials_into_an_intake_and_commit_it() {
    let app = spawn_app().await;
    app.create_user("chen", "Chen Wei", Role::Warehouse).await;
    let url = app.db.app_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = <diesel::PgConnection as diesel::Connection>::establish(&url).unwrap();
        product_model(&mut c, "Phone", "Samsung", "Galaxy A52", 90);
    })
    .await
    .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login?next=%2Fstock%2Fintake", app.address))
        .await
        .unwrap();
    browser.sign_in("chen", PASSWORD).await;
    browser.wait_for_path(|p| p == "/stock/intake").await;
    c.find(Locator::Css("#f-model option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.fill("#f-unit_cost", "15000.00").await;

    // A scanner types the serial and presses Enter; the field is empty and focused again after.
    for (n, serial) in ["R58N0001", "R58N0002", "R58N0003"].into_iter().enumerate() {
        browser
            .fill("#f-serial", &format!("{serial}{}", Key::Enter))
            .await;
        browser
            .text_until(".page-head .badge", |t| {
                t.starts_with(&format!("{} units", n + 1))
            })
            .await;
        let focused = c
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(
            focused.as_str(),
            Some("f-serial"),
            "focus stays on the serial field"
        );
    }
    // A double scan is refused with a visible warning.
    browser
        .fill("#f-serial", &format!("R58N0002{}", Key::Enter))
        .await;
    let warning = browser.text_of(".scan-warning").await;
    assert!(
        warning.contains("Serial R58N0002 is already in this delivery."),
        "{warning}"
    );
    // A reload keeps the delivery.
    c.refresh().await.unwrap();
    let lines = browser.text_of("#intake-lines").await;
    assert!(lines.contains("R58N0001") && lines.contains("R58N0003"));

    browser
        .click("form[action='/stock/intake/commit'] button")
        .await;
    let flash = browser
        .text_until(".flash-success", |t| t.contains("committed"))
        .await;
    assert!(flash.contains("3 units"), "{flash}");
    browser.close().await;
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'received'")
            .await,
        3
    );
}
