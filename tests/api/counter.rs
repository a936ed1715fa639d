//! The counter's defects found in wave 2 (issue 32), each pinned by a test that failed before it
//! was fixed: a ticket invoiced twice, …

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::http::sid;
use crate::common::{TestApp, spawn_app};

/// A ready ticket of a new customer, with one labour line of 1.5 h at 1200.00.
async fn ready_ticket(app: &TestApp) -> i64 {
    let customer = app.create_customer("Wanjiru K.", "0722 000 111", "").await;
    let branch = app.branch_id;
    app.with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Ready))
        .await
}

#[tokio::test]
async fn a_paid_ticket_is_not_invoiced_again_and_is_handed_over_and_closed_in_one_step() {
    let app = spawn_app().await;
    let t = ready_ticket(&app).await;
    app.login_as(Role::Receptionist).await;
    let ticket = format!("/tickets/{t}");
    let invoice = app.submit(&format!("{ticket}/invoice"), &[]).await;
    app.submit(&format!("{invoice}/issue"), &[("submission_id", &sid())])
        .await;
    let cash = [
        ("method", "cash"),
        ("amount", "1800.00"),
        ("submission_id", &sid()),
    ];
    app.submit(&format!("{invoice}/payments"), &cash).await;

    // The ticket names its invoice and no longer offers to invoice it…
    let page = app.get_html(&ticket).await;
    assert!(
        page.contains("id=\"ticket-invoice\"") && page.contains("paid"),
        "{page}"
    );
    assert!(!page.contains("Invoice this ticket"), "{page}");
    // …and a second post (an old tab) opens the same invoice instead of a second draft.
    let again = app.submit(&format!("{ticket}/invoice"), &[]).await;
    assert_eq!(again, invoice);
    let invoices = format!("SELECT count(*) FROM invoices WHERE ticket_id = {t}");
    assert_eq!(app.count(&invoices).await, 1);

    // Paid and ready: one button hands it over and closes it as repaired.
    assert!(page.contains("Hand over and close"), "{page}");
    let hand_over = [
        ("from", "ready"),
        ("to", "closed"),
        ("outcome", "repaired"),
        ("note", "Handed over"),
    ];
    app.submit(&format!("{ticket}/status"), &hand_over).await;
    let closed = format!(
        "SELECT count(*) FROM tickets WHERE id = {t} AND status = 'closed' AND outcome = 'repaired'"
    );
    assert_eq!(app.count(&closed).await, 1);
}

#[tokio::test]
async fn the_database_keeps_one_invoice_a_ticket_unless_the_first_is_void() {
    let app = spawn_app().await;
    let t = ready_ticket(&app).await;
    let branch = app.branch_id;
    let insert = format!(
        "INSERT INTO invoices (branch_id, walk_in_name, tax_rate, ticket_id) VALUES ({branch}, 'x', 0, {t})"
    );
    app.exec(&insert).await;
    let second = app
        .with_db({
            let insert = insert.clone();
            move |c| diesel::RunQueryDsl::execute(diesel::sql_query(insert), c)
        })
        .await;
    let refused = second.expect_err("a second live invoice of one ticket");
    assert!(
        refused.to_string().contains("invoices_one_live_per_ticket"),
        "{refused}"
    );
    // Once the first is void, the ticket may be invoiced afresh.
    app.exec(&format!(
        "UPDATE invoices SET status = 'void', number = 'V-1', seq = 1, issued_cents = 0 WHERE ticket_id = {t}"
    ))
    .await;
    app.exec(&insert).await;
}

#[tokio::test]
async fn two_clerks_invoicing_one_ticket_at_once_make_one_invoice() {
    let app = spawn_app().await;
    let t = ready_ticket(&app).await;
    app.login_as(Role::Receptionist).await;
    let path = format!("/tickets/{t}/invoice");
    let statuses = app
        .post_all((0..8).map(|_| (path.clone(), vec![])).collect())
        .await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let invoices = format!("SELECT count(*) FROM invoices WHERE ticket_id = {t}");
    assert_eq!(app.count(&invoices).await, 1);
    let lines = format!(
        "SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.ticket_id = {t}"
    );
    assert_eq!(
        app.count(&lines).await,
        1,
        "the ticket's one line, copied once"
    );
}

