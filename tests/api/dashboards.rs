//! The sales dashboard against a small dataset whose figures are worked out by hand.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::invoice::PaymentMethod;
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::invoices::{self, NewInvoice, NewLine, RefundRequest};

use crate::common::spawn_app;

#[tokio::test]
async fn sales_figures_match_a_hand_computed_dataset_in_the_page_and_the_csv() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE branches SET tax_rate = 10, timezone = 'UTC' WHERE id = {branch}"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    let trade = app
        .create_customer("Otieno Traders", "0700 123 456", "")
        .await;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE customers SET segment = 'wholesale' WHERE id = {trade}"
        ))
        .execute(c)
        .unwrap()
    })
    .await;
    let url = app.db.app_url.clone();
    // Two days ago: 100.00 (walk-in, cash 110) and 50.00 (wholesale, card 55).
    // Yesterday: 200.00 (mobile money 220) refunded in full (cash 220); 30.00 issued then voided.
    // Today: a draft. Revenue = 150 + (200 − 200) = 150.00 from 3 invoices.
    let ids = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let fee = |amount: &str| NewLine::Fee {
            description: "Work".into(),
            amount: amount.parse().unwrap(),
        };
        let mut sell =
            |customer: Option<i64>, amount: &str, method: Option<PaymentMethod>, paid: &str| {
                let id = invoices::create_draft(
                    &mut c,
                    branch,
                    &NewInvoice {
                        customer_id: customer,
                        ..Default::default()
                    },
                    &by,
                )
                .unwrap();
                invoices::add_line(&mut c, branch, id, &fee(amount)).unwrap();
                invoices::issue(&mut c, branch, id, &by).unwrap();
                if let Some(m) = method {
                    invoices::pay(&mut c, branch, id, m, &paid.parse().unwrap(), "", &by).unwrap();
                }
                id
            };
        let a = sell(None, "100.00", Some(PaymentMethod::Cash), "110.00");
        let b = sell(Some(trade), "50.00", Some(PaymentMethod::Card), "55.00");
        let d = sell(None, "200.00", Some(PaymentMethod::MobileMoney), "220.00");
        let v = sell(None, "30.00", None, "0");
        invoices::void(&mut c, branch, v, "wrong customer", &by).unwrap();
        let line = invoices::view(&mut c, branch, d).unwrap().lines[0].id;
        invoices::refund(
            &mut c,
            branch,
            d,
            &RefundRequest {
                lines: vec![(line, "1".parse().unwrap())],
                reason: "faulty".into(),
                method: PaymentMethod::Cash,
                reference: String::new(),
            },
            &by,
        )
        .unwrap();
        let draft = invoices::create_draft(&mut c, branch, &NewInvoice::default(), &by).unwrap();
        invoices::add_line(&mut c, branch, draft, &fee("999.00")).unwrap();
        (a, b, d, v)
    })
    .await
    .unwrap();
    let (a, b, d, v) = ids;
    app.with_db(move |c| {
        for (ids, days) in [(format!("{a},{b}"), 2), (format!("{d},{v}"), 1)] {
            diesel::sql_query(format!("UPDATE invoices SET issued_at = issued_at - interval '{days} days' WHERE id IN ({ids})")).execute(c).unwrap();
            diesel::sql_query(format!("UPDATE payments SET at = at - interval '{days} days' WHERE invoice_id IN ({ids})")).execute(c).unwrap();
            diesel::sql_query(format!("UPDATE credit_notes SET at = at - interval '{days} days' WHERE invoice_id IN ({ids})")).execute(c).unwrap();
            diesel::sql_query(format!("UPDATE refund_payments r SET at = r.at - interval '{days} days' FROM credit_notes n WHERE n.id = r.credit_note_id AND n.invoice_id IN ({ids})")).execute(c).unwrap();
        }
    })
    .await;
    let today = chrono::Utc::now().date_naive();
    let (day_a, day_b) = (
        today - chrono::Duration::days(2),
        today - chrono::Duration::days(1),
    );

    app.login_as(Role::Finance).await;
    let html = app.get_html("/dashboards/sales").await;
    assert!(
        html.contains("id=\"revenue\">150.00") && html.contains("id=\"transactions\">3"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<td>{day_a}</td><td class=\"num\">150.00</td><td class=\"num\">2</td>"
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<td>{day_b}</td><td class=\"num\">0.00</td><td class=\"num\">1</td>"
        )),
        "{html}"
    );
    assert!(
        html.contains("<svg") && html.matches("<rect").count() == 2,
        "one bar per day with sales"
    );
    for (method, taken, refunded) in [
        ("Cash", "110.00", "220.00"),
        ("Card", "55.00", "0.00"),
        ("Mobile money", "220.00", "0.00"),
    ] {
        assert!(
            html.contains(&format!(
                "<td>{method}</td><td class=\"num\">{taken}</td><td class=\"num\">{refunded}</td>"
            )),
            "{method}: {html}"
        );
    }
    assert!(
        html.contains("<td>retail</td><td class=\"num\">300.00</td><td class=\"num\">2</td>")
            && html
                .contains("<td>wholesale</td><td class=\"num\">50.00</td><td class=\"num\">1</td>"),
        "{html}"
    );

    let res = app
        .get(&format!("/dashboards/sales.csv?from={day_a}&to={today}"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"sales-{day_a}-{today}.csv\"")
    );
    let body = res.text().await.unwrap();
    assert_eq!(
        body,
        format!("period,revenue,transactions\r\n{day_a},150.00,2\r\n{day_b},0.00,1\r\n")
    );
    // Only yesterday: the refund takes it to zero.
    let one = app
        .get(&format!("/dashboards/sales.csv?from={day_b}&to={day_b}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        one,
        format!("period,revenue,transactions\r\n{day_b},0.00,1\r\n")
    );
    // By month: one row.
    let month = app
        .get_html(&format!(
            "/dashboards/sales?from={day_a}&to={today}&bucket=month"
        ))
        .await;
    assert!(month.contains("id=\"revenue\">150.00"));
}

