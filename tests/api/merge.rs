//! Merging duplicate customers: the finder lists the pair, the merge takes the chosen fields and
//! moves every kind of record to the survivor in one transaction, the duplicate's links land on
//! the survivor, the audit row names what moved; two merges of the same pair at once: one wins.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;
use workbay::repo::By;
use workbay::repo::customers::CUSTOMER_RECORDS;
use workbay::repo::preorders::{self, NewPreorder};

use crate::bookings::{book, shop};
use crate::common::fixtures::{issued_sale, product_model, ticket_at};
use crate::common::http::TestApp;
use crate::common::spawn_app;

/// The duplicate (the booking shop's customer, with a vehicle and a booking) given one record
/// of every other kind; and the customer who stays, with the same phone number typed another
/// way and an email the duplicate lacks.
async fn pair(app: &TestApp) -> (i64, i64) {
    let s = shop(app).await;
    app.login_as(Role::Manager).await;
    book(app, &s, "09:00", "10:00").await;
    let (branch, dup) = (app.branch_id, s.customer);
    app.with_db(move |c| {
        let by = By::default();
        ticket_at(c, branch, dup, TicketStatus::InRepair);
        let invoice = issued_sale(c, branch, Some(dup), &["100.00"]);
        workbay::repo::customers::add_device(c, dup, ["Phone", "Nokia", "3310", "N1"], &by).unwrap();
        let model = product_model(c, "Phone", "Apple", "iPhone 13", 90);
        let p = NewPreorder {
            customer_id: dup,
            product_model_id: model,
            specs: String::new(),
            agreed_price: "50000.00".parse().unwrap(),
            deposit_required: "500.00".parse().unwrap(),
            deposit: None,
        };
        preorders::create(c, branch, &p, &by).unwrap();
        use diesel::connection::SimpleConnection;
        c.batch_execute(&format!(
            "INSERT INTO customer_contacts (customer_id, name) VALUES ({dup}, 'Assistant'); \
             INSERT INTO message_outbox (branch_id, template, customer_id, recipient, due_at) \
               VALUES ({branch}, 'thanks', {dup}, '+254712345678', now()); \
             INSERT INTO warranties (invoice_line_id, invoice_id, branch_id, customer_id, tier, starts_on, ends_on) \
               SELECT id, invoice_id, {branch}, {dup}, 'standard', current_date, current_date + 90 \
               FROM invoice_lines WHERE invoice_id = {invoice} LIMIT 1"
        ))
        .unwrap();
    })
    .await;
    let keep = app
        .create_customer("W. Kamau", "+254-712-345-678", "wanjiru@work.example")
        .await;
    // the finder's pairs are worked out with the dashboards' views
    app.exec("REFRESH MATERIALIZED VIEW customer_duplicate_pairs")
        .await;
    (keep, dup)
}

async fn counts(app: &TestApp, customer: i64) -> Vec<i64> {
    let mut out = Vec::new();
    for t in CUSTOMER_RECORDS {
        out.push(
            app.count(&format!(
                "SELECT count(*) FROM {t} WHERE customer_id = {customer}"
            ))
            .await,
        );
    }
    out
}

fn merge_fields(keep: i64, drop: i64, take: &[&str]) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("keep", keep.to_string()),
        ("drop", drop.to_string()),
        ("keep_version", "1".to_string()),
        ("drop_version", "1".to_string()),
    ];
    for t in take {
        f.push((
            Box::leak(format!("take_{t}").into_boxed_str()),
            "drop".to_string(),
        ));
    }
    f
}

