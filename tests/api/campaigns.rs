//! Service-due campaigns: a manager counts a segment (vehicles due by months, or by the
//! kilometres their visits' mileage says they have run since), sees who can be reached, sends
//! it as marketing: only customers who agreed receive it (by email or SMS), with the unsubscribe
//! link; a vehicle reminded is left out of the next count; the campaign's results count what
//! was delivered and the bookings that followed within 30 days. Bad figures and an empty news
//! message come back as typed.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;

use crate::bookings::{book, shop};
use crate::common::fixtures::ticket_at;
use crate::common::sms::SmsGateway;
use crate::common::smtp::{SmtpServer, header, part};
use crate::common::{TestApp, spawn_app_with};

/// A vehicle of `customer` with a closed service `months_ago` at `km` (and, when given, an
/// earlier one at `first`: (months ago, km)).
async fn serviced(
    app: &TestApp,
    customer: i64,
    plate: &str,
    (months_ago, km): (i32, i32),
    first: Option<(i32, i32)>,
) -> i64 {
    app.exec(&format!(
        "INSERT INTO vehicles (customer_id, plate, make, model) VALUES ({customer}, '{plate}', 'Toyota', 'Probox')"
    ))
    .await;
    let vehicle = app
        .count(&format!("SELECT id FROM vehicles WHERE plate = '{plate}'"))
        .await;
    for (ago, km) in std::iter::once((months_ago, km)).chain(first) {
        let branch = app.branch_id;
        let t = app
            .with_db(move |c| ticket_at(c, branch, customer, TicketStatus::Closed))
            .await;
        app.exec(&format!(
            "UPDATE tickets SET vehicle_id = {vehicle}, mileage = {km}, created_at = now() - interval '{ago} months' WHERE id = {t}"
        ))
        .await;
    }
    vehicle
}

