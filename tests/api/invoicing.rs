//! Invoicing through the real HTTP flow against a real database: drafting, issuing with gapless
//! numbers, split-tender payments with change, voids, refunds, one-time submissions, and the
//! invariants under parallel requests.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::asset::Grade;
use workbay::domain::invoice::WarrantyTier;
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::invoices::{self, NewInvoice, NewLine};

use crate::common::fixtures::{
    product_model, ready_unit, receive_unit, service, stock_in, stock_item,
};
use crate::common::http::location;
use crate::common::http::sid;
use crate::common::{Reply, TestApp, spawn_app};

/// What the tests sell.
#[derive(Clone, Copy)]
struct Shop {
    model: i64,
    item: i64,
    service: i64,
}

/// A laptop model priced by grade, a charger with `on_hand` pieces, a service; the branch's tax
/// set to `rate` percent, `rounding` per line or per invoice.
async fn shop(app: &TestApp, on_hand: i32, rate: &str, rounding: &str) -> Shop {
    let branch = app.branch_id;
    let (rate, rounding) = (rate.to_string(), rounding.to_string());
    app.exec(&format!(
        "UPDATE branches SET tax_rate = {rate}, tax_rounding = '{rounding}', invoice_prefix = 'NRB-' WHERE id = {branch}"
    ))
    .await;
    let shop = app
        .with_db(move |c| {
            let model = product_model(c, "Laptop", "Lenovo", "ThinkPad T480", 90);
            let item = stock_item(c, "CHG-65W", "65W USB-C charger", "4.00", "15.00", 0);
            if on_hand > 0 {
                stock_in(c, branch, item, on_hand);
            }
            let service = service(c, "Laptop deep clean", "Care", "1.00", "25.00");
            Shop {
                model,
                item,
                service,
            }
        })
        .await;
    shop.with_prices(app).await
}

impl Shop {
    async fn with_prices(self, app: &TestApp) -> Shop {
        let model = self.model;
        app.with_db(move |c| {
            diesel::sql_query(format!(
                "UPDATE product_models SET price_grade_a = 450.00, price_grade_b = 400.00, price_grade_c = 320.00 WHERE id = {model}"
            ))
            .execute(c)
            .unwrap();
        })
        .await;
        self
    }
}

async fn ready(app: &TestApp, model: i64, serial: &str) -> (i64, String) {
    let (url, branch, serial) = (app.db.app_url.clone(), app.branch_id, serial.to_string());
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        ready_unit(&mut c, branch, model, &serial, Grade::B)
    })
    .await
    .unwrap()
}

/// A draft (walk-in) with the given lines, made through the repository.
pub(crate) async fn draft(app: &TestApp, lines: Vec<NewLine>) -> i64 {
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let id =
            invoices::create_draft(&mut c, branch, &NewInvoice::default(), &By::default()).unwrap();
        for line in &lines {
            invoices::add_line(&mut c, branch, id, line).unwrap();
        }
        id
    })
    .await
    .unwrap()
}

fn fee(amount: &str) -> NewLine {
    NewLine::Fee {
        description: "Data transfer".into(),
        amount: amount.parse().unwrap(),
    }
}

/// Sends the refund form of the invoice at `page` (`/invoices/{id}`): `(line id, how many)`
/// for each line named, the reason, paid back in cash, with a fresh submission id.
async fn post_refund(
    app: &TestApp,
    page: &str,
    lines: &[(&str, &str)],
    reason: &str,
) -> reqwest::Response {
    let qtys: Vec<(String, &str)> = lines
        .iter()
        .map(|(line, qty)| (format!("qty_{line}"), *qty))
        .collect();
    let submission = sid();
    let mut fields: Vec<(&str, &str)> = qtys.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    fields.extend([
        ("reason", reason),
        ("method", "cash"),
        ("submission_id", submission.as_str()),
    ]);
    app.post_form(&format!("{page}/refund"), &fields).await
}

/// Posts a line of `kind` (`asset`, `stock`, `service`, `fee`, `discount`) to the draft at `page`.
async fn line(app: &TestApp, page: &str, kind: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(&format!("{page}/lines/{kind}"), fields).await
}

/// Pays `amount` by `method` on the invoice at `page`, with a fresh submission id.
async fn pay(app: &TestApp, page: &str, method: &str, amount: &str, reference: &str) -> Reply {
    let sid = sid();
    let fields = [
        ("method", method),
        ("amount", amount),
        ("reference", reference),
        ("submission_id", &sid),
    ];
    app.send(&format!("{page}/payments"), &fields).await
}

#[tokio::test]
async fn a_laptop_and_a_charger_are_sold_issued_and_paid_by_split_tender_with_change() {
    let app = spawn_app().await;
    let s = shop(&app, 5, "16", "per_line").await;
    let (unit, tag) = ready(&app, s.model, "PF1LAPTOP1").await;
    let (branch, model) = (app.branch_id, s.model);
    let not_ready = app
        .with_db(move |c| receive_unit(c, branch, model, "PF1RAW0002", "1", "1").asset_tag)
        .await;
    app.login_as(Role::Receptionist).await;

    let fields = [("walk_in_name", "Grace W."), ("lead_source", "Instagram")];
    let page = app.submit("/invoices/new", &fields).await;
    let id: i64 = page.trim_start_matches("/invoices/").parse().unwrap();

    a_unit_a_charger_and_a_discount_go_on_the_draft(&app, &page, &tag, &not_ready, s.item).await;
    issuing_sells_the_unit_and_freezes_the_lines(&app, &page, id, unit, s.item).await;
    split_tender_pays_it_with_change(&app, &page, id).await;

    // The receipt has the branch, the number, tax, payments, change and the warranty terms.
    let receipt = app.get_html(&format!("{page}/receipt")).await;
    for expected in [
        "Receipt NRB-000001",
        "Tax 16.00%",
        "Mobile money (QK7H2M1X)",
        "id=\"print-change\">KES 36.00",
        "Warranty terms",
        "Laptop:",
        "Grace W.",
    ] {
        assert!(receipt.contains(expected), "{expected}: {receipt}");
    }
    let print = app.get_html(&format!("{page}/print")).await;
    assert!(print.contains("Invoice NRB-000001"));
    // Draft → issued → partially paid → paid: an event for each, naming the number issued and
    // the payment that moved the status.
    assert_eq!(
        app.text(&format!(
            "SELECT string_agg(COALESCE(from_status, '-') || '>' || to_status || ' ' || note, ', ' ORDER BY id) \
             FROM invoice_events WHERE invoice_id = {id}"
        ))
        .await,
        "->draft , draft>issued NRB-000001, issued>partially_paid Mobile money 300.00, partially_paid>paid Cash 164.00"
    );
    // The cash-up sheet has both methods.
    let cash_up = app.get_html("/invoices/cash-up").await;
    assert!(
        cash_up.contains("Mobile money")
            && cash_up.contains("164.00")
            && cash_up.contains("464.00"),
        "{cash_up}"
    );
}

