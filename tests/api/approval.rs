//! The customer's approval page (issue 33): the total they approve is the total, tax included,
//! that the ticket's invoice then carries.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::common::fixtures::ticket_at;
use crate::common::http::sid;
use crate::common::spawn_app;

#[tokio::test]
async fn the_customer_approves_the_taxed_total_the_invoice_then_carries() {
    for rounding in ["per_line", "per_invoice"] {
        let app = spawn_app().await;
        app.exec(&format!(
            "UPDATE branches SET tax_rate = 16, tax_rounding = '{rounding}', currency = 'KES' WHERE id = {}",
            app.branch_id
        ))
        .await;
        let customer = app.create_customer("Wanjiru K.", "0722 000 111", "").await;
        let b = app.branch_id;
        let t = app
            .with_db(move |c| ticket_at(c, b, customer, TicketStatus::Diagnosing))
            .await;
        app.login_as(Role::Receptionist).await;
        // 1.5 h × 1,200.00 (fixture), 3 × 333.33 and three lines of 0.05, where rounding per
        // line and per invoice differ: 16% of 0.05 is 0.008, a cent on each line.
        let lines = [
            ("Screws", "3", "333.33"),
            ("Glue", "1", "0.05"),
            ("Tape", "1", "0.05"),
            ("Pin", "1", "0.05"),
        ];
        for (description, quantity, price) in lines {
            let line = [
                ("kind", "part"),
                ("description", description),
                ("quantity", quantity),
                ("unit_price", price),
            ];
            app.submit(&format!("/tickets/{t}/line"), &line).await;
        }
        let sent = app
            .submit(&format!("/tickets/{t}/estimate"), &[("from", "diagnosing")])
            .await;
        let token = sent.split("?link=").nth(1).unwrap().to_string();
        let page = app.get_html(&format!("/approve/{token}")).await;
        let shown = page[page.find("id=\"estimate-total\">").unwrap() + 20..]
            .split('<')
            .next()
            .unwrap()
            .to_string();
        let expected = if rounding == "per_line" {
            "KES 3,248.17" // 2,800.14 + 288.00 + 160.00 + 3 × 0.01
        } else {
            "KES 3,248.16" // 2,800.14 + 448.0224 rounded to 448.02
        };
        assert_eq!(shown, expected, "{rounding}: {page}");
        app.send(&format!("/approve/{token}"), &[("decision", "approve")])
            .await;

        let invoice = app.submit(&format!("/tickets/{t}/invoice"), &[]).await;
        app.submit(&format!("{invoice}/issue"), &[("submission_id", &sid())])
            .await;
        let id = invoice.trim_start_matches("/invoices/");
        let total = app
            .text(&format!("SELECT total::text FROM invoices WHERE id = {id}"))
            .await;
        assert_eq!(format!("KES {}", group(&total)), expected, "{rounding}");
    }
}

/// 3248.05 → 3,248.05.
fn group(plain: &str) -> String {
    let (whole, cents) = plain.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents}")
}
