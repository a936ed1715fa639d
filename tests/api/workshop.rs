//! The workshop floor through HTTP: every ticket transition (valid and refused), two people
//! moving one ticket at once, one running clock per technician, approval links (valid, expired,
//! tampered, used), parts from stock, time approval and billing.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::role::Role;
use workbay::domain::ticket::{Outcome, TicketStatus};
use workbay::repo::By;
use workbay::repo::tickets::{self, CheckIn, NewTicketLine};

use crate::common::fixtures::product_model;
use crate::common::http::location;
use crate::common::{TestApp, spawn_app};

/// A customer (with an email, for the ready message).
async fn customer(app: &TestApp) -> i64 {
    app.create_customer("Wanjiru K.", "0722 000 111", "wanjiru@example.com")
        .await
}

/// A walk-in ticket moved (through the repository) to `at`, with one estimate line.
async fn ticket_at(app: &TestApp, customer: i64, at: TicketStatus) -> i64 {
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        use TicketStatus::*;
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let t = tickets::open_walk_in(
            &mut c,
            branch,
            customer,
            None,
            &CheckIn {
                problem: "No power".into(),
                ..Default::default()
            },
            &by,
        )
        .unwrap()
        .id;
        let line = NewTicketLine {
            kind: "labour".into(),
            description: "Replace DC jack".into(),
            quantity: "1.5".parse().unwrap(),
            unit_price: Some("1200.00".parse().unwrap()),
            code: String::new(),
        };
        tickets::add_line(&mut c, branch, t, &line, &by).unwrap();
        let path: &[TicketStatus] = match at {
            Open => &[],
            Diagnosing => &[Diagnosing],
            AwaitingApproval => &[Diagnosing, AwaitingApproval],
            InRepair => &[Diagnosing, InRepair],
            WaitingForParts => &[Diagnosing, InRepair, WaitingForParts],
            QualityCheck => &[Diagnosing, InRepair, QualityCheck],
            Ready => &[Diagnosing, InRepair, QualityCheck, Ready],
            Closed => &[Diagnosing, InRepair, QualityCheck, Ready, Closed],
            Cancelled => &[Cancelled],
        };
        for to in path {
            tickets::transition(
                &mut c,
                branch,
                t,
                None,
                *to,
                Some(Outcome::Repaired),
                "",
                &by,
            )
            .unwrap();
        }
        t
    })
    .await
    .unwrap()
}

async fn status_of(app: &TestApp, t: i64) -> String {
    app.text(&format!("SELECT status FROM tickets WHERE id = {t}"))
        .await
}

