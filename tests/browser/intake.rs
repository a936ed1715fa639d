use workbay::domain::role::Role;

use crate::common::fixtures::product_model;
use crate::common::spawn_app;
use crate::driver::Browser;

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

#[tokio::test]
async fn warehouse_staff_scan_a_delivery_beside_its_latest_scans_commit_it_and_print_its_labels() {
    let app = spawn_app().await;
    app.create_user("chen", "Chen Wei", Role::Warehouse).await;
    app.with_db(|c| product_model(c, "Phone", "Samsung", "Galaxy A52", 90))
        .await;
    let browser = Browser::signed_in(&app.address, "chen", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/stock/intake", app.address))
        .await
        .unwrap();
    browser.click("#f-model option:nth-child(2)").await;
    browser.fill("#f-unit_cost", "15000.00").await;
    // the page is not reloaded while scanning: a mark left on it stays
    js(&browser, "window.stillTheSamePage = true; return 1").await;

    // A scanner types the serial and presses Enter; the panel beside the field counts it and
    // lists it first, and the field is empty and focused for the next one.
    for (n, serial) in ["R58N0001", "R58N0002", "R58N0003"].into_iter().enumerate() {
        browser
            .fill("#f-serial", &format!("{serial}\u{E007}"))
            .await;
        browser
            .text_until("#units-scanned", |t| t == (n + 1).to_string())
            .await;
        let first = browser.text_of("#latest-scans li:first-child code").await;
        assert_eq!(first, serial);
        let focused = js(&browser, "return document.activeElement.id").await;
        assert_eq!(
            focused.as_str(),
            Some("f-serial"),
            "focus stays on the serial field"
        );
        assert_eq!(browser.value_of("#f-serial").await, "");
    }
    // The latest scans sit beside the field, on the same screen.
    let boxes = js(
        &browser,
        "const f = document.getElementById('f-serial').getBoundingClientRect();
         const p = document.getElementById('scan-panel').getBoundingClientRect();
         return [f.right, f.top, f.bottom, p.left, p.top, p.bottom, window.innerHeight];",
    )
    .await;
    let b: Vec<f64> = boxes
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(b[3] >= b[0], "the panel is right of the field: {b:?}");
    assert!(
        b[4] < b[2] && b[1] < b[6],
        "side by side and on screen: {b:?}"
    );

    // A double scan is refused with a visible warning and a tone.
    browser.fill("#f-serial", "R58N0002\u{E007}").await;
    let warning = browser
        .text_until(".scan-warning", |t| t.contains("R58N0002"))
        .await;
    assert!(
        warning.contains("Serial R58N0002 is already in this delivery."),
        "{warning}"
    );
    let tones = js(&browser, "return window.workbayErrorTones || 0").await;
    assert_eq!(tones.as_i64(), Some(1));

    // A scanner's burst faster than the server answers: every scan is kept, in order.
    js(
        &browser,
        "const form = document.getElementById('scan-form');
         const field = document.getElementById('f-serial');
         for (let i = 1; i <= 40; i++) {
           field.value = 'BURST' + String(i).padStart(3, '0');
           form.requestSubmit();
         }
         return 1",
    )
    .await;
    browser.text_until("#units-scanned", |t| t == "43").await;
    let first = browser.text_of("#latest-scans li:first-child code").await;
    assert_eq!(first, "BURST040");
    assert_eq!(app.count("SELECT count(*) FROM intake_lines").await, 43);
    let same = js(&browser, "return window.stillTheSamePage === true").await;
    assert_eq!(same.as_bool(), Some(true), "no page load while scanning");
    assert!(
        browser.fits_width().await,
        "nothing scrolls sideways at 1366 px"
    );

    // A reload keeps the delivery (and the model chosen).
    c.refresh().await.unwrap();
    assert_eq!(browser.text_of("#units-scanned").await, "43");
    assert_eq!(browser.text_of("#earlier-scans").await, "and 33 earlier");
    assert_ne!(browser.value_of("#f-model").await, "");

    browser.click("#commit").await;
    browser
        .wait_for_path(|p| p.starts_with("/stock/intake/deliveries/"))
        .await;
    let flash = browser
        .text_until(".flash-success", |t| t.contains("committed"))
        .await;
    assert!(flash.contains("43 units"), "{flash}");
    browser.replace("#f-copies", "2").await;
    browser.click("#print-labels").await;
    browser.wait_for_path(|p| p.ends_with("/labels")).await;
    let labels = js(
        &browser,
        "return document.querySelectorAll('.label').length",
    )
    .await;
    assert_eq!(labels.as_i64(), Some(86));
    let (w, h) = browser.printed_page_mm().await;
    assert!(
        (w - 50.0).abs() < 1.0 && (h - 30.0).abs() < 1.0,
        "a 50 × 30 mm label: {w} × {h}"
    );
    browser.close().await;
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'received'")
            .await,
        43
    );
}
