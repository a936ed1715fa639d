//! Warranty claims through HTTP: found by serial, tag or invoice number; submitted, approved
//! (opening a ticket) and completed, or denied with a reason; refused on an expired warranty.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::asset::Grade;
use workbay::domain::invoice::WarrantyTier;
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::invoices::{self, NewInvoice, NewLine};

use crate::common::fixtures::{product_model, ready_unit};
use crate::common::http::location;
use crate::common::{Reply, TestApp, spawn_app};

/// Sells a unit with a standard warranty to a customer; returns (warranty id, serial, invoice number).
async fn sold_with_warranty(app: &TestApp, serial: &str) -> (i64, String, String) {
    let branch = app.branch_id;
    let customer = app.create_customer("Mwangi J.", "0700 999 888", "").await;
    let (url, serial) = (app.db.app_url.clone(), serial.to_string());
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let model = product_model(&mut c, "Laptop", "HP", &format!("EliteBook {serial}"), 90);
        let (_, tag) = ready_unit(&mut c, branch, model, &serial, Grade::B);
        let inv = invoices::create_draft(
            &mut c,
            branch,
            &NewInvoice {
                customer_id: Some(customer),
                ..Default::default()
            },
            &by,
        )
        .unwrap();
        invoices::add_line(
            &mut c,
            branch,
            inv,
            &NewLine::Asset {
                code: tag,
                price: Some("30000".parse().unwrap()),
                tier: Some(WarrantyTier::Standard),
            },
        )
        .unwrap();
        let number = invoices::issue(&mut c, branch, inv, &by).unwrap().number;
        #[derive(diesel::QueryableByName)]
        struct I {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let w = diesel::sql_query(format!(
            "SELECT id FROM warranties WHERE invoice_id = {inv}"
        ))
        .get_result::<I>(&mut c)
        .unwrap()
        .id;
        (w, serial, number)
    })
    .await
    .unwrap()
}

/// Completes the claim at `page` with `outcome` at `cost`.
async fn complete(app: &TestApp, page: &str, outcome: &str, cost: &str) -> Reply {
    let fields = [("outcome", outcome), ("cost", cost)];
    app.send(&format!("{page}/complete"), &fields).await
}

#[tokio::test]
async fn a_claim_is_found_by_serial_approved_into_a_ticket_and_completed_with_an_event_for_each_change()
 {
    let app = spawn_app().await;
    let (w, serial, number) = sold_with_warranty(&app, "5CG1234ABC").await;
    app.login_as(Role::Receptionist).await;
    for q in [serial.to_lowercase(), number.clone()] {
        let html = app.get_html(&format!("/warranties?q={q}")).await;
        assert!(html.contains(&format!("/warranties/{w}\"")), "{q}: {html}");
    }
    let claim_on = format!("/warranties/{w}/claim");
    app.send(&claim_on, &[("problem", " ")]).await.is(422);
    let page = app
        .submit(&claim_on, &[("problem", "Keyboard keys stop working")])
        .await;
    let claim: i64 = page.trim_start_matches("/claims/").parse().unwrap();
    let warranty_is = |status: &str| {
        format!("SELECT count(*) FROM warranties WHERE id = {w} AND status = '{status}'")
    };
    assert_eq!(app.count(&warranty_is("claimed")).await, 1);
    app.send(&claim_on, &[("problem", "again")])
        .await
        .is(409)
        .says("already open");
    // Out of order: completing before approval.
    complete(&app, &page, "replaced keyboard", "1200")
        .await
        .is(409)
        .says("A claim that is submitted cannot become completed.");
    app.submit(&format!("{page}/approve"), &[]).await;
    let html = app.get_html(&page).await;
    assert!(html.contains("id=\"claim-ticket\""), "{html}");
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM tickets t JOIN warranty_claims c ON c.ticket_id = t.id WHERE c.id = {claim} AND t.priority = 'high' AND t.asset_id IS NOT NULL AND t.problem LIKE 'Warranty claim #{claim}:%'")).await,
        1
    );
    complete(&app, &page, "", "1200").await.is(422);
    complete(&app, &page, "Replaced the keyboard", "1200.00")
        .await
        .is(303);
    assert_eq!(app.count(&warranty_is("active")).await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM warranty_claims WHERE id = {claim} AND status = 'completed' AND cost = 1200.00")).await, 1);
    // submitted, approved, completed; and the warranty: active, claimed, active again.
    let claim_events =
        format!("SELECT count(*) FROM warranty_claim_events WHERE claim_id = {claim}");
    assert_eq!(app.count(&claim_events).await, 3);
    let warranty_events = format!("SELECT count(*) FROM warranty_events WHERE warranty_id = {w}");
    assert_eq!(app.count(&warranty_events).await, 3);
}

#[tokio::test]
async fn a_denied_claim_needs_a_reason_and_an_expired_warranty_takes_no_claim() {
    let app = spawn_app().await;
    let (w, _, _) = sold_with_warranty(&app, "5CG9999XYZ").await;
    app.login_as(Role::Manager).await;
    let res = app
        .post_form(
            &format!("/warranties/{w}/claim"),
            &[("problem", "Cracked hinge")],
        )
        .await;
    let page = location(&res);
    let res = app
        .post_form(&format!("{page}/deny"), &[("deny_reason", "")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Say why the claim is denied.")
    );
    assert_eq!(
        app.post_form(
            &format!("{page}/deny"),
            &[("deny_reason", "Physical damage is not covered")]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM warranties WHERE id = {w} AND status = 'active'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.post_form(&format!("{page}/approve"), &[])
            .await
            .status()
            .as_u16(),
        409,
        "a denied claim stays denied"
    );
    // The warranty ends: a claim is refused, and housekeeping marks it expired.
    app.with_db(move |c| diesel::sql_query(format!("UPDATE warranties SET starts_on = current_date - 200, ends_on = current_date - 1 WHERE id = {w}")).execute(c).unwrap()).await;
    let res = app
        .post_form(&format!("/warranties/{w}/claim"), &[("problem", "Battery")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("This warranty ended on"));
    assert_eq!(app.count("SELECT count(*) FROM warranty_claims").await, 1);
    assert!(
        app.get_html(&format!("/warranties/{w}"))
            .await
            .contains("id=\"warranty-status\">Expired")
    );
    // Housekeeping marks it expired, with its event.
    let url = app.db.app_url.clone();
    let expired = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        workbay::repo::claims::expire_ended(&mut c, chrono::Utc::now()).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(expired, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM warranty_events WHERE warranty_id = {w} AND to_status = 'expired'"
        ))
        .await,
        1
    );
}
