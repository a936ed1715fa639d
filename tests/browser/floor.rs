use diesel::{Connection, PgConnection};
use fantoccini::key::Key;
use workbay::domain::role::Role;
use workbay::domain::ticket::{Outcome, TicketStatus};
use workbay::repo::By;
use workbay::repo::tickets::{self, CheckIn};

use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn on_a_1024_by_768_tablet_a_technician_clocks_on_scans_a_part_and_sends_the_job_to_quality_check()
 {
    let app = spawn_app().await;
    let tech = app
        .create_user("dora", "Dora Achieng", Role::Technician)
        .await;
    let (url, branch, tech_id) = (app.db.app_url.clone(), app.branch_id, tech.id);
    let admin = app.db.admin_url.clone();
    let ticket = tokio::task::spawn_blocking(move || {
        let mut owner = PgConnection::establish(&admin).unwrap();
        #[derive(diesel::QueryableByName)]
        struct I {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let customer = diesel::RunQueryDsl::get_result::<I>(
            diesel::sql_query(format!("INSERT INTO customers (name, phone, created_branch_id) VALUES ('Kamau Motors', '0711 222 333', {branch}) RETURNING id")),
            &mut owner,
        )
        .unwrap()
        .id;
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let item = workbay::repo::stock::create_stock_item(&mut c, "FLT-OIL-T", "Oil filter", "3.00".parse().unwrap(), "6.00".parse().unwrap(), 0, &by).unwrap().id;
        let p = workbay::repo::stock::Posting { stock_item_id: item, branch_id: branch, kind: "intake", quantity: 4, unit_cost: None, reason: "", reference: "" };
        workbay::repo::stock::post(&mut c, &p, &by).unwrap();
        let t = tickets::open_walk_in(&mut c, branch, customer, None, &CheckIn { problem: "Oil change and noise".into(), ..Default::default() }, &by).unwrap().id;
        tickets::assign(&mut c, branch, t, Some(tech_id), &by).unwrap();
        for to in [TicketStatus::Diagnosing, TicketStatus::InRepair] {
            tickets::transition(&mut c, branch, t, None, to, None::<Outcome>, "", &by).unwrap();
        }
        t
    })
    .await
    .unwrap();

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
        .text_until("#ticket-status", |t| t.contains("quality check"))
        .await;
    // The big targets fit the tablet: the clock spans its card and nothing scrolls sideways.
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits.as_bool(),
        Some(true),
        "no sideways scrolling at 1024×768"
    );
    browser.close().await;

    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM tickets WHERE id = {ticket} AND status = 'quality_check'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM stock_ledger WHERE kind = 'repair_use' AND quantity = -1")
            .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM time_entries WHERE ticket_id = {ticket} AND technician_id = {tech_id}")).await, 1);
}
