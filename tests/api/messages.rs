//! The message sender against a real SMTP server process (aiosmtpd): a booking's reminder
//! arrives at its due time by the shop's clock; quiet hours hold it until the branch's morning;
//! a temporary refusal (451) is tried again until it is delivered; a permanent one (550) fails
//! at once with the server's answer logged; marketing never reaches a customer without consent;
//! a name with `<script>` arrives escaped in the HTML part; two servers on one database never
//! send the same message twice.

use chrono::{DateTime, Utc};
use workbay::domain::role::Role;
use workbay::domain::time::Clock;
use workbay::repo::outbox::{self, About, Message};

use crate::bookings::{DAY, book, move_to, shop};
use crate::common::smtp::{SmtpServer, header, part};
use crate::common::{TestApp, spawn_app_with};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Queues `template` for `customer` (through the repository, as the counter's flows do), due at
/// `due`; its id.
pub(crate) async fn queue(
    app: &TestApp,
    customer: i64,
    template: &'static str,
    payload: serde_json::Value,
    due: DateTime<Utc>,
) -> i64 {
    let branch = app.branch_id;
    app.with_db(move |c| {
        let to = outbox::recipient_of(c, customer).unwrap().unwrap();
        let m = Message {
            branch_id: branch,
            template,
            customer_id: customer,
            about: About::Customer,
            due_at: due,
            payload,
        };
        outbox::queue(c, &m, &to).unwrap();
    })
    .await;
    app.count("SELECT max(id) FROM message_outbox").await
}

/// Waits until outbox row `id` is no longer pending; its status.
pub(crate) async fn settled(app: &TestApp, id: i64) -> String {
    for _ in 0..300 {
        let s = app
            .text(&format!(
                "SELECT status FROM message_outbox WHERE id = {id}"
            ))
            .await;
        if s != "pending" {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("message {id} stayed pending");
}

#[tokio::test]
async fn a_confirmed_bookings_reminder_arrives_at_its_due_time_and_not_in_quiet_hours() {
    let smtp = SmtpServer::start();
    let clock = Clock::manual(at("2030-01-01T10:00:00Z"));
    let sender = smtp.sender();
    let app = spawn_app_with(move |s| {
        s.clock = clock;
        s.sender = Some(sender);
    })
    .await;
    app.login_as(Role::Receptionist).await;
    let s = shop(&app).await;
    app.exec(&format!(
        "UPDATE branches SET name = 'Westlands', phone = '+254 700 111 222' WHERE id = {}",
        app.branch_id
    ))
    .await;
    let id = book(&app, &s, "09:00", "10:00").await;
    move_to(&app, id, "confirmed", "").await;
    // the confirmation goes at once
    let confirmation = smtp.wait_for(1).await.remove(0);
    assert_eq!(
        header(&confirmation, "Subject"),
        Some("Your booking at Westlands on Monday 7 January 2030 is confirmed")
    );
    // the reminder is due a day before the booking (the branch is on UTC): not yet
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(smtp.messages().len(), 1, "no reminder before it is due");
    // quiet hours from 08:30 to 09:30 hold it when it falls due at 09:00
    app.exec(&format!(
        "UPDATE branches SET quiet_start = '08:30', quiet_end = '09:30' WHERE id = {}",
        app.branch_id
    ))
    .await;
    clock.set(at(&format!("{}T09:01:00Z", "2030-01-06")));
    let outbox = format!(
        "SELECT coalesce(next_attempt_at::text, '') FROM message_outbox WHERE booking_id = {id} AND template = 'booking_reminder'"
    );
    for _ in 0..100 {
        if !app.text(&outbox).await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.text(&outbox).await,
        "2030-01-06 09:30:00+00",
        "held until the quiet hours end"
    );
    assert_eq!(smtp.messages().len(), 1, "held, not sent");
    assert_eq!(
        app.text(&format!(
            "SELECT attempts::text FROM message_outbox WHERE booking_id = {id} AND template = 'booking_reminder'"
        ))
        .await,
        "0",
        "holding is not a try"
    );
    clock.set(at("2030-01-06T09:31:00Z"));
    let mail = smtp.wait_for(2).await.remove(1);
    assert_eq!(header(&mail, "X-Envelope-To"), Some("wanjiru@example.com"));
    assert_eq!(
        header(&mail, "Subject"),
        Some(
            format!(
                "Reminder: your booking at Westlands on Monday 7 January {}",
                &DAY[..4]
            )
            .as_str()
        )
    );
    let text = part(&mail, "text/plain");
    assert!(
        text.contains("Hello Wanjiru Kamau,")
            && text.contains("on Monday 7 January 2030 at 09:00")
            && text.contains("+254 700 111 222"),
        "{text}"
    );
    assert!(part(&mail, "text/html").contains("<strong>Westlands</strong>"));
    let message_id = header(&mail, "Message-ID").unwrap().to_string();
    let row = app
        .text(&format!(
            "SELECT status || ' ' || message_id FROM message_outbox WHERE booking_id = {id} AND template = 'booking_reminder'"
        ))
        .await;
    assert_eq!(row, format!("sent {message_id}"));
    assert_eq!(
        app.text(&format!("SELECT string_agg(a.result, ',' ORDER BY a.id) FROM message_attempts a JOIN message_outbox o ON o.id = a.outbox_id WHERE o.booking_id = {id} AND o.template = 'booking_reminder'")).await,
        "held,sent"
    );
}

async fn sending_app(smtp: &SmtpServer) -> TestApp {
    let sender = smtp.sender();
    spawn_app_with(move |s| s.sender = Some(sender)).await
}

#[tokio::test]
async fn a_temporary_refusal_is_tried_again_and_a_permanent_one_fails_at_once() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    let busy = app
        .create_customer("Busy Box", "", "tempfail-2-busy@example.com")
        .await;
    let gone = app
        .create_customer("Gone Away", "", "permfail-gone@example.com")
        .await;
    let payload = serde_json::json!({ "ticket": "T-1", "outcome": "repaired" });
    let a = queue(&app, busy, "ticket_ready", payload.clone(), Utc::now()).await;
    let b = queue(&app, gone, "ticket_ready", payload, Utc::now()).await;
    assert_eq!(settled(&app, b).await, "failed");
    assert_eq!(settled(&app, a).await, "sent");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        header(&mails[0], "X-Envelope-To"),
        Some("tempfail-2-busy@example.com")
    );
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(result, ',' ORDER BY id) FROM message_attempts WHERE outbox_id = {a}"
        ))
        .await,
        "retry,retry,sent",
        "two 451s, then delivered"
    );
    assert!(app.text(&format!("SELECT string_agg(answer, ' ') FROM message_attempts WHERE outbox_id = {a} AND result = 'retry'")).await.contains("451"));
    assert_eq!(
        app.text(&format!(
            "SELECT attempts::text FROM message_outbox WHERE id = {b}"
        ))
        .await,
        "1",
        "a permanent refusal is not tried again"
    );
    let answer = app
        .text(&format!(
            "SELECT answer FROM message_attempts WHERE outbox_id = {b}"
        ))
        .await;
    assert!(
        answer.contains("550") && answer.contains("No such mailbox"),
        "the server's answer is kept: {answer}"
    );
    assert_eq!(
        app.text(&format!(
            "SELECT last_error FROM message_outbox WHERE id = {b}"
        ))
        .await,
        answer
    );
}

