use fantoccini::Locator;
use fantoccini::key::Key;
use workbay::domain::role::Role;
use workbay::domain::ticket::{Outcome, TicketStatus};
use workbay::repo::By;
use workbay::repo::tickets::{self, CheckIn};

use crate::common::fixtures::{stock_in, stock_item};
use crate::common::spawn_app;
use crate::driver::Browser;

/// A ticket for `customer`'s `problem`, assigned to `tech` and moved along `path`.
async fn a_job(
    app: &crate::common::TestApp,
    tech: i64,
    customer: &str,
    problem: &str,
    path: &'static [TicketStatus],
) -> i64 {
    let branch = app.branch_id;
    let customer = app.create_customer(customer, "", "").await;
    let problem = problem.to_string();
    app.with_db(move |c| {
        let by = By::default();
        let check_in = CheckIn {
            problem,
            ..Default::default()
        };
        let t = tickets::open_walk_in(c, branch, customer, Default::default(), &check_in, &by)
            .unwrap()
            .id;
        tickets::assign(c, branch, t, Some(tech), &by).unwrap();
        for to in path {
            tickets::transition(c, branch, t, None, *to, None::<Outcome>, "", &by).unwrap();
        }
        t
    })
    .await
}

/// The ticking time of a running clock, as shown (`0:00:03`).
async fn elapsed(browser: &Browser, css: &str) -> String {
    browser
        .text_until(css, |t| {
            let parts: Vec<&str> = t.split(':').collect();
            parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        })
        .await
}

/// Scans `code` into the part field (the scanner types it and Enter) and waits for the page
/// that answers, which shows `message`.
async fn scan(browser: &Browser, code: &str, message: &str) {
    browser
        .fill("#f-code", &format!("{code}{}", Key::Enter))
        .await;
    browser.text_until(".flash", |t| t.contains(message)).await;
}

#[tokio::test]
async fn a_technician_s_day_on_the_tablet_at_1024_by_768_and_800_by_1280() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        let item = stock_item(c, "FLT-OIL-T", "Oil filter", "3.00", "6.00", 0);
        stock_in(c, branch, item, 10);
    })
    .await;
    for (user, size) in [("dora", (1024, 768)), ("eli", (800, 1280))] {
        journey(&app, user, size).await;
    }
    // Each journey kept one filter on its estimate: two of ten left the shelf.
    let left = "SELECT on_hand::bigint FROM stock_levels";
    assert_eq!(app.count(left).await, 8);
}