#[tokio::test]
async fn bad_ranges_unknown_branches_and_roles_without_figures_are_refused() {
    let app = spawn_app().await;
    app.login_as(Role::Manager).await;
    let res = app
        .get("/dashboards/sales?from=2026-03-10&to=2026-03-01")
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The start comes after the end")
    );
    let res = app
        .get("/dashboards/sales?from=2010-01-01&to=2026-01-01")
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("at most ten years"));
    assert_eq!(
        app.get("/dashboards/sales.csv?from=2026-03-10&to=2026-03-01")
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(
        app.get("/dashboards/sales?branch=999999")
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        app.get("/dashboards/sales?from=yesterday")
            .await
            .status()
            .as_u16(),
        422
    );
    let counter = spawn_app().await;
    counter.login_as(Role::Receptionist).await;
    assert_eq!(
        counter.get("/dashboards/sales").await.status().as_u16(),
        403
    );
    assert_eq!(
        counter.get("/dashboards/sales.csv").await.status().as_u16(),
        403
    );
}

#[tokio::test]
async fn the_top_fifth_of_customers_is_counted_exactly_and_their_names_cannot_run_in_a_spreadsheet()
{
    let app = spawn_app().await;
    let branch = app.branch_id;
    // Eleven customers spending 100, 200 … 1100 (the best one named like a formula), and one
    // whose only purchase was refunded. 11 buyers → the top ceil(2.2) = 3: 1100 + 1000 + 900 =
    // 3000 of 6600 = 45.5%.
    let mut customers = Vec::new();
    for n in 1..=11 {
        let name = if n == 11 {
            "=SUM(A1:A9)".to_string()
        } else {
            format!("Customer {n:02}")
        };
        customers.push(app.create_customer(&name, "", "").await);
    }
    let refunded = app.create_customer("Changed Mind", "", "").await;
    let url = app.db.app_url.clone();
    let list = customers.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let mut sell = |customer: i64, amount: String| {
            let id = invoices::create_draft(
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
                id,
                &NewLine::Fee {
                    description: "Work".into(),
                    amount: amount.parse().unwrap(),
                },
            )
            .unwrap();
            invoices::issue(&mut c, branch, id, &by).unwrap();
            id
        };
        for (i, customer) in list.iter().enumerate() {
            sell(*customer, format!("{}.00", (i + 1) * 100));
        }
        let back = sell(refunded, "5000.00".into());
        let total = invoices::view(&mut c, branch, back).unwrap().invoice.total;
        invoices::pay(&mut c, branch, back, PaymentMethod::Card, &total, "", &by).unwrap();
        let line = invoices::view(&mut c, branch, back).unwrap().lines[0].id;
        invoices::refund(
            &mut c,
            branch,
            back,
            &RefundRequest {
                lines: vec![(line, "1".parse().unwrap())],
                reason: "returned".into(),
                method: PaymentMethod::Card,
                reference: String::new(),
            },
            &by,
        )
        .unwrap();
    })
    .await
    .unwrap();
    app.login_as(Role::Manager).await;
    let html = app.get_html("/dashboards/customers").await;
    assert!(
        html.contains("id=\"customers\">11")
            && html.contains("id=\"top-count\">3")
            && html.contains("id=\"share\">45.5%")
            && html.contains("id=\"top-revenue\">3000.00"),
        "{html}"
    );
    assert!(
        !html.contains("Changed Mind") && !html.contains("Customer 08"),
        "only the top three: {html}"
    );
    let csv = app
        .get("/dashboards/customers.csv")
        .await
        .text()
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        csv,
        format!(
            "rank,customer,revenue,last_visit\r\n1,'=SUM(A1:A9),1100.00,{today}\r\n2,Customer 10,1000.00,{today}\r\n3,Customer 09,900.00,{today}\r\n"
        )
    );
    // Ten buyers: exactly two.
    let tenth = customers[0];
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE invoices SET status = 'void', paid_total = 0 WHERE customer_id = {tenth}"
        ))
        .execute(c)
        .unwrap()
    })
    .await;
    let html = app.get_html("/dashboards/customers").await;
    assert!(
        html.contains("id=\"customers\">10") && html.contains("id=\"top-count\">2"),
        "{html}"
    );
}

