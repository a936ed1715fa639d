//! Booking in one flow (issue 32, build 2): the form finds or creates the customer itself, keeps
//! the calendar's slot, chooses the only vehicle, shows when bays are free, offers what the bay
//! takes and books and confirms in one step; the booking page tells what was booked; no-show
//! and early check-in wait for their time.

use workbay::domain::role::Role;
use workbay::repo::{By, catalogue};

use crate::bookings::{DAY, book, move_to, shop, status_of};
use crate::common::fixtures::service;
use crate::common::spawn_app;

#[tokio::test]
async fn the_picker_finds_the_customer_by_a_local_spelling_and_keeps_the_calendar_slot() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    // Stored as +254 712 345 678; asked for as typed on the phone.
    let page = app
        .get_html(&format!(
            "/bookings/new?bay_id={}&date={DAY}&start=10:00&customer_q=0712%20345678",
            s.bay
        ))
        .await;
    let pick = format!(
        "/bookings/new?bay_id={}&date={DAY}&start=10%3A00&customer_id={}",
        s.bay, s.customer
    );
    assert!(page.replace("&#38;", "&").contains(&pick), "{page}");
    assert!(page.contains("Book for Wanjiru Kamau"), "{page}");

    // Picked: the slot is still there and the only vehicle is chosen.
    let page = app.get_html(&pick).await;
    assert!(page.contains("id=\"chosen-customer\""), "{page}");
    assert!(
        page.contains(&format!("<option value=\"{}\" selected>", s.bay)),
        "{page}"
    );
    assert!(page.contains("value=\"10:00\""), "{page}");
    assert!(
        page.contains(&format!("<option value=\"v{}\" selected>", s.vehicle)),
        "{page}"
    );
}

#[tokio::test]
async fn book_and_confirm_is_one_step_and_the_booking_page_tells_what_was_booked() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let (customer, vehicle) = (s.customer.to_string(), format!("v{}", s.vehicle));
    let (bay, svc) = (s.bay.to_string(), format!("service_{}", s.service));
    let form = [
        ("customer_id", customer.as_str()),
        ("subject", vehicle.as_str()),
        ("bay_id", bay.as_str()),
        ("date", DAY),
        ("start", "10:00"),
        (svc.as_str(), "on"),
        ("notes", "Bring the spare key"),
        ("and_confirm", "1"),
    ];
    let booking = app.submit("/bookings/new", &form).await;
    let id: i64 = booking.trim_start_matches("/bookings/").parse().unwrap();
    assert_eq!(status_of(&app, id).await, "confirmed");
    let events = format!("SELECT count(*) FROM booking_events WHERE booking_id = {id}");
    assert_eq!(app.count(&events).await, 2, "created, then confirmed");

    let page = app.get_html(&booking).await;
    assert!(page.contains("Toyota Corolla KDA123B"), "{page}");
    assert!(
        page.contains("id=\"booking-services\">Oil change<"),
        "{page}"
    );
    assert!(page.contains("Bring the spare key"), "{page}");
}

#[tokio::test]
async fn a_new_customer_is_booked_inline_after_the_likely_duplicate_is_shown() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let (bay, svc) = (s.bay.to_string(), format!("service_{}", s.service));
    let mut form = vec![
        ("new_name", "Wanjiru Kamau"),
        ("new_phone", "0712 345 678"),
        ("new_plate", "KDB 999Z"),
        ("new_make", "Mazda"),
        ("new_model", "Demio"),
        ("bay_id", bay.as_str()),
        ("date", DAY),
        ("start", "11:00"),
        (svc.as_str(), "on"),
    ];
    let asked = app.send("/bookings/new", &form).await;
    asked.is(422).says("This may be a customer we already have");
    assert!(
        asked.body.contains(&format!("customer_id={}", s.customer)),
        "{}",
        asked.body
    );
    assert!(
        asked.body.contains("value=\"KDB 999Z\""),
        "what was typed stays: {}",
        asked.body
    );
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 0);

    form.push(("confirm_duplicate", "yes"));
    let booking = app.submit("/bookings/new", &form).await;
    let id: i64 = booking.trim_start_matches("/bookings/").parse().unwrap();
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 2);
    let theirs = format!(
        "SELECT count(*) FROM bookings b JOIN vehicles v ON v.id = b.vehicle_id \
         WHERE b.id = {id} AND v.plate = 'KDB999Z' AND b.customer_id <> {} AND b.status = 'requested'",
        s.customer
    );
    assert_eq!(app.count(&theirs).await, 1);
}

#[tokio::test]
async fn a_new_customer_s_bad_fields_and_a_missing_customer_are_told_beside_their_fields() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let bay = s.bay.to_string();
    let base = [("bay_id", bay.as_str()), ("date", DAY), ("start", "11:00")];
    let none = app.send("/bookings/new", &base).await;
    none.is(422)
        .says("Find the customer, or fill in a new one.");
    let mut bad = base.to_vec();
    bad.extend([("new_name", "Otieno"), ("new_phone", "12")]);
    let refused = app.send("/bookings/new", &bad).await;
    refused
        .is(422)
        .says("Enter a phone number of 7 to 15 digits.");
    assert!(
        refused.body.contains("id=\"f-new_phone\""),
        "{}",
        refused.body
    );
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 1);
}

#[tokio::test]
async fn the_form_shows_when_each_bay_is_free_and_offers_only_what_the_bay_takes() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    book(&app, &s, "09:00", "10:00").await;
    let b = app.branch_id;
    let paint = app
        .with_db(move |c| {
            service(c, "Respray panel", "Body", "3.00", "15000.00");
            let by = By::default();
            catalogue::create_bay(c, b, "Paint booth", &["Body".into()], &by)
                .unwrap()
                .id
        })
        .await;

    let page = app.get_html(&format!("/bookings/new?date={DAY}")).await;
    let free = &page[page.find("id=\"availability\"").unwrap()..];
    assert!(free.contains("Free on Monday 7 January"), "{free}");
    let lift = &free[free.find("Lift 1").unwrap()..free.find("Lift 2").unwrap()];
    assert!(
        lift.contains(">08:00–09:00<") && lift.contains(">10:00–18:00<"),
        "{lift}"
    );
    assert!(
        page.contains("Oil change") && page.contains("Respray panel"),
        "no bay yet: all"
    );

    let booth = app
        .get_html(&format!("/bookings/new?date={DAY}&bay_id={paint}"))
        .await;
    let services = &booth[booth.find("id=\"services\"").unwrap()..];
    assert!(services.contains("Respray panel"), "{services}");
    assert!(
        !services.contains("Oil change"),
        "the booth takes body work only: {services}"
    );
}

#[tokio::test]
async fn no_show_waits_for_the_start_and_check_in_a_day_early_asks_first() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    let page = move_to(&app, id, "confirmed", "").await;
    assert!(
        !page.contains("Mark no-show"),
        "not offered before the start: {page}"
    );

    let check_in = format!("/bookings/{id}/check-in");
    let asked = app.send(&check_in, &[("problem", "Oil light on")]).await;
    asked
        .is(422)
        .says("This booking is for Monday 7 January at 09:00, more than a day away.");
    assert!(
        asked.body.contains("value=\"Oil light on\""),
        "{}",
        asked.body
    );
    assert_eq!(status_of(&app, id).await, "confirmed");
    let yes = [("problem", "Oil light on"), ("early", "yes")];
    let ticket = app.submit(&check_in, &yes).await;
    assert!(ticket.starts_with("/tickets/"), "{ticket}");
    assert_eq!(status_of(&app, id).await, "checked_in");
}
