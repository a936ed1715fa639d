use diesel::PgConnection;
use workbay::domain::customer::{CustomerInput, VehicleInput};
use workbay::domain::role::Role;
use workbay::repo::{By, catalogue, customers};

use crate::common::TestApp;
use crate::common::fixtures::service;
use crate::common::http::location;
use crate::common::spawn_app;

/// A Monday far ahead; the test branch is in UTC, open 08:00–18:00 on Mondays.
pub const DAY: &str = "2030-01-07";

pub struct Shop {
    pub bay: i64,
    pub other_bay: i64,
    pub service: i64,
    pub customer: i64,
    pub vehicle: i64,
}

pub async fn shop(app: &TestApp) -> Shop {
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut conn = <PgConnection as diesel::Connection>::establish(&url).unwrap();
        let by = By::default();
        let bay = catalogue::create_bay(&mut conn, branch, "Lift 1", &[], &by)
            .unwrap()
            .id;
        let other_bay = catalogue::create_bay(&mut conn, branch, "Lift 2", &[], &by)
            .unwrap()
            .id;
        let service = service(&mut conn, "Oil change", "Maintenance", "1.00", "2500.00");
        let input = CustomerInput {
            kind: "person".into(),
            segment: "retail".into(),
            name: "Wanjiru Kamau".into(),
            phone: "+254 712 345 678".into(),
            email: "wanjiru@example.com".into(),
            address: String::new(),
            lead_source_id: None,
            marketing_consent: false,
            notes: String::new(),
            vehicle: Some(VehicleInput {
                vin: Some("1HGCM82633A004352".into()),
                plate: "KDA123B".into(),
                make: "Toyota".into(),
                model: "Corolla".into(),
                year: Some(2015),
                mileage: Some(80_000),
            }),
            device: None,
        };
        let customer = customers::create(&mut conn, &input, branch, &by)
            .unwrap()
            .id;
        let vehicle = customers::vehicles_of(&mut conn, customer).unwrap()[0].id;
        Shop {
            bay,
            other_bay,
            service,
            customer,
            vehicle,
        }
    })
    .await
    .unwrap()
}

fn booking_form(s: &Shop, bay: i64, start: &str, end: &str) -> Vec<(String, String)> {
    vec![
        ("customer_id".into(), s.customer.to_string()),
        ("vehicle_id".into(), s.vehicle.to_string()),
        ("bay_id".into(), bay.to_string()),
        ("date".into(), DAY.into()),
        ("start".into(), start.into()),
        ("end".into(), end.into()),
        (format!("service_{}", s.service), "on".into()),
    ]
}

pub async fn book(app: &TestApp, s: &Shop, start: &str, end: &str) -> i64 {
    let form = booking_form(s, s.bay, start, end);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    location(&res)
        .trim_start_matches("/bookings/")
        .parse()
        .unwrap()
}

pub async fn status_of(app: &TestApp, id: i64) -> String {
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use workbay::schema::bookings;
        bookings::table
            .find(id)
            .select(bookings::status)
            .first::<String>(conn)
            .unwrap()
    })
    .await
}

