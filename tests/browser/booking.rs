use workbay::domain::role::Role;
use workbay::repo::{By, catalogue};

use crate::common::fixtures::service;
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn a_receptionist_creates_a_customer_books_confirms_and_checks_in() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        catalogue::create_bay(c, branch, "Lift 1", &[], &By::default()).unwrap();
        service(c, "Oil change", "Maintenance", "1.00", "2500.00");
    })
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.text_of("main h1").await;

    a_new_customer_with_a_vehicle(&browser, &app.address).await;
    an_oil_change_is_booked_for_monday_at_nine(&browser).await;
    browser.click("input[value='confirmed'] + button").await;
    browser
        .text_until("main h1", |t| t.contains("Confirmed"))
        .await;

    browser.fill("#f-mileage", "81000").await;
    browser.fill("#f-problem", "Oil light on").await;
    browser.click("form[action$='/check-in'] button").await;
    browser.wait_for_path(|p| p.starts_with("/tickets/")).await;
    assert_eq!(browser.text_of("main h1").await, "Ticket #1 open");
    let body = browser.text_of("main").await;
    assert!(
        body.contains("Oil light on") && body.contains("Oil change") && body.contains("81000"),
        "{body}"
    );
    browser.close().await;
}

async fn a_new_customer_with_a_vehicle(browser: &Browser, address: &str) {
    browser
        .client
        .goto(&format!("{address}/customers/new"))
        .await
        .unwrap();
    browser.fill("#f-name", "Wanjiru Kamau").await;
    browser.fill("#f-phone", "0712 345 678").await;
    browser.fill("#f-plate", "KDA 123B").await;
    browser.fill("#f-make", "Toyota").await;
    browser.fill("#f-model", "Corolla").await;
    browser
        .click("form[action='/customers/new'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p.starts_with("/customers/") && p != "/customers/new")
        .await;
    assert_eq!(browser.text_of("main h1").await, "Wanjiru Kamau");
}

/// Books a service from the customer's page: 2030-01-07 is a Monday, 09:00.
async fn an_oil_change_is_booked_for_monday_at_nine(browser: &Browser) {
    browser.click("a[href^='/bookings/new']").await;
    browser.wait_for_path(|p| p == "/bookings/new").await;
    browser.text_of("form[action='/bookings/new']").await;
    browser.click("#f-vehicle_id option:nth-child(2)").await;
    browser.click("#f-bay_id option:nth-child(2)").await;
    // Date and time inputs take their value through script in a headless browser.
    browser
        .client
        .execute(
            "document.querySelector('#f-date').value = '2030-01-07'; document.querySelector('#f-start').value = '09:00';",
            vec![],
        )
        .await
        .unwrap();
    browser.click("input[name^='service_']").await;
    browser
        .click("form[action='/bookings/new'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p.starts_with("/bookings/") && p != "/bookings/new")
        .await;
    let heading = browser.text_of("main h1").await;
    assert!(
        heading.starts_with("Booking #") && heading.contains("Requested"),
        "{heading}"
    );
}

#[tokio::test]
async fn the_customer_search_answers_while_the_receptionist_types() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    for (name, phone) in [
        ("Wanjiru Kamau", "0712345678"),
        ("Otieno Garage", "0733999000"),
    ] {
        app.with_db(move |conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query(format!(
                "INSERT INTO customers (name, phone, created_branch_id) VALUES ('{name}', '{phone}', (SELECT min(id) FROM branches))"
            ))
            .execute(conn)
            .unwrap();
        })
        .await;
    }
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login?next=%2Fcustomers", app.address))
        .await
        .unwrap();
    browser.sign_in("amina", PASSWORD).await;
    browser.wait_for_path(|p| p == "/customers").await;
    assert!(browser.text_of("#results").await.contains("Otieno Garage"));
    browser.fill("#q", "wanj").await;
    // No submit: the results follow the typing.
    let results = browser
        .text_until("#results", |t| !t.contains("Otieno"))
        .await;
    assert!(results.contains("Wanjiru Kamau"), "{results}");
    browser.fill("#q", "zzz").await;
    browser
        .text_until("#results", |t| t.contains("No customers match"))
        .await;
    browser.close().await;
}
