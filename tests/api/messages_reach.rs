//! Messages by SMS and the way out of marketing: an SMS goes through a real local HTTP gateway
//! (its fields, basic authentication and API key as configured), a busy gateway (503) is tried
//! again, a refused number (400) fails at once with the gateway's answer logged; a marketing
//! email carries `List-Unsubscribe` and a signed link, and the customer's one click (from the
//! page, or a mail client's RFC 8058 POST with no session) withdraws their consent, recorded
//! with its date and audited, after which marketing is skipped.

use std::time::Duration;

use chrono::Utc;
use workbay::config::SenderSettings;

use crate::common::sms::SmsGateway;
use crate::common::smtp::{SmtpServer, header, part, unfolded};
use crate::common::{TestApp, spawn_app_with};
use crate::messages::{queue, settled};

async fn app_sending(sender: SenderSettings) -> TestApp {
    spawn_app_with(move |s| s.sender = Some(sender)).await
}

fn quick(mut s: SenderSettings) -> SenderSettings {
    s.every = Duration::from_millis(100);
    s.retry_base = Duration::from_millis(200);
    s.max_attempts = 4;
    s.per_minute = 10_000;
    s
}

#[tokio::test]
async fn an_sms_goes_through_the_gateway_tried_again_when_busy_and_failed_when_refused() {
    let gateway = SmsGateway::start().await;
    let app = app_sending(quick(SenderSettings {
        sms: Some(gateway.settings()),
        ..Default::default()
    }))
    .await;
    app.exec(&format!(
        "UPDATE branches SET name = 'Westlands' WHERE id = {}",
        app.branch_id
    ))
    .await;
    let phone_only = app
        .create_customer("Otieno Phone", "0700 111 333", "")
        .await;
    let payload = serde_json::json!({ "ticket": "T-7", "outcome": "repaired" });
    gateway.unavailable_for(1);
    let a = queue(
        &app,
        phone_only,
        "ticket_ready",
        payload.clone(),
        Utc::now(),
    )
    .await;
    assert_eq!(
        app.text(&format!(
            "SELECT channel FROM message_outbox WHERE id = {a}"
        ))
        .await,
        "sms"
    );
    assert_eq!(settled(&app, a).await, "sent");
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(result, ',' ORDER BY id) FROM message_attempts WHERE outbox_id = {a}"
        ))
        .await,
        "retry,sent",
        "a 503 is tried again"
    );
    assert!(
        app.text(&format!(
            "SELECT answer FROM message_attempts WHERE outbox_id = {a} AND result = 'retry'"
        ))
        .await
        .starts_with("503 gateway busy")
    );
    let got = gateway.received();
    assert_eq!(got.len(), 2);
    let last = &got[1];
    let to = last.fields["to"].clone();
    assert!(to.ends_with("700111333") && !to.contains(' '), "{to}");
    assert_eq!(
        last.fields["message"],
        "Westlands: job T-7 is repaired and ready to collect. ".to_string()
            + &app
                .text(&format!(
                    "SELECT phone FROM branches WHERE id = {}",
                    app.branch_id
                ))
                .await
    );
    assert_eq!(
        last.fields["from"], "WORKBAY",
        "a fixed field as configured"
    );
    assert_eq!(
        last.headers["apikey"], "s3cret-key",
        "{{password}} filled in"
    );
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("shop:s3cret-key");
    assert_eq!(last.headers["authorization"], format!("Basic {basic}"));

    // a number the gateway refuses fails at once, its answer kept
    let refused = app
        .create_customer("Wrong Number", "0700 999 000", "")
        .await;
    let number = workbay::jobs::sms::phone_number(
        &app.text(&format!("SELECT phone FROM customers WHERE id = {refused}"))
            .await,
    )
    .unwrap();
    gateway.refuse(&number);
    let b = queue(&app, refused, "ticket_ready", payload, Utc::now()).await;
    assert_eq!(settled(&app, b).await, "failed");
    assert_eq!(
        app.text(&format!(
            "SELECT attempts || ' ' || last_error FROM message_outbox WHERE id = {b}"
        ))
        .await,
        format!("1 400 invalid destination {number}")
    );
}

#[tokio::test]
async fn the_unsubscribe_link_withdraws_marketing_consent_in_one_click() {
    let smtp = SmtpServer::start();
    let app = app_sending(smtp.sender()).await;
    app.exec("UPDATE branches SET quiet_start = '00:00', quiet_end = '00:00'")
        .await;
    let c = app
        .create_customer("Achieng Otieno", "", "achieng@example.com")
        .await;
    app.exec(&format!(
        "UPDATE customers SET marketing_consent = true, marketing_consent_at = now() - interval '1 year' WHERE id = {c}"
    ))
    .await;
    let payload = serde_json::json!({ "vehicle": "Toyota Probox KCB 123A" });
    let first = queue(&app, c, "service_due", payload.clone(), Utc::now()).await;
    assert_eq!(settled(&app, first).await, "sent");
    let mail = smtp.wait_for(1).await.remove(0);
    let list = unfolded(&mail, "List-Unsubscribe").expect("List-Unsubscribe");
    let link = list
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    assert!(
        link.starts_with(&format!("{}/unsubscribe/", app.address)),
        "{link}"
    );
    assert_eq!(
        header(&mail, "List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        part(&mail, "text/plain").contains(&link),
        "the link is in the text too"
    );
    let path = link.trim_start_matches(&app.address).to_string();

    // following the link only asks
    let visitor = app.new_client();
    let page = app.get_html_with(&visitor, &path).await;
    assert!(page.contains("id=\"unsubscribe-button\""), "{page}");
    let consent = format!("SELECT marketing_consent::text FROM customers WHERE id = {c}");
    assert_eq!(app.text(&consent).await, "true", "a GET changes nothing");

    // a forged token is refused and changes nothing
    let forged = format!("{}0", path);
    let res = visitor
        .post(format!("{}{forged}", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(app.text(&consent).await, "true");

    // the mail client's one-click POST: no session, no CSRF token, only the link
    let mail_client = reqwest::Client::new();
    let res = mail_client
        .post(&link)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("will send you no more news")
    );
    assert_eq!(app.text(&consent).await, "false");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM customers WHERE id = {c} AND marketing_consent_at > now() - interval '1 minute'"
        ))
        .await,
        1,
        "withdrawn with its date"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'unsubscribe' AND entity = 'customer' AND entity_id = '{c}' AND branch_id = {}",
            app.branch_id
        ))
        .await,
        1
    );
    // clicking again says so, and records nothing more
    let again = app.get_html_with(&visitor, &path).await;
    assert!(
        again.contains("You receive no marketing messages"),
        "{again}"
    );
    mail_client.post(&link).send().await.unwrap();
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'unsubscribe'")
            .await,
        1
    );

    // marketing now skips them; service messages still reach them
    let second = queue(&app, c, "service_due", payload, Utc::now()).await;
    assert_eq!(settled(&app, second).await, "skipped");
    let ready = queue(
        &app,
        c,
        "ticket_ready",
        serde_json::json!({ "ticket": "T-2", "outcome": "repaired" }),
        Utc::now(),
    )
    .await;
    assert_eq!(settled(&app, ready).await, "sent");
    assert!(
        header(&smtp.wait_for(2).await[1], "List-Unsubscribe").is_none(),
        "a service message is not marketing"
    );
}
