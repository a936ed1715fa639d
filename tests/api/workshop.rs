//! The workshop floor through HTTP: every ticket transition (valid and refused), two people
//! moving one ticket at once, one running clock per technician, approval links (valid, expired,
//! tampered, used), parts from stock, time approval and billing.

use diesel::RunQueryDsl;
use workbay::domain::role::Role;
use workbay::domain::ticket::{Outcome, TicketStatus};
use workbay::repo::By;
use workbay::repo::tickets::{self};

use crate::common::fixtures::{self, product_model, receive_unit, stock_in, stock_item};
use crate::common::{Reply, TestApp, spawn_app};

/// A customer (with an email, for the ready message).
async fn customer(app: &TestApp) -> i64 {
    app.create_customer("Wanjiru K.", "0722 000 111", "wanjiru@example.com")
        .await
}

/// A walk-in ticket moved (through the repository) to `at`, with one estimate line.
async fn ticket_at(app: &TestApp, customer: i64, at: TicketStatus) -> i64 {
    let branch = app.branch_id;
    app.with_db(move |c| fixtures::ticket_at(c, branch, customer, at))
        .await
}

async fn status_of(app: &TestApp, t: i64) -> String {
    app.text(&format!("SELECT status FROM tickets WHERE id = {t}"))
        .await
}

async fn post_status(app: &TestApp, t: i64, from: &str, to: &str, extra: &[(&str, &str)]) -> Reply {
    let fields = [&[("from", from), ("to", to)], extra].concat();
    app.send(&format!("/tickets/{t}/status"), &fields).await
}

/// The counter records the customer's answer to the estimate of ticket `t`, given by `by`.
async fn answer(app: &TestApp, t: i64, decision: &str, by: &str, how: &str) -> Reply {
    let fields = [
        ("decision", decision),
        ("approval_by", by),
        ("approval_method", how),
    ];
    app.send(&format!("/tickets/{t}/approval"), &fields).await
}

#[tokio::test]
async fn every_ticket_transition_is_allowed_or_refused_through_http_with_an_event_for_each_change()
{
    use TicketStatus::*;
    let app = spawn_app().await;
    let cust = customer(&app).await;
    app.login_as(Role::Manager).await;
    // From each state: every move outside the table is refused and changes nothing.
    for &at in TicketStatus::ALL {
        let t = ticket_at(&app, cust, at).await;
        for &to in TicketStatus::ALL {
            let allowed = workbay::domain::ticket::edge_exists(at, to) && at != to;
            if allowed {
                continue;
            }
            let reply = post_status(
                &app,
                t,
                at.as_str(),
                to.as_str(),
                &[("outcome", "repaired")],
            )
            .await;
            assert_eq!(reply.status, 409, "{at} → {to}");
            assert_eq!(
                status_of(&app, t).await,
                at.as_str(),
                "{at} → {to} changed nothing"
            );
        }
        // Every live state can be cancelled.
        if at.is_live() {
            let note = [("note", "customer collected it")];
            let reply = post_status(&app, t, at.as_str(), "cancelled", &note).await;
            assert_eq!(reply.status, 303, "{at} → cancelled");
            assert_eq!(status_of(&app, t).await, "cancelled");
        }
    }
    the_whole_road_is_walked_by_hand(&app, cust).await;
    // No approval needed: diagnosing → in repair. Declined: awaiting approval → ready.
    let t2 = ticket_at(&app, cust, Diagnosing).await;
    post_status(&app, t2, "diagnosing", "in_repair", &[])
        .await
        .is(303);
    let t3 = ticket_at(&app, cust, AwaitingApproval).await;
    answer(&app, t3, "declined", "Wanjiru", "at the counter")
        .await
        .is(303);
    assert_eq!(status_of(&app, t3).await, "ready");
    // An estimate with no lines cannot be sent.
    let t4 = ticket_at(&app, cust, Diagnosing).await;
    app.exec(&format!("DELETE FROM ticket_lines WHERE ticket_id = {t4}"))
        .await;
    app.send(
        &format!("/tickets/{t4}/estimate"),
        &[("from", "diagnosing")],
    )
    .await
    .is(409)
    .says("Add the estimate");
}

