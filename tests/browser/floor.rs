use fantoccini::key::Key;
use workbay::domain::role::Role;
use workbay::domain::ticket::{Outcome, TicketStatus};
use workbay::repo::By;
use workbay::repo::tickets::{self, CheckIn};

use crate::common::fixtures::{stock_in, stock_item};
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

/// Four oil filters on the shelf and Kamau Motors' ticket, in repair and assigned to `tech`.
async fn a_job_in_repair_for(app: &crate::common::TestApp, tech: i64) -> i64 {
    let branch = app.branch_id;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    app.with_db(move |c| {
        let by = By::default();
        let item = stock_item(c, "FLT-OIL-T", "Oil filter", "3.00", "6.00", 0);
        stock_in(c, branch, item, 4);
        let check_in = CheckIn {
            problem: "Oil change and noise".into(),
            ..Default::default()
        };
        let t = tickets::open_walk_in(c, branch, customer, Default::default(), &check_in, &by)
            .unwrap()
            .id;
        tickets::assign(c, branch, t, Some(tech), &by).unwrap();
        for to in [TicketStatus::Diagnosing, TicketStatus::InRepair] {
            tickets::transition(c, branch, t, None, to, None::<Outcome>, "", &by).unwrap();
        }
        t
    })
    .await
}

#[tokio::test]
async fn on_a_1024_by_768_tablet_a_technician_clocks_on_scans_a_part_and_sends_the_job_to_quality_check()
 {
    let app = spawn_app().await;
    let tech = app
        .create_user("dora", "Dora Achieng", Role::Technician)
        .await;
    let ticket = a_job_in_repair_for(&app, tech.id).await;

    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1024, 768).await.unwrap();
    c.goto(&format!("{}/login?next=%2Ffloor", app.address))
        .await
        .unwrap();
    browser.sign_in("dora", PASSWORD).await;
    browser.wait_for_path(|p| p == "/floor").await;
    browser
        .text_until(".jobs", |t| t.contains("Kamau Motors"))
        .await;
    browser.click(".jobs a.job").await;
    browser
        .wait_for_path(|p| p == format!("/floor/{ticket}"))
        .await;

    // The clock: one big button.
    browser.click("#clock").await;
    browser
        .text_until("#clock", |t| t.contains("Stop clock"))
        .await;
    // A part by scan: the scanner types the SKU and Enter.
    browser
        .fill("#f-code", &format!("flt-oil-t{}", Key::Enter))
        .await;
    browser
        .text_until("#ticket-lines", |t| t.contains("Oil filter (FLT-OIL-T)"))
        .await;
    // A note for the counter.
    browser
        .fill("#f-note", "Old filter gasket stuck; cleaned the seat")
        .await;
    browser.click("#note-form button").await;
    browser
        .text_until("#ticket-notes", |t| t.contains("gasket stuck"))
        .await;
    // On to quality check.
    browser.click("button[data-to=quality_check]").await;
    browser
        .text_until("#ticket-status", |t| t.contains("Quality check"))
        .await;
    // The big targets fit the tablet: the clock spans its card and nothing scrolls sideways.
    assert!(
        browser.fits_width().await,
        "no sideways scrolling at 1024×768"
    );
    browser.close().await;

    let status =
        format!("SELECT count(*) FROM tickets WHERE id = {ticket} AND status = 'quality_check'");
    assert_eq!(app.count(&status).await, 1);
    let used = "SELECT count(*) FROM stock_ledger WHERE kind = 'repair_use' AND quantity = -1";
    assert_eq!(app.count(used).await, 1);
    let clocked = format!(
        "SELECT count(*) FROM time_entries WHERE ticket_id = {ticket} AND technician_id = {}",
        tech.id
    );
    assert_eq!(app.count(&clocked).await, 1);
}
