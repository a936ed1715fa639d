//! The customer's no-login pages and the shop hearing about them (issue 33, builds 3, 4, 6):
//! the approval page a customer trusts, the repair's status page, the links shared from the
//! ticket at any time, and the bell.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;
use workbay::repo::By;
use workbay::repo::tickets::{self, NewTicketLine};

use crate::common::fixtures::{stock_in, stock_item, ticket_at};
use crate::common::http::between;
use crate::common::{TestApp, spawn_app};

/// Wanjiru's laptop ticket at `at` (1.5 h × 1,200.00 of labour) with an SSD scanned by its SKU,
/// assigned to `tech`, at a branch with 16% tax: (ticket id, customer id).
async fn laptop_job(app: &TestApp, at: TicketStatus, tech: i64) -> (i64, i64) {
    let b = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET tax_rate = 16, currency = 'KES', phone = '+254 700 000 111' WHERE id = {b}"
    ))
    .await;
    let customer = app
        .create_customer("Wanjiru Kamau", "0722 000 111", "wanjiru@example.com")
        .await;
    let t = app
        .with_db(move |c| {
            let item = stock_item(c, "SSD-512-KX", "SSD 512 GB", "40.00", "100.00", 0);
            stock_in(c, b, item, 3);
            let t = ticket_at(c, b, customer, TicketStatus::Diagnosing);
            let line = NewTicketLine {
                kind: "part".into(),
                quantity: 1.into(),
                code: "SSD-512-KX".into(),
                ..Default::default()
            };
            tickets::add_line(c, b, t, &line, &By::default()).unwrap();
            t
        })
        .await;
    app.exec(&format!(
        "WITH d AS (INSERT INTO devices (customer_id, kind, brand, model, serial) \
           VALUES ({customer}, 'Laptop', 'Dell', 'Latitude 5490', 'DL5490-77') RETURNING id) \
         UPDATE tickets SET device_id = (SELECT id FROM d), assigned_to = {tech}, \
           promised_on = DATE '2030-01-09' WHERE id = {t}"
    ))
    .await;
    if at != TicketStatus::Diagnosing {
        app.exec(&format!(
            "UPDATE tickets SET status = '{}' WHERE id = {t}",
            at.as_str()
        ))
        .await;
    }
    (t, customer)
}

