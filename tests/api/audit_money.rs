//! The audit log covers money and stock: issuing, payments, credit notes and refunds, voids,
//! stock adjustments and price edits appear in `/admin/audit`, filtered by record, user and
//! day; a manager sees the entries of the branch they work in, not another branch's.

use workbay::domain::role::Role;

use crate::common::fixtures::{issued_sale, stock_in, stock_item};
use crate::common::http::sid;
use crate::common::spawn_app;

/// The rows of the audit page's table.
fn rows(page: &str) -> Vec<&str> {
    match page.split_once("<tbody>") {
        Some((_, body)) => body
            .split("</tbody>")
            .next()
            .unwrap()
            .split("<tr>")
            .skip(1)
            .collect(),
        None => Vec::new(),
    }
}

#[tokio::test]
async fn money_and_stock_are_in_the_audit_log_and_a_manager_sees_their_branches() {
    let app = spawn_app().await;
    let here = app.branch_id;
    let there = app.create_branch("Mombasa Road", "MR").await;
    let (paid, voided, elsewhere, item) = app
        .with_db(move |c| {
            let item = stock_item(c, "BP-1", "Brake pads", "800", "1200", 2);
            stock_in(c, here, item, 5);
            (
                issued_sale(c, here, None, &["1000", "500"]),
                issued_sale(c, here, None, &["300"]),
                issued_sale(c, there, None, &["777"]),
                item,
            )
        })
        .await;
    let manager = app.login_as(Role::Manager).await;
    let cash = [
        ("method", "cash"),
        ("amount", "1500"),
        ("reference", ""),
        ("submission_id", &sid()),
    ];
    app.submit(&format!("/invoices/{paid}/payments"), &cash)
        .await;
    let line = app
        .text(&format!(
            "SELECT min(id) FROM invoice_lines WHERE invoice_id = {paid}"
        ))
        .await;
    let refund = [
        (format!("qty_{line}"), "1".to_string()),
        ("reason".into(), "came back".into()),
        ("method".into(), "cash".into()),
        ("submission_id".into(), sid()),
    ];
    let refund: Vec<(&str, &str)> = refund
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.submit(&format!("/invoices/{paid}/refund"), &refund)
        .await;
    app.submit(
        &format!("/invoices/{voided}/void"),
        &[("reason", "typed twice"), ("submission_id", &sid())],
    )
    .await;
    app.submit(
        &format!("/stock/items/{item}/adjust"),
        &[("quantity", "-1"), ("reason", "damaged")],
    )
    .await;
    crate::records::edit(
        &app,
        &format!("/records/stock_item/{item}"),
        &[("unit_price", "1350")],
    )
    .await
    .is(303);

    let page = app.get_html("/admin/audit").await;
    let all = rows(&page);
    let find = |action: &str, record: &str| {
        all.iter()
            .find(|r| r.contains(&format!("<code>{action}</code>")) && r.contains(record))
            .unwrap_or_else(|| panic!("{action} of {record} in {page}"))
            .to_string()
    };
    let payment = find("payment.take", &format!("invoice #{paid}"));
    assert!(
        payment.contains(&manager.username),
        "who took it: {payment}"
    );
    assert!(
        payment.contains("&#34;amount&#34;:&#34;1500.00&#34;"),
        "{payment}"
    );
    find("invoice.issue", &format!("invoice #{paid}"));
    find("invoice.credit", &format!("invoice #{paid}"));
    assert!(
        find("refund.pay", &format!("invoice #{paid}")).contains("&#34;method&#34;:&#34;cash&#34;")
    );
    assert!(find("invoice.void", &format!("invoice #{voided}")).contains("typed twice"));
    assert!(find("stock.adjust", &format!("stock item #{item}")).contains("damaged"));
    let price = find("stock_item.edit", &format!("stock item #{item}"));
    assert!(
        price.contains("&#34;unit_price&#34;:&#34;1200.00&#34;")
            && price.contains("&#34;unit_price&#34;:&#34;1350.00&#34;"),
        "the price before and after: {price}"
    );
    assert!(
        !all.iter()
            .any(|r| r.contains(&format!("invoice #{elsewhere}<"))),
        "another branch's invoice is not a manager's business: {page}"
    );

    // one record's entries, one person's, one day's
    let page = app
        .get_html(&format!("/admin/audit?entity=invoice&entity_id={paid}"))
        .await;
    let one: Vec<&str> = rows(&page);
    assert_eq!(one.len(), 4, "issue, payment, credit, refund: {page}");
    assert!(one.iter().all(|r| r.contains(&format!("invoice #{paid}"))));
    let page = app
        .get_html(&format!("/admin/audit?user={}", manager.id))
        .await;
    assert!(
        rows(&page).iter().all(|r| r.contains(&manager.username)),
        "{page}"
    );
    assert!(
        !rows(&page)
            .iter()
            .any(|r| r.contains("<code>invoice.issue</code>")),
        "the fixture issued those"
    );
    let page = app
        .get_html("/admin/audit?from=2020-01-01&to=2020-01-31")
        .await;
    assert!(page.contains("Nothing recorded matches."), "{page}");
    let bad = app.fetch("/admin/audit?from=31/01/2020").await;
    bad.is(422);
    assert!(
        bad.body.contains("Enter the date as YYYY-MM-DD.")
            && bad.body.contains("value=\"31/01/2020\""),
        "kept as typed"
    );

    // an admin sees every branch
    app.login_as(Role::Admin).await;
    let page = app.get_html("/admin/audit?entity=invoice").await;
    assert!(
        rows(&page)
            .iter()
            .any(|r| r.contains(&format!("invoice #{elsewhere}<"))),
        "{page}"
    );
}