pub async fn move_to(app: &TestApp, id: i64, to: &str, reason: &str) -> String {
    let res = app
        .post_form(
            &format!("/bookings/{id}/status"),
            &[("to", to), ("reason", reason)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    app.get_html(&format!("/bookings/{id}")).await
}

#[tokio::test]
async fn every_booking_transition_valid_and_invalid_through_http() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;

    // requested → confirmed → no_show, and what the table refuses on the way.
    let a = book(&app, &s, "09:00", "10:00").await;
    assert_eq!(status_of(&app, a).await, "requested");
    let page = move_to(&app, a, "no_show", "").await;
    assert!(
        page.contains("A requested booking cannot be marked no-show."),
        "{page}"
    );
    assert_eq!(status_of(&app, a).await, "requested");
    move_to(&app, a, "confirmed", "").await;
    assert_eq!(status_of(&app, a).await, "confirmed");
    let page = move_to(&app, a, "confirmed", "").await;
    assert!(page.contains("A confirmed booking cannot be marked confirmed."));
    // The customer may still come until the start; once it has passed, they are a no-show.
    let page = move_to(&app, a, "no_show", "").await;
    assert!(
        page.contains("can be marked a no-show only after that"),
        "{page}"
    );
    assert_eq!(status_of(&app, a).await, "confirmed");
    app.exec(&format!(
        "UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = {a}"
    ))
    .await;
    move_to(&app, a, "no_show", "").await;
    assert_eq!(status_of(&app, a).await, "no_show");
    let page = move_to(&app, a, "cancelled", "changed mind").await;
    assert!(page.contains("A no-show booking cannot be marked cancelled."));
    assert_eq!(status_of(&app, a).await, "no_show");

    // requested → cancelled needs a reason.
    let b = book(&app, &s, "10:00", "11:00").await;
    let page = move_to(&app, b, "cancelled", "  ").await;
    assert!(page.contains("Say why the booking is cancelled."));
    assert_eq!(status_of(&app, b).await, "requested");
    move_to(&app, b, "cancelled", "customer travelling").await;
    assert_eq!(status_of(&app, b).await, "cancelled");

    // confirmed → cancelled; confirmed → checked_in → completed.
    let c = book(&app, &s, "11:00", "12:00").await;
    move_to(&app, c, "confirmed", "").await;
    move_to(&app, c, "cancelled", "car sold").await;
    assert_eq!(status_of(&app, c).await, "cancelled");
    let d = book(&app, &s, "12:00", "13:00").await;
    let page = move_to(&app, d, "completed", "").await;
    assert!(page.contains("A requested booking cannot be marked completed."));
    move_to(&app, d, "confirmed", "").await;
    let res = app
        .post_form(
            &format!("/bookings/{d}/check-in"),
            &[
                ("mileage", "81000"),
                ("problem", "Service due"),
                ("early", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(status_of(&app, d).await, "checked_in");
    move_to(&app, d, "completed", "").await;
    assert_eq!(status_of(&app, d).await, "completed");

    // Every change wrote its event: a, b, c, d were created (4) plus 2 + 1 + 2 + 3 changes;
    // the refused ones wrote nothing.
    assert_eq!(
        app.count("SELECT count(*) FROM booking_events").await,
        4 + 2 + 1 + 2 + 3
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM booking_events WHERE booking_id = {a} AND kind = 'status'"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn twenty_parallel_requests_for_one_bay_and_slot_make_exactly_one_booking() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        // Overlapping but not identical slots, all on one bay.
        let (start, end) = if i % 2 == 0 {
            ("14:00", "15:00")
        } else {
            ("14:30", "15:30")
        };
        let mut form = booking_form(&s, s.bay, start, end);
        form.push(("csrf_token".into(), token.clone()));
        let client = app.client.clone();
        let url = format!("{}/bookings/new", app.address);
        tasks.push(tokio::spawn(async move {
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }));
    }
    let mut made = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            303 => made += 1,
            422 => assert!(
                body.contains("That bay is already booked then (booking #"),
                "{body}"
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(made, 1);
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM booking_events").await, 1);
    // Another bay at the same time is fine.
    let mut form = booking_form(&s, s.other_bay, "14:00", "15:00");
    let token = app.csrf_token_with(&app.client, "/").await;
    form.push(("csrf_token".into(), token));
    let res = app
        .client
        .post(format!("{}/bookings/new", app.address))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

#[tokio::test]
async fn a_clash_names_the_other_booking_and_keeps_the_form_as_typed() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let first = book(&app, &s, "09:00", "10:00").await;
    let form = booking_form(&s, s.bay, "09:30", "10:30");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("booking #{first} for Wanjiru Kamau")),
        "{body}"
    );
    assert!(
        body.contains("value=\"09:30\"") && body.contains("value=\"10:30\""),
        "times kept"
    );
    assert!(
        body.contains(&format!("name=\"service_{}\" checked", s.service)),
        "services kept"
    );
}

#[tokio::test]
async fn bookings_outside_hours_on_closed_days_or_in_the_past_are_refused() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    for (date, start, end, message) in [
        (DAY, "17:30", "18:30", "the branch is open 08:00–18:00"),
        (
            "2030-01-06",
            "10:00",
            "11:00",
            "The branch is closed on Sundays.",
        ),
        ("2020-01-06", "10:00", "11:00", "That time has passed"),
        (DAY, "11:00", "10:00", "The end must be after the start."),
    ] {
        let mut form = booking_form(&s, s.bay, start, end);
        form.retain(|(k, _)| k != "date");
        form.push(("date".into(), date.into()));
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = app.post_form("/bookings/new", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "{date} {start}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{message} missing: {body}");
    }
    // Nothing of a refused booking is kept: no booking, services or event.
    for table in ["bookings", "booking_services", "booking_events"] {
        assert_eq!(
            app.count(&format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}

#[tokio::test]
async fn the_end_defaults_to_the_services_hours() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "").await;
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM bookings WHERE id = {id} AND ends_at - starts_at = interval '1 hour'")).await,
        1
    );
}

#[tokio::test]
async fn a_stale_reschedule_is_a_conflict_and_overwrites_nothing() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    let version = app
        .count(&format!(
            "SELECT version::bigint FROM bookings WHERE id = {id}"
        ))
        .await
        .to_string();
    let bay = s.bay.to_string();
    let move_form = |start: &'static str, end: &'static str| {
        vec![
            ("version", version.clone()),
            ("bay_id", bay.clone()),
            ("date", DAY.to_string()),
            ("start", start.to_string()),
            ("end", end.to_string()),
        ]
    };
    // Two receptionists opened the same form; the first saves.
    let first: Vec<(&str, String)> = move_form("11:00", "12:00");
    let fields: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&format!("/bookings/{id}/reschedule"), &fields)
            .await
            .status()
            .as_u16(),
        303
    );
    // The second still carries the old version.
    let second = move_form("15:00", "16:00");
    let fields: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app
        .post_form(&format!("/bookings/{id}/reschedule"), &fields)
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Someone changed this booking while you were editing it.")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bookings WHERE id = {id} AND starts_at = '{DAY} 11:00+00'"
        ))
        .await,
        1,
        "the first change stands"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM booking_events WHERE booking_id = {id} AND kind = 'rescheduled'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn check_in_creates_exactly_one_ticket_even_when_submitted_twice_at_once() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    move_to(&app, id, "confirmed", "").await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let client = app.client.clone();
        let url = format!("{}/bookings/{id}/check-in", app.address);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let form = [
                ("mileage", "81200"),
                ("problem", "Oil light on"),
                ("damage_notes", "scratch on rear door"),
                ("early", "yes"),
                ("csrf_token", token.as_str()),
            ];
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), location(&res))
        }));
    }
    let mut targets = Vec::new();
    for t in tasks {
        let (status, loc) = t.await.unwrap();
        assert_eq!(status, 303);
        targets.push(loc);
    }
    assert_eq!(
        targets[0], targets[1],
        "both submits land on the same ticket"
    );
    assert_eq!(app.count("SELECT count(*) FROM tickets").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM ticket_lines").await,
        1,
        "the booked service became a line"
    );
    // One opening, and the customer's status link made with it: nothing twice.
    assert_eq!(
        app.count("SELECT count(*) FROM ticket_events WHERE kind = 'opened'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM ticket_events").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM status_links").await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM vehicles WHERE id = {} AND mileage = 81200",
            s.vehicle
        ))
        .await,
        1
    );
    let ticket = app.get_html(&targets[0]).await;
    assert!(
        ticket.contains("Ticket #1")
            && ticket.contains("Oil light on")
            && ticket.contains("Oil change")
    );
}

