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
    browser
        .click("form[action$='/check-in'] button[type=submit]")
        .await;
    // 2030 is more than a day away: the counter is asked first, with what it typed kept.
    browser
        .text_until("#early-check-in", |t| t.contains("more than a day away"))
        .await;
    browser.click("#early-check-in input[name=early]").await;
    browser
        .click("form[action$='/check-in'] button[type=submit]")
        .await;
    browser.wait_for_path(|p| p.starts_with("/tickets/")).await;
    assert_eq!(browser.text_of("main h1").await, "Ticket #1 Open");
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
    browser.click("main a[href^='/bookings/new']").await;
    browser.wait_for_path(|p| p == "/bookings/new").await;
    browser.text_of("form[action='/bookings/new']").await;
    // Their only vehicle comes chosen.
    let chosen = browser.text_of("#f-subject option:checked").await;
    assert!(chosen.contains("KDA123B"), "{chosen}");
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
        .click("form[action='/bookings/new'] button.secondary[type=submit]")
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

/// The phone rings: the receptionist opens the 10:00 slot on the calendar, finds the caller by
/// the number as they say it, and books and confirms, the slot kept all the way.
#[tokio::test]
async fn a_phone_call_is_booked_and_confirmed_from_a_calendar_slot() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Kevin Odhiambo", "+254 722 444 555", "")
        .await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        let by = By::default();
        catalogue::create_bay(c, branch, "Lift 1", &[], &by).unwrap();
        catalogue::create_bay(c, branch, "Lift 2", &[], &by).unwrap();
        service(c, "Oil change", "Maintenance", "1.00", "2500.00");
        workbay::repo::customers::add_vehicle(c, customer, &kevins_car(), &by).unwrap();
    })
    .await;
    let browser = Browser::signed_in(&app.address, "amina", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/calendar?date=2030-01-07", app.address))
        .await
        .unwrap();
    browser
        .click("a.free[href*='start=10:00'][href*='bay_id=2']")
        .await;
    browser.wait_for_path(|p| p == "/bookings/new").await;

    // The caller gives their number the local way; the list answers as it is typed.
    browser.fill("#customer_q", "0722 444555").await;
    browser
        .text_until("#results", |t| t.contains("Book for Kevin Odhiambo"))
        .await;
    browser.click("#results a").await;
    browser
        .text_until("#chosen-customer", |t| t.contains("Kevin Odhiambo"))
        .await;
    let bay = browser.text_of("#f-bay_id option:checked").await;
    assert_eq!(bay, "Lift 2");
    let start = browser.value_of("#f-start").await;
    assert_eq!(start, "10:00");
    let car = browser.text_of("#f-subject option:checked").await;
    assert!(car.contains("KCB555K"), "{car}");
    browser.click("input[name^='service_']").await;
    browser
        .click("form[action='/bookings/new'] button[name=and_confirm]")
        .await;
    browser
        .wait_for_path(|p| p.starts_with("/bookings/") && p != "/bookings/new")
        .await;
    let heading = browser.text_of("main h1").await;
    assert!(heading.contains("Confirmed"), "{heading}");
    let facts = browser.text_of("main .facts").await;
    assert!(
        facts.contains("Monday 7 January 2030, 10:00") && facts.contains("Lift 2"),
        "{facts}"
    );
    assert!(
        facts.contains("KCB555K") && facts.contains("Oil change"),
        "{facts}"
    );
    browser.close().await;
}

fn kevins_car() -> workbay::domain::customer::VehicleInput {
    workbay::domain::customer::VehicleInput {
        vin: None,
        plate: "KCB555K".into(),
        make: "Subaru".into(),
        model: "Forester".into(),
        year: Some(2014),
        mileage: None,
    }
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
