//! The Today page (issue 32, build 1): the home page of every role but the technicians, who land
//! on My jobs. What it lists is what the counter must act on today, on the branch's own day.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;
use workbay::domain::time::Clock;
use workbay::repo::invoices;

use crate::common::fixtures::{issued_sale, product_model, stock_in, stock_item, ticket_at};
use crate::common::http::location;
use crate::common::{TestApp, spawn_app_with};

/// Monday 7 December 2026, 10:00 in Nairobi (07:00 UTC).
const MONDAY_TEN_AM: &str = "2026-12-07T07:00:00Z";

async fn nairobi_monday_morning() -> TestApp {
    let now = MONDAY_TEN_AM.parse().unwrap();
    let app = spawn_app_with(|s| s.clock = Clock::Fixed(now)).await;
    app.exec(&format!(
        "UPDATE branches SET timezone = 'Africa/Nairobi', currency = 'KES' WHERE id = {}",
        app.branch_id
    ))
    .await;
    app
}

/// The part of `page` inside the section with id `id`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in {page}"));
    let end = page[start..].find("</section>").unwrap() + start;
    &page[start..end]
}

/// Books `customer` on a new bay at `[from, to)` (UTC) with `status`.
async fn booking(app: &TestApp, customer: i64, bay: &str, from: &str, to: &str, status: &str) {
    let b = app.branch_id;
    app.exec(&format!(
        "WITH bay AS (INSERT INTO bays (branch_id, name) VALUES ({b}, '{bay}') RETURNING id) \
         INSERT INTO bookings (branch_id, customer_id, bay_id, starts_at, ends_at, status, cancel_reason) \
         SELECT {b}, {customer}, id, '{from}', '{to}', '{status}', \
                CASE WHEN '{status}' = 'cancelled' THEN 'Called off' END FROM bay"
    ))
    .await;
}

