use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::spawn_app;
use crate::driver::Browser;

/// The counter finds the status link made at intake on the ticket; on the customer's 390×844
/// phone the page shows each stage of the repair as it moves, fitting the screen.
#[tokio::test]
async fn on_a_phone_the_customer_s_status_page_shows_each_stage_of_the_repair() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let customer = app
        .create_customer("Wanjiru Kamau", "0722 000 111", "")
        .await;
    let branch = app.branch_id;
    let t = app
        .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Open))
        .await;
    let browser = Browser::signed_in(&app.address, "amina", (1366, 768)).await;
    let c = &browser.client;
    c.goto(&format!("{}/tickets/{t}", app.address))
        .await
        .unwrap();
    browser.text_of("#status-qr").await;
    let link = browser.value_of("#status-link").await;
    assert!(link.contains("/status/"), "{link}");

    // The customer's phone: no sign-in.
    c.delete_all_cookies().await.unwrap();
    c.set_window_size(390, 844).await.unwrap();
    for (status, stage) in [
        ("open", "Received"),
        ("diagnosing", "Diagnosing"),
        ("awaiting_approval", "Waiting for your approval"),
        ("waiting_for_parts", "Waiting for parts"),
        ("in_repair", "Being repaired"),
        ("ready", "Ready to collect"),
    ] {
        app.exec(&format!(
            "UPDATE tickets SET status = '{status}' WHERE id = {t}"
        ))
        .await;
        c.goto(&link).await.unwrap();
        let now = browser.text_of("#status-now").await;
        assert_eq!(now, stage, "{status}");
        assert!(
            browser.fits_width().await,
            "the status page scrolls sideways at 390 px ({status})"
        );
    }
    let owed = browser.text_of("#status-owed").await;
    assert_eq!(
        owed, "KES 1,800.00",
        "1.5 h × 1,200.00, no tax at this branch"
    );
    browser.close().await;
}
