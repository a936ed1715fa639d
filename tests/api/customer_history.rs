//! The customer page is their history (issue 32, build 6): bookings, tickets, invoices,
//! payments, warranties and preorders across the branches the reader may see, newest first, a
//! page at a time.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::{issued_sale, product_model, ticket_at};
use crate::common::spawn_app;

/// The part of the page inside the history card.
fn history(page: &str) -> &str {
    let start = page.find("id=\"history\"").expect("a history card");
    &page[start..start + page[start..].find("</section>").unwrap()]
}

#[tokio::test]
async fn the_history_shows_every_kind_newest_first_and_only_the_branches_the_reader_sees() {
    let app = spawn_app().await;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    let here = app.branch_id;
    let there = app.create_branch("Mombasa Road", "MR-").await;
    app.with_db(move |c| {
        let t = ticket_at(c, here, customer, TicketStatus::Diagnosing);
        let sale = issued_sale(c, here, Some(customer), &["900.00"]);
        let by = workbay::repo::By::default();
        let cash = workbay::domain::invoice::PaymentMethod::MobileMoney;
        workbay::repo::invoices::pay(c, here, sale, cash, &"400".parse().unwrap(), "QX1", &by).unwrap();
        let model = product_model(c, "Laptop", "Lenovo", "T14", 90);
        diesel::connection::SimpleConnection::batch_execute(
            c,
            &format!(
                "UPDATE tickets SET created_at = now() - interval '2 days' WHERE id = {t}; \
                 INSERT INTO preorders (branch_id, customer_id, product_model_id, agreed_price, deposit_required) \
                 VALUES ({there}, {customer}, {model}, 120000, 0)"
            ),
        )
        .unwrap();
    })
    .await;
    app.login_as(Role::Receptionist).await;
    let page = app.get_html(&format!("/customers/{customer}")).await;
    let mine = history(&page);
    for shown in [
        "Ticket #1",
        "Invoice ",
        "Payment on ",
        "Mobile money",
        "400.00",
        "No power",
    ] {
        assert!(mine.contains(shown), "{shown}: {mine}");
    }
    assert!(
        !mine.contains("Preorder #"),
        "another branch's preorder: {mine}"
    );
    let (payment, ticket) = (
        mine.find("Payment on").unwrap(),
        mine.find("Ticket #1").unwrap(),
    );
    assert!(payment < ticket, "newest first: {mine}");

    // A manager sees every branch, each row naming its branch.
    let manager = app.client_with_role("maria", Role::Manager).await;
    let page = app
        .get_html_with(&manager, &format!("/customers/{customer}"))
        .await;
    let all = history(&page);
    assert!(
        all.contains("Preorder #") && all.contains("Mombasa Road"),
        "{all}"
    );
}

#[tokio::test]
async fn the_history_comes_a_page_at_a_time_and_by_kind() {
    let app = spawn_app().await;
    let customer = app
        .create_customer("Kamau Motors", "0711 222 333", "")
        .await;
    let b = app.branch_id;
    app.with_db(move |c| {
        for _ in 0..17 {
            ticket_at(c, b, customer, TicketStatus::Open);
        }
        issued_sale(c, b, Some(customer), &["100.00"]);
    })
    .await;
    app.login_as(Role::Receptionist).await;
    let first = app.get_html(&format!("/customers/{customer}")).await;
    let first = history(&first);
    assert_eq!(first.matches("<tr class=\"history-").count(), 15, "{first}");
    assert!(first.contains("Page 1 of 2 · 18 in all"), "{first}");
    let second = app.get_html(&format!("/customers/{customer}?page=2")).await;
    assert_eq!(history(&second).matches("<tr class=\"history-").count(), 3);
    let past = app.get_html(&format!("/customers/{customer}?page=9")).await;
    assert!(
        history(&past).contains("Page 2 of 2"),
        "past the end: the last page"
    );
    assert_eq!(history(&past).matches("<tr class=\"history-").count(), 3);

    let tickets = app
        .get_html(&format!("/customers/{customer}?kind=ticket"))
        .await;
    let tickets = history(&tickets);
    assert_eq!(tickets.matches("<tr class=\"history-ticket\"").count(), 15);
    assert!(
        !tickets.contains("history-invoice") && tickets.contains("17 in all"),
        "{tickets}"
    );
    let invoices = app
        .get_html(&format!("/customers/{customer}?kind=invoice"))
        .await;
    assert_eq!(
        history(&invoices)
            .matches("<tr class=\"history-invoice\"")
            .count(),
        1
    );
}