#[tokio::test]
async fn confirming_writes_a_confirmation_and_a_reminder_and_cancelling_withdraws_them() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    move_to(&app, id, "confirmed", "").await;
    let pending = format!(
        "SELECT count(*) FROM message_outbox WHERE booking_id = {id} AND template = 'booking_reminder' AND status = 'pending' AND recipient = 'wanjiru@example.com' AND due_at = '{DAY} 09:00+00'::timestamptz - interval '1 day'"
    );
    assert_eq!(app.count(&pending).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM message_outbox WHERE booking_id = {id} AND template = 'booking_confirmed' AND status = 'pending' AND due_at < '{DAY}'::date - 1"
        ))
        .await,
        1,
        "the confirmation is due at once"
    );
    move_to(&app, id, "cancelled", "rain").await;
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(template, ',' ORDER BY template) FROM message_outbox WHERE booking_id = {id} AND status = 'cancelled'"
        ))
        .await,
        "booking_confirmed,booking_reminder"
    );
}

#[tokio::test]
async fn another_branchs_booking_and_ticket_are_not_found() {
    let app = spawn_app().await;
    let s = shop(&app).await;
    app.login_as(Role::Receptionist).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    move_to(&app, id, "confirmed", "").await;
    let res = app
        .post_form(
            &format!("/bookings/{id}/check-in"),
            &[("problem", "x"), ("early", "yes")],
        )
        .await;
    let ticket = location(&res);

    let other_branch = app.create_branch("Elsewhere", "EL-").await;
    let outsider = app.new_client();
    let u = app
        .create_user_in("outsider", "Out Sider", Role::Receptionist, other_branch)
        .await;
    app.login_with(&outsider, &u.username, &u.password).await;
    for path in [format!("/bookings/{id}"), ticket.clone()] {
        assert_eq!(
            app.get_with(&outsider, &path).await.status().as_u16(),
            404,
            "{path}"
        );
    }
    let res = app
        .post_form_with(
            &outsider,
            &format!("/bookings/{id}/status"),
            &[("to", "cancelled"), ("reason", "sabotage")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(status_of(&app, id).await, "checked_in");
}

#[tokio::test]
async fn a_bay_takes_only_the_service_categories_it_lists() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let booth = tokio::task::spawn_blocking(move || {
        let mut conn = <PgConnection as diesel::Connection>::establish(&url).unwrap();
        catalogue::create_bay(
            &mut conn,
            branch,
            "Paint booth",
            &["Paint".into()],
            &By::default(),
        )
        .unwrap()
        .id
    })
    .await
    .unwrap();
    let form = booking_form(&s, booth, "09:00", "10:00");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Paint booth does not take Maintenance work (Oil change)")
    );
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 0);
}

