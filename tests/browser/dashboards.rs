use workbay::domain::role::Role;

use crate::common::fixtures::issued_sale;
use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn a_manager_ranks_the_last_twelve_months_refreshes_them_and_goes_back_to_dates() {
    let app = spawn_app().await;
    let manager = app
        .create_user("wanjiku", "Wanjiku Mwangi", Role::Manager)
        .await;
    let branch = app.branch_id;
    let mut people = Vec::new();
    for name in [
        "Achieng Otieno",
        "Baraka Kiprop",
        "Chebet Lagat",
        "Daudi Said",
    ] {
        people.push(app.create_customer(name, "", "").await);
    }
    // Four buyers: 400, 300, 200, 100 → the top fifth is one (400 of 1000 = 40.0%).
    app.with_db(move |c| {
        for (i, customer) in people.iter().enumerate() {
            issued_sale(
                c,
                branch,
                Some(*customer),
                &[&format!("{}.00", (4 - i) * 100)],
            );
        }
    })
    .await;

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in(&manager.username, PASSWORD).await;
    browser.wait_for_path(|p| p == "/").await;
    c.goto(&format!("{}/dashboards/customers", app.address))
        .await
        .unwrap();
    // The default 30 days are ranked live: the sales are there already.
    assert_eq!(browser.text_of("#customers").await, "4");
    assert_eq!(browser.text_of("#share").await, "40.0%");
    browser.click("#year-link").await;
    let period = browser
        .text_until("#period", |t| t.starts_with("Last 12 months:"))
        .await;
    let today = chrono::Utc::now().date_naive();
    assert!(period.ends_with(&today.to_string()), "{period}");
    // The year's ranking is as of its last refresh, which came before the sales.
    assert_eq!(browser.text_of("#customers").await, "0");
    browser.click("#as-of button[type=submit]").await;
    browser.text_until("#customers", |t| t == "4").await;
    assert_eq!(browser.text_of("#share").await, "40.0%");
    assert_eq!(browser.text_of("#top tbody td a").await, "Achieng Otieno");
    assert!(
        browser
            .text_of("#as-of p")
            .await
            .starts_with("Ranked over the 365 days to"),
    );
    let url = c.current_url().await.unwrap();
    let query = url.query().unwrap_or_default();
    assert!(
        query.contains("period=12m"),
        "the refresh came back to the year: {url}"
    );
    // Show (the branch filter) keeps the period; "Choose dates instead" gives the dates back.
    browser.click("form.search button[type=submit]").await;
    browser
        .text_until("#period", |t| t.starts_with("Last 12 months:"))
        .await;
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or_default().contains("period=12m"),
        "{url}"
    );
    browser.click("#choose-dates").await;
    browser.text_until("label[for=from]", |t| t == "From").await;
    assert!(
        c.find(fantoccini::Locator::Css("#year-link")).await.is_ok(),
        "the year is one click away again"
    );
    browser.close().await;
}