/// Scanning: by serial in any case; twice is refused; a unit not ready for sale is refused and the
/// scan field comes back empty. Bad stock lines keep what was typed; a discount above the lines is
/// refused, a fair one is taken.
async fn a_unit_a_charger_and_a_discount_go_on_the_draft(
    app: &TestApp,
    page: &str,
    tag: &str,
    not_ready: &str,
    item: i64,
) {
    line(
        app,
        page,
        "asset",
        &[("code", "pf1laptop1"), ("tier", "premium")],
    )
    .await
    .is(303);
    line(app, page, "asset", &[("code", tag)])
        .await
        .is(422)
        .says("is on this invoice already");
    line(app, page, "asset", &[("code", not_ready)])
        .await
        .is(422)
        .says("is received; only units ready for sale or reserved can be sold")
        .says("id=\"f-code\" name=\"code\" type=\"text\" value=\"\"");

    let item = item.to_string();
    line(
        app,
        page,
        "stock",
        &[("stock_item_id", &item), ("quantity", "6")],
    )
    .await
    .is(422)
    .says("Only 5 of CHG-65W in stock here.")
    .says("value=\"6\"");
    let negative = [
        ("stock_item_id", item.as_str()),
        ("quantity", "1"),
        ("stock_price", "-2"),
    ];
    line(app, page, "stock", &negative).await.is(422);
    let one = [
        ("stock_item_id", item.as_str()),
        ("quantity", "1"),
        ("stock_tier", "standard"),
    ];
    line(app, page, "stock", &one).await.is(303);

    let too_much = [
        ("discount_description", "loyal"),
        ("discount_amount", "500.00"),
    ];
    line(app, page, "discount", &too_much)
        .await
        .is(422)
        .says("A discount cannot be more than the total of the lines, 415.00.");
    let fair = [
        ("discount_description", "bundle"),
        ("discount_amount", "15.00"),
    ];
    line(app, page, "discount", &fair).await.is(303);

    // 400 (grade B) + 15 − 15 = 400.00 net; tax per line 64.00 + 2.40 − 2.40 = 64.00.
    let html = app.get_html(page).await;
    assert!(
        html.contains("<dt>Subtotal</dt><dd>KES 400.00</dd>")
            && html.contains("<dd>KES 464.00</dd>"),
        "{html}"
    );
    assert!(
        !html.contains("262.50"),
        "a receptionist does not see unit costs"
    );
}

/// Issuing numbers the invoice, sells the unit, takes the charger off the shelf and starts both
/// warranties; issued lines are frozen, through the screens and in the database.
async fn issuing_sells_the_unit_and_freezes_the_lines(
    app: &TestApp,
    page: &str,
    id: i64,
    unit: i64,
    item: i64,
) {
    app.submit(&format!("{page}/issue"), &[("submission_id", &sid())])
        .await;
    let html = app.get_html(page).await;
    assert!(
        html.contains("Invoice NRB-000001 issued.") && html.contains("premium warranty to"),
        "{html}"
    );
    let sold = format!("SELECT count(*) FROM assets WHERE id = {unit} AND status = 'sold'");
    assert_eq!(app.count(&sold).await, 1);
    let on_hand = format!("SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}");
    assert_eq!(app.count(&on_hand).await, 4);
    assert_eq!(
        app.count("SELECT count(*) FROM warranties WHERE status = 'active'")
            .await,
        2
    );
    let premium = format!(
        "SELECT count(*) FROM warranties WHERE asset_id = {unit} AND tier = 'premium' AND ends_on = starts_on + 365"
    );
    assert_eq!(app.count(&premium).await, 1);

    line(
        app,
        page,
        "fee",
        &[("fee_description", "late"), ("fee_amount", "1")],
    )
    .await
    .is(409);
    let url = app.db.app_url.clone();
    let tampered = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        diesel::sql_query(format!(
            "UPDATE invoice_lines SET unit_price = 1 WHERE invoice_id = {id}"
        ))
        .execute(&mut c)
    })
    .await
    .unwrap();
    assert!(
        tampered
            .unwrap_err()
            .to_string()
            .contains("cannot be changed")
    );
}

/// A card above the balance is refused; mobile money pays part; cash above the rest pays it and
/// the change shows in large type; once paid in full, no more payments.
async fn split_tender_pays_it_with_change(app: &TestApp, page: &str, id: i64) {
    pay(app, page, "card", "500.00", "")
        .await
        .is(422)
        .says("A card payment cannot be more than the balance of 464.00.");
    pay(app, page, "mobile_money", "300.00", "QK7H2M1X")
        .await
        .is(303);
    let partly =
        format!("SELECT count(*) FROM invoices WHERE id = {id} AND status = 'partially_paid'");
    assert_eq!(app.count(&partly).await, 1);
    let cash = pay(app, page, "cash", "200.00", "").await;
    cash.is(303);
    let html = app.get_html(&cash.location).await;
    assert!(
        html.contains("id=\"change-due\"") && html.contains("<strong>KES 36.00</strong>"),
        "{html}"
    );
    let paid = format!(
        "SELECT count(*) FROM invoices WHERE id = {id} AND status = 'paid' AND paid_total = total"
    );
    assert_eq!(app.count(&paid).await, 1);
    assert_eq!(app.count("SELECT count(*) FROM payments WHERE method = 'cash' AND amount = 164.00 AND tendered = 200.00 AND change_given = 36.00").await, 1);
    pay(app, page, "cash", "1.00", "").await.is(409);
}