#[tokio::test]
async fn the_counter_sees_the_bookings_of_the_branch_s_own_day_with_check_in_for_the_confirmed() {
    let app = nairobi_monday_morning().await;
    let kevin = app
        .create_customer("Kevin Odhiambo", "0722 444 555", "")
        .await;
    let early = app.create_customer("Early Bird", "0722 444 556", "").await;
    let late = app.create_customer("Night Owl", "0722 444 557", "").await;
    let tomorrow = app
        .create_customer("Tomorrow Person", "0722 444 558", "")
        .await;
    let gone = app.create_customer("Called Off", "0722 444 559", "").await;
    // 09:00 local, confirmed; 00:30 local (still Sunday in UTC); 23:30 local; 05:00 on Tuesday
    // local (still Monday in UTC); a cancelled one today.
    booking(
        &app,
        kevin,
        "Bay 1",
        "2026-12-07T06:00Z",
        "2026-12-07T07:00Z",
        "confirmed",
    )
    .await;
    booking(
        &app,
        early,
        "Bay 2",
        "2026-12-06T21:30Z",
        "2026-12-06T22:00Z",
        "requested",
    )
    .await;
    booking(
        &app,
        late,
        "Bay 3",
        "2026-12-07T20:30Z",
        "2026-12-07T20:45Z",
        "requested",
    )
    .await;
    booking(
        &app,
        tomorrow,
        "Bay 4",
        "2026-12-08T02:00Z",
        "2026-12-08T03:00Z",
        "confirmed",
    )
    .await;
    booking(
        &app,
        gone,
        "Bay 5",
        "2026-12-07T08:00Z",
        "2026-12-07T09:00Z",
        "cancelled",
    )
    .await;
    app.login_as(Role::Receptionist).await;

    let page = app.get_html("/").await;
    let arrivals = section(&page, "arrivals");
    for name in ["Kevin Odhiambo", "Early Bird", "Night Owl"] {
        assert!(arrivals.contains(name), "{name} arrives today: {arrivals}");
    }
    for name in ["Tomorrow Person", "Called Off"] {
        assert!(!arrivals.contains(name), "{name} does not: {arrivals}");
    }
    // In local time, earliest first, and only the confirmed booking offers check-in.
    let order: Vec<usize> = ["00:30", "09:00", "23:30"]
        .iter()
        .map(|t| {
            arrivals
                .find(t)
                .unwrap_or_else(|| panic!("{t}: {arrivals}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{arrivals}");
    assert_eq!(arrivals.matches(">Check in</a>").count(), 1, "{arrivals}");
}

#[tokio::test]
async fn the_counter_sees_pickups_estimates_unpaid_invoices_and_preorders_to_act_on() {
    let app = nairobi_monday_morning().await;
    let ready = app
        .create_customer("Ready Customer", "0722 000 001", "")
        .await;
    let waiting = app
        .create_customer("Waiting Customer", "0722 000 002", "")
        .await;
    let owing = app
        .create_customer("Owing Customer", "0722 000 003", "")
        .await;
    let preorder = app
        .create_customer("Preorder Customer", "0722 000 004", "")
        .await;
    let (b, repaired) = (
        app.branch_id,
        app.create_customer("Done", "0722 000 005", "").await,
    );
    let (t_ready, t_waiting) = app
        .with_db(move |c| {
            ticket_at(c, b, repaired, TicketStatus::Closed);
            let paid = issued_sale(c, b, Some(repaired), &["50.00"]);
            let owed = issued_sale(c, b, Some(owing), &["1250.00"]);
            let cash = workbay::domain::invoice::PaymentMethod::Cash;
            let by = workbay::repo::By::default();
            invoices::pay(c, b, paid, cash, &"50.00".parse().unwrap(), "", &by).unwrap();
            invoices::pay(c, b, owed, cash, &"250.00".parse().unwrap(), "", &by).unwrap();
            let model = product_model(c, "Laptop", "Dell", "Latitude 5440", 90);
            diesel::connection::SimpleConnection::batch_execute(
                c,
                &format!(
                    "INSERT INTO preorders (branch_id, customer_id, product_model_id, agreed_price, \
                     deposit_required, deposit_paid, status, ordered_on, sla_due_on) \
                     VALUES ({b}, {preorder}, {model}, 90000, 10000, 10000, 'in_transit', '2026-11-10', '2026-12-01')"
                ),
            )
            .unwrap();
            (
                ticket_at(c, b, ready, TicketStatus::Ready),
                ticket_at(c, b, waiting, TicketStatus::AwaitingApproval),
            )
        })
        .await;
    app.login_as(Role::Receptionist).await;
    let page = app.get_html("/").await;

    let pickups = section(&page, "ready");
    assert!(
        pickups.contains(&format!("/tickets/{t_ready}")),
        "{pickups}"
    );
    assert!(pickups.contains("not invoiced"), "{pickups}");
    assert!(!pickups.contains("Waiting Customer"), "{pickups}");
    let estimates = section(&page, "awaiting-approval");
    assert!(
        estimates.contains(&format!("/tickets/{t_waiting}")),
        "{estimates}"
    );
    let unpaid = section(&page, "unpaid");
    assert!(
        unpaid.contains("Owing Customer") && unpaid.contains("1,000.00"),
        "{unpaid}"
    );
    assert!(unpaid.contains("KES 1,000.00 owed in all"), "{unpaid}");
    assert!(
        !unpaid.contains("Done"),
        "a paid invoice is not listed: {unpaid}"
    );
    let preorders = section(&page, "preorders-due");
    assert!(
        preorders.contains("Preorder Customer") && preorders.contains("Supplier late"),
        "{preorders}"
    );
    // A receptionist sees no branch figures.
    assert!(!page.contains("id=\"takings\""), "{page}");
}

/// A payment of `amount` on `invoice` at `at` (UTC).
async fn paid(app: &TestApp, invoice: i64, amount: &str, at: &str) {
    app.exec(&format!(
        "INSERT INTO payments (invoice_id, branch_id, method, amount, at) \
         VALUES ({invoice}, {}, 'cash', {amount}, '{at}')",
        app.branch_id
    ))
    .await;
}

#[tokio::test]
async fn managers_see_today_s_takings_against_the_same_weekday_last_week() {
    let app = nairobi_monday_morning().await;
    let b = app.branch_id;
    let sale = app
        .with_db(move |c| issued_sale(c, b, None, &["100000.00"]))
        .await;
    paid(&app, sale, "1500.00", "2026-12-07T05:00Z").await; // today 08:00
    paid(&app, sale, "700.00", "2026-12-06T20:00Z").await; // yesterday 23:00: not today
    paid(&app, sale, "1000.00", "2026-11-30T06:00Z").await; // last Monday 09:00
    paid(&app, sale, "600.00", "2026-11-30T12:00Z").await; // last Monday 15:00: later in the day
    paid(&app, sale, "999.00", "2026-11-29T12:00Z").await; // last Sunday: neither
    app.login_as(Role::Manager).await;

    let page = app.get_html("/").await;
    let takings = section(&page, "takings");
    assert!(takings.contains("KES 1,500.00"), "today: {takings}");
    assert!(
        takings.contains("KES 1,000.00 by this time last week"),
        "{takings}"
    );
    assert!(takings.contains("+50%"), "{takings}");
    assert!(takings.contains("KES 1,600.00 that whole day"), "{takings}");
    assert!(page.contains("id=\"jobs-by-status\""), "{page}");
    assert!(page.contains("id=\"time-waiting\""), "{page}");
}

#[tokio::test]
async fn managers_see_jobs_by_status_low_stock_and_time_waiting_for_approval() {
    let app = nairobi_monday_morning().await;
    let (b, customer) = (
        app.branch_id,
        app.create_customer("C", "0722 000 009", "").await,
    );
    let ticket = app
        .with_db(move |c| {
            ticket_at(c, b, customer, TicketStatus::InRepair);
            ticket_at(c, b, customer, TicketStatus::InRepair);
            let pads = stock_item(c, "PAD-1", "Brake pads", "500", "900", 5);
            stock_in(c, b, pads, 2);
            let oil = stock_item(c, "OIL-1", "Engine oil", "500", "900", 5);
            stock_in(c, b, oil, 9);
            ticket_at(c, b, customer, TicketStatus::Diagnosing)
        })
        .await;
    let tech = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    app.exec(&format!(
        "INSERT INTO time_entries (ticket_id, technician_id, started_at, ended_at, hours) \
         VALUES ({ticket}, {}, '2026-12-07T05:00Z', '2026-12-07T06:30Z', 1.5)",
        tech.id
    ))
    .await;
    app.login_as(Role::Manager).await;

    let page = app.get_html("/").await;
    let jobs = section(&page, "jobs-by-status");
    assert!(jobs.contains("<strong>2</strong> In repair"), "{jobs}");
    assert!(jobs.contains("<strong>1</strong> Diagnosing"), "{jobs}");
    let low = section(&page, "low-stock");
    assert!(low.contains("PAD-1") && !low.contains("OIL-1"), "{low}");
    let time = section(&page, "time-waiting");
    assert!(
        time.contains("1.50 h") && time.contains("1 entry"),
        "{time}"
    );
}

#[tokio::test]
async fn a_technician_lands_on_my_jobs_and_the_warehouse_on_low_stock() {
    let app = nairobi_monday_morning().await;
    app.login_as(Role::Technician).await;
    let res = app.get("/").await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/floor".into())
    );

    let warehouse = app.client_with_role("wendy", Role::Warehouse).await;
    let page = app.get_html_with(&warehouse, "/").await;
    assert!(page.contains("id=\"low-stock\""), "{page}");
    for counter_only in ["id=\"arrivals\"", "id=\"unpaid\"", "id=\"takings\""] {
        assert!(!page.contains(counter_only), "{counter_only}: {page}");
    }
}
