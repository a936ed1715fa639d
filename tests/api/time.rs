//! "Today" is the branch's own date: at 01:00 in Nairobi (22:00 UTC the evening before) the
//! counter is on the new day for every date it shows or records.

use diesel::{Connection, PgConnection};
use workbay::domain::asset::Grade;
use workbay::domain::role::Role;
use workbay::domain::time::Clock;
use workbay::repo::By;
use workbay::repo::invoices::{self, NewInvoice, NewLine};

use crate::common::fixtures::{product_model, ready_unit};
use crate::common::http::location;
use crate::common::{TestApp, spawn_app_with};

/// 01:00 on 11 March 2026 in Nairobi (UTC+3), still 10 March in UTC.
const ONE_AM_IN_NAIROBI: &str = "2026-03-10T22:00:00Z";

async fn nairobi_at_one_am() -> TestApp {
    let now = ONE_AM_IN_NAIROBI.parse().unwrap();
    let app = spawn_app_with(|s| s.clock = Clock::Fixed(now)).await;
    app.exec(&format!(
        "UPDATE branches SET timezone = 'Africa/Nairobi' WHERE id = {}",
        app.branch_id
    ))
    .await;
    app
}

/// A draft holding one unit ready for sale, of a model warrantied for 90 days.
async fn draft_with_a_unit(app: &TestApp) -> i64 {
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let model = product_model(&mut c, "Phone", "Apple", "SE", 90);
        let (_, tag) = ready_unit(&mut c, branch, model, "NBO0001", Grade::A);
        let id = invoices::create_draft(&mut c, branch, &NewInvoice::default(), &by).unwrap();
        let line = NewLine::Asset {
            code: tag,
            price: None,
            tier: None,
        };
        invoices::add_line(&mut c, branch, id, &line).unwrap();
        id
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn at_one_in_the_morning_in_nairobi_the_counter_is_on_the_new_day() {
    let app = nairobi_at_one_am().await;
    let invoice = draft_with_a_unit(&app).await;
    let customer = app
        .create_customer("Wanjiru K.", "0722 000 111", "wanjiru@example.com")
        .await;
    app.login_as(Role::Manager).await;

    let form = app.get("/bookings/new").await.text().await.unwrap();
    assert!(
        form.contains("value=\"2026-03-11\""),
        "booking date: {form}"
    );

    let sales = app.get("/dashboards/sales").await.text().await.unwrap();
    assert!(
        sales.contains("value=\"2026-03-11\""),
        "dashboard range: {sales}"
    );

    let issued = app
        .post_form(
            &format!("/invoices/{invoice}/issue"),
            &[("submission_id", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(issued.status().as_u16(), 303);
    let warranty = app
        .text(&format!(
            "SELECT starts_on || ' ' || ends_on FROM warranties WHERE invoice_id = {invoice}"
        ))
        .await;
    assert_eq!(warranty, "2026-03-11 2026-06-09");

    let model = app
        .text("SELECT id::text FROM product_models WHERE model = 'SE'")
        .await;
    let res = app
        .post_form(
            "/preorders/new",
            &[
                ("customer_id", &customer.to_string()),
                ("product_model_id", &model),
                ("agreed_price", "40000.00"),
                ("deposit_required", "500.00"),
                ("amount", "500.00"),
                ("method", "cash"),
            ],
        )
        .await;
    let preorder = location(&res);
    let ordered = app
        .post_form(
            &format!("{preorder}/status"),
            &[("from", "deposit_pending"), ("to", "ordered")],
        )
        .await;
    assert_eq!(ordered.status().as_u16(), 303);
    let id = preorder.trim_start_matches("/preorders/");
    let dates = app
        .text(&format!(
            "SELECT ordered_on || ' ' || sla_due_on FROM preorders WHERE id = {id}"
        ))
        .await;
    assert_eq!(dates, "2026-03-11 2026-04-01");
    let page = app.get(&preorder).await.text().await.unwrap();
    assert!(page.contains("21 days left"), "{page}");
}
