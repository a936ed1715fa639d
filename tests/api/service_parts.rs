//! Service profitability counts a part under the service it was used for, with its price and
//! its cost; goods sold over the counter are not parts of any service (issue 33, defect 2).

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::role::Role;
use workbay::repo::invoices::{self, NewInvoice, NewLine};
use workbay::repo::tickets::{self, Added, CheckIn, NewTicketLine};
use workbay::repo::{By, RepoError};

use crate::common::fixtures::{service, stock_in, stock_item};
use crate::common::spawn_app;

fn pad(code: &str, for_service_id: Option<i64>) -> NewTicketLine {
    NewTicketLine {
        kind: "part".into(),
        quantity: 1.into(),
        code: code.into(),
        for_service_id,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_part_counts_under_the_service_it_was_used_for_and_goods_sold_over_the_counter_under_none()
 {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let customer = app.create_customer("Fleet Co", "", "").await;
    let url = app.db.app_url.clone();
    // Labour costs 20.00 an hour; a PAD costs 35.00 and sells at 50.00.
    //  1. A counter sale: half an hour of labour at 60.00 (30.00) and 3 PAD sold over the
    //     counter. The pads are merchandise, not parts: Labour (hourly) sold 0.5, revenue 30.00,
    //     0.50 h = 10.00, profit 20.00. (The pads at cost, 105.00, were charged to the labour:
    //     a profit of -85.00.)
    //  2. A ticket for Brake pads (100.00, 1.00 h) and an Oil change (40.00, 0.50 h), one PAD
    //     used for the brakes and one not tied to a service (the job has two), invoiced from
    //     the ticket. Brake pads: sold 1, revenue 150.00 of which parts 50.00, parts 35.00,
    //     1.00 h = 20.00, profit 95.00. Oil change: sold 1, revenue 40.00, 0.50 h = 10.00,
    //     profit 30.00. Labour (hourly) gets the other PAD: revenue 30.00 + 50.00 = 80.00 of
    //     which parts 50.00, parts 35.00, 0.50 h = 10.00, profit 35.00.
    // Worst first: Oil change 30.00, Labour (hourly) 35.00, Brake pads 95.00; in all revenue
    // 270.00 and profit 160.00.
    let (brakes, oil, ticket) = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let brakes = service(&mut c, "Brake pads", "Brakes", "1.00", "100.00");
        let oil = service(&mut c, "Oil change", "Maintenance", "0.50", "40.00");
        let item = stock_item(&mut c, "PAD", "Brake pad set", "35.00", "50.00", 0);
        stock_in(&mut c, branch, item, 10);
        let sale = invoices::create_draft(&mut c, branch, &NewInvoice::default(), &by).unwrap();
        for line in [
            NewLine::Labour {
                description: "Diagnosis".into(),
                hours: "0.50".parse().unwrap(),
                rate: "60.00".parse().unwrap(),
            },
            NewLine::Stock {
                stock_item_id: item,
                quantity: 3,
                price: None,
                tier: None,
            },
        ] {
            invoices::add_line(&mut c, branch, sale, &line).unwrap();
        }
        invoices::issue(&mut c, branch, sale, &by).unwrap();

        let check_in = CheckIn {
            problem: "Squealing brakes, service due".into(),
            ..Default::default()
        };
        let t = tickets::open_walk_in(&mut c, branch, customer, Default::default(), &check_in, &by)
            .unwrap()
            .id;
        diesel::sql_query(format!(
            "INSERT INTO ticket_lines (ticket_id, kind, service_id, description, quantity, unit_price) \
             VALUES ({t}, 'labour', {brakes}, 'Brake pads', 1, 100), ({t}, 'labour', {oil}, 'Oil change', 1, 40)"
        ))
        .execute(&mut c)
        .unwrap();
        // A service that is not on the job is refused.
        let other = service(&mut c, "Wheel alignment", "Tyres", "1.00", "90.00");
        match tickets::add_line(&mut c, branch, t, &pad("PAD", Some(other)), &by) {
            Err(RepoError::Validation(e)) => assert!(
                e.get("for_service_id").is_some_and(|m| m.contains("this job's services")),
                "{e:?}"
            ),
            other => panic!("a service not on the job: {other:?}"),
        }
        let added = tickets::add_line(&mut c, branch, t, &pad("pad", Some(brakes)), &by).unwrap();
        assert_eq!(
            added,
            Added::Line {
                description: "Brake pad set (PAD)".into(),
                quantity: 1.into(),
                more: false
            }
        );
        // Not tied to a service: a line of its own, not one more of the brakes' pad.
        let added = tickets::add_line(&mut c, branch, t, &pad("PAD", None), &by).unwrap();
        assert!(matches!(added, Added::Line { more: false, .. }), "{added:?}");
        let id = invoices::draft_from_ticket(&mut c, branch, t, &by).unwrap();
        invoices::issue(&mut c, branch, id, &by).unwrap();
        (brakes, oil, t)
    })
    .await
    .unwrap();
    let parts = app
        .text(&format!(
            "SELECT string_agg(coalesce(service_id::text, '-') || ' ' || unit_cost, ', ' ORDER BY id) \
             FROM ticket_lines WHERE ticket_id = {ticket} AND kind = 'part'"
        ))
        .await;
    assert_eq!(parts, format!("{brakes} 35.00, - 35.00"), "oil is {oil}");
    app.login_as(Role::Admin).await;
    crate::dashboards::refresh(&app).await;
    let csv = app.get_html("/dashboards/services.csv").await;
    assert_eq!(
        csv,
        "service,category,sold,revenue,parts_revenue,parts_cost,hours,labour_cost,profit,loses_at_volume\r\n\
         Oil change,Maintenance,1,40.00,0.00,0.00,0.50,10.00,30.00,no\r\n\
         Labour (hourly),Labour,0.5,80.00,50.00,35.00,0.50,10.00,35.00,no\r\n\
         Brake pads,Brakes,1,150.00,50.00,35.00,1.00,20.00,95.00,no\r\n"
    );
    let html = app.get_html("/dashboards/services").await;
    for expected in ["id=\"revenue\">KES 270.00", "id=\"profit\">KES 160.00"] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
}

