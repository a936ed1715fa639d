//! "Parts received for my ticket": a job waits for a part (recorded at the counter or on the
//! tablet); when a delivery or a transfer brings enough of it to the branch, the wait is met in
//! that transaction, written on the ticket, and its technician and whoever recorded it are told.

use workbay::domain::role::Role;
use workbay::domain::ticket::TicketStatus;
use workbay::repo::{By, tickets, transfers};

use crate::common::fixtures::{stock_in, stock_item, ticket_at};
use crate::common::http::TestApp;
use crate::common::spawn_app;

async fn notes_of(app: &TestApp, user: i64) -> String {
    app.text(&format!(
        "SELECT coalesce(string_agg(text || ' -> ' || link, ' | ' ORDER BY id), '') FROM notifications \
         WHERE user_id = {user} AND kind = 'parts_received'"
    ))
    .await
}

#[tokio::test]
async fn a_delivery_that_brings_the_awaited_part_tells_the_technician_and_the_counter() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let tech = app.create_user("tess", "Tess Tech", Role::Technician).await;
    let counter = app.login_as(Role::Receptionist).await;
    let customer = app.create_customer("Wanjiru", "0722000111", "").await;
    let tech_id = tech.id;
    let (ticket, filter) = app
        .with_db(move |c| {
            let t = ticket_at(c, branch, customer, TicketStatus::InRepair);
            tickets::assign(c, branch, t, Some(tech_id), &By::default()).unwrap();
            stock_item(c, "FLT-OIL-9", "Oil filter", "4.00", "9.00", 0);
            stock_item(c, "FLT-AIR-2", "Air filter", "5.00", "11.00", 0);
            (
                t,
                stock_item(c, "PAD-FR-1", "Front brake pads", "20.00", "45.00", 0),
            )
        })
        .await;
    let number = app
        .count(&format!(
            "SELECT number::int8 FROM tickets WHERE id = {ticket}"
        ))
        .await;
    let waits = format!("/tickets/{ticket}/waits");

    // What cannot be read is refused beside the field, what was typed kept.
    app.send(
        &waits,
        &[("wait_code", "spark plug"), ("wait_quantity", "2")],
    )
    .await
    .is(422)
    .says("No stock item has the SKU or name “spark plug”.")
    .says("value=\"spark plug\"");
    app.send(&waits, &[("wait_code", "filter")])
        .await
        .is(422)
        .says("Several items match “filter”: Air filter (FLT-AIR-2), Oil filter (FLT-OIL-9); type the SKU.");
    app.send(&waits, &[("wait_code", "pad-fr-1"), ("wait_quantity", "0")])
        .await
        .is(422)
        .says("Enter how many (1 or more).");
    // A part named by a piece of its name, when only one matches.
    let done = app
        .submit(
            &waits,
            &[("wait_code", "brake pad"), ("wait_quantity", "2")],
        )
        .await;
    let page = app.get_html(&done).await;
    assert!(
        page.contains("Waiting for Front brake pads ×2: you will be told when it arrives."),
        "{page}"
    );
    assert!(page.contains("waiting since"), "{page}");

    // The warehouse receives one set: not enough, nobody is told.
    let store = app.create_user("wes", "Wes Store", Role::Warehouse).await;
    let warehouse = app.client_as(&store).await;
    let item = filter.to_string();
    let receive = |n: &'static str| {
        let (app, warehouse, item) = (&app, &warehouse, item.clone());
        async move {
            let bulk = [
                ("stock_item_id", item.as_str()),
                ("quantity", n),
                ("bulk_cost", "20.00"),
            ];
            app.send_with(warehouse, "/stock/intake/bulk", &bulk)
                .await
                .is(303);
            app.send_with(warehouse, "/stock/intake/commit", &[])
                .await
                .is(303);
        }
    };
    receive("1").await;
    assert_eq!(notes_of(&app, tech.id).await, "");
    // The next delivery brings three: the wait is met, once.
    receive("3").await;
    let told = format!("Parts received for #{number}: Front brake pads ×2");
    assert_eq!(
        notes_of(&app, tech.id).await,
        format!("{told} -> /floor/{ticket}")
    );
    assert_eq!(
        notes_of(&app, counter.id).await,
        format!("{told} -> /tickets/{ticket}")
    );
    assert_eq!(
        notes_of(&app, store.id).await,
        "",
        "the person receiving is not told"
    );
    let page = app.get_html(&format!("/tickets/{ticket}")).await;
    assert!(page.contains("Arrived"), "{page}");
    let arrived = format!(
        "SELECT count(*) FROM ticket_events WHERE ticket_id = {ticket} AND kind = 'parts' AND note LIKE 'Arrived: Front brake pads ×2 (intake #%'"
    );
    assert_eq!(app.count(&arrived).await, 1);
    receive("5").await;
    assert_eq!(
        app.count("SELECT count(*) FROM notifications WHERE kind = 'parts_received'")
            .await,
        2,
        "a met wait is not told again"
    );

    // A wait recorded on the tablet and met by a transfer from another branch.
    let tablet = app.client_as(&tech).await;
    app.send_with(
        &tablet,
        &format!("/floor/{ticket}/waits"),
        &[("wait_code", "FLT-OIL-9")],
    )
    .await
    .is(303);
    let north = app.create_branch("North", "N").await;
    let oil = app
        .count("SELECT id FROM stock_items WHERE sku = 'FLT-OIL-9'")
        .await;
    app.with_db(move |c| {
        stock_in(c, north, oil, 4);
        let s = transfers::Shipment {
            asset_ids: vec![],
            bulk: vec![(oil, 2)],
        };
        let id = transfers::ship(c, north, branch, &s, "", &By::default()).unwrap();
        transfers::receive(c, branch, id, &By::default()).unwrap();
    })
    .await;
    assert_eq!(
        notes_of(&app, tech.id).await,
        format!(
            "{told} -> /floor/{ticket} | Parts received for #{number}: Oil filter ×1 -> /floor/{ticket}"
        ),
        "the technician recorded it and is told once, not twice"
    );

    // A wait not met can be taken back; a met one cannot.
    app.send_with(
        &tablet,
        &format!("/floor/{ticket}/waits"),
        &[("wait_code", "FLT-AIR-2")],
    )
    .await
    .is(303);
    let open = app
        .count(&format!(
            "SELECT id FROM ticket_part_waits WHERE ticket_id = {ticket} AND arrived_at IS NULL"
        ))
        .await
        .to_string();
    app.submit(
        &format!("/tickets/{ticket}/waits/cancel"),
        &[("wait_id", &open)],
    )
    .await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM ticket_part_waits WHERE ticket_id = {ticket}"
        ))
        .await,
        2
    );
    let met = app
        .count(&format!(
            "SELECT min(id) FROM ticket_part_waits WHERE ticket_id = {ticket}"
        ))
        .await
        .to_string();
    app.send(
        &format!("/tickets/{ticket}/waits/cancel"),
        &[("wait_id", &met)],
    )
    .await
    .is(409)
    .says("That wait has been met or taken back already.");
}
