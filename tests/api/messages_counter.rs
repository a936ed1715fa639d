//! The counter's messages, end to end through the real sender and SMTP server (and the SMS
//! gateway): staff write a one-off message from a customer's page or a ticket, by the channel
//! they choose, refused with what they typed kept when it cannot go; the ticket's status link
//! goes to the customer and opens their status page; "Send the receipt" sends a signed no-login
//! link to the invoice (the receipt when paid, "payment received" with the balance when not),
//! and the link shows the customer's copy while a forged one shows nothing.

use std::time::Duration;

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::{issued_sale, ticket_at};
use crate::common::http::sid;
use crate::common::sms::SmsGateway;
use crate::common::smtp::{SmtpServer, header, part};
use crate::common::{TestApp, spawn_app_with};

async fn app_with(smtp: &SmtpServer, gateway: Option<&SmsGateway>) -> TestApp {
    let mut sender = smtp.sender();
    sender.sms = gateway.map(SmsGateway::settings);
    let app = spawn_app_with(move |s| s.sender = Some(sender)).await;
    app.exec(&format!(
        "UPDATE branches SET name = 'Westlands', phone = '+254 700 111 222' WHERE id = {}",
        app.branch_id
    ))
    .await;
    app
}

/// The first link in `text` that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> String {
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"));
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn staff_write_a_message_by_email_or_sms_and_bad_input_keeps_what_they_typed() {
    let smtp = SmtpServer::start();
    let gateway = SmsGateway::start().await;
    let app = app_with(&smtp, Some(&gateway)).await;
    let user = app.login_as(Role::Receptionist).await;
    let both = app
        .create_customer("Grace Wambui", "0711 222 333", "grace@example.com")
        .await;
    let page = app.get_html(&format!("/customers/{both}")).await;
    assert!(page.contains(&format!("href=\"/customers/{both}/message\"")));
    let form = app.get_html(&format!("/customers/{both}/message")).await;
    assert!(
        form.contains("value=\"email\" checked"),
        "email by default for a customer who prefers it"
    );

    // an email needs a subject; what was typed comes back
    let refused = app
        .send(
            &format!("/customers/{both}/message"),
            &[
                ("channel", "email"),
                ("subject", ""),
                ("message", "Your spare key & fob are here."),
            ],
        )
        .await;
    refused.is(422).says("Write a subject");
    assert!(
        refused
            .body
            .contains("Your spare key &#38; fob are here.</textarea>"),
        "{}",
        refused.body
    );
    assert_eq!(app.count("SELECT count(*) FROM message_outbox").await, 0);

    app.submit(
        &format!("/customers/{both}/message"),
        &[
            ("channel", "email"),
            ("subject", "Your spare key"),
            (
                "message",
                "Your spare key & fob are here.\nCome by any time.",
            ),
        ],
    )
    .await;
    let mail = smtp.wait_for(1).await.remove(0);
    assert_eq!(header(&mail, "Subject"), Some("Your spare key"));
    assert_eq!(header(&mail, "X-Envelope-To"), Some("grace@example.com"));
    let text = part(&mail, "text/plain").replace("\r\n", "\n");
    assert!(
        text.contains("Hello Grace Wambui,\n\nYour spare key & fob are here.\nCome by any time.")
            && text.contains("Westlands, +254 700 111 222"),
        "{text}"
    );
    assert!(
        part(&mail, "text/html")
            .contains("Your spare key &amp; fob are here.<br>Come by any time.")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'message.send' AND actor_user_id = {} AND after->>'to' = 'grace@example.com'",
            user.id
        ))
        .await,
        1
    );

    // by SMS from a ticket: back to the ticket, and the gateway gets the shop's name first
    let t = {
        let branch = app.branch_id;
        app.with_db(move |c| ticket_at(c, branch, both, TicketStatus::InRepair))
            .await
    };
    let ticket_page = app.get_html(&format!("/tickets/{t}")).await;
    assert!(ticket_page.contains(&format!("/customers/{both}/message?ticket={t}")));
    let about = app
        .get_html(&format!("/customers/{both}/message?ticket={t}"))
        .await;
    assert!(about.contains("About ticket #"));
    let next = app
        .submit(
            &format!("/customers/{both}/message"),
            &[
                ("channel", "sms"),
                ("subject", ""),
                ("message", "The part came in; done by 4 pm."),
                ("ticket", &t.to_string()),
            ],
        )
        .await;
    assert_eq!(next, format!("/tickets/{t}"));
    assert!(
        app.get_html(&next).await.contains("Your message to"),
        "the ticket page says so"
    );
    for _ in 0..200 {
        if !gateway.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sms = gateway.received().remove(0);
    assert_eq!(
        sms.fields["message"],
        "Westlands: The part came in; done by 4 pm."
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM message_outbox WHERE ticket_id = {t} AND channel = 'sms' AND template = 'message'"
        ))
        .await,
        1,
        "the message is the ticket's"
    );

    // a channel the customer has no contact for is refused
    let email_only = app
        .create_customer("Only Email", "", "only@example.com")
        .await;
    app.send(
        &format!("/customers/{email_only}/message"),
        &[("channel", "sms"), ("subject", ""), ("message", "Hello")],
    )
    .await
    .is(422)
    .says("no phone number on file");
    // a message longer than any shop writes is refused with what was typed
    let long = "word ".repeat(400);
    app.send(
        &format!("/customers/{email_only}/message"),
        &[("channel", "email"), ("subject", "Hi"), ("message", &long)],
    )
    .await
    .is(422)
    .says("Keep the message within 1500 characters.");
}