#[tokio::test]
async fn the_preorders_dashboard_counts_deposits_held_and_lists_the_overdue() {
    use workbay::domain::preorder::PreorderStatus;
    use workbay::repo::preorders::{self, MoveInput, NewPreorder};
    let app = spawn_app().await;
    let branch = app.branch_id;
    let customer = app.create_customer("Njoroge, \"Big\" Buyer", "", "").await;
    let url = app.db.app_url.clone();
    let late = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let model = workbay::repo::stock::create_product_model(
            &mut c,
            "Phone",
            "Apple",
            "iPhone 15",
            90,
            &by,
        )
        .unwrap()
        .id;
        let mut take = |deposit: &str| {
            let p = NewPreorder {
                customer_id: customer,
                product_model_id: model,
                specs: String::new(),
                agreed_price: "50000.00".parse().unwrap(),
                deposit_required: "500.00".parse().unwrap(),
                deposit: Some((PaymentMethod::Cash, deposit.parse().unwrap(), String::new())),
            };
            preorders::create(&mut c, branch, &p, &by).unwrap()
        };
        // Waiting (200 held), on time (500), late (700), and one cancelled (its 100 not held).
        take("200.00");
        let on_time = take("500.00");
        let late = take("700.00");
        let gone = take("100.00");
        for id in [on_time, late] {
            preorders::transition(
                &mut c,
                branch,
                id,
                None,
                PreorderStatus::Ordered,
                &MoveInput::default(),
                &by,
            )
            .unwrap();
        }
        preorders::transition(
            &mut c,
            branch,
            gone,
            None,
            PreorderStatus::Closed,
            &MoveInput::default(),
            &by,
        )
        .unwrap();
        late
    })
    .await
    .unwrap();
    app.with_db(move |c| diesel::sql_query(format!("UPDATE preorders SET ordered_on = current_date - 30, sla_due_on = current_date - 9 WHERE id = {late}")).execute(c).unwrap()).await;
    app.login_as(Role::Finance).await;
    let html = app.get_html("/dashboards/preorders").await;
    assert!(
        html.contains("id=\"on-clock\">2")
            && html.contains("id=\"overdue-count\">1")
            && html.contains("id=\"held\">1400.00"),
        "{html}"
    );
    assert!(
        html.contains(&format!("/preorders/{late}\"")) && html.contains("<td class=\"num\">9</td>"),
        "{html}"
    );
    let csv = app
        .get("/dashboards/preorders.csv")
        .await
        .text()
        .await
        .unwrap();
    let due = chrono::Utc::now().date_naive() - chrono::Duration::days(9);
    assert_eq!(
        csv,
        format!(
            "preorder,customer,item,due,days_over,deposit\r\n{late},\"Njoroge, \"\"Big\"\" Buyer\",Apple iPhone 15,{due},9,700.00\r\n"
        )
    );
    assert_eq!(
        app.get("/dashboards/preorders?branch=424242")
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn the_inventory_dashboard_values_stock_at_cost_and_ages_unsold_units() {
    use workbay::repo::assets::{self, Arrival};
    use workbay::repo::stock::{self, Posting};
    let app = spawn_app().await;
    let branch = app.branch_id;
    let url = app.db.app_url.clone();
    // Units: A (landed 300, 45 days old), C (150, new) unsold; B (200) sold. Bulk: 10 × 4.00
    // (threshold 20: low) and 5 × 2.00. Held: 450 + 50 = 500; sold at cost 200; turnover 0.40.
    let a = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let model = stock::create_product_model(&mut c, "Laptop", "Dell", "XPS 13", 90, &by)
            .unwrap()
            .id;
        let unit = |c: &mut PgConnection, serial: &str, landed: &str| {
            assets::receive(
                c,
                &Arrival {
                    serial: serial.into(),
                    product_model_id: model,
                    vendor_id: None,
                    branch_id: branch,
                    location_id: None,
                    purchase_cost: landed.parse().unwrap(),
                    landed_cost: landed.parse().unwrap(),
                },
                "",
                &by,
            )
            .unwrap()
        };
        let a = unit(&mut c, "INV-A", "300.00").id;
        let b = crate::invoicing::ready_unit(
            &mut c,
            branch,
            model,
            "INV-B",
            workbay::domain::asset::Grade::A,
        );
        unit(&mut c, "INV-C", "150.00");
        diesel::sql_query(format!(
            "UPDATE assets SET landed_cost = 200.00 WHERE id = {}",
            b.0
        ))
        .execute(&mut c)
        .unwrap();
        for (sku, cost, threshold, qty) in [("CBL-X", "4.00", 20, 10), ("CBL-Y", "2.00", 0, 5)] {
            let item = stock::create_stock_item(
                &mut c,
                sku,
                sku,
                cost.parse().unwrap(),
                "9.00".parse().unwrap(),
                threshold,
                &by,
            )
            .unwrap()
            .id;
            stock::post(
                &mut c,
                &Posting {
                    stock_item_id: item,
                    branch_id: branch,
                    kind: "intake",
                    quantity: qty,
                    unit_cost: None,
                    reason: "",
                    reference: "",
                },
                &by,
            )
            .unwrap();
        }
        let inv = invoices::create_draft(&mut c, branch, &NewInvoice::default(), &by).unwrap();
        invoices::add_line(
            &mut c,
            branch,
            inv,
            &NewLine::Asset {
                code: b.1,
                price: Some("450.00".parse().unwrap()),
                tier: None,
            },
        )
        .unwrap();
        invoices::issue(&mut c, branch, inv, &by).unwrap();
        a
    })
    .await
    .unwrap();
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "UPDATE assets SET received_at = now() - interval '45 days' WHERE id = {a}"
        ))
        .execute(c)
        .unwrap()
    })
    .await;
    app.login_as(Role::Manager).await;
    let html = app.get_html("/dashboards/inventory").await;
    for expected in [
        "id=\"units\">2",
        "id=\"value\">500.00",
        "id=\"bulk\">50.00",
        "id=\"low\">1",
        "id=\"sold\">200.00",
        "id=\"turnover\">0.40",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(
        html.contains("<td>0–30</td><td class=\"num\">1</td><td class=\"num\">150.00</td>")
            && html.contains("<td>30–60</td><td class=\"num\">1</td><td class=\"num\">300.00</td>"),
        "{html}"
    );
}

