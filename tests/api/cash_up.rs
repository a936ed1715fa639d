//! Cash-up that closes the till (issue 32, build 7): the opening float, what each method holds
//! as counted against what the day's takings say, over or short per method, signed off by who
//! counted; a day closes once, even when two tills close it at the same moment.

use workbay::domain::invoice::PaymentMethod;
use workbay::domain::role::Role;
use workbay::repo::{By, invoices};

use crate::common::fixtures::issued_sale;
use crate::common::{TestApp, spawn_app};

/// Today's takings: 1,000.00 cash and 500.00 card on one sale.
async fn a_day_of_takings(app: &TestApp) -> String {
    let b = app.branch_id;
    app.with_db(move |c| {
        let sale = issued_sale(c, b, None, &["1500.00"]);
        let by = By::default();
        invoices::pay(
            c,
            b,
            sale,
            PaymentMethod::Cash,
            &"1000".parse().unwrap(),
            "",
            &by,
        )
        .unwrap();
        invoices::pay(
            c,
            b,
            sale,
            PaymentMethod::Card,
            &"500".parse().unwrap(),
            "T1",
            &by,
        )
        .unwrap();
    })
    .await;
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn closing_the_till_sets_counted_against_expected_per_method_signed_off_by_who_counted() {
    let app = spawn_app().await;
    let day = a_day_of_takings(&app).await;
    app.login_as(Role::Receptionist).await;
    let sheet = app.get_html("/invoices/cash-up").await;
    assert!(sheet.contains("id=\"f-counted_cash\"") && sheet.contains("id=\"f-counted_card\""));

    // Float 2,000: the drawer should hold 3,000.00; it holds 2,950.00.
    let count = [
        ("date", day.as_str()),
        ("opening_float", "2,000.00"),
        ("counted_cash", "2950"),
        ("counted_card", "500.00"),
        ("notes", "A 50 note missing"),
    ];
    let back = app.submit("/invoices/cash-up/close", &count).await;
    assert_eq!(back, format!("/invoices/cash-up?date={day}"));
    let sheet = app.get_html(&back).await;
    let closed = &sheet[sheet.find("id=\"closed\"").unwrap()..];
    assert!(
        closed.contains("Counted and closed by <strong>Test Receptionist</strong>"),
        "{closed}"
    );
    let cash = &closed[closed.find("id=\"line-cash\"").unwrap()..];
    assert!(
        cash.contains("3,000.00") && cash.contains("2,950.00") && cash.contains("Short KES 50.00"),
        "{cash}"
    );
    let card = &closed[closed.find("id=\"line-card\"").unwrap()..];
    assert!(card.contains("Exact"), "{card}");
    assert!(closed.contains("A 50 note missing"));
    assert!(
        !sheet.contains("id=\"close-till\""),
        "closed: no form any more"
    );
    let audited = "SELECT count(*) FROM audit_log WHERE action = 'cash_up.close'";
    assert_eq!(app.count(audited).await, 1);
}

#[tokio::test]
async fn every_method_that_took_money_must_be_counted_and_the_typed_count_stays() {
    let app = spawn_app().await;
    let day = a_day_of_takings(&app).await;
    app.login_as(Role::Receptionist).await;
    let count = [
        ("date", day.as_str()),
        ("opening_float", "2000"),
        ("counted_cash", "3000"),
    ];
    let refused = app.send("/invoices/cash-up/close", &count).await;
    refused.is(422).says("Count the card too.");
    assert!(refused.body.contains("value=\"3000\""), "{}", refused.body);
    let bad = [
        ("date", day.as_str()),
        ("opening_float", "lots"),
        ("counted_cash", "3000"),
        ("counted_card", "500"),
    ];
    app.send("/invoices/cash-up/close", &bad)
        .await
        .is(422)
        .says("Enter an amount");
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let early = [
        ("date", tomorrow.as_str()),
        ("opening_float", "0"),
        ("counted_cash", "0"),
    ];
    app.send("/invoices/cash-up/close", &early)
        .await
        .is(409)
        .says("only once it has begun");
    assert_eq!(app.count("SELECT count(*) FROM cash_ups").await, 0);
}

#[tokio::test]
async fn two_tills_closing_the_same_day_at_once_close_it_once() {
    let app = spawn_app().await;
    let day = a_day_of_takings(&app).await;
    app.login_as(Role::Receptionist).await;
    let count = |cash: &str| {
        vec![
            ("date", day.clone()),
            ("opening_float", "2000".to_string()),
            ("counted_cash", cash.to_string()),
            ("counted_card", "500".to_string()),
        ]
    };
    let posts = (0..6)
        .map(|i| {
            (
                "/invoices/cash-up/close".to_string(),
                count(&format!("300{i}")),
            )
        })
        .collect();
    let mut statuses = app.post_all(posts).await;
    statuses.sort();
    assert_eq!(statuses, vec![303, 409, 409, 409, 409, 409]);
    assert_eq!(app.count("SELECT count(*) FROM cash_ups").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM cash_up_lines").await, 2);
    let again = app
        .send(
            "/invoices/cash-up/close",
            &[
                ("date", day.as_str()),
                ("opening_float", "0"),
                ("counted_cash", "1"),
                ("counted_card", "1"),
            ],
        )
        .await;
    again.is(409).says("was counted and closed already, by");
}