#[tokio::test]
async fn tax_is_rounded_half_up_per_line_or_once_per_invoice_as_the_branch_says() {
    let app = spawn_app().await;
    let s = shop(&app, 100, "12.5", "per_line").await;
    let id = draft(
        &app,
        vec![NewLine::Stock {
            stock_item_id: s.item,
            quantity: 3,
            price: Some("3.33".parse().unwrap()),
            tier: None,
        }],
    )
    .await;
    assert_eq!(app.count(&format!("SELECT count(*) FROM invoices WHERE id = {id} AND subtotal = 9.99 AND tax_total = 1.25 AND total = 11.24")).await, 1);
    // Per invoice: three fees of 0.10 at 5% are 0.015 of tax, rounded once to 0.02 (per line it
    // would be 0.03).
    let branch = app.branch_id;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE branches SET tax_rate = 5, tax_rounding = 'per_invoice' WHERE id = {branch}"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    let id = draft(&app, vec![fee("0.10"), fee("0.10"), fee("0.10")]).await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoices WHERE id = {id} AND tax_total = 0.02 AND total = 0.32"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn fifty_parallel_issues_of_invoices_holding_one_unit_sell_it_exactly_once() {
    let app = spawn_app().await;
    let s = shop(&app, 0, "0", "per_line").await;
    let (unit, tag) = ready(&app, s.model, "PF1RACE001").await;
    let mut drafts = Vec::new();
    for _ in 0..50 {
        drafts.push(
            draft(
                &app,
                vec![NewLine::Asset {
                    code: tag.clone(),
                    price: None,
                    tier: None,
                }],
            )
            .await,
        );
    }
    app.login_as(Role::Receptionist).await;
    let statuses = app
        .post_all(
            drafts
                .iter()
                .map(|id| {
                    (
                        format!("/invoices/{id}/issue"),
                        vec![("submission_id", sid())],
                    )
                })
                .collect(),
        )
        .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoice_lines WHERE asset_id = {unit} AND live"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM asset_movements WHERE asset_id = {unit} AND to_status = 'sold'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM invoices WHERE status = 'issued'")
            .await,
        1
    );
    // The 49 refusals used no numbers.
    assert_eq!(
        app.count("SELECT last_number::bigint FROM invoice_counters")
            .await,
        1
    );
}

#[tokio::test]
async fn thirty_parallel_lines_on_one_draft_leave_its_totals_the_sums_of_its_lines() {
    // A line's totals are the draft's stored totals and the line's own amounts, under the
    // draft's lock: lines sent at once must not lose one another's amounts, per line or with
    // the tax rounded once per invoice.
    let app = spawn_app().await;
    shop(&app, 0, "5", "per_line").await;
    app.login_as(Role::Receptionist).await;
    let branch = app.branch_id;
    for rounding in ["per_line", "per_invoice"] {
        app.with_db(move |c| {
            diesel::sql_query(format!(
                "UPDATE branches SET tax_rounding = '{rounding}' WHERE id = {branch}"
            ))
            .execute(c)
            .unwrap();
        })
        .await;
        let id = draft(&app, vec![fee("0.10")]).await;
        let statuses = app
            .post_all(
                (0..30)
                    .map(|i| {
                        let fields = if i % 10 == 9 {
                            vec![
                                ("discount_description", "bundle".to_string()),
                                ("discount_amount", "0.05".to_string()),
                            ]
                        } else {
                            vec![
                                ("fee_description", format!("fee {i}")),
                                ("fee_amount", format!("0.{:02}", 10 + i)),
                            ]
                        };
                        let kind = if i % 10 == 9 { "discount" } else { "fee" };
                        (format!("/invoices/{id}/lines/{kind}"), fields)
                    })
                    .collect(),
            )
            .await;
        assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
        let tax = if rounding == "per_line" {
            "(SELECT sum(tax) FROM invoice_lines WHERE invoice_id = i.id)"
        } else {
            "round((SELECT sum(net) FROM invoice_lines WHERE invoice_id = i.id) * 0.05, 2)"
        };
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) FROM invoices i WHERE id = {id} \
                 AND (SELECT count(*) FROM invoice_lines WHERE invoice_id = i.id) = 31 \
                 AND subtotal = (SELECT sum(net) FROM invoice_lines WHERE invoice_id = i.id) \
                 AND tax_total = {tax} AND total = subtotal + tax_total"
            ))
            .await,
            1,
            "{rounding}"
        );
    }
}

#[tokio::test]
async fn thirty_parallel_payments_never_take_an_invoice_above_its_total() {
    let app = spawn_app().await;
    shop(&app, 0, "0", "per_line").await;
    let id = draft(&app, vec![fee("100.00")]).await;
    app.login_as(Role::Receptionist).await;
    assert_eq!(
        app.post_form(
            &format!("/invoices/{id}/issue"),
            &[("submission_id", &sid())]
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let statuses = app
        .post_all(
            (0..30)
                .map(|_| {
                    let fields = vec![
                        ("method", "card".into()),
                        ("amount", "10.00".into()),
                        ("submission_id", sid()),
                    ];
                    (format!("/invoices/{id}/payments"), fields)
                })
                .collect(),
        )
        .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM payments WHERE invoice_id = {id}"
        ))
        .await,
        10
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM invoices WHERE id = {id} AND paid_total = 100.00 AND status = 'paid'")).await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM invoices i WHERE id = {id} AND (SELECT sum(amount) FROM payments WHERE invoice_id = i.id) = i.paid_total")).await, 1);
}

