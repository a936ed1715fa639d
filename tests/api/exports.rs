//! The accountant's export: every invoice line, credit-note line and payment of a range, with
//! tax; its net amounts add up to the sales dashboard's revenue for the same days to the cent.

use bigdecimal::BigDecimal;
use workbay::domain::invoice::PaymentMethod;
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::invoices::{self, RefundRequest};

use crate::common::fixtures::issued_sale;
use crate::common::spawn_app;

/// The cells of one CSV line (quoted cells with commas and doubled quotes).
fn cells(line: &str) -> Vec<String> {
    let (mut out, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    out.push(cell);
    out
}

fn column(csv: &str, name: &str, only: &[&str]) -> Vec<String> {
    let mut lines = csv.lines();
    let head = cells(lines.next().unwrap());
    let at = head.iter().position(|h| h == name).unwrap();
    lines
        .map(cells)
        .filter(|cells| only.is_empty() || only.contains(&cells[0].as_str()))
        .map(|cells| cells[at].clone())
        .collect()
}

fn sum(values: &[String]) -> BigDecimal {
    values
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<BigDecimal>().unwrap())
        .sum()
}

#[tokio::test]
async fn the_accounting_export_adds_up_to_the_sales_dashboard_to_the_cent() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    app.exec(&format!(
        "UPDATE branches SET tax_rate = 16 WHERE id = {branch}"
    ))
    .await;
    let customer = app.create_customer("Otieno, J.", "0722 111 222", "").await;
    app.with_db(move |c| {
        let by = By::default();
        issued_sale(c, branch, Some(customer), &["100.00"]);
        let second = issued_sale(c, branch, None, &["250.00", "33.33"]);
        let total: BigDecimal = {
            use diesel::prelude::*;
            use workbay::schema::invoices as inv;
            inv::table.find(second).select(inv::total).first(c).unwrap()
        };
        invoices::pay(c, branch, second, PaymentMethod::Cash, &total, "", &by).unwrap();
        let line: i64 = {
            use diesel::prelude::*;
            use workbay::schema::invoice_lines;
            invoice_lines::table
                .filter(invoice_lines::invoice_id.eq(second))
                .order(invoice_lines::id.desc())
                .select(invoice_lines::id)
                .first(c)
                .unwrap()
        };
        let req = RefundRequest {
            lines: vec![(line, "1".parse().unwrap())],
            reason: "Not needed".into(),
            method: PaymentMethod::Cash,
            reference: String::new(),
        };
        invoices::refund(c, branch, second, &req, &by).unwrap();
    })
    .await;
    let today = app
        .text(&format!(
            "SELECT (now() AT TIME ZONE timezone)::date::text FROM branches WHERE id = {branch}"
        ))
        .await;
    app.login_as(Role::Finance).await;
    let range = format!("from={today}&to={today}");
    let csv = app
        .get_html(&format!("/exports/accounting.csv?{range}"))
        .await;
    assert!(csv.starts_with("record_type,date,branch,document,invoice,customer,kind,description,quantity,unit_price,net,tax_rate,tax,gross,method,reference,currency\r\n"), "{csv}");
    let types = column(&csv, "record_type", &[]);
    let count = |t: &str| types.iter().filter(|x| *x == t).count();
    let counted = (
        count("invoice_line"),
        count("credit_note_line"),
        count("payment"),
        count("refund"),
    );
    assert_eq!(counted, (3, 1, 1, 1), "{csv}");
    // money in less money out: what was paid for the second invoice less the refund
    let money = sum(&column(&csv, "gross", &["payment", "refund"]));
    assert_eq!(money, "290.00".parse::<BigDecimal>().unwrap(), "{csv}");
    assert!(
        csv.contains("\"Otieno, J.\""),
        "a name with a comma is quoted"
    );
    let net = sum(&column(&csv, "net", &["invoice_line", "credit_note_line"]));
    assert_eq!(
        net,
        "350.00".parse::<BigDecimal>().unwrap(),
        "100 + 250 + 33.33 − 33.33"
    );
    // Each line's gross is its net and tax.
    let lines = ["invoice_line"];
    let (gross, tax, nets) = (
        column(&csv, "gross", &lines),
        column(&csv, "tax", &lines),
        column(&csv, "net", &lines),
    );
    for i in 0..gross.len() {
        let parse = |v: &String| v.parse::<BigDecimal>().unwrap();
        assert_eq!(
            parse(&gross[i]),
            parse(&nets[i]) + parse(&tax[i]),
            "line {i}"
        );
    }

    // The sales dashboard for the same day, refreshed.
    app.exec("REFRESH MATERIALIZED VIEW dashboard_sales_daily")
        .await;
    let sales = app
        .get_html(&format!("/dashboards/sales.csv?{range}&branch={branch}"))
        .await;
    let revenue = sum(&column(&sales, "revenue", &[]));
    assert_eq!(net, revenue, "{sales}");

    // A range that ends before it starts is refused; the counter has no exports.
    let bad = app
        .fetch(&format!(
            "/exports/accounting.csv?from={today}&to=2000-01-01"
        ))
        .await;
    bad.is(422)
        .says("The start comes after the end; swap the dates.")
        .says("value=\"2000-01-01\"");
    let page = app.get_html("/exports").await;
    assert!(page.contains("/exports/accounting.csv"));
    let desk = app.create_user("rita", "Rita", Role::Receptionist).await;
    let rita = app.client_as(&desk).await;
    assert_eq!(
        app.get_with(&rita, "/exports/accounting.csv")
            .await
            .status()
            .as_u16(),
        403
    );
}