#[tokio::test]
async fn the_calendar_shows_bookings_in_the_branchs_own_time() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let branch = app.branch_id;
    app.with_db(move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE branches SET timezone = 'Africa/Nairobi' WHERE id = {branch}"
        ))
        .execute(conn)
        .unwrap();
    })
    .await;
    let id = book(&app, &s, "09:00", "10:00").await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bookings WHERE id = {id} AND starts_at = '{DAY} 06:00+00'"
        ))
        .await,
        1,
        "09:00 in Nairobi is 06:00 UTC"
    );
    let day = app.get_html(&format!("/calendar?date={DAY}")).await;
    assert!(
        day.contains(&format!("href=\"/bookings/{id}\">Wanjiru Kamau")),
        "{day}"
    );
    assert!(
        day.contains("rowspan=\"2\""),
        "a one-hour booking spans two half-hour rows"
    );
    assert_eq!(
        day.matches("Wanjiru Kamau").count(),
        1,
        "drawn once, not in every row"
    );
    assert!(
        day.contains(&format!(
            "/bookings/new?bay_id={}&amp;date={DAY}&amp;start=10:00",
            s.bay
        )),
        "the next slot is free"
    );
    assert!(
        !day.contains(&format!(
            "/bookings/new?bay_id={}&amp;date={DAY}&amp;start=09:00",
            s.bay
        )),
        "09:00 is taken"
    );
    let week = app.get_html(&format!("/calendar/week?date={DAY}")).await;
    assert!(week.contains("09:00 Wanjiru Kamau"), "{week}");
    assert!(week.contains("Week of 7 January 2030"));
}

