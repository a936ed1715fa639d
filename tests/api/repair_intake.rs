//! Intake a repair counter needs (issue 32, build 3): accessories, condition, the unlock code
//! (shown only to the technician on the job and managers, never in lists, events or prints), the
//! promised date, a deposit held and applied to the invoice, the customer's signature, and the
//! job sheet, claim tag and estimate on paper.

use workbay::domain::role::Role;

use crate::common::http::sid;
use crate::common::{TestApp, spawn_app};

/// A PNG as the signature pad sends it: a real PNG header, then bytes.
fn signature_url() -> (String, Vec<u8>) {
    use base64::Engine;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..120u8).collect::<Vec<_>>());
    let url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    (url, png)
}

/// Opens a walk-in ticket for a laptop with the whole intake; returns the ticket's page.
async fn laptop_left_for_repair(app: &TestApp) -> String {
    let customer = app
        .create_customer("Achieng Otieno", "0733 100 200", "")
        .await;
    let (signature, _) = signature_url();
    let form = [
        ("walkin_subject", "new_device"),
        ("walkin_device_kind", "Laptop"),
        ("walkin_device_brand", "Dell"),
        ("walkin_device_model", "XPS 13"),
        ("walkin_device_serial", "DX13-778"),
        ("walkin_problem", "Does not charge"),
        ("walkin_damage", "Dent on the lid"),
        ("accessories", "Charger, sleeve"),
        ("promised_on", "2099-03-02"),
        ("unlock_code", "4711-secret"),
        ("deposit_amount", "1,500.00"),
        ("deposit_method", "cash"),
        ("signature", signature.as_str()),
    ];
    app.submit(&format!("/customers/{customer}/walk-in"), &form)
        .await
}

#[tokio::test]
async fn a_walk_in_records_accessories_promised_date_deposit_and_signature() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let ticket = laptop_left_for_repair(&app).await;
    let id: i64 = ticket.trim_start_matches("/tickets/").parse().unwrap();
    let page = app.get_html(&ticket).await;
    let intake = &page[page.find("id=\"intake\"").unwrap()..];
    assert!(
        intake.contains("Charger, sleeve") && intake.contains("2099-03-02"),
        "{intake}"
    );
    assert!(intake.contains("KES 1,500.00"), "{intake}");
    assert!(
        page.contains("Condition:</strong> Dent on the lid"),
        "{page}"
    );

    let (_, png) = signature_url();
    let image = app.get(&format!("{ticket}/signature.png")).await;
    assert_eq!(image.status().as_u16(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(image.bytes().await.unwrap().to_vec(), png);
    let held = format!(
        "SELECT count(*) FROM ticket_deposits WHERE ticket_id = {id} AND amount = 1500 \
         AND method = 'cash' AND applied_invoice_id IS NULL"
    );
    assert_eq!(app.count(&held).await, 1);
    let taken = format!(
        "SELECT count(*) FROM ticket_events WHERE ticket_id = {id} AND kind = 'deposit' \
         AND note = 'KES 1,500.00 by cash'"
    );
    assert_eq!(
        app.count(&taken).await,
        1,
        "the deposit is on the ticket's history"
    );
}

#[tokio::test]
async fn the_unlock_code_is_shown_only_to_the_technician_on_the_job_and_managers() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let ticket = laptop_left_for_repair(&app).await;
    let id: i64 = ticket.trim_start_matches("/tickets/").parse().unwrap();
    // The receptionist who typed it sees that there is one, not what it is.
    let counter = app.get_html(&ticket).await;
    assert!(counter.contains("id=\"unlock-code\"") && !counter.contains("4711-secret"));

    let brian = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    let other = app.create_user("tom", "Tom Mboya", Role::Technician).await;
    app.exec(&format!(
        "UPDATE tickets SET assigned_to = {} WHERE id = {id}",
        brian.id
    ))
    .await;
    let on_the_job = app.client_as(&brian).await;
    let floor = app
        .get_html_with(&on_the_job, &format!("/floor/{id}"))
        .await;
    assert!(floor.contains("4711-secret"), "{floor}");
    let not_theirs = app.client_as(&other).await;
    let page = app.get_html_with(&not_theirs, &ticket).await;
    assert!(!page.contains("4711-secret"), "{page}");
    let manager = app.client_with_role("maria", Role::Manager).await;
    assert!(
        app.get_html_with(&manager, &ticket)
            .await
            .contains("4711-secret")
    );

    // Never in a list, a print or the ticket's history.
    for path in ["/tickets", "/tickets/all", "/"] {
        let list = app.get_html_with(&manager, path).await;
        assert!(!list.contains("4711-secret"), "{path}");
    }
    for print in ["job-sheet", "claim-tag", "estimate/print"] {
        let sheet = app
            .get_html_with(&manager, &format!("{ticket}/{print}"))
            .await;
        assert!(!sheet.contains("4711-secret"), "{print}: {sheet}");
    }
    let events = "SELECT count(*) FROM ticket_events WHERE note LIKE '%4711%'";
    assert_eq!(app.count(events).await, 0);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE concat(before::text, after::text) LIKE '%4711%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_deposit_is_applied_to_the_ticket_s_invoice_and_counted_once_in_the_cash_up() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let ticket = laptop_left_for_repair(&app).await;
    let line = [
        ("kind", "labour"),
        ("description", "Replace charging board"),
        ("quantity", "1"),
        ("unit_price", "4000.00"),
    ];
    app.submit(&format!("{ticket}/line"), &line).await;
    let invoice = app.submit(&format!("{ticket}/invoice"), &[]).await;
    app.submit(&format!("{invoice}/issue"), &[("submission_id", &sid())])
        .await;

    let id: i64 = invoice.trim_start_matches("/invoices/").parse().unwrap();
    let applied = format!(
        "SELECT count(*) FROM payments WHERE invoice_id = {id} AND method = 'deposit' AND amount = 1500"
    );
    assert_eq!(app.count(&applied).await, 1);
    let status =
        format!("SELECT count(*) FROM invoices WHERE id = {id} AND status = 'partially_paid'");
    assert_eq!(app.count(&status).await, 1);
    let marked = "SELECT count(*) FROM ticket_deposits WHERE applied_invoice_id IS NOT NULL";
    assert_eq!(app.count(marked).await, 1);

    // The cash-up counts the deposit as cash when it was taken, and not again as a deposit.
    let cash_up = app.get_html("/invoices/cash-up").await;
    let takings = &cash_up[cash_up.find("id=\"takings\"").unwrap()..];
    assert!(
        takings.contains("Cash") && takings.contains("1,500.00"),
        "{takings}"
    );
    assert!(!takings.contains(">Deposit<"), "{takings}");
}