#[tokio::test]
async fn twenty_parallel_issues_in_one_branch_get_consecutive_numbers_and_a_failed_issue_takes_none()
 {
    let app = spawn_app().await;
    let s = shop(&app, 1, "0", "per_line").await;
    let mut drafts = Vec::new();
    for _ in 0..20 {
        drafts.push(draft(&app, vec![fee("10.00")]).await);
    }
    // A draft without lines is refused at issue, after its number was taken with the lines
    // read: the refusal gives it back.
    drafts.push(draft(&app, vec![]).await);
    // Two drafts each want the only charger: one of them fails at issue.
    for _ in 0..2 {
        drafts.push(
            draft(
                &app,
                vec![NewLine::Stock {
                    stock_item_id: s.item,
                    quantity: 1,
                    price: None,
                    tier: None,
                }],
            )
            .await,
        );
    }
    app.login_as(Role::Receptionist).await;
    let statuses = app
        .post_all(
            drafts
                .iter()
                .map(|id| {
                    (
                        format!("/invoices/{id}/issue"),
                        vec![("submission_id", sid())],
                    )
                })
                .collect(),
        )
        .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        21,
        "{statuses:?}"
    );
    let numbers: Vec<String> = app
        .with_db(|c| {
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::Text)]
                number: String,
            }
            diesel::sql_query("SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY seq")
                .load::<N>(c)
                .unwrap()
                .into_iter()
                .map(|n| n.number)
                .collect()
        })
        .await;
    let expected: Vec<String> = (1..=21).map(|n| format!("NRB-{n:06}")).collect();
    assert_eq!(numbers, expected, "consecutive, no gaps, no repeats");
    assert_eq!(
        app.count("SELECT on_hand::bigint FROM stock_levels").await,
        0
    );
}

/// Issues the draft at `page` with a fresh submission id.
async fn issue(app: &TestApp, page: &str) -> Reply {
    app.send(&format!("{page}/issue"), &[("submission_id", &sid())])
        .await
}

/// The asset line of `code` at its grade's price (or `price`), with no warranty tier named.
fn unit_line(code: &str, price: Option<&str>) -> NewLine {
    let price = price.map(|p| p.parse().unwrap());
    NewLine::Asset {
        code: code.into(),
        price,
        tier: None,
    }
}

/// `quantity` of `item` at its list price (or `price`).
fn stock_line(
    item: i64,
    quantity: i32,
    price: Option<&str>,
    tier: Option<WarrantyTier>,
) -> NewLine {
    let price = price.map(|p| p.parse().unwrap());
    NewLine::Stock {
        stock_item_id: item,
        quantity,
        price,
        tier,
    }
}

#[tokio::test]
async fn voiding_needs_a_reason_and_no_payments_and_gives_back_units_and_stock() {
    let app = spawn_app().await;
    let s = shop(&app, 3, "16", "per_line").await;
    let (unit, tag) = ready(&app, s.model, "PF1VOID001").await;
    let lines = vec![
        unit_line(&tag, None),
        stock_line(s.item, 2, None, Some(WarrantyTier::Standard)),
    ];
    let id = draft(&app, lines).await;
    app.login_as(Role::Receptionist).await;
    let page = format!("/invoices/{id}");
    // A draft takes no payment and cannot be voided.
    pay(&app, &page, "cash", "5", "")
        .await
        .is(409)
        .says("A draft takes no payments; issue it first.");
    issue(&app, &page).await;
    assert!(
        app.get_html(&format!("{page}?void=1"))
            .await
            .contains("Void the invoice")
    );
    let void = format!("{page}/void");
    app.send(&void, &[("reason", "  "), ("submission_id", &sid())])
        .await
        .is(422)
        .says("Say why the invoice is voided.");
    let reason = [
        ("reason", "customer changed mind at the till"),
        ("submission_id", &sid()),
    ];
    app.send(&void, &reason).await.is(303);

    let back =
        format!("SELECT count(*) FROM assets WHERE id = {unit} AND status = 'ready_for_sale'");
    assert_eq!(app.count(&back).await, 1);
    let on_hand = format!(
        "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {}",
        s.item
    );
    assert_eq!(app.count(&on_hand).await, 3);
    for (facts, n) in [
        (
            "SELECT count(*) FROM stock_ledger WHERE kind = 'return' AND quantity = 2",
            1,
        ),
        ("SELECT count(*) FROM warranties WHERE status <> 'void'", 0),
        (
            "SELECT count(*) FROM warranty_events WHERE to_status = 'void'",
            2,
        ),
        ("SELECT count(*) FROM invoice_lines WHERE live", 0),
    ] {
        assert_eq!(app.count(facts).await, n, "{facts}");
    }
    let number = format!(
        "SELECT count(*) FROM invoices WHERE id = {id} AND status = 'void' AND number = 'NRB-000001'"
    );
    assert_eq!(app.count(&number).await, 1, "the number stays used");
    // The unit can be sold again on another invoice.
    let again = draft(&app, vec![unit_line("PF1VOID001", None)]).await;
    issue(&app, &format!("/invoices/{again}")).await.is(303);
    // An invoice with a payment cannot be voided.
    let paid = format!("/invoices/{}", draft(&app, vec![fee("50.00")]).await);
    issue(&app, &paid).await;
    pay(&app, &paid, "cash", "10", "").await;
    app.send(
        &format!("{paid}/void"),
        &[("reason", "oops"), ("submission_id", &sid())],
    )
    .await
    .is(409)
    .says("has payments; it cannot be voided");
}