#[tokio::test]
async fn the_status_link_goes_to_the_customer_and_opens_their_status_page() {
    let smtp = SmtpServer::start();
    let app = app_with(&smtp, None).await;
    app.login_as(Role::Technician).await;
    let c = app
        .create_customer("Peter Kariuki", "", "peter@example.com")
        .await;
    let t = {
        let branch = app.branch_id;
        app.with_db(move |conn| ticket_at(conn, branch, c, TicketStatus::Diagnosing))
            .await
    };
    let next = app
        .submit(&format!("/tickets/{t}/status-link/send"), &[])
        .await;
    let page = app.get_html(&next).await;
    assert!(
        page.contains("The status link is on its way to peter@example.com."),
        "{page}"
    );
    let mail = smtp.wait_for(1).await.remove(0);
    let text = part(&mail, "text/plain");
    let link = link_in(&text, &format!("{}/status/", app.address));
    let before = &page[..page
        .find("\" id=\"status-link\"")
        .expect("the link on the ticket")];
    let shown_on_ticket = &before[before.rfind("value=\"").unwrap() + 7..];
    assert_eq!(link, shown_on_ticket, "the link made is the one sent");
    let visitor = app.new_client();
    let status = app
        .get_html_with(&visitor, link.trim_start_matches(&app.address))
        .await;
    assert!(
        status.contains("id=\"status-now\">Diagnosing</li>"),
        "the customer's status page: {status}"
    );
}

#[tokio::test]
async fn the_receipt_goes_by_a_signed_link_that_shows_the_customers_copy() {
    let smtp = SmtpServer::start();
    let app = app_with(&smtp, None).await;
    app.login_as(Role::Receptionist).await;
    let c = app
        .create_customer("Mary Achieng", "", "mary@example.com")
        .await;
    let branch = app.branch_id;
    let id = app
        .with_db(move |conn| issued_sale(conn, branch, Some(c), &["3000.00"]))
        .await;
    let page = format!("/invoices/{id}");
    let shown = app.get_html(&page).await;
    assert!(shown.contains("id=\"send-receipt\""));

    // nothing paid yet: nothing to send
    let next = app.submit(&format!("{page}/send-receipt"), &[]).await;
    let refused = app.get_html(&next).await;
    assert!(refused.contains("Nothing has been paid on"), "{refused}");

    let pay = |amount: &'static str| {
        let s = sid();
        let page = page.clone();
        let app = &app;
        async move {
            app.submit(
                &format!("{page}/payments"),
                &[
                    ("method", "cash"),
                    ("amount", amount),
                    ("reference", ""),
                    ("submission_id", &s),
                ],
            )
            .await
        }
    };
    pay("1000.00").await;
    let next = app.submit(&format!("{page}/send-receipt"), &[]).await;
    let said = app.get_html(&next).await;
    assert!(said.contains("The receipt is on its way to mary@example.com."));
    let first = smtp.wait_for(1).await.remove(0);
    let subject = header(&first, "Subject").unwrap().to_string();
    assert!(subject.starts_with("Payment received for "), "{subject}");
    let text = part(&first, "text/plain");
    assert!(
        text.contains("We have received KES 1,000.00 for invoice")
            && text.contains("KES 2,000.00 is left to pay"),
        "{text}"
    );

    pay("2000.00").await;
    app.submit(&format!("{page}/send-receipt"), &[]).await;
    let second = smtp.wait_for(2).await.remove(1);
    assert!(
        header(&second, "Subject")
            .unwrap()
            .starts_with("Your receipt ")
    );
    let text = part(&second, "text/plain");
    assert!(text.contains("for KES 3,000.00"), "{text}");
    let link = link_in(&text, &format!("{}/receipt/", app.address));

    // the link opens the customer's copy with no sign-in, and no way into the staff screens
    let visitor = app.new_client();
    let path = link.trim_start_matches(&app.address).to_string();
    let copy = app.get_html_with(&visitor, &path).await;
    let number = app
        .text(&format!("SELECT number FROM invoices WHERE id = {id}"))
        .await;
    assert!(
        copy.contains(&number) && copy.contains("Mary Achieng"),
        "{copy}"
    );
    assert!(!copy.contains(&format!("href=\"/invoices/{id}\"")));
    let forged = format!("{}1", path);
    let res = visitor
        .get(format!("{}{forged}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoice_events WHERE invoice_id = {id} AND note = 'receipt sent to mary@example.com'"
        ))
        .await,
        2,
        "the invoice's history says so"
    );

    // a walk-in sale has no one to send it to
    let walk_in = app
        .with_db(move |conn| issued_sale(conn, branch, None, &["500.00"]))
        .await;
    let page = app.get_html(&format!("/invoices/{walk_in}")).await;
    assert!(!page.contains("id=\"send-receipt\""));
    let next = app
        .submit(&format!("/invoices/{walk_in}/send-receipt"), &[])
        .await;
    let refused = app.get_html(&next).await;
    assert!(
        refused.contains("A walk-in sale has no customer"),
        "{refused}"
    );
}