#[tokio::test]
async fn the_customer_approves_a_page_with_the_shop_the_device_and_the_findings_and_the_shop_hears_of_it()
 {
    let app = spawn_app().await;
    let tech = app
        .create_user("dora", "Dora Achieng", Role::Technician)
        .await;
    let clerk = app
        .create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let (t, _) = laptop_job(&app, TicketStatus::Diagnosing, tech.id).await;
    // The branch's logo, set by the admin as the branch form sends it.
    app.login_as(Role::Admin).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRtiny logo";
    let data = format!(
        "data:image/png;base64,{}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png)
    );
    app.submit(
        &format!("/admin/branches/{}/logo", app.branch_id),
        &[("logo", &data)],
    )
    .await;
    let logo = app
        .new_client()
        .get(format!("{}/logo/{}", app.address, app.branch_id))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(&logo.bytes().await.unwrap()[..], &png[..]);

    // The technician sends the estimate from the tablet with what they found.
    let on_tablet = app.client_as(&tech).await;
    let sent = app
        .send_with(
            &on_tablet,
            &format!("/floor/{t}/estimate"),
            &[
                ("from", "diagnosing"),
                ("findings", "The SSD has failed; the data is readable."),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    // The counter finds the link on the ticket at any time: to copy, as a QR code, or to send
    // again.
    let counter = app.client_as(&clerk).await;
    let ticket = app.get_html_with(&counter, &format!("/tickets/{t}")).await;
    let url = between(
        &ticket,
        "<input class=\"copy\" readonly value=\"",
        "\" id=\"approval-link\"",
    )
    .to_string();
    assert!(url.contains("/approve/"), "{url}");
    assert!(between(&ticket, "id=\"approval-qr\">", "</div>").contains("<svg"));
    app.send_with(&counter, &format!("/tickets/{t}/estimate/resend"), &[])
        .await
        .is(303);
    let queued = format!(
        "SELECT count(*) FROM message_outbox WHERE ticket_id = {t} AND template = 'estimate_to_approve' \
         AND recipient = 'wanjiru@example.com' AND payload->>'url' = '{url}'"
    );
    // sending the estimate queued the link once, the resend once more
    assert_eq!(app.count(&queued).await, 2);
    let told = format!(
        "SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND note = 'estimate link sent again to wanjiru@example.com'"
    );
    assert_eq!(
        app.count(&told).await,
        1,
        "the resend is on the ticket's history"
    );

    // The customer's phone: the shop, the device, the findings, plain words, the taxed total
    // (1,800.00 + 100.00, 16% tax: 2,204.00) and until when the link works.
    let phone = app.new_client();
    let path = url[url.find("/approve/").unwrap()..].to_string();
    let page = app.get_html_with(&phone, &path).await;
    for expected in [
        "id=\"shop-logo\"",
        &format!("src=\"/logo/{}\"", app.branch_id),
        "+254 700 000 111",
        "Laptop Dell Latitude 5490",
        "The SSD has failed; the data is readable.",
        "<td>SSD 512 GB</td>",
        "id=\"estimate-total\">KES 2,204.00",
        "id=\"link-expiry\">This link works until",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(!page.contains("SSD-512-KX"), "no internal SKU: {page}");
    app.send_with(&phone, &path, &[("decision", "approve")])
        .await
        .is(303);
    // Afterwards: a copy of what was approved and what happens next.
    let copy = app.get_html_with(&phone, &path).await;
    for expected in [
        "You approved this estimate on",
        "which we expect by Wednesday 9 January",
        "The total, tax included, is KES 2,204.00; what is left of it after any deposit is paid when you collect it.",
        "<td>SSD 512 GB</td>",
    ] {
        assert!(copy.contains(expected), "{expected}: {copy}");
    }
    assert!(!copy.contains("Approve the work"), "answered once: {copy}");

    // The counter and the technician each have one unread notification.
    for client in [&counter, &on_tablet] {
        assert_eq!(
            app.get_html_with(client, "/notifications/unread").await,
            "1"
        );
    }
    let list = app.get_html_with(&counter, "/notifications").await;
    assert!(
        list.contains("the estimate was approved by the customer."),
        "{list}"
    );
    let id = app
        .text(&format!(
            "SELECT id FROM notifications WHERE user_id = {} AND kind = 'approval_answered'",
            clerk.id
        ))
        .await;
    let opened = app
        .send_with(&counter, &format!("/notifications/{id}/open"), &[])
        .await;
    assert_eq!(opened.location, format!("/tickets/{t}"));
    assert_eq!(
        app.get_html_with(&counter, "/notifications/unread").await,
        "0"
    );
    // Another person's notification is not theirs to open.
    let theirs = app
        .text(&format!(
            "SELECT id FROM notifications WHERE user_id = {}",
            tech.id
        ))
        .await;
    app.send_with(&counter, &format!("/notifications/{theirs}/open"), &[])
        .await
        .is(404);
    assert_eq!(
        app.get_html_with(&on_tablet, "/notifications/unread").await,
        "1"
    );
}

#[tokio::test]
async fn the_status_page_follows_the_repair_owes_what_is_owed_and_stops_when_revoked() {
    let app = spawn_app().await;
    let tech = app
        .create_user("dora", "Dora Achieng", Role::Technician)
        .await;
    let (t, _) = laptop_job(&app, TicketStatus::Open, tech.id).await;
    // Another customer's job at the same shop.
    let b = app.branch_id;
    let other = app
        .create_customer("Baraka Mutua", "0733 444 555", "")
        .await;
    app.with_db(move |c| ticket_at(c, b, other, TicketStatus::InRepair))
        .await;
    app.login_as(Role::Receptionist).await;
    // The link was made at intake, with its event; asking again gives the same one.
    let made = format!(
        "SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND note = 'status link made'"
    );
    assert_eq!(app.count(&made).await, 1);
    app.submit(&format!("/tickets/{t}/status-link"), &[]).await;
    assert_eq!(app.count(&made).await, 1);
    let ticket = app.get_html(&format!("/tickets/{t}")).await;
    let url = between(&ticket, "value=\"", "\" id=\"status-link\"").to_string();
    assert!(url.contains("/status/"), "{url}");
    let path = url[url.find("/status/").unwrap()..].to_string();
    // The job sheet prints the same link as a QR code.
    let sheet = app.get_html(&format!("/tickets/{t}/job-sheet")).await;
    assert!(sheet.contains("id=\"status-qr\"><svg"), "{sheet}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM status_links WHERE ticket_id = {t}"
        ))
        .await,
        1,
        "printing uses the live link"
    );

    let phone = app.new_client();
    let now = |page: &str| between(page, "id=\"status-now\">", "<").to_string();
    for (status, stage) in [
        ("open", "Received"),
        ("diagnosing", "Diagnosing"),
        ("awaiting_approval", "Waiting for your approval"),
        ("waiting_for_parts", "Waiting for parts"),
        ("in_repair", "Being repaired"),
        ("quality_check", "Being repaired"),
        ("ready", "Ready to collect"),
    ] {
        app.exec(&format!(
            "UPDATE tickets SET status = '{status}' WHERE id = {t}"
        ))
        .await;
        let page = app.get_html_with(&phone, &path).await;
        assert_eq!(now(&page), stage, "{status}");
        // The estimate with tax, the promised day; nothing of other customers or the shop's
        // insides.
        for expected in [
            "id=\"status-owed\">KES 2,204.00",
            "Wednesday 9 January",
            "Laptop Dell Latitude 5490",
        ] {
            assert!(page.contains(expected), "{status}: {expected}: {page}");
        }
        for hidden in [
            "Baraka",
            "0722",
            "wanjiru@example.com",
            "SSD-512-KX",
            "Dora",
            "/tickets/",
        ] {
            assert!(!page.contains(hidden), "{status} shows {hidden}: {page}");
        }
    }
    // Invoiced and partly paid: what is still due.
    app.exec(&format!(
        "INSERT INTO invoices (branch_id, number, seq, status, customer_id, ticket_id, subtotal, tax_total, total, paid_total, issued_at, issued_cents, tax_rate) \
         SELECT branch_id, 'T-1', 1, 'partially_paid', customer_id, id, 1900, 304, 2204, 1000, now(), 190000, 16 FROM tickets WHERE id = {t}"
    ))
    .await;
    let page = app.get_html_with(&phone, &path).await;
    assert!(page.contains("id=\"status-owed\">KES 1,204.00"), "{page}");

    // An approval token does not open a status page, a tampered one is refused, and once the
    // counter revokes the link it no longer works.
    let forged = path.replacen("/status/", "/status/9", 1);
    app.fetch_with(&phone, &forged).await.is(400);
    app.submit(&format!("/tickets/{t}/status-link/revoke"), &[])
        .await;
    app.fetch_with(&phone, &path)
        .await
        .is(410)
        .says("This link no longer works");
    // A new one can be made; the old one stays refused.
    app.submit(&format!("/tickets/{t}/status-link"), &[]).await;
    assert_eq!(app.count(&made).await, 2);
    app.fetch_with(&phone, &path).await.is(410);
}

#[tokio::test]
async fn a_job_given_to_a_technician_and_a_late_preorder_are_told_once() {
    let app = spawn_app().await;
    let tech = app
        .create_user("dora", "Dora Achieng", Role::Technician)
        .await;
    let manager = app.login_as(Role::Manager).await;
    let b = app.branch_id;
    let customer = app.create_customer("Otieno Garage", "", "").await;
    let t = app
        .with_db(move |c| ticket_at(c, b, customer, TicketStatus::Diagnosing))
        .await;
    app.submit(
        &format!("/tickets/{t}/assign"),
        &[("assigned_to", &tech.id.to_string())],
    )
    .await;
    let told = format!(
        "SELECT count(*) FROM notifications WHERE user_id = {} AND kind = 'job_assigned' AND link = '/floor/{t}'",
        tech.id
    );
    assert_eq!(app.count(&told).await, 1);
    // A preorder past its date: the counter (the manager here) is told once, however often
    // the housekeeping runs.
    app.exec(
        "INSERT INTO product_models (brand, model, category) VALUES ('Lenovo', 'T480', 'Laptop')",
    )
    .await;
    app.exec(&format!(
        "INSERT INTO preorders (branch_id, customer_id, product_model_id, agreed_price, deposit_required, deposit_paid, status, ordered_on, sla_due_on) \
         SELECT {b}, {customer}, id, 30000, 5000, 5000, 'ordered', DATE '2026-01-01', DATE '2026-01-10' FROM product_models"
    ))
    .await;
    for _ in 0..2 {
        app.with_db(|c| workbay::repo::notifications::preorders_overdue(c).unwrap())
            .await;
    }
    let late = format!(
        "SELECT count(*) FROM notifications WHERE user_id = {} AND kind = 'preorder_overdue'",
        manager.id
    );
    assert_eq!(app.count(&late).await, 1);
    let list = app.get_html("/notifications").await;
    assert!(
        list.contains("for Otieno Garage (Lenovo T480) was due by 2026-01-10 and has not arrived."),
        "{list}"
    );
}
