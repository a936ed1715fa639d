//! Dashboards a manager can read (issue 33, build 5): quarter and year buckets, each headline
//! figure against the period before, one value shown as its figure, and the lead-source report,
//! on a dataset worked out by hand.

use workbay::domain::role::Role;

use crate::common::fixtures::issued_sale;
use crate::common::http::between;
use crate::common::{TestApp, spawn_app};

/// At a UTC branch without tax: Amina (Instagram) 100.00 on 15 January and 200.00 on 10 April;
/// Baraka (Referral) 300.00 on 20 May, his first; Chebet (no source) 50.00 on 30 June, her
/// first; a walk-in 70.00 on 1 May.
async fn dataset(app: &TestApp) {
    let b = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET tax_rate = 0, timezone = 'UTC', currency = 'KES' WHERE id = {b}"
    ))
    .await;
    let amina = app.create_customer("Amina Wafula", "", "").await;
    let baraka = app.create_customer("Baraka Mutua", "", "").await;
    let chebet = app.create_customer("Chebet Koech", "", "").await;
    app.exec(&format!(
        "UPDATE customers SET lead_source_id = (SELECT id FROM lead_sources WHERE name = 'Instagram') WHERE id = {amina}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE customers SET lead_source_id = (SELECT id FROM lead_sources WHERE name = 'Referral') WHERE id = {baraka}"
    ))
    .await;
    let sales = [
        (Some(amina), "100.00", "2026-01-15"),
        (Some(amina), "200.00", "2026-04-10"),
        (Some(baraka), "300.00", "2026-05-20"),
        (Some(chebet), "50.00", "2026-06-30"),
        (None, "70.00", "2026-05-01"),
    ];
    for (who, amount, day) in sales {
        let id = app
            .with_db(move |c| issued_sale(c, b, who, &[amount]))
            .await;
        app.exec(&format!(
            "UPDATE invoices SET issued_at = '{day} 12:00:00+00' WHERE id = {id}"
        ))
        .await;
    }
    app.login_as(Role::Manager).await;
    crate::dashboards::refresh(app).await;
}

#[tokio::test]
async fn sales_come_by_quarter_or_year_with_each_headline_against_the_period_before() {
    let app = spawn_app().await;
    dataset(&app).await;
    let q2 = "from=2026-04-01&to=2026-06-30";
    // By month: April 200, May 300 + 70, June 50.
    let csv = app
        .get_html(&format!("/dashboards/sales.csv?{q2}&bucket=month"))
        .await;
    assert_eq!(
        csv,
        "period,revenue,transactions\r\n2026-04-01,200.00,1\r\n2026-05-01,370.00,2\r\n2026-06-01,50.00,1\r\n"
    );
    // By quarter: one period, so the chart gives way to the figure.
    let page = app
        .get_html(&format!("/dashboards/sales?{q2}&bucket=quarter"))
        .await;
    assert!(
        page.contains(
            "<div class=\"single-figure\" role=\"img\" aria-label=\"Revenue per period\"><span>2026 Q2</span><strong>KES 620</strong></div>"
        ),
        "{page}"
    );
    // The 91 days before (31 December to 31 March) had Amina's 100.00 in one sale.
    for (id, expected) in [
        (
            "revenue-change",
            "change up\" id=\"revenue-change\">▲ 520.0% on the previous 91 days",
        ),
        (
            "transactions-change",
            "change up\" id=\"transactions-change\">▲ 300.0% on the previous 91 days",
        ),
        (
            "average-change",
            "change up\" id=\"average-change\">▲ 55.0% on the previous 91 days",
        ),
    ] {
        assert!(page.contains(expected), "{id}: {page}");
    }
    let year = app
        .get_html("/dashboards/sales.csv?from=2026-01-01&to=2026-06-30&bucket=year")
        .await;
    assert_eq!(year, "period,revenue,transactions\r\n2026,720.00,5\r\n");
    let quarters = app
        .get_html("/dashboards/sales.csv?from=2026-01-01&to=2026-06-30&bucket=quarter")
        .await;
    assert_eq!(
        quarters,
        "period,revenue,transactions\r\n2026 Q1,100.00,1\r\n2026 Q2,620.00,4\r\n"
    );
    let refused = app
        .fetch(&format!("/dashboards/sales?{q2}&bucket=decade"))
        .await;
    refused
        .is(422)
        .says("Choose day, week, month, quarter or year.");
}

#[tokio::test]
async fn the_lead_source_report_counts_revenue_customers_and_first_visits_by_source() {
    let app = spawn_app().await;
    dataset(&app).await;
    // April to June: Referral 300.00 from Baraka, a first visit; Instagram 200.00 from Amina,
    // who first came in January; Chebet without a source, 50.00, a first visit. The walk-in
    // has no customer record and is not counted.
    let q2 = "from=2026-04-01&to=2026-06-30";
    let csv = app
        .get_html(&format!("/dashboards/lead-sources.csv?{q2}"))
        .await;
    assert_eq!(
        csv,
        "lead_source,revenue,customers,first_visits\r\n\
         Referral,300.00,1,1\r\n\
         Instagram,200.00,1,0\r\n\
         Not recorded,50.00,1,1\r\n"
    );
    let page = app
        .get_html(&format!("/dashboards/lead-sources?{q2}"))
        .await;
    assert_eq!(between(&page, "id=\"revenue\">", "<"), "KES 550.00");
    assert_eq!(between(&page, "id=\"customers\">", "<"), "3");
    assert_eq!(between(&page, "id=\"first-visits\">", "<"), "2");
    assert!(
        page.contains(">Referral</text>") && page.contains(">KES 300</text>"),
        "named bars with their values: {page}"
    );
    // The table: revenue, customers, first visits and revenue per customer.
    let table = between(
        &page,
        "<table class=\"list\" id=\"lead-sources\">",
        "</table>",
    );
    assert!(table.contains("<td>Instagram</td><td class=\"num\">200.00</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">200.00</td>"), "{table}");
}