#[tokio::test]
async fn amounts_show_with_the_branch_s_currency_and_are_typed_as_people_write_them() {
    let app = spawn_app().await;
    app.exec(&format!(
        "UPDATE branches SET currency = 'UGX', tax_registration = 'TIN 1000123456' WHERE id = {}",
        app.branch_id
    ))
    .await;
    app.login_as(Role::Receptionist).await;
    let page = app
        .submit("/invoices/new", &[("walk_in_name", "Okello")])
        .await;
    let fee = format!("{page}/lines/fee");
    // Marks that do not read one way are refused with what to write instead.
    app.send(
        &fee,
        &[("fee_description", "Setup"), ("fee_amount", "1,00,0")],
    )
    .await
    .is(422)
    .says("1,00,0 does not read as one number: write it as 1250.50 or 1,250.50.");
    // A space groups thousands and a comma marks the decimals.
    app.submit(
        &fee,
        &[("fee_description", "Setup"), ("fee_amount", "12 500,50")],
    )
    .await;
    app.submit(&format!("{page}/issue"), &[("submission_id", &sid())])
        .await;
    let html = app.get_html(&page).await;
    assert!(
        html.contains("<dd id=\"balance\">UGX 12,500.50</dd>"),
        "{html}"
    );
    let cash = [
        ("method", "cash"),
        ("amount", "12,500.50"),
        ("submission_id", &sid()),
    ];
    app.submit(&format!("{page}/payments"), &cash).await;
    let paid = "SELECT count(*) FROM payments WHERE amount = 12500.50";
    assert_eq!(app.count(paid).await, 1);

    // The receipt and the A4 invoice name the currency and the tax registration, and each
    // prints on its own paper.
    for print in ["receipt", "print"] {
        let doc = app.get_html(&format!("{page}/{print}")).await;
        for expected in [
            "Tax reg. no. TIN 1000123456",
            "Amounts in UGX",
            "UGX 12,500.50",
        ] {
            assert!(doc.contains(expected), "{print}: {expected}: {doc}");
        }
    }
    let receipt = app.get_html(&format!("{page}/receipt")).await;
    assert!(receipt.contains("/static/page-receipt.css"), "{receipt}");
    let css = app.get_html("/static/page-receipt.css").await;
    assert!(css.contains("size: 80mm"), "{css}");
    let a4 = app.get_html("/static/page-a4.css").await;
    assert!(a4.contains("size: A4"), "{a4}");
}

#[tokio::test]
async fn an_invoice_for_a_ticket_prints_the_vehicle_or_device_it_was_for() {
    let app = spawn_app().await;
    let customer = app.create_customer("Achieng O.", "0733 444 555", "").await;
    let branch = app.branch_id;
    let t = app
        .with_db(move |c| {
            let device = workbay::repo::customers::add_device(
                c,
                customer,
                ["Laptop", "Dell", "Latitude 5490", "DL5490-77"],
                &workbay::repo::By::default(),
            )
            .unwrap();
            let t = ticket_at(c, branch, customer, TicketStatus::Ready);
            diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "UPDATE tickets SET device_id = {} WHERE id = {t}",
                    device.id
                )),
                c,
            )
            .unwrap();
            t
        })
        .await;
    app.login_as(Role::Receptionist).await;
    let invoice = app.submit(&format!("/tickets/{t}/invoice"), &[]).await;
    let receipt = app.get_html(&format!("{invoice}/receipt")).await;
    assert!(
        receipt.contains("For: Laptop Dell Latitude 5490 (DL5490-77)"),
        "{receipt}"
    );
}