#[tokio::test]
async fn a_merge_takes_the_chosen_fields_and_moves_every_kind_of_record_to_the_survivor() {
    let app = spawn_app().await;
    let (keep, dup) = pair(&app).await;
    assert_eq!(
        counts(&app, dup).await,
        vec![1; 9],
        "the duplicate has one of each"
    );
    // The finder lists the pair: the same number, typed two ways.
    let found = app.get_html("/customers/duplicates").await;
    assert!(
        found.contains(&format!("/customers/merge?keep={dup}&amp;drop={keep}"))
            || found.contains(&format!("/customers/merge?keep={keep}&amp;drop={dup}")),
        "{found}"
    );
    assert!(found.contains("the same phone number"));
    let page = app
        .get_html(&format!("/customers/merge?keep={keep}&drop={dup}"))
        .await;
    assert!(page.contains("Wanjiru Kamau") && page.contains("W. Kamau"));
    assert!(page.contains("Vehicles</th><td>0</td><td>1 → moved"));

    let fields = merge_fields(keep, dup, &["name"]);
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = app.send("/customers/merge", &f).await;
    done.is(303);
    assert_eq!(done.location, format!("/customers/{keep}"));
    assert_eq!(counts(&app, keep).await, vec![1; 9], "everything moved");
    assert_eq!(counts(&app, dup).await, vec![0; 9]);
    assert_eq!(
        app.text(&format!(
            "SELECT name || ' ' || email FROM customers WHERE id = {keep}"
        ))
        .await,
        "Wanjiru Kamau wanjiru@work.example",
        "the name taken from the duplicate, the email kept"
    );
    assert_eq!(
        app.text(&format!("SELECT merged_into::text || ' ' || (archived_at IS NOT NULL) FROM customers WHERE id = {dup}")).await,
        format!("{keep} true")
    );
    // The duplicate's old links land on the survivor; it no longer shows in searches or pairs.
    let old = app.get(&format!("/customers/{dup}")).await;
    assert_eq!(
        crate::common::http::location(&old),
        format!("/customers/{keep}")
    );
    let survivor = app.get_html(&format!("/customers/{keep}")).await;
    assert!(survivor.contains(&format!("Customer #{dup} was merged into this customer.")));
    assert!(
        survivor.contains("moved: vehicles 1, devices 1, contacts 1, bookings 1, tickets 1, invoices 1, warranties 1, preorders 1, messages 1."),
        "{survivor}"
    );
    assert!(
        !app.get_html("/customers/duplicates")
            .await
            .contains(&format!("#{dup}<"))
    );
    let audit = app
        .text(&format!("SELECT after::text FROM audit_log WHERE action = 'customer.merge' AND entity_id = '{keep}'"))
        .await;
    assert!(
        audit.contains(&format!("\"merged\": {dup}")) && audit.contains("\"vehicles\": 1"),
        "{audit}"
    );
    assert!(!audit.contains("Wanjiru"), "no personal data in the log");
    // A second merge of the same duplicate is refused.
    let again = app.send("/customers/merge", &f).await;
    again
        .is(409)
        .says(&format!("Customer #{dup} was merged into #{keep} already."));
}

#[tokio::test]
async fn two_merges_of_the_same_pair_at_once_one_wins() {
    let app = spawn_app().await;
    let (keep, dup) = pair(&app).await;
    let posts = vec![
        ("/customers/merge".to_string(), merge_fields(keep, dup, &[])),
        ("/customers/merge".to_string(), merge_fields(dup, keep, &[])),
        (
            "/customers/merge".to_string(),
            merge_fields(keep, dup, &["email"]),
        ),
    ];
    let codes = app.post_all(posts).await;
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 2, "{codes:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE merged_into IS NOT NULL")
            .await,
        1
    );
    let records: i64 = app
        .count(&format!(
            "SELECT count(*) FROM tickets WHERE customer_id IN ({keep}, {dup})"
        ))
        .await;
    assert_eq!(records, 1, "nothing duplicated or lost");
    // A stale page (someone changed a customer meanwhile) and a customer with themselves.
    let other = app.create_customer("Third", "0799 000 111", "").await;
    app.exec(&format!(
        "UPDATE customers SET version = version + 1 WHERE id = {other}"
    ))
    .await;
    let survivor = app.count("SELECT id FROM customers WHERE merged_into IS NULL AND id IN (SELECT merged_into FROM customers)").await;
    let fields = merge_fields(survivor, other, &[]);
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.send("/customers/merge", &f)
        .await
        .is(409)
        .says("Someone changed one of these customers");
    let fields = merge_fields(other, other, &[]);
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.send("/customers/merge", &f)
        .await
        .is(422)
        .says("Choose two different customers.");
    // Only managers and admins merge.
    let desk = app.create_user("rita", "Rita", Role::Receptionist).await;
    let rita = app.client_as(&desk).await;
    assert_eq!(
        app.get_with(&rita, "/customers/duplicates")
            .await
            .status()
            .as_u16(),
        403
    );
}