#[tokio::test]
async fn scanning_the_same_part_again_raises_the_last_line_s_quantity_until_the_estimate_is_sent() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let customer = app.create_customer("Grace Wanjiku", "", "").await;
    let url = app.db.app_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let item = stock_item(&mut c, "FLT-OIL", "Oil filter", "4.00", "9.00", 0);
        stock_in(&mut c, branch, item, 10);
        let check_in = CheckIn {
            problem: "Service".into(),
            ..Default::default()
        };
        let t = tickets::open_walk_in(&mut c, branch, customer, Default::default(), &check_in, &by)
            .unwrap()
            .id;
        let scan = |c: &mut PgConnection| {
            tickets::add_line(c, branch, t, &pad("flt-oil", None), &by).unwrap()
        };
        assert!(matches!(scan(&mut c), Added::Line { more: false, .. }));
        let second = scan(&mut c);
        assert_eq!(
            second,
            Added::Line {
                description: "Oil filter (FLT-OIL)".into(),
                quantity: 2.into(),
                more: true
            }
        );
        let lines: Vec<Text> = diesel::sql_query(format!(
            "SELECT quantity::text || ' ' || description AS text FROM ticket_lines WHERE ticket_id = {t}"
        ))
        .load(&mut c)
        .unwrap();
        let lines: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, ["2.00 Oil filter (FLT-OIL)"]);
        let on_hand: Vec<Text> = diesel::sql_query(format!(
            "SELECT on_hand::text AS text FROM stock_levels WHERE stock_item_id = {item} AND branch_id = {branch}"
        ))
        .load(&mut c)
        .unwrap();
        assert_eq!(on_hand[0].text, "8", "both scans took a filter off the shelf");
        // Once the estimate went to the customer its lines stay as sent: a scan adds a line.
        diesel::sql_query(format!(
            "UPDATE tickets SET status = 'awaiting_approval' WHERE id = {t}"
        ))
        .execute(&mut c)
        .unwrap();
        assert!(matches!(scan(&mut c), Added::Line { more: false, .. }));
    })
    .await
    .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}