#[tokio::test]
async fn marketing_reaches_only_customers_who_agreed_and_names_are_escaped_in_html() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    let agreed = app
        .create_customer("<script>alert(1)</script> & Sons", "", "agreed@example.com")
        .await;
    let refused = app.create_customer("No Thanks", "", "no@example.com").await;
    app.exec(&format!(
        "UPDATE customers SET marketing_consent = true WHERE id = {agreed}"
    ))
    .await;
    let payload = serde_json::json!({ "vehicle": "Toyota Probox KCB 123A" });
    // quiet hours would hold marketing at night: none in this test
    app.exec("UPDATE branches SET quiet_start = '00:00', quiet_end = '00:00'")
        .await;
    let yes = queue(&app, agreed, "service_due", payload.clone(), Utc::now()).await;
    let no = queue(&app, refused, "service_due", payload, Utc::now()).await;
    assert_eq!(settled(&app, no).await, "skipped");
    assert_eq!(settled(&app, yes).await, "sent");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "only the customer who agreed");
    assert_eq!(
        header(&mails[0], "X-Envelope-To"),
        Some("agreed@example.com")
    );
    let html = part(&mails[0], "text/html");
    assert!(
        html.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons,"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        part(&mails[0], "text/plain").contains("Hello <script>alert(1)</script> & Sons,"),
        "plain text is plain"
    );
    assert_eq!(
        app.text(&format!(
            "SELECT answer FROM message_attempts WHERE outbox_id = {no}"
        ))
        .await,
        "marketing, and the customer has not agreed to it"
    );
}