#[tokio::test]
async fn every_time_a_person_reads_is_in_the_branch_s_timezone() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET timezone = 'Africa/Nairobi' WHERE id = {branch}"
    ))
    .await;
    let t = ready_ticket(&app).await;
    app.login_as(Role::Manager).await;
    app.submit(&format!("/floor/{t}/note"), &[("note", "Cleaned the fan")])
        .await;
    let invoice = app.submit(&format!("/tickets/{t}/invoice"), &[]).await;
    app.submit(&format!("{invoice}/issue"), &[("submission_id", &sid())])
        .await;
    // Everything happened at 22:30 UTC on 10 March: 01:30 on the 11th in Nairobi.
    let late = "'2026-03-10 22:30:00+00'";
    for sql in [
        format!("UPDATE tickets SET created_at = {late}, updated_at = {late} WHERE id = {t}"),
        format!("UPDATE ticket_events SET at = {late} WHERE ticket_id = {t}"),
        format!(
            "UPDATE invoices SET created_at = {late}, issued_at = {late} WHERE ticket_id = {t}"
        ),
        format!(
            "UPDATE invoice_events SET at = {late} WHERE invoice_id IN (SELECT id FROM invoices WHERE ticket_id = {t})"
        ),
    ] {
        app.exec(&sql).await;
    }
    let customer = app
        .text(&format!("SELECT customer_id FROM tickets WHERE id = {t}"))
        .await;
    for path in [
        format!("/customers/{customer}"),
        "/tickets/all".to_string(),
        format!("/tickets/{t}"),
        format!("/floor/{t}"),
        "/invoices".to_string(),
        invoice.clone(),
        format!("{invoice}/receipt"),
        format!("{invoice}/print"),
    ] {
        let html = app.get_html(&path).await;
        assert!(
            html.contains("2026-03-11"),
            "{path} shows the local date: {html}"
        );
        assert!(
            !html.contains("2026-03-10"),
            "{path} shows a UTC date: {html}"
        );
    }
}

#[tokio::test]
async fn the_customer_reads_when_they_answered_in_the_shop_s_timezone() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET timezone = 'Africa/Nairobi' WHERE id = {branch}"
    ))
    .await;
    let customer = app.create_customer("Wanjiru K.", "0722 000 111", "").await;
    let t = app
        .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Diagnosing))
        .await;
    app.login_as(Role::Receptionist).await;
    let sent = app
        .submit(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    let link = format!("/approve/{}", sent.split("?link=").nth(1).unwrap());
    let phone = app.new_client();
    app.send_with(&phone, &link, &[("decision", "approve")])
        .await
        .is(303);
    app.exec(&format!(
        "UPDATE approval_links SET used_at = '2026-03-10 22:30:00+00' WHERE ticket_id = {t}"
    ))
    .await;
    // The customer's copy of the answer, in the shop's time.
    app.fetch_with(&phone, &link)
        .await
        .is(200)
        .says("You approved this estimate on 2026-03-11 01:30.");
}

/// Posts the new-customer form with `name` and `phone`; the reply.
async fn new_customer(app: &TestApp, name: &str, phone: &str) -> crate::common::Reply {
    let fields = [
        ("kind", "person"),
        ("segment", "retail"),
        ("name", name),
        ("phone", phone),
    ];
    app.send("/customers/new", &fields).await
}

#[tokio::test]
async fn a_phone_number_is_one_number_however_it_is_written() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let kevin = new_customer(&app, "Kevin Odhiambo", "0722 444 555").await;
    kevin.is(303);
    let stored = app
        .text("SELECT phone FROM customers WHERE name = 'Kevin Odhiambo'")
        .await;
    assert_eq!(
        stored, "+254722444555",
        "kept in E.164, read in the branch's country (KE)"
    );
    // Found by any common spelling, or by part of the number.
    for q in [
        "+254 722 444 555",
        "254722444555",
        "0722444555",
        "0722-444-555",
        "444 555",
    ] {
        let q = q.replace('+', "%2B").replace(' ', "+");
        let list = app.get_html(&format!("/customers?q={q}")).await;
        assert!(list.contains("Kevin Odhiambo"), "{q}: {list}");
    }
    // The same number in another spelling is the same person: asked before a second is saved.
    new_customer(&app, "K. Odhiambo", "+254 722 444 555")
        .await
        .is(422)
        .says("Kevin Odhiambo");
    // So is the same name with a number one digit off.
    new_customer(&app, "kevin odhiambo", "0722 444 556")
        .await
        .is(422)
        .says("Save as a new customer anyway");
    // Another name with another number is saved straight away.
    new_customer(&app, "Kevin Otieno", "0733 111 222")
        .await
        .is(303);
    assert_eq!(app.count("SELECT count(*) FROM customers").await, 2);
}