/// open → diagnosing → (estimate) → awaiting approval → (approved) → in repair ↔ waiting for
/// parts → quality check → ready → closed (needs an outcome).
async fn the_whole_road_is_walked_by_hand(app: &TestApp, cust: i64) {
    let t = ticket_at(app, cust, TicketStatus::Open).await;
    post_status(app, t, "open", "diagnosing", &[]).await.is(303);
    // Leaving awaiting approval needs the customer's answer.
    let sent = app
        .send(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    sent.is(303);
    assert!(sent.location.contains("?link="));
    post_status(app, t, "awaiting_approval", "in_repair", &[])
        .await
        .is(409)
        .says("has not approved the estimate yet");
    let nobody = answer(app, t, "approved", "", "by phone").await;
    assert_eq!(nobody.status, 422, "who answered is required");
    answer(app, t, "approved", "Wanjiru", "by phone")
        .await
        .is(303);
    assert_eq!(status_of(app, t).await, "in_repair");
    for (from, to) in [
        ("in_repair", "waiting_for_parts"),
        ("waiting_for_parts", "in_repair"),
        ("in_repair", "quality_check"),
        ("quality_check", "ready"),
    ] {
        assert_eq!(
            post_status(app, t, from, to, &[]).await.status,
            303,
            "{from} → {to}"
        );
    }
    post_status(app, t, "ready", "closed", &[])
        .await
        .is(409)
        .says("Choose the outcome");
    post_status(app, t, "ready", "closed", &[("outcome", "repaired")])
        .await
        .is(303);
    assert_eq!(app.count(&format!("SELECT count(*) FROM tickets WHERE id = {t} AND outcome = 'repaired' AND qc_by IS NOT NULL AND closed_at IS NOT NULL")).await, 1);
    // opened, diagnosing, awaiting, approval, in repair, 4 moves, closed: one event each.
    assert_eq!(app.count(&format!("SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND kind IN ('opened', 'status', 'approval')")).await, 10);
    assert_eq!(app.count(&format!("SELECT count(*) FROM message_outbox WHERE ticket_id = {t} AND template = 'ticket_ready' AND recipient = 'wanjiru@example.com'")).await, 1);
}

#[tokio::test]
async fn two_technicians_moving_one_ticket_at_once_one_wins_and_the_other_is_told() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let t = ticket_at(&app, cust, TicketStatus::InRepair).await;
    let mut clients = Vec::new();
    for n in 0..2 {
        let user = app
            .create_user(&format!("tech{n}"), &format!("Tech {n}"), Role::Technician)
            .await;
        let client = app.new_client();
        app.login_with(&client, &user.username, &user.password)
            .await;
        let token = app.csrf_token_with(&client, "/").await;
        clients.push((client, token));
    }
    let sends = clients.iter().map(|(client, token)| {
        client
            .post(format!("{}/tickets/{t}/status", app.address))
            .form(&[
                ("csrf_token", token.as_str()),
                ("from", "in_repair"),
                ("to", "quality_check"),
            ])
            .send()
    });
    let mut results = Vec::new();
    for r in futures_util::future::join_all(sends).await {
        let r = r.unwrap();
        let code = r.status().as_u16();
        results.push((code, r.text().await.unwrap()));
    }
    let mut codes: Vec<u16> = results.iter().map(|r| r.0).collect();
    codes.sort();
    assert_eq!(codes, vec![303, 409]);
    let loser = results.iter().find(|r| r.0 == 409).unwrap();
    assert!(
        loser.1.contains("Someone else moved ticket #")
            && loser.1.contains("to quality check a moment ago"),
        "{}",
        loser.1
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND to_status = 'quality_check'")).await, 1);
}

#[tokio::test]
async fn a_technician_has_one_running_clock_and_approved_time_is_billed_at_the_labour_rate() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let a = ticket_at(&app, cust, TicketStatus::InRepair).await;
    let b = ticket_at(&app, cust, TicketStatus::InRepair).await;
    let tech = app.login_as(Role::Technician).await;
    let running = format!(
        "SELECT count(*) FROM time_entries WHERE technician_id = {} AND ended_at IS NULL",
        tech.id
    );
    app.submit(&format!("/tickets/{a}/clock"), &[]).await;
    app.submit(&format!("/floor/{b}/clock"), &[]).await;
    assert_eq!(app.count(&running).await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM time_entries WHERE ticket_id = {a} AND ended_at IS NOT NULL AND hours IS NOT NULL")).await, 1, "starting on b stopped a");
    // Ten starts at once on different tickets: still exactly one running clock.
    let mut starts = Vec::new();
    for _ in 0..10 {
        let t = ticket_at(&app, cust, TicketStatus::InRepair).await;
        starts.push((format!("/tickets/{t}/clock"), vec![]));
    }
    let statuses = app.post_all(starts).await;
    assert!(
        statuses.iter().all(|s| *s == 303),
        "every start is taken (each stops the one before): {statuses:?}"
    );
    assert_eq!(app.count(&running).await, 1);
    // The database refuses a second running clock however it is written.
    let tech_id = tech.id;
    let second = app
        .with_db(move |c| {
            diesel::sql_query(format!(
                "INSERT INTO time_entries (ticket_id, technician_id) VALUES ({a}, {tech_id})"
            ))
            .execute(c)
        })
        .await;
    assert!(second.is_err());
    app.post_form(&format!("/tickets/{a}/clock/stop"), &[])
        .await;
    a_manager_approves_the_time_and_the_invoice_bills_it(&app, a).await;
}

/// A manager approves ticket `a`'s stopped entry corrected to 1.5 h; the ticket's invoice bills
/// it at the branch's labour rate.
async fn a_manager_approves_the_time_and_the_invoice_bills_it(app: &TestApp, a: i64) {
    app.exec(&format!(
        "UPDATE branches SET labour_rate = 2000.00 WHERE id = {}",
        app.branch_id
    ))
    .await;
    let manager = app.client_with_role("boss", Role::Manager).await;
    assert!(
        app.get_html_with(&manager, "/time")
            .await
            .contains("pending-time")
    );
    let entry: i64 = app
        .count(&format!(
            "SELECT min(id) FROM time_entries WHERE ticket_id = {a}"
        ))
        .await;
    let approve = format!("/time/{entry}/approve");
    let reply = app
        .send_with(&manager, &approve, &[("hours", "30"), ("billable", "1")])
        .await;
    assert_eq!(reply.status, 422, "hours are 0–24");
    app.send_with(&manager, &approve, &[("hours", "1.5"), ("billable", "1")])
        .await
        .is(303);
    let again = app.send_with(&manager, &approve, &[("hours", "2")]).await;
    assert_eq!(again.status, 409, "approved once");
    let made = app
        .send_with(&manager, &format!("/tickets/{a}/invoice"), &[])
        .await;
    made.is(303);
    let invoice = app.get_html_with(&manager, &made.location).await;
    assert!(
        invoice.contains("Labour: time clocked on the job") && invoice.contains("KES 3,000.00"),
        "1.5 h × 2000.00: {invoice}"
    );
    let billed =
        format!("SELECT count(*) FROM time_entries WHERE id = {entry} AND invoice_id IS NOT NULL");
    assert_eq!(app.count(&billed).await, 1);
}

/// Sends the estimate of ticket `t` (diagnosing) and returns the approval link's token.
async fn send_estimate(app: &TestApp, t: i64) -> String {
    let sent = app
        .submit(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    sent.split("?link=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn an_approval_link_works_once_and_expired_or_tampered_links_are_refused() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let t = ticket_at(&app, cust, TicketStatus::Diagnosing).await;
    app.login_as(Role::Receptionist).await;
    let token = send_estimate(&app, t).await;
    let html = app.get_html(&format!("/tickets/{t}?link={token}")).await;
    assert!(
        html.contains(&format!("/approve/{token}")),
        "the counter sees the link to send"
    );
    // The customer's phone: no sign-in.
    let phone = app.new_client();
    let link = format!("/approve/{token}");
    app.fetch_with(&phone, &link)
        .await
        .is(200)
        .says("Replace DC jack")
        .says("KES 1,800.00")
        .says("Approve the work");
    // Tampered: another id, or a later expiry with the old signature.
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let other_id = parts[0].parse::<i64>().unwrap() + 1;
    let forged = format!("/approve/{other_id}.{}.{}", parts[1], parts[2]);
    app.fetch_with(&phone, &forged).await.is(400);
    parts[1] = (parts[1].parse::<i64>().unwrap() + 86_400).to_string();
    app.fetch_with(&phone, &format!("/approve/{}", parts.join(".")))
        .await
        .is(400);
    // Approve once.
    app.send_with(&phone, &link, &[("decision", "approve")])
        .await
        .is(303);
    assert_eq!(status_of(&app, t).await, "in_repair");
    assert_eq!(app.count(&format!("SELECT count(*) FROM tickets WHERE id = {t} AND approval = 'approved' AND approval_method = 'approval link'")).await, 1);
    let events =
        format!("SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND kind = 'approval'");
    assert_eq!(app.count(&events).await, 1);
    // Used: explained, nothing changes.
    app.send_with(&phone, &link, &[("decision", "decline")])
        .await
        .is(410)
        .says("was approved already");
    assert_eq!(status_of(&app, t).await, "in_repair");
    // Expired.
    let t2 = ticket_at(&app, cust, TicketStatus::Diagnosing).await;
    let token2 = send_estimate(&app, t2).await;
    app.exec(&format!(
        "UPDATE approval_links SET expires_at = now() - interval '1 minute' WHERE ticket_id = {t2}"
    ))
    .await;
    let link2 = format!("/approve/{token2}");
    app.fetch_with(&phone, &link2)
        .await
        .is(410)
        .says("This link has expired");
    app.send_with(&phone, &link2, &[("decision", "approve")])
        .await
        .is(410);
    assert_eq!(status_of(&app, t2).await, "awaiting_approval");
}

/// Moves ticket `t` along `path` through the repository, closing it as repaired.
async fn move_ticket(app: &TestApp, t: i64, path: &'static [TicketStatus]) {
    let branch = app.branch_id;
    app.with_db(move |c| {
        for &to in path {
            let by = By::default();
            tickets::transition(c, branch, t, None, to, Some(Outcome::Repaired), "", &by).unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn parts_come_out_of_stock_by_sku_or_link_a_unit_and_no_stock_is_refused() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let t = ticket_at(&app, cust, TicketStatus::InRepair).await;
    let branch = app.branch_id;
    let item = app
        .with_db(move |c| {
            let item = stock_item(c, "JACK-DC", "DC jack", "2.00", "9.00", 0);
            stock_in(c, branch, item, 1);
            let model = product_model(c, "Part", "Generic", "Screen 14in", 30);
            receive_unit(c, branch, model, "SCR14-0001", "40", "42");
            item
        })
        .await;
    app.login_as(Role::Technician).await;
    let (floor, desk) = (format!("/floor/{t}/part"), format!("/tickets/{t}/line"));
    // The tablet answers a refused scan with a redirect to the job (a reload does not post
    // again), the quantity typed kept and the reason shown as an error.
    let refused = app
        .send(
            &floor,
            &[("kind", "part"), ("code", "jack-dc"), ("quantity", "2")],
        )
        .await;
    refused.is(303);
    assert_eq!(refused.location, format!("/floor/{t}?quantity=2"));
    let job = app.get_html(&refused.location).await;
    assert!(
        job.contains("class=\"flash flash-error\" role=\"alert\">Only 1 of JACK-DC in stock here")
            && job.contains("id=\"f-quantity\" name=\"quantity\" value=\"2\""),
        "{job}"
    );
    app.send(
        &floor,
        &[("kind", "part"), ("code", "jack-dc"), ("quantity", "1")],
    )
    .await
    .is(303);
    assert_eq!(app.count(&format!("SELECT count(*) FROM stock_ledger WHERE stock_item_id = {item} AND kind = 'repair_use' AND quantity = -1")).await, 1);
    let on_hand = format!("SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}");
    assert_eq!(app.count(&on_hand).await, 0);
    app.send(&desk, &[("kind", "part"), ("code", "scr14-0001")])
        .await
        .is(303);
    let linked =
        format!("SELECT count(*) FROM ticket_lines WHERE ticket_id = {t} AND asset_id IS NOT NULL");
    assert_eq!(app.count(&linked).await, 1);
    app.send(&desk, &[("kind", "part"), ("code", "NOPE-1")])
        .await
        .is(422)
        .says("No stock item with SKU NOPE-1");
    // A closed ticket takes nothing more.
    use TicketStatus::*;
    move_ticket(&app, t, &[QualityCheck, Ready, Closed]).await;
    let fee = [("kind", "fee"), ("description", "late"), ("quantity", "1")];
    app.send(&desk, &fee).await.is(409);
    // The board and the tablet list it only while it is live.
    let board = app.get_html("/tickets").await;
    assert!(!board.contains(&format!("/tickets/{t}\"")));
}

#[tokio::test]
async fn the_ticket_list_pages_newest_first_within_the_branch() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let who = app
        .create_customer("Baraka Mutua", "0722 111 222", "")
        .await;
    let other = app.create_branch("Other", "OT").await;
    app.exec(&format!(
        "INSERT INTO tickets (branch_id, number, customer_id, problem) \
         SELECT branch, number, {who}, problem FROM ( \
           SELECT {branch} AS branch, n AS number, 'Fault ' || lpad(n::text, 3, '0') AS problem, n FROM generate_series(1, 30) n \
           UNION ALL SELECT {other}, n, 'Elsewhere ' || n, 100 + n FROM generate_series(1, 2) n) x ORDER BY n",
        branch = app.branch_id
    ))
    .await;
    let faults = |page: &str| crate::common::http::numbers_after(page, ">Fault ");
    let first = app.get_html("/tickets/all").await;
    assert!(
        first.contains("30 in all") && !first.contains("Elsewhere"),
        "{first}"
    );
    assert_eq!(faults(&first), (6..=30).rev().collect::<Vec<_>>());
    assert_eq!(first.matches(">Baraka Mutua<").count(), 25);
    let second = app.get_html("/tickets/all?page=2").await;
    assert_eq!(faults(&second), (1..=5).rev().collect::<Vec<_>>());
    let past = app.get_html("/tickets/all?page=9").await;
    assert_eq!(faults(&past), faults(&second));
    assert!(past.contains("Page 2 of 2"), "{past}");
}
