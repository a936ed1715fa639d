//! The sender killed mid-batch loses no message: a `workbay serve` process sending 300 messages
//! to the tests' SMTP server is killed with SIGKILL part-way; a new one, once the dead one's
//! leases have passed, sends the rest. Every message arrives; one may arrive twice only if the
//! kill fell between the SMTP server's acceptance and the row's update (at least once).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::smtp::{SmtpServer, header};
use crate::common::spawn_app;

fn serve(app: &crate::common::TestApp, smtp: &SmtpServer) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_workbay"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--insecure-cookies",
            "--dashboard-refresh-minutes",
            "0",
        ])
        .env("DATABASE_URL", &app.db.admin_url)
        .env("WORKBAY_APP_DATABASE_URL", &app.db.app_url)
        .env("WORKBAY_SMTP_HOST", "127.0.0.1")
        .env("WORKBAY_SMTP_PORT", smtp.port.to_string())
        .env("WORKBAY_SMTP_SECURITY", "none")
        .env("WORKBAY_MAIL_FROM", "Shop <shop@workbay.test>")
        .env("WORKBAY_SENDER_EVERY_MS", "50")
        .env("WORKBAY_SENDER_LEASE_SECONDS", "2")
        .env("WORKBAY_SENDER_PER_MINUTE", "100000")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("serve never said it serves");
        if line.contains("serving on http://") {
            break;
        }
    }
    // keep draining its log so it never blocks on a full pipe
    std::thread::spawn(move || while rx.recv().is_ok() {});
    child
}

#[tokio::test]
async fn the_sender_killed_mid_batch_loses_no_message_and_the_restart_sends_the_rest() {
    let smtp = SmtpServer::start();
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.exec(&format!(
        "INSERT INTO customers (name, email, created_branch_id) \
         SELECT 'Customer ' || n, 'c' || n || '@example.com', {branch} FROM generate_series(1, 300) n"
    ))
    .await;
    app.exec(&format!(
        "INSERT INTO message_outbox (branch_id, template, customer_id, recipient, due_at, payload, channel) \
         SELECT {branch}, 'ticket_ready', id, email, now(), '{{\"ticket\": \"T\", \"outcome\": \"ready\"}}', 'email' \
         FROM customers WHERE email LIKE 'c%@example.com'"
    ))
    .await;
    let mut first = serve(&app, &smtp);
    // part-way through: kill it without warning
    for _ in 0..600 {
        if smtp.messages().len() >= 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SAFETY: killing our own child.
    unsafe { libc::kill(first.id() as i32, libc::SIGKILL) };
    first.wait().unwrap();
    let at_kill = smtp.messages().len();
    assert!(
        (30..300).contains(&at_kill),
        "killed mid-batch: {at_kill} delivered"
    );
    let pending = app
        .count("SELECT count(*) FROM message_outbox WHERE status = 'pending'")
        .await;
    assert!(pending > 0, "messages were left to send");

    let mut second = serve(&app, &smtp);
    let mut sent = 0;
    for _ in 0..1200 {
        sent = app
            .count("SELECT count(*) FROM message_outbox WHERE status = 'sent'")
            .await;
        if sent == 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // SAFETY: stopping our own child.
    unsafe { libc::kill(second.id() as i32, libc::SIGTERM) };
    second.wait().unwrap();
    let states = app.text("SELECT string_agg(status || ' ' || n || ' ' || e, '; ') FROM (SELECT status, count(*) n, max(last_error) e FROM message_outbox GROUP BY status) s").await;
    assert_eq!(sent, 300, "every message was sent in the end: {states}");
    let mails = smtp.messages();
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| header(m, "Message-ID").unwrap().to_string())
        .collect();
    ids.sort();
    let total = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), 300, "every message arrived");
    assert!(
        total - 300 <= 20,
        "a repeat only for what was in flight at the kill: {} repeats",
        total - 300
    );
    for id in &ids {
        let n = app
            .count(&format!(
                "SELECT count(*) FROM message_outbox WHERE message_id = '{id}'"
            ))
            .await;
        assert_eq!(n, 1, "{id} is one of the outbox's messages");
    }
}