#[tokio::test]
async fn a_device_is_chosen_or_added_wherever_a_vehicle_can_be() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    // The new-customer form takes a first device.
    let fields = [
        ("kind", "person"),
        ("segment", "retail"),
        ("name", "Brian Otieno"),
        ("phone", "0711 000 222"),
        ("device_kind", "Laptop"),
        ("device_brand", "HP"),
        ("device_model", "EliteBook 840"),
        ("device_serial", "5CG0001XYZ"),
    ];
    let page = app.submit("/customers/new", &fields).await;
    let customer: i64 = page.trim_start_matches("/customers/").parse().unwrap();
    let device = app
        .count(&format!(
            "SELECT id FROM devices WHERE customer_id = {customer}"
        ))
        .await;
    // It is the walk-in form's choice already (their only one); a walk-in for it opens a ticket
    // for the device.
    let html = app.get_html(&page).await;
    assert!(
        html.contains(&format!("<option value=\"d{device}\" selected>")),
        "{html}"
    );
    let walk_in = format!("{page}/walk-in");
    let for_it = [
        ("walkin_subject", format!("d{device}")),
        ("walkin_problem", "No display".into()),
    ];
    let for_it: Vec<(&str, &str)> = for_it.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ticket = app.submit(&walk_in, &for_it).await;
    let t: i64 = ticket.trim_start_matches("/tickets/").parse().unwrap();
    let linked = format!("SELECT count(*) FROM tickets WHERE id = {t} AND device_id = {device}");
    assert_eq!(app.count(&linked).await, 1);
    // A device added in the walk-in form itself is saved and the ticket is for it.
    let new_device = [
        ("walkin_subject", "new_device"),
        ("walkin_device_kind", "Phone"),
        ("walkin_device_brand", "Tecno"),
        ("walkin_device_model", "Spark 10"),
        ("walkin_device_serial", "356000111222333"),
        ("walkin_problem", "Cracked screen"),
    ];
    app.submit(&walk_in, &new_device).await;
    let added = "SELECT count(*) FROM tickets t JOIN devices d ON d.id = t.device_id WHERE d.serial = '356000111222333'";
    assert_eq!(app.count(added).await, 1);
    // An empty new device is refused with the form kept.
    let empty = [
        ("walkin_subject", "new_device"),
        ("walkin_problem", "Fan noise"),
    ];
    app.send(&walk_in, &empty)
        .await
        .is(422)
        .says("Say what the device is")
        .says("value=\"Fan noise\"");
    // Someone else's device is not theirs.
    let other = app
        .create_customer("Someone Else", "0799 000 000", "")
        .await;
    let theirs = app
        .with_db(move |c| {
            let by = workbay::repo::By::default();
            workbay::repo::customers::add_device(c, other, ["Phone", "Nokia", "3310", "N3310"], &by)
                .unwrap()
                .id
        })
        .await;
    let wrong = [
        ("walkin_subject", format!("d{theirs}")),
        ("walkin_problem", "x".into()),
    ];
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.send(&walk_in, &wrong)
        .await
        .is(422)
        .says("is not this customer");
}

#[tokio::test]
async fn one_search_box_finds_a_customer_ticket_invoice_unit_or_plate_and_opens_a_single_hit() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.login_as(Role::Manager).await;
    let fields = [
        ("kind", "person"),
        ("segment", "retail"),
        ("name", "Wanjiru Kamau"),
        ("phone", "0712 345 678"),
        ("plate", "KDA 123B"),
        ("make", "Toyota"),
        ("model", "Corolla"),
    ];
    let customer_page = app.submit("/customers/new", &fields).await;
    let customer: i64 = customer_page
        .trim_start_matches("/customers/")
        .parse()
        .unwrap();
    let (t, tag) = app
        .with_db(move |c| {
            let t = ticket_at(c, branch, customer, TicketStatus::Ready);
            let model = crate::common::fixtures::product_model(c, "Laptop", "Dell", "E7450", 90);
            let unit =
                crate::common::fixtures::receive_unit(c, branch, model, "DL-SEARCH-1", "1", "1");
            (t, unit.asset_tag)
        })
        .await;
    let invoice = app.submit(&format!("/tickets/{t}/invoice"), &[]).await;
    app.submit(&format!("{invoice}/issue"), &[("submission_id", &sid())])
        .await;
    let number = app
        .text(&format!(
            "SELECT number FROM invoices WHERE ticket_id = {t}"
        ))
        .await;
    let ticket_number = app
        .text(&format!("SELECT number FROM tickets WHERE id = {t}"))
        .await;

    // Exactly one hit opens it.
    for (typed, lands) in [
        ("%2B254 712 345 678".to_string(), customer_page.clone()),
        ("0712345678".into(), customer_page.clone()),
        ("kda123b".into(), customer_page.clone()),
        (format!("%23{ticket_number}"), format!("/tickets/{t}")),
        (number.to_lowercase(), invoice.clone()),
        (
            "dl-search-1".into(),
            format!(
                "/stock/assets/{}",
                app.count(&format!("SELECT id FROM assets WHERE asset_tag = '{tag}'"))
                    .await
            ),
        ),
        (
            tag.clone(),
            format!(
                "/stock/assets/{}",
                app.count(&format!("SELECT id FROM assets WHERE asset_tag = '{tag}'"))
                    .await
            ),
        ),
    ] {
        let res = app
            .get(&format!("/search?q={}", typed.replace(' ', "+")))
            .await;
        assert_eq!(res.status().as_u16(), 303, "{typed}");
        assert_eq!(crate::common::http::location(&res), lands, "{typed}");
    }
    // Several hits are listed by kind; none says so.
    app.create_customer("Wanjiru Otieno", "", "").await;
    let both = app.get_html("/search?q=wanjiru").await;
    assert!(
        both.contains("id=\"hits-customers\"") && both.contains("Wanjiru Otieno"),
        "{both}"
    );
    let none = app.get_html("/search?q=zzzz-nobody").await;
    assert!(none.contains("id=\"no-hits\""), "{none}");

    // A technician's search shows what their screens show: no customers.
    let tech = app.client_with_role("tech", Role::Technician).await;
    let theirs = app.get_html_with(&tech, "/search?q=Wanjiru+Kamau").await;
    assert!(theirs.contains("id=\"no-hits\""), "{theirs}");
}