/// My jobs with the running one pinned and ticking; the clock; two scans of one filter make
/// quantity 2; a bad scan is named in red with a tone, on a page a reload does not post; undo;
/// the estimate sent from the tablet; stopping the clock says what it recorded; nothing
/// scrolls sideways.
async fn journey(app: &crate::common::TestApp, user: &str, (w, h): (u32, u32)) {
    use TicketStatus::*;
    let tech = app.create_user(user, user, Role::Technician).await.id;
    let running = a_job(
        app,
        tech,
        "Kamau Motors",
        "Oil change and noise",
        &[Diagnosing],
    )
    .await;
    let _other = a_job(
        app,
        tech,
        "Wanjiru Mwangi",
        "Brakes squeal",
        &[Diagnosing, InRepair],
    )
    .await;
    // The clock runs on the newer job: My jobs pins it first even though it is listed later.
    app.exec(&format!(
        "UPDATE tickets SET created_at = now() + interval '1 minute' WHERE id = {running}"
    ))
    .await;

    let browser = Browser::signed_in(&app.address, user, (w, h)).await;
    browser.wait_for_path(|p| p == "/floor").await;
    browser
        .click(&format!("#my-jobs a[data-ticket='{running}']"))
        .await;
    browser
        .wait_for_path(|p| p == format!("/floor/{running}"))
        .await;
    browser.click("#clock").await;
    browser
        .text_until("#clock", |t| t.contains("Stop clock"))
        .await;
    let first = elapsed(&browser, "#clock-elapsed").await;
    browser.text_until("#clock-elapsed", |t| t != first).await;

    browser.click("a.button[href='/floor']").await;
    browser.wait_for_path(|p| p == "/floor").await;
    let pinned = browser
        .client
        .find(Locator::Css("#my-jobs li:first-child a.job"))
        .await
        .unwrap()
        .attr("data-ticket")
        .await
        .unwrap();
    assert_eq!(pinned, Some(running.to_string()), "the running job first");
    elapsed(&browser, "#running-elapsed").await;
    browser
        .click(&format!("#my-jobs a[data-ticket='{running}']"))
        .await;
    browser
        .wait_for_path(|p| p == format!("/floor/{running}"))
        .await;

    scan(&browser, "flt-oil-t", "Oil filter (FLT-OIL-T) ×1 added").await;
    scan(
        &browser,
        "FLT-OIL-T",
        "One more Oil filter (FLT-OIL-T) added: ×2",
    )
    .await;
    browser
        .text_until("#ticket-lines", |t| {
            t.contains("Oil filter (FLT-OIL-T) × 2")
        })
        .await;

    // A code that is nothing here: named in the error colour, with a tone, and the page is
    // the job's own (a reload shows it again and posts nothing).
    scan(&browser, "NOPE-1", "No stock item with SKU NOPE-1").await;
    let error = browser.text_of(".flash-error").await;
    assert!(error.contains("NOPE-1"), "{error}");
    let tones = browser
        .client
        .execute("return window.workbayErrorTones || 0", vec![])
        .await
        .unwrap();
    assert_eq!(tones.as_i64(), Some(1), "one tone for the refused scan");
    let colour = browser
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.flash-error')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(colour.as_str(), Some("rgb(179, 38, 30)"), "a strong red");
    browser
        .wait_for_path(|p| p == format!("/floor/{running}"))
        .await;
    browser.client.refresh().await.unwrap();
    browser
        .text_until("#ticket-lines", |t| t.contains("× 2"))
        .await;

    browser.click("#undo").await;
    browser
        .text_until(".flash", |t| {
            t.contains("Undone: Oil filter (FLT-OIL-T) ×2")
        })
        .await;
    assert!(
        !browser
            .text_of("#ticket-lines")
            .await
            .contains("Oil filter")
    );
    scan(&browser, "FLT-OIL-T", "Oil filter (FLT-OIL-T) ×1 added").await;

    browser.click("#send-estimate").await;
    browser
        // the fixture's customer has no email or phone: the link is for the counter to share
        .text_until(".flash", |t| {
            t.contains("Estimate ready for approval; the link works until")
        })
        .await;
    browser
        .text_until("#ticket-status", |t| t.contains("approval"))
        .await;
    // What no longer applies is gone: the estimate went out, its lines stay as sent.
    for gone in ["#send-estimate", "#undo"] {
        assert!(
            browser.client.find(Locator::Css(gone)).await.is_err(),
            "{gone} still shown"
        );
    }
    assert!(
        browser.fits_width().await,
        "no sideways scrolling at {w}×{h}"
    );

    browser.click("#clock").await;
    browser
        .text_until(".flash", |t| {
            t.contains("Clock stopped:") && t.contains("recorded")
        })
        .await;
    browser
        .text_until("#clock", |t| t.contains("Start clock"))
        .await;
    browser.close().await;

    let status = format!(
        "SELECT count(*) FROM tickets WHERE id = {running} AND status = 'awaiting_approval'"
    );
    assert_eq!(app.count(&status).await, 1);
    let lines = format!(
        "SELECT count(*) FROM ticket_lines WHERE ticket_id = {running} AND quantity = 1 AND kind = 'part'"
    );
    assert_eq!(app.count(&lines).await, 1);
    let clocked = format!(
        "SELECT count(*) FROM time_entries WHERE ticket_id = {running} AND technician_id = {tech} AND ended_at IS NOT NULL"
    );
    assert_eq!(app.count(&clocked).await, 1);
}