#[tokio::test]
async fn bad_intake_fields_are_told_beside_them_and_nothing_is_opened() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let customer = app
        .create_customer("Achieng Otieno", "0733 100 200", "")
        .await;
    let form = [
        ("walkin_problem", "Cracked screen"),
        ("accessories", "Case"),
        ("promised_on", "2001-01-01"),
        ("deposit_amount", "500"),
        ("deposit_method", "store_credit"),
        ("signature", "data:image/png;base64,bm90IGEgcG5n"),
    ];
    let refused = app
        .send(&format!("/customers/{customer}/walk-in"), &form)
        .await;
    refused
        .is(422)
        .says("The promised date cannot be in the past.");
    refused
        .says("Choose how the deposit is paid.")
        .says("ask the customer to sign again");
    assert!(refused.body.contains("value=\"Case\""), "kept as typed");
    assert_eq!(app.count("SELECT count(*) FROM tickets").await, 0);
}

#[tokio::test]
async fn the_job_sheet_claim_tag_and_estimate_print_what_was_agreed() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let ticket = laptop_left_for_repair(&app).await;
    let sheet = app.get_html(&format!("{ticket}/job-sheet")).await;
    assert!(
        sheet.contains("page-a4.css") && sheet.contains("<svg"),
        "A4, with a barcode"
    );
    assert!(
        sheet.contains("aria-label=\"1\""),
        "the barcode reads the ticket number"
    );
    for agreed in [
        "Charger, sleeve",
        "Dent on the lid",
        "2099-03-02",
        "KES 1,500.00",
        "Back up your data",
    ] {
        assert!(sheet.contains(agreed), "{agreed}: {sheet}");
    }
    assert!(sheet.contains("id=\"print-signature\""), "{sheet}");
    let tag = app.get_html(&format!("{ticket}/claim-tag")).await;
    assert!(
        tag.contains("page-receipt.css") && tag.contains("Claim tag #1"),
        "{tag}"
    );

    let line = [
        ("kind", "part"),
        ("description", "Charging board"),
        ("quantity", "2"),
        ("unit_price", "1250"),
    ];
    app.submit(&format!("{ticket}/line"), &line).await;
    let estimate = app.get_html(&format!("{ticket}/estimate/print")).await;
    assert!(
        estimate.contains("Charging board") && estimate.contains("KES 2,500.00"),
        "{estimate}"
    );
}

#[tokio::test]
async fn a_job_past_its_promised_date_is_flagged_on_the_board_the_ticket_and_today() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let ticket = laptop_left_for_repair(&app).await;
    let id: i64 = ticket.trim_start_matches("/tickets/").parse().unwrap();
    let board = app.get_html("/tickets").await;
    assert!(
        !board.contains("promised flag"),
        "promised for 2099: not late"
    );
    app.exec(&format!(
        "UPDATE tickets SET promised_on = current_date - 1 WHERE id = {id}"
    ))
    .await;
    assert!(app.get_html("/tickets").await.contains("promised flag"));
    assert!(app.get_html(&ticket).await.contains("(late)"));
    let today = app.get_html("/").await;
    let late = &today[today.find("id=\"late-jobs\"").unwrap()..];
    assert!(late.contains("figure-value flag\">1<"), "{late}");
}