#[tokio::test]
async fn two_servers_on_one_database_never_send_the_same_message_twice() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    // a second server on the same database, sending too
    let mut settings =
        workbay::config::Settings::new(app.db.admin_url.clone(), app.db.app_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.pool_size = 4;
    settings.workers = Some(1);
    settings.dashboard_refresh = None;
    settings.sender = Some(smtp.sender());
    let second = workbay::Application::build(settings).await.unwrap();
    tokio::spawn(second.run_until_stopped());
    let mut ids = Vec::new();
    for n in 0..40 {
        let c = app
            .create_customer(&format!("Customer {n}"), "", &format!("c{n}@example.com"))
            .await;
        ids.push(c);
    }
    let due = Utc::now();
    let branch = app.branch_id;
    app.with_db(move |c| {
        for customer in ids {
            let to = outbox::recipient_of(c, customer).unwrap().unwrap();
            let m = Message {
                branch_id: branch,
                template: "ticket_ready",
                customer_id: customer,
                about: About::Customer,
                due_at: due,
                payload: serde_json::json!({ "ticket": "T", "outcome": "ready" }),
            };
            outbox::queue(c, &m, &to).unwrap();
        }
    })
    .await;
    let mails = smtp.wait_for(40).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mails = if smtp.messages().len() > mails.len() {
        smtp.messages()
    } else {
        mails
    };
    let mut ids: Vec<&str> = mails
        .iter()
        .map(|m| header(m, "Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(mails.len(), 40, "each message once");
    assert_eq!(ids.len(), 40);
    assert_eq!(
        app.count("SELECT count(*) FROM message_outbox WHERE status = 'sent'")
            .await,
        40
    );
    assert_eq!(
        app.count("SELECT count(*) FROM message_attempts WHERE result = 'sent'")
            .await,
        40
    );
}

#[tokio::test]
async fn a_manager_sends_a_skipped_message_again_and_cancels_one_waiting() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    app.exec("UPDATE branches SET quiet_start = '00:00', quiet_end = '00:00'")
        .await;
    let customer = app
        .create_customer("Late Agreer", "", "late@example.com")
        .await;
    let payload = serde_json::json!({ "vehicle": "Nissan Note" });
    let skipped = queue(&app, customer, "service_due", payload.clone(), Utc::now()).await;
    assert_eq!(settled(&app, skipped).await, "skipped");
    let later = queue(
        &app,
        customer,
        "service_due",
        payload,
        Utc::now() + chrono::Duration::days(30),
    )
    .await;
    app.login_as(Role::Manager).await;
    let page = app.get_html("/messages?status=skipped").await;
    assert!(
        page.contains(&format!("id=\"message-{skipped}\""))
            && page.contains("marketing, and the customer has not agreed to it"),
        "{page}"
    );
    assert!(
        !page.contains(&format!("id=\"message-{later}\"")),
        "filtered by status"
    );
    // the customer agrees at the counter; the manager sends it again
    app.exec(&format!(
        "UPDATE customers SET marketing_consent = true WHERE id = {customer}"
    ))
    .await;
    app.submit(&format!("/messages/{skipped}/retry"), &[]).await;
    assert_eq!(settled(&app, skipped).await, "sent");
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    // the one due in a month is cancelled and never goes
    app.submit(&format!("/messages/{later}/cancel"), &[]).await;
    assert_eq!(
        app.text(&format!(
            "SELECT status FROM message_outbox WHERE id = {later}"
        ))
        .await,
        "cancelled"
    );
    let again = app.send(&format!("/messages/{later}/cancel"), &[]).await;
    assert_eq!(again.status, 303);
    let page = app
        .get_html(&format!("/messages?customer={customer}"))
        .await;
    assert!(
        page.contains("The message is cancelled now; nothing was changed."),
        "{page}"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('message.retry', 'message.cancel')"
        )
        .await,
        2
    );
    // the customer's page shows what was sent
    let page = app.get_html(&format!("/customers/{customer}")).await;
    let history = crate::common::http::between(&page, "id=\"message-history\"", "</table>");
    assert!(
        history.contains("Service due (marketing)")
            && history.contains("late@example.com")
            && history.contains("Sent")
            && history.contains("Cancelled"),
        "{history}"
    );
    app.login_as(Role::Receptionist).await;
    assert_eq!(app.fetch("/messages").await.status, 403);
}