#[tokio::test]
async fn technician_performance_counts_closed_tickets_comebacks_turnaround_and_efficiency() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let tech = app
        .create_user("kip", "Kip Ruto", Role::Technician)
        .await
        .id;
    let customer = app.create_customer("Fleet Co", "", "").await;
    // Three tickets closed by Kip: #1 (vehicle V, 48 h) came back as #2 (V again, opened two days
    // after #1 closed, 24 h); #3 (vehicle W, 48 h). Comebacks 1, turnaround (48+24+48)/3 = 40.0.
    // Clock: 3.00 h billed on an invoice, 1.00 h not: efficiency 75%.
    app.with_db(move |c| {
        let sql = format!(
            "WITH v AS (INSERT INTO vehicles (customer_id, plate, make, model) VALUES ({customer}, 'KDA 111A', 'Toyota', 'Probox'), ({customer}, 'KDB 222B', 'Nissan', 'Note') RETURNING id, plate) \
             INSERT INTO tickets (branch_id, number, customer_id, vehicle_id, status, outcome, assigned_to, created_at, closed_at) \
             SELECT {branch}, n, {customer}, (SELECT id FROM v WHERE plate = p), 'closed', 'repaired', {tech}, now() - (o || ' hours')::interval, now() - (cl || ' hours')::interval \
             FROM (VALUES (1, 'KDA 111A', 120, 72), (2, 'KDA 111A', 24, 0), (3, 'KDB 222B', 96, 48)) AS t(n, p, o, cl)"
        );
        diesel::sql_query(sql).execute(c).unwrap();
        diesel::sql_query(format!(
            "WITH inv AS (INSERT INTO invoices (branch_id, status, number, seq, issued_at) VALUES ({branch}, 'issued', 'T-1', 1, now()) RETURNING id) \
             INSERT INTO time_entries (ticket_id, technician_id, started_at, ended_at, hours, billable, approved_at, invoice_id) \
             SELECT (SELECT min(id) FROM tickets), {tech}, now() - interval '30 hours', now() - interval '27 hours', h, true, now(), CASE WHEN billed THEN (SELECT id FROM inv) END \
             FROM (VALUES (3.00, true), (1.00, false)) AS x(h, billed)"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    app.login_as(Role::Manager).await;
    let html = app.get_html("/dashboards/technicians").await;
    assert!(
        html.contains("<td>Kip Ruto</td><td class=\"num\">3</td><td class=\"num\">40.0</td><td class=\"num\">1</td><td class=\"num\">4.00</td><td class=\"num\">3.00</td><td class=\"num\">75%</td>"),
        "{html}"
    );
}