#[tokio::test]
async fn a_customer_s_device_scanned_on_a_ticket_names_the_device_instead_of_being_refused() {
    let app = spawn_app().await;
    let customer = app
        .create_customer("Brian Otieno", "0711 000 222", "")
        .await;
    let branch = app.branch_id;
    let (t, device) = app
        .with_db(move |c| {
            let by = workbay::repo::By::default();
            let fields = ["Laptop", "HP", "EliteBook 840", "5CG0001XYZ"];
            let device = workbay::repo::customers::add_device(c, customer, fields, &by).unwrap();
            (
                ticket_at(c, branch, customer, TicketStatus::InRepair),
                device.id,
            )
        })
        .await;
    app.login_as(Role::Receptionist).await;
    // The serial as a scanner types it, in another case and with spaces.
    let ticket = format!("/tickets/{t}");
    app.send(
        &format!("{ticket}/line"),
        &[("kind", "part"), ("code", " 5cg0001xyz ")],
    )
    .await
    .is(303);
    let named = format!("SELECT count(*) FROM tickets WHERE id = {t} AND device_id = {device}");
    assert_eq!(app.count(&named).await, 1);
    let parts =
        format!("SELECT count(*) FROM ticket_lines WHERE ticket_id = {t} AND kind = 'part'");
    assert_eq!(
        app.count(&parts).await,
        0,
        "no part line for the customer's own device"
    );
    let page = app.get_html(&ticket).await;
    assert!(
        page.contains("Laptop HP EliteBook 840 (5CG0001XYZ)"),
        "{page}"
    );
}

#[tokio::test]
async fn each_role_s_navigation_shows_what_that_role_uses() {
    let app = spawn_app().await;
    for (role, shown, hidden) in [
        (
            Role::Receptionist,
            &["/customers", "/preorders", "/invoices"][..],
            &["\"/floor\"", "\"/time\""][..],
        ),
        (
            Role::Technician,
            &["\"/floor\"", "/tickets"][..],
            &["/invoices\"", "\"/time\""][..],
        ),
        (
            Role::Manager,
            &[
                "\"/time\"",
                "/preorders",
                "/admin/catalogue",
                "/admin/users",
            ][..],
            &["\"/floor\"", "/admin/branches"][..],
        ),
    ] {
        let client = app
            .client_with_role(&format!("nav-{}", role.as_str()), role)
            .await;
        let home = app.get_html_with(&client, "/tickets").await;
        let nav = &home[home.find("class=\"mainnav\"").unwrap()..home.find("</nav>").unwrap()];
        for link in shown {
            assert!(nav.contains(link), "{role} should see {link}: {nav}");
        }
        for link in hidden {
            assert!(!nav.contains(link), "{role} should not see {link}: {nav}");
        }
    }
}