#[tokio::test]
async fn a_device_can_be_booked_but_not_together_with_a_vehicle() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let res = app
        .post_form(
            &format!("/customers/{}/devices", s.customer),
            &[
                ("device_kind", "Phone"),
                ("device_brand", "Tecno"),
                ("device_model", "Spark 10"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let device = app.count("SELECT max(id) FROM devices").await.to_string();
    let mut both = booking_form(&s, s.bay, "09:00", "10:00");
    both.push(("device_id".into(), device.clone()));
    let fields: Vec<(&str, &str)> = both.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Book either a vehicle or a device, not both.")
    );
    let mut device_only = booking_form(&s, s.bay, "09:00", "10:00");
    device_only.retain(|(k, _)| k != "vehicle_id");
    device_only.push(("device_id".into(), device.clone()));
    let fields: Vec<(&str, &str)> = device_only
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bookings WHERE device_id = {device} AND vehicle_id IS NULL"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_withdrawn_service_cannot_be_booked_and_only_managers_withdraw() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let path = format!("/admin/catalogue/services/{}/active", s.service);
    assert_eq!(
        app.post_form(&path, &[("active", "false")])
            .await
            .status()
            .as_u16(),
        403
    );
    let manager = app.new_client();
    let m = app.create_user("boss", "Boss", Role::Manager).await;
    app.login_with(&manager, &m.username, &m.password).await;
    assert_eq!(
        app.post_form_with(&manager, &path, &[("active", "false")])
            .await
            .status()
            .as_u16(),
        303
    );
    let form = booking_form(&s, s.bay, "09:00", "10:00");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Oil change is no longer offered.")
    );
    assert!(
        !app.get_html("/bookings/new").await.contains("Oil change"),
        "not offered in the form"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'service.deactivate'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_unknown_customer_or_another_branchs_bay_is_explained_beside_the_field() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let foreign_bay = app
        .with_db(|conn| {
            use diesel::prelude::*;
            use workbay::schema::{bays, branches};
            let other: i64 = diesel::insert_into(branches::table)
                .values((
                    branches::name.eq("Elsewhere"),
                    branches::invoice_prefix.eq("EL-"),
                    branches::opening_hours.eq(serde_json::json!({})),
                ))
                .returning(branches::id)
                .get_result(conn)
                .unwrap();
            diesel::insert_into(bays::table)
                .values((bays::branch_id.eq(other), bays::name.eq("Their lift")))
                .returning(bays::id)
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await;
    let mut form = booking_form(&s, foreign_bay, "09:00", "10:00");
    form.retain(|(k, _)| k != "customer_id" && k != "vehicle_id");
    form.push(("customer_id".into(), "999999".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Choose a customer from the search."),
        "{body}"
    );
    assert!(
        body.contains("Choose one of this branch&#39;s bays.")
            || body.contains("Choose one of this branch's bays."),
        "{body}"
    );
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 0);
}

#[tokio::test]
async fn a_bad_mileage_at_check_in_keeps_what_was_typed_and_opens_nothing() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let id = book(&app, &s, "09:00", "10:00").await;
    move_to(&app, id, "confirmed", "").await;
    let res = app
        .post_form(
            &format!("/bookings/{id}/check-in"),
            &[
                ("mileage", "eighty"),
                ("problem", "Oil light on"),
                ("damage_notes", "cracked mirror"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter the mileage as a whole number."));
    assert!(
        body.contains("value=\"eighty\"")
            && body.contains("value=\"Oil light on\"")
            && body.contains("value=\"cracked mirror\""),
        "{body}"
    );
    assert!(
        body.contains(&format!("name=\"date\" type=\"date\" value=\"{DAY}\"")),
        "the reschedule form still shows the booking"
    );
    assert_eq!(app.count("SELECT count(*) FROM tickets").await, 0);
    assert_eq!(status_of(&app, id).await, "confirmed");
}

#[tokio::test]
async fn another_customers_vehicle_or_a_missing_service_is_explained_and_books_nothing() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    let other = app
        .create_customer("Baraka Otieno", "0722 000 111", "")
        .await;
    let mut form = booking_form(&s, s.bay, "09:00", "10:00");
    form.retain(|(k, _)| k != "customer_id");
    form.push(("customer_id".into(), other.to_string()));
    form.push(("service_999999".into(), "on".into()));
    form.push(("notes".into(), "Rattle at the back".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/bookings/new", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    for expected in [
        "That vehicle is not this customer",
        "One of the services no longer exists.",
        "Rattle at the back",
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM bookings").await, 0);
    // The same form with the customer's own vehicle and only the real service is booked.
    let id = book(&app, &s, "09:00", "10:00").await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM booking_services WHERE booking_id = {id}"
        ))
        .await,
        1
    );
}