async fn post_status(
    app: &TestApp,
    t: i64,
    from: &str,
    to: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![("from", from), ("to", to)];
    fields.extend_from_slice(extra);
    app.post_form(&format!("/tickets/{t}/status"), &fields)
        .await
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
            let res = post_status(
                &app,
                t,
                at.as_str(),
                to.as_str(),
                &[("outcome", "repaired")],
            )
            .await;
            assert_eq!(res.status().as_u16(), 409, "{at} → {to}");
            assert_eq!(
                status_of(&app, t).await,
                at.as_str(),
                "{at} → {to} changed nothing"
            );
        }
        // Every live state can be cancelled.
        if at.is_live() {
            let res = post_status(
                &app,
                t,
                at.as_str(),
                "cancelled",
                &[("note", "customer collected it")],
            )
            .await;
            assert_eq!(res.status().as_u16(), 303, "{at} → cancelled");
            assert_eq!(status_of(&app, t).await, "cancelled");
        }
    }
    // The whole road by hand: open → diagnosing → (estimate) → awaiting approval → (approved) →
    // in repair ↔ waiting for parts → quality check → ready → closed (needs an outcome).
    let t = ticket_at(&app, cust, Open).await;
    assert_eq!(
        post_status(&app, t, "open", "diagnosing", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    // Leaving awaiting approval needs the customer's answer.
    let res = app
        .post_form(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(location(&res).contains("?link="));
    let res = post_status(&app, t, "awaiting_approval", "in_repair", &[]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("has not approved the estimate yet")
    );
    let res = app
        .post_form(
            &format!("/tickets/{t}/approval"),
            &[
                ("decision", "approved"),
                ("approval_by", ""),
                ("approval_method", "by phone"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "who answered is required");
    let res = app
        .post_form(
            &format!("/tickets/{t}/approval"),
            &[
                ("decision", "approved"),
                ("approval_by", "Wanjiru"),
                ("approval_method", "by phone"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(status_of(&app, t).await, "in_repair");
    for (from, to) in [
        ("in_repair", "waiting_for_parts"),
        ("waiting_for_parts", "in_repair"),
        ("in_repair", "quality_check"),
        ("quality_check", "ready"),
    ] {
        assert_eq!(
            post_status(&app, t, from, to, &[]).await.status().as_u16(),
            303,
            "{from} → {to}"
        );
    }
    let res = post_status(&app, t, "ready", "closed", &[]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("Choose the outcome"));
    assert_eq!(
        post_status(&app, t, "ready", "closed", &[("outcome", "repaired")])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM tickets WHERE id = {t} AND outcome = 'repaired' AND qc_by IS NOT NULL AND closed_at IS NOT NULL")).await, 1);
    // opened, diagnosing, awaiting, approval, in repair, 4 moves, closed: one event each.
    assert_eq!(app.count(&format!("SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND kind IN ('opened', 'status', 'approval')")).await, 10);
    assert_eq!(app.count(&format!("SELECT count(*) FROM message_outbox WHERE ticket_id = {t} AND template = 'ticket_ready' AND recipient = 'wanjiru@example.com'")).await, 1);
    // No approval needed: diagnosing → in repair. Declined: awaiting approval → ready.
    let t2 = ticket_at(&app, cust, Diagnosing).await;
    assert_eq!(
        post_status(&app, t2, "diagnosing", "in_repair", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let t3 = ticket_at(&app, cust, AwaitingApproval).await;
    let res = app
        .post_form(
            &format!("/tickets/{t3}/approval"),
            &[
                ("decision", "declined"),
                ("approval_by", "Wanjiru"),
                ("approval_method", "at the counter"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(status_of(&app, t3).await, "ready");
    // An estimate with no lines cannot be sent.
    let t4 = ticket_at(&app, cust, Diagnosing).await;
    app.with_db(move |c| {
        diesel::sql_query(format!("DELETE FROM ticket_lines WHERE ticket_id = {t4}"))
            .execute(c)
            .unwrap()
    })
    .await;
    let res = app
        .post_form(
            &format!("/tickets/{t4}/estimate"),
            &[("from", "diagnosing")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("Add the estimate"));
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
    assert_eq!(
        app.post_form(&format!("/tickets/{a}/clock"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.post_form(&format!("/floor/{b}/clock"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM time_entries WHERE technician_id = {} AND ended_at IS NULL",
            tech.id
        ))
        .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM time_entries WHERE ticket_id = {a} AND ended_at IS NOT NULL AND hours IS NOT NULL")).await, 1, "starting on b stopped a");
    // Ten starts at once on different tickets: still exactly one running clock.
    let mut tickets = Vec::new();
    for _ in 0..10 {
        tickets.push(ticket_at(&app, cust, TicketStatus::InRepair).await);
    }
    let statuses = app
        .post_all(
            tickets
                .iter()
                .map(|t| (format!("/tickets/{t}/clock"), vec![]))
                .collect(),
        )
        .await;
    assert!(
        statuses.iter().all(|s| *s == 303),
        "every start is taken (each stops the one before): {statuses:?}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM time_entries WHERE technician_id = {} AND ended_at IS NULL",
            tech.id
        ))
        .await,
        1
    );
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
    // Stop; a manager approves a's entry corrected to 1.5 h; the ticket's invoice bills it.
    app.post_form(&format!("/tickets/{a}/clock/stop"), &[])
        .await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE branches SET labour_rate = 2000.00 WHERE id = {branch}"
        ))
        .execute(c)
        .unwrap()
    })
    .await;
    let manager = app.new_client();
    let boss = app.create_user("boss", "Boss", Role::Manager).await;
    app.login_with(&manager, &boss.username, &boss.password)
        .await;
    assert!(
        app.get_with(&manager, "/time")
            .await
            .text()
            .await
            .unwrap()
            .contains("pending-time")
    );
    let entry: i64 = app
        .count(&format!(
            "SELECT min(id) FROM time_entries WHERE ticket_id = {a}"
        ))
        .await;
    let res = app
        .post_form_with(
            &manager,
            &format!("/time/{entry}/approve"),
            &[("hours", "30"), ("billable", "1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "hours are 0–24");
    let res = app
        .post_form_with(
            &manager,
            &format!("/time/{entry}/approve"),
            &[("hours", "1.5"), ("billable", "1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = app
        .post_form_with(
            &manager,
            &format!("/time/{entry}/approve"),
            &[("hours", "2")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409, "approved once");
    let res = app
        .post_form_with(&manager, &format!("/tickets/{a}/invoice"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let invoice = app
        .get_with(&manager, &location(&res))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        invoice.contains("Labour: time clocked on the job") && invoice.contains("3000.00"),
        "1.5 h × 2000.00: {invoice}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM time_entries WHERE id = {entry} AND invoice_id IS NOT NULL"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_approval_link_works_once_and_expired_or_tampered_links_are_refused() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let t = ticket_at(&app, cust, TicketStatus::Diagnosing).await;
    app.login_as(Role::Receptionist).await;
    let res = app
        .post_form(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    let token = location(&res).split("?link=").nth(1).unwrap().to_string();
    let html = app.get_html(&location(&res)).await;
    assert!(
        html.contains(&format!("/approve/{token}")),
        "the counter sees the link to send"
    );
    // The customer's phone: no sign-in.
    let phone = app.new_client();
    let page = app.get_with(&phone, &format!("/approve/{token}")).await;
    assert_eq!(page.status().as_u16(), 200);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("Replace DC jack")
            && body.contains("1800.00")
            && body.contains("Approve the work"),
        "{body}"
    );
    // Tampered: another id, or a later expiry with the old signature.
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0].parse::<i64>().unwrap() + 1,
        parts[1],
        parts[2]
    );
    assert_eq!(
        app.get_with(&phone, &format!("/approve/{forged}"))
            .await
            .status()
            .as_u16(),
        400
    );
    parts[1] = (parts[1].parse::<i64>().unwrap() + 86_400).to_string();
    assert_eq!(
        app.get_with(&phone, &format!("/approve/{}", parts.join(".")))
            .await
            .status()
            .as_u16(),
        400
    );
    // Approve once.
    let res = app
        .post_form_with(
            &phone,
            &format!("/approve/{token}"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(status_of(&app, t).await, "in_repair");
    assert_eq!(app.count(&format!("SELECT count(*) FROM tickets WHERE id = {t} AND approval = 'approved' AND approval_method = 'approval link'")).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM ticket_events WHERE ticket_id = {t} AND kind = 'approval'"
        ))
        .await,
        1
    );
    // Used: explained, nothing changes.
    let again = app
        .post_form_with(
            &phone,
            &format!("/approve/{token}"),
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(again.status().as_u16(), 410);
    assert!(again.text().await.unwrap().contains("was approved already"));
    assert_eq!(status_of(&app, t).await, "in_repair");
    // Expired.
    let t2 = ticket_at(&app, cust, TicketStatus::Diagnosing).await;
    let res = app
        .post_form(
            &format!("/tickets/{t2}/estimate"),
            &[("from", "diagnosing")],
        )
        .await;
    let token2 = location(&res).split("?link=").nth(1).unwrap().to_string();
    app.with_db(move |c| diesel::sql_query(format!("UPDATE approval_links SET expires_at = now() - interval '1 minute' WHERE ticket_id = {t2}")).execute(c).unwrap()).await;
    let expired = app.get_with(&phone, &format!("/approve/{token2}")).await;
    assert_eq!(expired.status().as_u16(), 410);
    assert!(
        expired
            .text()
            .await
            .unwrap()
            .contains("This link has expired")
    );
    let res = app
        .post_form_with(
            &phone,
            &format!("/approve/{token2}"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 410);
    assert_eq!(status_of(&app, t2).await, "awaiting_approval");
}

#[tokio::test]
async fn parts_come_out_of_stock_by_sku_or_link_a_unit_and_no_stock_is_refused() {
    let app = spawn_app().await;
    let cust = customer(&app).await;
    let t = ticket_at(&app, cust, TicketStatus::InRepair).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let item = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let item = workbay::repo::stock::create_stock_item(
            &mut c,
            "JACK-DC",
            "DC jack",
            "2.00".parse().unwrap(),
            "9.00".parse().unwrap(),
            0,
            &by,
        )
        .unwrap()
        .id;
        let p = workbay::repo::stock::Posting {
            stock_item_id: item,
            branch_id: branch,
            kind: "intake",
            quantity: 1,
            unit_cost: None,
            reason: "",
            reference: "",
        };
        workbay::repo::stock::post(&mut c, &p, &by).unwrap();
        let model = product_model(&mut c, "Part", "Generic", "Screen 14in", 30);
        workbay::repo::assets::receive(
            &mut c,
            &workbay::repo::assets::Arrival {
                serial: "SCR14-0001".into(),
                product_model_id: model,
                vendor_id: None,
                branch_id: branch,
                location_id: None,
                purchase_cost: "40".parse().unwrap(),
                landed_cost: "42".parse().unwrap(),
            },
            "",
            &by,
        )
        .unwrap();
        item
    })
    .await
    .unwrap();
    app.login_as(Role::Technician).await;
    let res = app
        .post_form(
            &format!("/floor/{t}/part"),
            &[("kind", "part"), ("code", "jack-dc"), ("quantity", "2")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Only 1 of JACK-DC in stock here") && body.contains("scan-warning"),
        "{body}"
    );
    assert_eq!(
        app.post_form(
            &format!("/floor/{t}/part"),
            &[("kind", "part"), ("code", "jack-dc"), ("quantity", "1")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM stock_ledger WHERE stock_item_id = {item} AND kind = 'repair_use' AND quantity = -1")).await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.post_form(
            &format!("/tickets/{t}/line"),
            &[("kind", "part"), ("code", "scr14-0001")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM ticket_lines WHERE ticket_id = {t} AND asset_id IS NOT NULL"
        ))
        .await,
        1
    );
    let res = app
        .post_form(
            &format!("/tickets/{t}/line"),
            &[("kind", "part"), ("code", "NOPE-1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No stock item with SKU NOPE-1")
    );
    // A closed ticket takes nothing more.
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        for to in [
            TicketStatus::QualityCheck,
            TicketStatus::Ready,
            TicketStatus::Closed,
        ] {
            tickets::transition(
                &mut c,
                branch,
                t,
                None,
                to,
                Some(Outcome::Repaired),
                "",
                &By::default(),
            )
            .unwrap();
        }
    })
    .await
    .unwrap();
    let res = app
        .post_form(
            &format!("/tickets/{t}/line"),
            &[("kind", "fee"), ("description", "late"), ("quantity", "1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
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