#[tokio::test]
async fn a_manager_words_a_template_for_the_branch_and_the_sender_uses_it() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    app.login_as(Role::Manager).await;
    let path = "/admin/messages/ticket_ready";
    let form = app.get_html(path).await;
    assert!(
        form.contains("Workbay's wording: saving makes it this branch's own"),
        "{form}"
    );
    assert!(
        form.contains("Job WL-T-000123 is repaired"),
        "the preview fills in samples: {form}"
    );
    let fields = |text: &'static str| {
        vec![
            ("version", "0"),
            ("subject", "Ready: {{ticket}}"),
            ("body_text", text),
            (
                "body_html",
                "<p>{{customer_name}}, job {{ticket}} is ready.</p>",
            ),
            ("sms", "{{shop_name}}: {{ticket}} ready"),
            ("action", "save"),
        ]
    };
    // an unknown variable is refused, and what was typed is kept
    let refused = app
        .send(path, &fields("Dear {{customer_name}}, pay {{total}}"))
        .await;
    refused.is(422);
    assert!(
        refused.body.contains("is not a variable of this message")
            && refused.body.contains("pay {{total}}"),
        "{}",
        refused.body
    );
    assert_eq!(app.count("SELECT count(*) FROM message_templates").await, 0);
    app.submit(
        path,
        &fields("Dear {{customer_name}}, job {{ticket}} is ready."),
    )
    .await;
    // a form opened before that save is refused
    let stale = app.send(path, &fields("Something else {{ticket}}")).await;
    stale.is(409);
    assert!(
        stale
            .body
            .contains("Someone else saved this template after you opened it"),
        "{}",
        stale.body
    );
    let customer = app
        .create_customer("Otieno <b>J.</b>", "", "otieno@example.com")
        .await;
    let id = queue(
        &app,
        customer,
        "ticket_ready",
        serde_json::json!({ "ticket": "T-9", "outcome": "repaired" }),
        Utc::now(),
    )
    .await;
    assert_eq!(settled(&app, id).await, "sent");
    let mail = smtp.wait_for(1).await.remove(0);
    assert_eq!(header(&mail, "Subject"), Some("Ready: T-9"));
    assert!(part(&mail, "text/plain").contains("Dear Otieno <b>J.</b>, job T-9 is ready."));
    assert!(
        part(&mail, "text/html").contains("<p>Otieno &lt;b&gt;J.&lt;/b&gt;, job T-9 is ready.</p>")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'template.edit'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_estimate_email_carries_a_link_that_approves_the_estimate() {
    use workbay::domain::ticket::TicketStatus;
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    let customer = app
        .create_customer("Wanjiru K.", "0722 000 111", "wanjiru@example.com")
        .await;
    let b = app.branch_id;
    let t = app
        .with_db(move |c| {
            crate::common::fixtures::ticket_at(c, b, customer, TicketStatus::Diagnosing)
        })
        .await;
    app.login_as(Role::Receptionist).await;
    let sent = app
        .send(
            &format!("/tickets/{t}/estimate"),
            &[
                ("from", "diagnosing"),
                ("findings", "The screen is cracked."),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = app.get_html(&sent.location).await;
    assert!(
        page.contains("Estimate sent for approval to wanjiru@example.com"),
        "{page}"
    );
    let mail = smtp.wait_for(1).await.remove(0);
    assert_eq!(header(&mail, "X-Envelope-To"), Some("wanjiru@example.com"));
    let text = part(&mail, "text/plain");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/approve/"))
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_string();
    assert!(
        part(&mail, "text/html").contains(&format!("href=\"{link}\"")),
        "the HTML part links the same page"
    );
    // the customer follows it, from another browser, and approves
    let path = &link[link.find("/approve/").unwrap()..];
    let customer_browser = app.new_client();
    let page = app.get_html_with(&customer_browser, path).await;
    assert!(page.contains("The screen is cracked."), "{page}");
    let token = app.csrf_token_with(&customer_browser, path).await;
    let answer = customer_browser
        .post(format!("{}{path}", app.address))
        .form(&[("decision", "approve"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_success() || answer.status().as_u16() == 303,
        "{}",
        answer.status()
    );
    assert_eq!(
        app.text(&format!("SELECT status FROM tickets WHERE id = {t}"))
            .await,
        "in_repair"
    );
}

#[tokio::test]
async fn an_amount_in_a_message_carries_the_branchs_currency() {
    let smtp = SmtpServer::start();
    let app = sending_app(&smtp).await;
    let customer = app
        .create_customer("Amina N.", "", "amina@example.com")
        .await;
    let payload = serde_json::json!({ "item": "Apple iPhone 12", "balance": "38000.00" });
    let id = queue(&app, customer, "preorder_arrived", payload, Utc::now()).await;
    assert_eq!(settled(&app, id).await, "sent");
    let mail = smtp.wait_for(1).await.remove(0);
    let text = part(&mail, "text/plain");
    assert!(text.contains("KES 38,000.00 is left to pay"), "{text}");
}