/// The ids of the invoice's lines, in the order they were added.
async fn line_ids(app: &TestApp, id: i64) -> Vec<i64> {
    app.with_db(move |c| {
        use diesel::prelude::*;
        use workbay::schema::invoice_lines::dsl as l;
        l::invoice_lines
            .filter(l::invoice_id.eq(id))
            .order(l::id)
            .select(l::id)
            .load(c)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn a_refund_returns_stock_marks_the_unit_returned_and_never_exceeds_what_was_paid() {
    let app = spawn_app().await;
    let s = shop(&app, 4, "0", "per_line").await;
    let (unit, tag) = ready(&app, s.model, "PF1REFUND1").await;
    let lines = vec![
        unit_line(&tag, Some("400.00")),
        stock_line(s.item, 2, Some("15.00"), None),
    ];
    let id = draft(&app, lines).await;
    app.login_as(Role::Finance).await;
    let page = format!("/invoices/{id}");
    issue(&app, &page).await;
    assert!(
        app.get_html(&page).await.contains("262.50"),
        "finance sees unit costs"
    );
    pay(&app, &page, "card", "100.00", "").await;
    let lines = line_ids(&app, id).await;
    let (laptop, charger) = (lines[0].to_string(), lines[1].to_string());
    // Only 100.00 was paid: refunding the laptop (400.00) is refused, with what was typed kept.
    let res = post_refund(&app, &page, &[(&laptop, "1")], "screen flicker").await;
    Reply::read(res)
        .await
        .is(422)
        .says("A refund cannot be more than what was paid: 100.00 paid, 0.00 refunded already, this refund is 400.00.")
        .says("value=\"screen flicker\"");
    // The rest is paid; the laptop and one charger come back.
    pay(&app, &page, "bank_transfer", "330.00", "").await;
    let both = [(laptop.as_str(), "1"), (charger.as_str(), "1")];
    let res = post_refund(&app, &page, &both, "screen flicker").await;
    assert_eq!(res.status().as_u16(), 303);
    let returned = format!("SELECT count(*) FROM assets WHERE id = {unit} AND status = 'returned'");
    assert_eq!(app.count(&returned).await, 1);
    let on_hand = format!(
        "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {}",
        s.item
    );
    assert_eq!(app.count(&on_hand).await, 3);
    assert_eq!(
        app.count("SELECT count(*) FROM credit_notes WHERE total = 415.00")
            .await,
        1
    );
    let cash_back =
        "SELECT count(*) FROM refund_payments WHERE method = 'cash' AND amount = 415.00";
    assert_eq!(app.count(cash_back).await, 1);
    let refunded = format!(
        "SELECT count(*) FROM invoices WHERE id = {id} AND status = 'refunded' AND refunded_total = 415.00"
    );
    assert_eq!(app.count(&refunded).await, 1);
    let kept = app.count("SELECT count(*) FROM invoice_lines").await;
    assert_eq!(kept, 2, "nothing is deleted");
    let live = format!("SELECT count(*) FROM invoice_lines WHERE asset_id = {unit} AND live");
    assert_eq!(app.count(&live).await, 0);
    // The last charger can still come back, but not two of it.
    let res = post_refund(&app, &page, &[(&charger, "2")], "unused").await;
    Reply::read(res)
        .await
        .is(422)
        .says("between 0 and 1 can still be refunded");
    let html = app.get_html(&page).await;
    assert!(
        html.contains("Credit notes") && html.contains("screen flicker"),
        "{html}"
    );
}

/// Posts the same form to `path` twice, one after the other, with one submission id.
async fn twice(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> [Reply; 2] {
    let once = sid();
    let fields = [fields, &[("submission_id", once.as_str())]].concat();
    [app.send(path, &fields).await, app.send(path, &fields).await]
}

#[tokio::test]
async fn a_double_submitted_payment_is_recorded_once_even_when_both_arrive_together() {
    let app = spawn_app().await;
    shop(&app, 0, "0", "per_line").await;
    let id = draft(&app, vec![fee("80.00")]).await;
    app.login_as(Role::Receptionist).await;
    let page = format!("/invoices/{id}");
    let payments = format!("{page}/payments");
    let paid = format!("SELECT count(*) FROM payments WHERE invoice_id = {id}");
    // Issuing sent twice: the repeat is sent to the invoice (where the first went) instead of
    // being refused as "issued already", and nothing is issued twice.
    for reply in twice(&app, &format!("{page}/issue"), &[]).await {
        assert_eq!(
            (reply.status, reply.location.as_str()),
            (303, page.as_str())
        );
    }
    assert!(
        app.get_html(&page)
            .await
            .contains("Nothing was done twice.")
    );
    let issued = format!(
        "SELECT count(*) FROM invoice_events WHERE invoice_id = {id} AND to_status = 'issued'"
    );
    assert_eq!(app.count(&issued).await, 1);
    // One after the other: the second is shown the first's result.
    let [first, second] = twice(&app, &payments, &[("method", "cash"), ("amount", "20.00")]).await;
    assert_eq!((first.status, second.status), (303, 303));
    assert_eq!(
        first.location, second.location,
        "the repeat shows the first result"
    );
    // The receipt it goes to is the payment recorded (its id was taken with the claim).
    let payment = app
        .count(&format!("SELECT id FROM payments WHERE invoice_id = {id}"))
        .await;
    assert_eq!(first.location, format!("/invoices/{id}?paid={payment}"));
    assert!(
        app.get_html(&second.location)
            .await
            .contains("Nothing was done twice.")
    );
    assert_eq!(app.count(&paid).await, 1);
    // Ten copies of one submission at once: still one payment.
    let once = sid();
    let copy = || {
        let fields = vec![
            ("method", "card".into()),
            ("amount", "5.00".into()),
            ("submission_id", once.clone()),
        ];
        (payments.clone(), fields)
    };
    let statuses = app.post_all((0..10).map(|_| copy()).collect()).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.count(&paid).await, 2);
    let total = format!("SELECT count(*) FROM invoices WHERE id = {id} AND paid_total = 25.00");
    assert_eq!(app.count(&total).await, 1);
    // A form without its id is refused, nothing charged.
    app.send(&payments, &[("method", "cash"), ("amount", "1.00")])
        .await
        .is(422);
    assert_eq!(app.count(&paid).await, 2);
}

#[tokio::test]
async fn a_ticket_becomes_a_draft_invoice_with_its_lines_and_only_the_counter_invoices() {
    let app = spawn_app().await;
    let s = shop(&app, 0, "0", "per_line").await;
    let branch = app.branch_id;
    let service = s.service;
    let ticket: i64 = app
        .with_db(move |c| {
            #[derive(diesel::QueryableByName)]
            struct I {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                id: i64,
            }
            let customer = diesel::sql_query("INSERT INTO customers (name, phone, created_branch_id) VALUES ('Otieno Auto', '0700 111 222', ".to_string() + &branch.to_string() + ") RETURNING id")
                .get_result::<I>(c)
                .unwrap()
                .id;
            let ticket = diesel::sql_query(format!("INSERT INTO tickets (branch_id, number, customer_id) VALUES ({branch}, 1, {customer}) RETURNING id"))
                .get_result::<I>(c)
                .unwrap()
                .id;
            diesel::sql_query(format!(
                "INSERT INTO ticket_lines (ticket_id, kind, service_id, description, quantity, unit_price) VALUES \
                 ({ticket}, 'labour', {service}, 'Laptop deep clean', 1, 25.00), \
                 ({ticket}, 'labour', NULL, 'Hinge repair', 1.5, 40.00), \
                 ({ticket}, 'part', NULL, 'Hinge set', 2, 7.50)"
            ))
            .execute(c)
            .unwrap();
            ticket
        })
        .await;
    app.login_as(Role::Receptionist).await;
    let res = app
        .post_form(&format!("/tickets/{ticket}/invoice"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = location(&res);
    let again = app
        .post_form(&format!("/tickets/{ticket}/invoice"), &[])
        .await;
    assert_eq!(location(&again), page, "the same draft, not a second one");
    let html = app.get_html(&page).await;
    // 25.00 + 1.5 × 40.00 + 2 × 7.50 = 100.00
    assert!(
        html.contains("Otieno Auto")
            && html.contains("Labour: Hinge repair")
            && html.contains("Hinge set × 2")
            && html.contains("<dt>Subtotal</dt><dd>KES 100.00</dd>"),
        "{html}"
    );
    for role in [Role::Technician, Role::Warehouse] {
        let other = spawn_app().await;
        other.login_as(role).await;
        assert_eq!(
            other.get("/invoices").await.status().as_u16(),
            403,
            "{role}"
        );
    }
}

#[tokio::test]
async fn the_invoice_list_pages_newest_first_finds_by_customer_name_and_keeps_to_the_branch() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let zawadi = app
        .create_customer("Zawadi Otieno", "0711 222 333", "")
        .await;
    let other = app.create_branch("Other", "OT").await;
    app.exec(&format!(
        "INSERT INTO invoices (branch_id, customer_id, walk_in_name) \
         SELECT branch, customer, name FROM ( \
           SELECT {branch} AS branch, NULL::bigint AS customer, 'Counter ' || lpad(n::text, 3, '0') AS name, n FROM generate_series(1, 57) n \
           UNION ALL SELECT {branch}, {zawadi}, '', 57 + n FROM generate_series(1, 3) n \
           UNION ALL SELECT {other}, NULL, 'Elsewhere ' || n, 100 + n FROM generate_series(1, 2) n) x ORDER BY n",
        branch = app.branch_id
    ))
    .await;
    let counters = |page: &str| crate::common::http::numbers_after(page, ">Counter ");
    let first = app.get_html("/invoices").await;
    assert!(first.contains("60 in all"), "{first}");
    assert!(
        !first.contains("Elsewhere"),
        "another branch's invoices stay out"
    );
    // The customer's three are the newest, under their whole name.
    assert_eq!(first.matches(">Zawadi Otieno<").count(), 3, "{first}");
    assert_eq!(counters(&first), (36..=57).rev().collect::<Vec<_>>());
    let third = app.get_html("/invoices?page=3").await;
    assert_eq!(counters(&third), (1..=10).rev().collect::<Vec<_>>());
    let past = app.get_html("/invoices?page=40").await;
    assert_eq!(counters(&past), counters(&third));
    assert!(past.contains("Page 3 of 3"), "{past}");
    let found = app.get_html("/invoices?q=zawadi").await;
    assert!(found.contains("3 in all"), "{found}");
    assert!(counters(&found).is_empty());
    let drafts = app.get_html("/invoices?status=draft&q=counter+05").await;
    assert_eq!(counters(&drafts), (50..=57).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn a_draft_for_a_customer_archived_meanwhile_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let customer = app.create_customer("Moved Away", "", "").await;
    let start = move |url: String| {
        let mut c = PgConnection::establish(&url).unwrap();
        invoices::create_draft(
            &mut c,
            branch,
            &NewInvoice {
                customer_id: Some(customer),
                ..Default::default()
            },
            &By::default(),
        )
    };
    // A live customer: the draft has the branch's tax settings and its `draft` event.
    let live = tokio::task::spawn_blocking({
        let url = url.clone();
        move || start(url)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        app.text(&format!(
            "SELECT i.status || ' ' || i.tax_rate || ' ' || i.tax_rounding || ' ' || e.to_status \
             FROM invoices i JOIN invoice_events e ON e.invoice_id = i.id WHERE i.id = {live}"
        ))
        .await,
        app.text(&format!(
            "SELECT 'draft ' || tax_rate || ' ' || tax_rounding || ' draft' FROM branches WHERE id = {branch}"
        ))
        .await
    );
    app.exec(&format!(
        "UPDATE customers SET archived_at = now() WHERE id = {customer}"
    ))
    .await;
    let refused = tokio::task::spawn_blocking(move || start(url))
        .await
        .unwrap();
    match refused {
        Err(workbay::repo::RepoError::Validation(e)) => {
            assert_eq!(e.get("customer_id"), Some("Choose the customer again."))
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoices WHERE customer_id = {customer}"
        ))
        .await,
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM invoice_events").await, 1);
}

/// The ids of the invoice's lines that are goods (not discounts), in order.
async fn goods(app: &TestApp, id: i64) -> Vec<i64> {
    app.text(&format!(
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM invoice_lines WHERE invoice_id = {id} AND kind <> 'discount'"
    ))
    .await
    .split(',')
    .map(|n| n.parse::<i64>().unwrap())
    .collect()
}

/// The totals of the invoice's credit notes, oldest first.
async fn credit_notes(app: &TestApp, id: i64) -> String {
    app.text(&format!(
        "SELECT string_agg(total::text, ' ' ORDER BY id) FROM credit_notes WHERE invoice_id = {id}"
    ))
    .await
}

/// Refunds one of each goods line of invoice `id`, one refund a line, each of which must go through.
async fn refund_each_line(app: &TestApp, id: i64) {
    for line in goods(app, id).await {
        let page = format!("/invoices/{id}");
        let res = post_refund(app, &page, &[(&line.to_string(), "1")], "returned").await;
        assert_eq!(res.status().as_u16(), 303, "refund of line {line}");
    }
}

#[tokio::test]
async fn returned_goods_give_back_their_share_of_the_discount_and_the_last_refund_squares_the_invoice()
 {
    let app = spawn_app().await;
    shop(&app, 0, "16", "per_line").await;
    let discount = |amount: &str| NewLine::Discount {
        description: "loyalty".into(),
        amount: amount.parse().unwrap(),
    };
    // 1000 + 100 less 110 at 16% per line: 990.00 + 158.40 = 1148.40. The 1000 line is
    // 1000/1100 of the goods: back 900.00 + 144.00 = 1044.00 (not 1160.00, which is more than
    // was paid); the 100 line, the last of the goods, then gives back the rest, 104.40.
    // 3 × 10.00 less 10.00: 20.00 + 3.20 = 23.20; each line a third: 6.67 + 1.07 = 7.74, twice;
    // the last 23.20 − 15.48 = 7.72, so three refunds never exceed what was paid.
    let big = draft(
        &app,
        vec![fee("1000.00"), fee("100.00"), discount("110.00")],
    )
    .await;
    let small = draft(
        &app,
        vec![fee("10.00"), fee("10.00"), fee("10.00"), discount("10.00")],
    )
    .await;
    app.login_as(Role::Finance).await;
    for (id, total) in [(big, "1148.40"), (small, "23.20")] {
        let page = format!("/invoices/{id}");
        issue(&app, &page).await;
        pay(&app, &page, "card", total, "").await.is(303);
    }
    let lines = goods(&app, big).await;
    let form = app.get_html(&format!("/invoices/{big}/refund")).await;
    assert!(
        form.contains(&format!("id=\"back-{}\">KES 1,044.00", lines[0]))
            && form.contains(&format!("id=\"back-{}\">KES 104.40", lines[1])),
        "{form}"
    );
    // A line named twice in one form (only a crafted request can) is refused, not refunded twice.
    let line = lines[0].to_string();
    let res = post_refund(
        &app,
        &format!("/invoices/{big}"),
        &[(&line, "1"), (&line, "1")],
        "returned",
    )
    .await;
    Reply::read(res)
        .await
        .is(422)
        .says("Data transfer: say how many once.");
    refund_each_line(&app, big).await;
    assert_eq!(credit_notes(&app, big).await, "1044.00 104.40");
    refund_each_line(&app, small).await;
    assert_eq!(credit_notes(&app, small).await, "7.74 7.74 7.72");
    // Each credit note's lines add up to it, and every invoice is refunded to the cent.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM credit_notes n WHERE subtotal + tax_total <> total \
             OR (subtotal, tax_total) <> (SELECT sum(net), sum(tax) FROM credit_note_lines WHERE credit_note_id = n.id)"
        )
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoices WHERE id IN ({big}, {small}) AND status = 'refunded' \
             AND refunded_total = paid_total AND paid_total = total"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn a_line_added_to_a_draft_rewrites_it_in_place_and_issuing_stores_its_subtotal_in_cents() {
    // A draft's totals are in no index, so the update a new line makes is a HOT update (no new
    // entry in any of the table's indexes); issuing, which numbers the invoice, is not. The
    // ranking of customers reads an issued invoice's subtotal as `issued_cents`.
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    #[derive(diesel::QueryableByName, Debug, PartialEq)]
    struct Seen {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        updates: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        in_place: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        cents: Option<i64>,
        #[diesel(sql_type = diesel::sql_types::Text)]
        subtotal: String,
    }
    let (drafted, issued) = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        // One transaction, so `pg_stat_xact_user_tables` counts exactly its own updates.
        c.transaction::<_, diesel::result::Error, _>(|c| {
            let by = By::default();
            let id = invoices::create_draft(c, branch, &NewInvoice::default(), &by).unwrap();
            invoices::add_line(c, branch, id, &fee("40.00")).unwrap();
            invoices::add_line(c, branch, id, &fee("2.55")).unwrap();
            let seen = |c: &mut PgConnection| -> Seen {
                diesel::sql_query(format!(
                    "SELECT s.n_tup_upd AS updates, s.n_tup_hot_upd AS in_place, \
                            i.issued_cents AS cents, i.subtotal::text AS subtotal \
                     FROM pg_stat_xact_user_tables s, invoices i \
                     WHERE s.relname = 'invoices' AND i.id = {id}"
                ))
                .get_result(c)
                .unwrap()
            };
            let drafted = seen(c);
            invoices::issue(c, branch, id, &by).unwrap();
            Ok((drafted, seen(c)))
        })
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        drafted,
        Seen {
            updates: 2,
            in_place: 2,
            cents: None,
            subtotal: "42.55".into()
        }
    );
    assert_eq!(
        issued,
        Seen {
            updates: 3,
            in_place: 2,
            cents: Some(4255),
            subtotal: "42.55".into()
        }
    );
}

/// A walk-in invoice with one fee line, written straight into the tables: (invoice, line).
fn rules_invoice(c: &mut PgConnection, branch: i64) -> (i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Ids {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        invoice: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        line: i64,
    }
    let Ids { invoice, line } = diesel::sql_query(format!(
        "WITH i AS (INSERT INTO invoices (branch_id, walk_in_name, tax_rate) \
                    VALUES ({branch}, 'Rules', 16) RETURNING id), \
              l AS (INSERT INTO invoice_lines (invoice_id, kind, description, quantity, unit_price, net, tax) \
                    SELECT id, 'fee', 'Setup', 1, 10, 10, 1.60 FROM i RETURNING id) \
         SELECT i.id AS invoice, l.id AS line FROM i, l"
    ))
    .get_result(c)
    .unwrap();
    (invoice, line)
}

fn on_invoice(invoice: i64, set: &str) -> String {
    format!("UPDATE invoices SET {set} WHERE id = {invoice}")
}

fn on_line(line: i64, set: &str) -> String {
    format!("UPDATE invoice_lines SET {set} WHERE id = {line}")
}

/// Changes that each break one rule, with the rule's name (or names, `|` between them).
fn rule_breakers(invoice: i64, line: i64) -> Vec<(String, &'static str)> {
    let on_invoice = |set: &str| on_invoice(invoice, set);
    let on_line = |set: &str| on_line(line, set);
    vec![
        (
            on_invoice("status = 'lost', number = 'R-1', seq = 1"),
            "invoices_status_check",
        ),
        (
            on_invoice("status = 'issued'"),
            "invoices_numbered_unless_draft",
        ),
        (
            on_invoice("status = 'issued', number = 'R-1'"),
            "invoices_number_with_sequence",
        ),
        (on_invoice("tax_rate = 100.01"), "invoices_tax_rate_check"),
        (on_invoice("tax_rate = -1"), "invoices_tax_rate_check"),
        (
            on_invoice("tax_rounding = 'never'"),
            "invoices_tax_rounding_check",
        ),
        (
            on_invoice("total = -1"),
            "invoices_total_check|invoices_paid_within_total",
        ),
        (on_invoice("paid_total = -1"), "invoices_paid_total_check"),
        (
            on_invoice("total = 10, paid_total = 10.01"),
            "invoices_paid_within_total",
        ),
        (
            on_invoice("refunded_total = -1"),
            "invoices_refunded_total_check",
        ),
        (
            on_invoice("total = 10, paid_total = 5, refunded_total = 5.01"),
            "invoices_refund_within_paid",
        ),
        (
            on_invoice("issued_cents = 0"),
            "invoices_issued_cents_check",
        ),
        (
            on_invoice("status = 'issued', number = 'R-1', seq = 1"),
            "invoices_issued_cents_check",
        ),
        (
            on_invoice(
                "status = 'issued', number = 'R-1', seq = 1, subtotal = 10, total = 10, issued_cents = 999",
            ),
            "invoices_issued_cents_check",
        ),
        (on_line("kind = 'gift'"), "invoice_lines_kind_check"),
        (
            on_line("description = '  '"),
            "invoice_lines_description_check",
        ),
        (on_line("quantity = 0"), "invoice_lines_quantity_check"),
        (
            on_line("unit_price = -0.01"),
            "invoice_lines_unit_price_check",
        ),
        (
            on_line("unit_cost = -0.01"),
            "invoice_lines_unit_cost_check",
        ),
        (
            on_line("warranty_tier = 'gold'"),
            "invoice_lines_warranty_tier_check",
        ),
        (
            on_line("refunded_quantity = 1.01"),
            "invoice_lines_refund_within_quantity",
        ),
        (
            on_line("refunded_quantity = -1"),
            "invoice_lines_refund_within_quantity",
        ),
        (
            on_line("kind = 'stock', stock_item_id = 1, service_id = 1"),
            "invoice_lines_sells_one_thing",
        ),
        (
            on_line("kind = 'asset'"),
            "invoice_lines_unit_on_unit_lines",
        ),
        (on_line("asset_id = 1"), "invoice_lines_unit_on_unit_lines"),
        (
            on_line("kind = 'stock'"),
            "invoice_lines_item_on_stock_lines",
        ),
        (
            on_line("service_id = 1"),
            "invoice_lines_service_on_service_lines",
        ),
        (
            on_line("kind = 'asset', asset_id = 1, quantity = 2"),
            "invoice_lines_one_unit_a_line",
        ),
        (
            on_line("kind = 'stock', stock_item_id = 1, quantity = 1.5"),
            "invoice_lines_whole_pieces_of_stock",
        ),
        (
            on_line("net = -10"),
            "invoice_lines_only_discounts_take_off",
        ),
        (
            on_line("kind = 'discount', net = 10"),
            "invoice_lines_only_discounts_take_off",
        ),
    ]
}

/// Changes that keep every rule (a NULL cost and tier pass, as in a CHECK).
fn rule_keepers(invoice: i64, line: i64) -> Vec<String> {
    let on_invoice = |set: &str| on_invoice(invoice, set);
    let on_line = |set: &str| on_line(line, set);
    vec![
        on_invoice("total = 10, paid_total = 10, refunded_total = 10, tax_rate = 100"),
        on_line(
            "unit_cost = NULL, warranty_tier = NULL, quantity = 2, refunded_quantity = 2, unit_price = 0",
        ),
        on_line("kind = 'discount', net = -10"),
        // Numbered, with its subtotal in cents.
        on_invoice(
            "status = 'issued', number = 'R-1', seq = 1, subtotal = 10, issued_cents = 1000",
        ),
    ]
}

#[tokio::test]
async fn the_database_refuses_an_invoice_or_line_that_breaks_a_rule_and_names_the_rule() {
    // The repository never writes such rows; this is the backstop under it. Each change below
    // breaks one rule of migration 000029's row functions and must be refused with SQLSTATE
    // 23514 naming that rule, as the CHECK constraints they replaced did (this test passes
    // against those too). A negative total cannot break only its own rule: it also puts the
    // paid total above it, and either name will do. A change that keeps every rule (with NULLs
    // where a rule allows them) goes through.
    let app = spawn_app().await;
    let branch = app.branch_id;
    let (refusals, expected) = app
        .with_db(move |c| {
            let (invoice, line) = rules_invoice(c, branch);
            let cases = rule_breakers(invoice, line);
            let refusals: Vec<(String, String)> = cases
                .iter()
                .map(
                    |(sql, names)| match diesel::sql_query(sql.as_str()).execute(c) {
                        Err(diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::CheckViolation,
                            info,
                        )) => {
                            let name = info.constraint_name().unwrap_or("(no name)");
                            let named = names.split('|').any(|n| n == name);
                            (
                                sql.clone(),
                                if named {
                                    names.to_string()
                                } else {
                                    name.to_string()
                                },
                            )
                        }
                        other => (sql.clone(), format!("not refused: {other:?}")),
                    },
                )
                .collect();
            for sql in rule_keepers(invoice, line) {
                assert_eq!(diesel::sql_query(&sql).execute(c).unwrap(), 1, "{sql}");
            }
            let expected: Vec<(String, String)> = cases
                .into_iter()
                .map(|(sql, name)| (sql, name.to_string()))
                .collect();
            (refusals, expected)
        })
        .await;
    assert_eq!(refusals, expected);
}
