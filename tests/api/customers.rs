use workbay::domain::role::Role;

use crate::common::http::location;
use crate::common::spawn_app;

async fn new_customer(app: &crate::common::TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/customers/new", fields).await
}

#[tokio::test]
async fn a_receptionist_creates_a_customer_with_a_vehicle() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let res = new_customer(
        &app,
        &[
            ("name", "Wanjiru Kamau"),
            ("phone", "0712 345 678"),
            ("plate", "kda 123b"),
            ("vin", "1hgcm82633a004352"),
            ("make", "Toyota"),
            ("model", "Corolla"),
            ("year", "2015"),
            ("mileage", "80,000"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = app.get_html(&location(&res)).await;
    assert!(page.contains("Customer Wanjiru Kamau saved."));
    assert!(
        page.contains("KDA123B") && page.contains("1HGCM82633A004352") && page.contains("80000")
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('customer.create', 'vehicle.create')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_bad_vin_is_explained_and_nothing_is_saved() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    for (vin, message) in [
        (
            "1HGCM82633A00435",
            "A VIN has 17 characters; this one has 16.",
        ),
        ("1HGCM82633A0O4352", "A VIN never contains the letter O"),
    ] {
        let res = new_customer(
            &app,
            &[("name", "Juma Ali"), ("phone", "0722000111"), ("vin", vin)],
        )
        .await;
        assert_eq!(res.status().as_u16(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{message}: {body}");
        assert!(body.contains("value=\"Juma Ali\""), "the name is kept");
    }
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 0);
}

#[tokio::test]
async fn a_likely_duplicate_is_pointed_out_before_saving() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    assert_eq!(
        new_customer(
            &app,
            &[("name", "Wanjiru Kamau"), ("phone", "+254 712 345 678")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let res = new_customer(&app, &[("name", "W. Kamau"), ("phone", "254712345678")]).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("This may be a customer we already have"));
    assert!(body.contains("Wanjiru Kamau"));
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 1);
    let res = new_customer(
        &app,
        &[
            ("name", "W. Kamau"),
            ("phone", "254712345678"),
            ("confirm_duplicate", "on"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 2);
}

#[tokio::test]
async fn search_finds_by_phone_fragment_plate_vin_and_name() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    new_customer(
        &app,
        &[
            ("name", "Wanjiru Kamau"),
            ("phone", "+254 712 345 678"),
            ("email", "wk@Mail.example"),
            ("plate", "KDA 123B"),
        ],
    )
    .await;
    new_customer(
        &app,
        &[
            ("name", "Otieno Garage Ltd"),
            ("phone", "0733 999 000"),
            ("kind", "business"),
            ("vin", "JTDBR32E720987650"),
        ],
    )
    .await;
    app.get("/").await; // shows (and so clears) the "saved" messages
    for (q, expect, not) in [
        ("345 6", "Wanjiru Kamau", "Otieno Garage"),
        ("kda123", "Wanjiru Kamau", "Otieno Garage"),
        ("KDA-123B", "Wanjiru Kamau", "Otieno Garage"),
        ("20987650", "Otieno Garage", "Wanjiru"),
        ("otieno", "Otieno Garage", "Wanjiru"),
        // Two letters match names; plates, VINs and serials match from three characters.
        ("ot", "Otieno Garage", "Wanjiru"),
        ("23b", "Wanjiru Kamau", "Otieno Garage"),
        // Names and emails match whatever the case of either.
        ("GARAGE", "Otieno Garage", "Wanjiru"),
        ("mail.EX", "Wanjiru Kamau", "Otieno Garage"),
    ] {
        let page = app
            .get_html(&format!("/customers?q={}", q.replace(' ', "+")))
            .await;
        assert!(page.contains(expect), "{q} should find {expect}");
        assert!(!page.contains(not), "{q} should not find {not}");
    }
    // A match never runs from the end of the name into the email.
    let page = app.get_html("/customers?q=kamau+wk").await;
    assert!(!page.contains("Wanjiru"), "{page}");
}

#[tokio::test]
async fn technicians_and_warehouse_staff_cannot_open_the_customer_screens() {
    let app = spawn_app().await;
    app.login_as(Role::Technician).await;
    assert_eq!(app.get("/customers").await.status().as_u16(), 403);
    assert_eq!(app.get("/calendar").await.status().as_u16(), 403);
    assert_eq!(
        app.get("/tickets").await.status().as_u16(),
        200,
        "technicians see tickets"
    );
}

#[tokio::test]
async fn a_walk_in_gets_a_ticket_listed_on_the_customer_page_and_numbers_follow_on() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let res = new_customer(
        &app,
        &[
            ("name", "Juma Ali"),
            ("phone", "0722000111"),
            ("plate", "KCA 1A"),
        ],
    )
    .await;
    let customer_page = location(&res);
    app.get(&customer_page).await;
    let vehicle = app.count("SELECT max(id) FROM vehicles").await.to_string();
    let res = app
        .post_form(
            &format!("{customer_page}/walk-in"),
            &[
                ("walkin_vehicle_id", &vehicle),
                ("walkin_problem", "Brakes squeal"),
                ("walkin_mileage", "120000"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let ticket = app.get_html(&location(&res)).await;
    assert!(
        ticket.contains("Ticket #1")
            && ticket.contains("Brakes squeal")
            && ticket.contains("120000")
    );
    let res = app
        .post_form(
            &format!("{customer_page}/walk-in"),
            &[("walkin_problem", "Second visit")],
        )
        .await;
    assert!(
        app.get_html(&location(&res)).await.contains("Ticket #2"),
        "numbers are per branch and follow on"
    );
    let page = app.get_html(&customer_page).await;
    assert!(page.contains("Brakes squeal") && page.contains("Second visit"));
    assert_eq!(
        app.count("SELECT count(*) FROM ticket_events WHERE kind = 'opened'")
            .await,
        2
    );
    // Bad input comes back on the customer page with what was typed; nothing is opened.
    let res = app
        .post_form(
            &format!("{customer_page}/walk-in"),
            &[
                ("walkin_problem", " "),
                ("walkin_mileage", "lots"),
                ("walkin_damage", "dent on bonnet"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Write down what the customer reports.")
            && body.contains("Enter the mileage as a whole number.")
    );
    assert!(
        body.contains("value=\"lots\"") && body.contains("value=\"dent on bonnet\""),
        "typed values kept"
    );
    assert_eq!(app.count("SELECT count(*) FROM tickets").await, 2);
}

#[tokio::test]
async fn an_archived_customer_leaves_the_search_and_comes_back_when_restored() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let page =
        location(&new_customer(&app, &[("name", "Juma Ali"), ("phone", "0722000111")]).await);
    assert!(
        app.get_html(&format!("{page}/archive"))
            .await
            .contains("Archive Juma Ali?")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE archived_at IS NOT NULL")
            .await,
        0,
        "asking changes nothing"
    );
    app.post_form(&format!("{page}/archive"), &[("archived", "true")])
        .await;
    app.get(&page).await;
    assert!(!app.get_html("/customers?q=juma").await.contains("Juma Ali"));
    app.post_form(&format!("{page}/archive"), &[("archived", "false")])
        .await;
    app.get(&page).await;
    assert!(app.get_html("/customers?q=juma").await.contains("Juma Ali"));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('customer.archive', 'customer.restore')").await, 2);
}

#[tokio::test]
async fn only_an_admin_erases_personal_data_and_nothing_personal_is_left() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let page = location(
        &new_customer(
            &app,
            &[
                ("name", "Juma Ali"),
                ("phone", "0722000111"),
                ("email", "juma@example.com"),
                ("plate", "KCA 1A"),
                ("vin", "1HGCM82633A004352"),
            ],
        )
        .await,
    );
    assert_eq!(
        app.get(&format!("{page}/erase")).await.status().as_u16(),
        403
    );
    assert_eq!(
        app.post_form(&format!("{page}/erase"), &[])
            .await
            .status()
            .as_u16(),
        403
    );

    let admin = app.new_client();
    let a = app.create_user("root", "Root", Role::Admin).await;
    app.login_with(&admin, &a.username, &a.password).await;
    let res = app
        .post_form_with(&admin, &format!("{page}/erase"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let left = "SELECT count(*) FROM customers c JOIN vehicles v ON v.customer_id = c.id
                WHERE c.erased_at IS NOT NULL AND c.phone = '' AND c.email = '' AND c.name LIKE 'Erased customer #%'
                  AND v.vin IS NULL AND v.plate = ''";
    assert_eq!(app.count(left).await, 1);
    let everywhere = "SELECT count(*) FROM audit_log WHERE before::text LIKE '%Juma%' OR after::text LIKE '%Juma%'
                        OR after::text LIKE '%juma@%' OR after::text LIKE '%KCA1A%' OR after::text LIKE '%1HGCM%'";
    assert_eq!(
        app.count(everywhere).await,
        0,
        "the append-only audit log holds no personal data to erase"
    );
}

#[tokio::test]
async fn devices_and_business_contacts_are_added_and_devices_are_found_by_serial() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let page = location(
        &new_customer(
            &app,
            &[
                ("name", "Otieno Garage Ltd"),
                ("phone", "0733999000"),
                ("kind", "business"),
            ],
        )
        .await,
    );
    let res = app
        .post_form(
            &format!("{page}/devices"),
            &[
                ("device_kind", "Phone"),
                ("device_brand", "Samsung"),
                ("device_model", "A52"),
                ("device_serial", "imei356789012345678"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = app
        .post_form(
            &format!("{page}/contacts"),
            &[
                ("contact_name", "Mary Wambui"),
                ("contact_position", "Fleet manager"),
            ],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        422,
        "a contact needs a phone or an email"
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter a phone number or an email address."));
    assert!(
        body.contains("value=\"Mary Wambui\"") && body.contains("value=\"Fleet manager\""),
        "typed values kept"
    );
    let res = app
        .post_form(
            &format!("{page}/contacts"),
            &[
                ("contact_name", "Mary Wambui"),
                ("contact_phone", "0700111222"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let shown = app.get_html(&page).await;
    assert!(
        shown.contains("Phone · Samsung A52 · IMEI356789012345678")
            && shown.contains("Mary Wambui")
    );
    let found = app.get_html("/customers?q=356789012").await;
    assert!(
        found.contains("Otieno Garage Ltd"),
        "search by device serial"
    );

    let person =
        location(&new_customer(&app, &[("name", "Juma Ali"), ("phone", "0722000111")]).await);
    app.post_form(
        &format!("{person}/contacts"),
        &[("contact_name", "X"), ("contact_phone", "0700")],
    )
    .await;
    assert!(
        app.get_html(&person)
            .await
            .contains("Contacts are for business customers.")
    );
    assert_eq!(app.count("SELECT count(*) FROM customer_contacts").await, 1);
}
