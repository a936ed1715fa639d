//! A manager imports the old system's customers at the counter's screen size: uploads the file,
//! maps its columns (named in the old system's words) to Workbay's fields, previews, imports
//! and follows the progress bar to the result.

use workbay::domain::role::Role;

use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn a_manager_maps_the_old_systems_columns_previews_and_imports() {
    let app = spawn_app().await;
    app.create_user("dora", "Dora Achieng", Role::Manager).await;
    let dir = std::env::temp_dir().join(format!("workbay-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wateja.csv");
    std::fs::write(
        &file,
        "Nambari;Jina;Simu;Gari\r\nW-1;Amina Njoroge;0722 444 555;KCB 123A\r\nW-2;Brian Otieno;0733 000 111;\r\n",
    )
    .unwrap();
    let browser = Browser::signed_in(&app.address, "dora", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/imports", app.address)).await.unwrap();
    browser.click("#f-kind option[value=customers]").await;
    browser.fill("#f-file", file.to_str().unwrap()).await;
    browser.click("#upload-form button[type=submit]").await;
    browser.wait_for_path(|p| p.starts_with("/imports/")).await;

    // None of the headers is one Workbay knows: the name is asked for, and nothing can be imported.
    let missing = browser.text_of("#mapping-missing").await;
    assert!(
        missing.contains("Choose the file's column for “Name”"),
        "{missing}"
    );
    assert!(
        browser.fits_width().await,
        "the mapping fits the counter's screen"
    );
    for (field, header) in [
        ("external_ref", "Nambari"),
        ("name", "Jina"),
        ("phone", "Simu"),
        ("plate", "Gari"),
    ] {
        browser
            .click(&format!("#map-{field} option[value={header}]"))
            .await;
    }
    browser.click("#preview-button").await;
    let counts = browser
        .text_until("#preview-counts", |t| t.contains("2 new"))
        .await;
    assert!(counts.contains("Nothing has been saved yet."), "{counts}");
    let first = browser.text_of("#preview-rows tbody tr:first-child").await;
    assert!(
        first.contains("+254722444555") && first.contains("KCB123A"),
        "{first}"
    );

    // A column changed after the preview: the import waits for a new preview.
    browser.click("#map-plate option[value='']").await;
    let disabled = c
        .execute(
            "return document.getElementById('commit-button').disabled",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disabled.as_bool(), Some(true));
    browser.click("#map-plate option[value=Gari]").await;
    browser.click("#commit-button").await;
    let result = browser.text_of("#import-result").await;
    assert!(result.contains("2 new customer records"), "{result}");
    assert_eq!(
        app.text("SELECT plate FROM vehicles v JOIN customers c ON c.id = v.customer_id WHERE c.external_ref = 'W-1'").await,
        "KCB123A"
    );

    // The next file of customers is offered the same columns.
    c.goto(&format!("{}/imports", app.address)).await.unwrap();
    browser.click("#f-kind option[value=customers]").await;
    browser.fill("#f-file", file.to_str().unwrap()).await;
    browser.click("#upload-form button[type=submit]").await;
    let counts = browser
        .text_until("#preview-counts", |t| t.contains("imported before"))
        .await;
    assert!(
        counts.contains("0 new · 2 imported before (skipped)"),
        "{counts}"
    );
    browser.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
