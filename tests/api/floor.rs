//! The tablet over HTTP: My jobs, the clock's answer, undoing a scan (issue 33, build 1).

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::{self, stock_in, stock_item};
use crate::common::{TestApp, spawn_app};

/// A walk-in ticket for `customer` moved to `at` and assigned to `tech`.
async fn job(app: &TestApp, customer: &str, at: TicketStatus, tech: i64) -> i64 {
    let branch = app.branch_id;
    let customer = app.create_customer(customer, "", "").await;
    let t = app
        .with_db(move |c| fixtures::ticket_at(c, branch, customer, at))
        .await;
    app.exec(&format!(
        "UPDATE tickets SET assigned_to = {tech} WHERE id = {t}"
    ))
    .await;
    t
}

#[tokio::test]
async fn my_jobs_show_the_vehicle_bay_and_promised_day_with_the_running_job_first() {
    let app = spawn_app().await;
    let tech = app.login_as(Role::Technician).await.id;
    let first = job(&app, "Kamau Motors", TicketStatus::InRepair, tech).await;
    let second = job(&app, "Otieno Garage", TicketStatus::Diagnosing, tech).await;
    let branch = app.branch_id;
    app.exec(&format!(
        "WITH v AS (INSERT INTO vehicles (customer_id, plate, make, model) \
           SELECT customer_id, 'KDA 123B', 'Toyota', 'Probox' FROM tickets WHERE id = {second} RETURNING id), \
         y AS (INSERT INTO bays (branch_id, name) VALUES ({branch}, 'Bay 2 (lift)') RETURNING id), \
         k AS (INSERT INTO bookings (branch_id, customer_id, bay_id, starts_at, ends_at, status) \
           SELECT {branch}, customer_id, (SELECT id FROM y), now(), now() + interval '1 hour', 'checked_in' \
           FROM tickets WHERE id = {second} RETURNING id) \
         UPDATE tickets SET vehicle_id = (SELECT id FROM v), booking_id = (SELECT id FROM k), \
           promised_on = DATE '2026-01-05' WHERE id = {second}"
    ))
    .await;
    let list = app.get_html("/floor").await;
    let at = |t: i64| list.find(&format!("data-ticket=\"{t}\"")).unwrap();
    assert!(at(first) < at(second), "oldest first while no clock runs");
    assert!(
        list.contains("#2 · Toyota Probox KDA 123B</strong>")
            && list.contains("Bay 2 (lift)")
            && list.contains("<span class=\"late\">promised Mon 5 Jan</span>"),
        "{list}"
    );
    app.submit(&format!("/floor/{second}/clock"), &[]).await;
    let list = app.get_html("/floor").await;
    let at = |t: i64| list.find(&format!("data-ticket=\"{t}\"")).unwrap();
    assert!(at(second) < at(first), "the running job is pinned first");
    assert!(list.contains("id=\"running-elapsed\""), "{list}");

    // Stopping says how long was recorded: 65 minutes is 1 h 05 min, 1.08 h.
    app.exec(&format!(
        "UPDATE time_entries SET started_at = now() - interval '65 minutes' WHERE ticket_id = {second}"
    ))
    .await;
    let back = app
        .submit(&format!("/floor/{second}/clock/stop"), &[])
        .await;
    let page = app.get_html(&back).await;
    assert!(
        page.contains("Clock stopped: 1 h 05 min recorded (1.08 h)."),
        "{page}"
    );
}

#[tokio::test]
async fn a_technician_undoes_only_their_own_last_scan_and_never_a_line_the_customer_was_sent() {
    let app = spawn_app().await;
    let tech = app.login_as(Role::Technician).await.id;
    let t = job(&app, "Kamau Motors", TicketStatus::Diagnosing, tech).await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        let item = stock_item(c, "FLT-OIL", "Oil filter", "3.00", "6.00", 0);
        stock_in(c, branch, item, 5);
    })
    .await;
    // The counter's labour line is not the technician's to undo.
    let page = app.get_html(&format!("/floor/{t}")).await;
    assert!(!page.contains("id=\"undo\""), "{page}");
    app.submit(
        &format!("/floor/{t}/part"),
        &[("code", "FLT-OIL"), ("quantity", "1")],
    )
    .await;
    let page = app.get_html(&format!("/floor/{t}")).await;
    let line = app
        .text(&format!(
            "SELECT id FROM ticket_lines WHERE ticket_id = {t} AND kind = 'part'"
        ))
        .await;
    assert!(
        page.contains(&format!("name=\"line_id\" value=\"{line}\""))
            && page.contains("Undo last: Oil filter (FLT-OIL) × 1"),
        "{page}"
    );
    let back = app
        .submit(&format!("/floor/{t}/undo"), &[("line_id", &line)])
        .await;
    let page = app.get_html(&back).await;
    assert!(
        page.contains("Undone: Oil filter (FLT-OIL) ×1 taken off the job."),
        "{page}"
    );
    let on_hand = "SELECT on_hand::bigint FROM stock_levels";
    assert_eq!(app.count(on_hand).await, 5, "back on the shelf");

    // A refused send (the job moved on meanwhile) keeps the findings typed.
    let stale = app
        .send(
            &format!("/floor/{t}/estimate"),
            &[("from", "open"), ("findings", "Fan clogged with dust")],
        )
        .await;
    assert_eq!(
        stale.location,
        format!("/floor/{t}?findings=Fan+clogged+with+dust")
    );
    let page = app.get_html(&stale.location).await;
    assert!(
        page.contains("flash-error") && page.contains(">Fan clogged with dust</textarea>"),
        "{page}"
    );
    // Sent on the estimate, a line stays: the tablet hides undo and the server refuses it.
    app.submit(&format!("/floor/{t}/part"), &[("code", "FLT-OIL")])
        .await;
    let line = app
        .text(&format!(
            "SELECT id FROM ticket_lines WHERE ticket_id = {t} AND kind = 'part'"
        ))
        .await;
    app.submit(&format!("/floor/{t}/estimate"), &[("from", "diagnosing")])
        .await;
    let page = app.get_html(&format!("/floor/{t}")).await;
    assert!(
        !page.contains("id=\"undo\"") && !page.contains("id=\"send-estimate\""),
        "{page}"
    );
    let refused = app
        .send(&format!("/floor/{t}/undo"), &[("line_id", &line)])
        .await;
    assert_eq!(
        (refused.status, refused.location.as_str()),
        (303, format!("/floor/{t}").as_str())
    );
    let page = app.get_html(&refused.location).await;
    assert!(
        page.contains("flash-error") && page.contains("its lines stay as they were sent"),
        "{page}"
    );
    assert_eq!(app.count(on_hand).await, 4);
}