/// The first service-due email to arrive (the seeded tickets' "ready" messages arrive too).
async fn due_mail(smtp: &SmtpServer) -> String {
    for _ in 0..300 {
        let found = smtp
            .messages()
            .into_iter()
            .find(|m| header(m, "Subject").is_some_and(|s| s.contains("due for a service")));
        if let Some(m) = found {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no service-due email arrived");
}

#[tokio::test]
async fn a_service_due_campaign_reaches_only_those_who_agreed_and_counts_the_bookings_that_followed()
 {
    let smtp = SmtpServer::start();
    let gateway = SmsGateway::start().await;
    let mut sender = smtp.sender();
    sender.sms = Some(gateway.settings());
    let app = spawn_app_with(move |s| s.sender = Some(sender)).await;
    app.exec("UPDATE branches SET quiet_start = '00:00', quiet_end = '00:00'")
        .await;
    app.login_as(Role::Manager).await;
    let agreed = app
        .create_customer("Amani Agreed", "", "amani@example.com")
        .await;
    let declined = app
        .create_customer("Baraka Declined", "", "baraka@example.com")
        .await;
    let far = app
        .create_customer("Chebet Driver", "0722 333 444", "")
        .await;
    let recent = app
        .create_customer("Dan Recent", "", "dan@example.com")
        .await;
    app.exec(&format!(
        "UPDATE customers SET marketing_consent = true WHERE id IN ({agreed}, {far}, {recent})"
    ))
    .await;
    // due by months: serviced 8 months ago
    serviced(&app, agreed, "KAA 001A", (8, 40_000), None).await;
    serviced(&app, declined, "KBB 002B", (8, 50_000), None).await;
    // due by kilometres: 20,000 km in the 10 months between its visits, 2 months ago
    serviced(&app, far, "KCC 003C", (2, 30_000), Some((12, 10_000))).await;
    // not due: serviced a month ago, little driven
    serviced(&app, recent, "KDD 004D", (1, 20_000), Some((13, 19_000))).await;

    // bad figures come back as typed
    let bad = app
        .fetch("/campaigns/new?segment=service_due&months=lots&km=3000")
        .await;
    bad.is(422)
        .says("Give a whole number of months from 1 to 60.");
    assert!(bad.body.contains("value=\"lots\""));

    let page = app
        .get_html("/campaigns/new?segment=service_due&months=6&km=3000")
        .await;
    assert!(page.contains("3 customers in the group"), "{page}");
    assert!(page.contains("<strong>2</strong> can receive it"));
    assert!(page.contains("Baraka Declined") && page.contains("not agreed"));
    assert!(!page.contains("Dan Recent"), "not due yet");
    assert!(
        page.contains("about 4,") || page.contains("about 3,"),
        "km since, worked out from the visits: {page}"
    );

    let next = app
        .submit(
            "/campaigns",
            &[
                ("segment", "service_due"),
                ("months", "6"),
                ("km", "3000"),
                ("subject", ""),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(next, "/campaigns");
    assert!(
        app.get_html(&next)
            .await
            .contains("The campaign is on its way: 2 messages.")
    );

    let mail = due_mail(&smtp).await;
    assert_eq!(header(&mail, "X-Envelope-To"), Some("amani@example.com"));
    let text = part(&mail, "text/plain");
    assert!(
        text.contains("Your Toyota Probox KAA 001A is due for its service."),
        "{text}"
    );
    assert!(crate::common::smtp::unfolded(&mail, "List-Unsubscribe").is_some());
    let due_sms = || {
        gateway
            .received()
            .into_iter()
            .filter(|r| r.fields["message"].contains("due for a service"))
            .collect::<Vec<_>>()
    };
    for _ in 0..200 {
        if !due_sms().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sms = &due_sms()[0];
    assert!(sms.fields["message"].contains("KCC 003C is due for a service"));
    assert!(
        sms.fields["message"].contains("/unsubscribe/"),
        "{:?}",
        sms.fields
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let due: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter(|m| header(m, "Subject").is_some_and(|s| s.contains("due for a service")))
        .collect();
    assert_eq!(due.len(), 1, "nothing to the customer who did not agree");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM message_outbox WHERE customer_id = {declined} AND campaign_id IS NOT NULL"
        ))
        .await,
        0
    );

    // reminded vehicles are left out of the next count
    let again = app
        .get_html("/campaigns/new?segment=service_due&months=6&km=3000")
        .await;
    assert!(again.contains("1 customer in the group"), "{again}");
    assert!(
        !again.contains("id=\"send-campaign\""),
        "no one left to send to"
    );

    // a booking that follows is counted
    let s = shop(&app).await;
    let booking = book(&app, &s, "09:00", "10:00").await;
    app.exec(&format!(
        "UPDATE bookings SET customer_id = {agreed} WHERE id = {booking}"
    ))
    .await;
    let list = app.get_html("/campaigns").await;
    let campaign = app.count("SELECT max(id) FROM campaigns").await;
    assert!(
        list.contains(&format!("id=\"campaign-{campaign}-sent\">2<")),
        "{list}"
    );
    assert!(list.contains(&format!("id=\"campaign-{campaign}-booked\">1<")));
    assert!(list.contains("Vehicles due for a service (6 months or 3,000 km)"));
    let messages = app
        .get_html(&format!("/messages?campaign={campaign}"))
        .await;
    assert!(messages.contains("amani@example.com") && messages.contains("Service due"));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'campaign.send'")
            .await,
        1
    );
}

#[tokio::test]
async fn news_to_the_best_customers_needs_its_words_and_the_counter_cannot_send_it() {
    let app = spawn_app_with(|_| {}).await;
    app.login_as(Role::Manager).await;
    let reply = app
        .send(
            "/campaigns",
            &[
                ("segment", "top"),
                ("months", ""),
                ("km", ""),
                ("subject", "Thank you"),
                ("message", ""),
            ],
        )
        .await;
    reply.is(422).says("Write the message.");
    assert!(reply.body.contains("value=\"Thank you\""));
    let counter = app.client_with_role("desk1", Role::Receptionist).await;
    let res = app.get_with(&counter, "/campaigns").await;
    assert_eq!(res.status().as_u16(), 403);
}
