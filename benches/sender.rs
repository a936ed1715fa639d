//! Message sender benchmark (not a test): 2,000 messages queued at once, delivered by the
//! server's sender to the tests' SMTP server (aiosmtpd on localhost, a process of its own);
//! prints messages a second. Run with `cargo bench --bench sender` after `make test-deps`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

const MESSAGES: i64 = 2_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let smtp = common::smtp::SmtpServer::start();
    let mut sender = smtp.sender();
    sender.every = Duration::from_millis(20);
    let app = common::spawn_app_with(move |s| {
        s.workers = Some(2);
        s.pool_size = 8;
        s.sender = Some(sender);
    })
    .await;
    let branch = app.branch_id;
    app.exec(&format!(
        "INSERT INTO customers (name, email, created_branch_id) \
         SELECT 'Customer ' || n, 'c' || n || '@example.com', {branch} FROM generate_series(1, {MESSAGES}) n"
    ))
    .await;
    let started = Instant::now();
    app.exec(&format!(
        "INSERT INTO message_outbox (branch_id, template, customer_id, recipient, due_at, payload, channel) \
         SELECT {branch}, 'ticket_ready', id, email, now(), '{{\"ticket\": \"T-1\", \"outcome\": \"repaired\"}}', 'email' \
         FROM customers"
    ))
    .await;
    loop {
        let sent = app
            .count("SELECT count(*) FROM message_outbox WHERE status = 'sent'")
            .await;
        if sent == MESSAGES {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {sent} sent in ten minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed();
    let delivered = smtp.messages().len();
    println!(
        "sender bench: {MESSAGES} messages (email, one template, a plain SMTP server on localhost)"
    );
    println!(
        "  delivered {delivered} in {:.2} s: {:.0} messages/s",
        took.as_secs_f64(),
        MESSAGES as f64 / took.as_secs_f64()
    );
}
