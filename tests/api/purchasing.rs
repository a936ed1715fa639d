//! Purchase orders (through their screens and received through the intake screen) and transfers
//! between branches through theirs.

use diesel::{Connection, PgConnection};
use workbay::domain::purchase_order::PoStatus;
use workbay::domain::role::Role;
use workbay::repo::purchase_orders::{self as po, Goods, NewOrder};
use workbay::repo::stock;
use workbay::repo::{By, RepoError};

use crate::common::fixtures::{product_model, receive_unit, stock_in, stock_item};
use crate::common::http::location;
use crate::common::{Reply, TestApp, spawn_app};

/// A vendor, two models and a stock item: (vendor, model, other model, item).
async fn catalogue(app: &TestApp) -> (i64, i64, i64, i64) {
    let url = app.db.app_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let vendor = stock::create_vendor(&mut c, "Refurb Supply Ltd", "", "", &by).unwrap();
        let model = product_model(&mut c, "Laptop", "Lenovo", "T14", 90);
        let other = product_model(&mut c, "Phone", "Samsung", "A52", 90);
        let item = stock_item(&mut c, "CHG-65W", "65W USB-C charger", "4.00", "15.00", 2);
        (vendor, model, other, item)
    })
    .await
    .unwrap()
}

fn conflict<T: std::fmt::Debug>(r: Result<T, RepoError>) -> String {
    match r {
        Err(RepoError::Conflict(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn order_id(res: &reqwest::Response) -> i64 {
    let loc = location(res);
    loc.trim_start_matches("/stock/orders/")
        .parse()
        .unwrap_or_else(|_| panic!("not an order page: {loc}"))
}

#[tokio::test]
async fn a_purchase_order_is_placed_and_received_in_two_parts_through_the_intake_screen() {
    let app = spawn_app().await;
    let (vendor, model, other, item) = catalogue(&app).await;
    app.login_as(Role::Warehouse).await;

    let id = order_is_drafted_and_placed(&app, vendor, model, item).await;
    first_delivery_brings_two_laptops_and_four_chargers(&app, id, vendor, model, other, item).await;
    second_delivery_brings_the_rest_and_no_more(&app, id, vendor, model, item).await;

    // draft, ordered, partially received, received: one event per change.
    let events =
        format!("SELECT count(*) FROM purchase_order_events WHERE purchase_order_id = {id}");
    assert_eq!(app.count(&events).await, 4);
    let html = app.get_html(&format!("/stock/orders/{id}")).await;
    assert!(
        html.contains("Partially received → <strong>Received</strong>")
            && html.contains("Nothing left to do"),
        "{html}"
    );
    // A received order takes no more deliveries.
    app.send(
        "/stock/intake/attach",
        &[("purchase_order_id", &id.to_string())],
    )
    .await
    .is(422)
    .says(&format!(
        "PO-{id} is received; nothing can be received against it."
    ));
}

/// A draft for three laptops and ten chargers, refused while it is bad, placed when it is not.
async fn order_is_drafted_and_placed(app: &TestApp, vendor: i64, model: i64, item: i64) -> i64 {
    // A bad date keeps what was typed.
    let v = vendor.to_string();
    let order = [("vendor_id", v.as_str()), ("vendor_reference", "Q-7781")];
    let bad = [order.as_slice(), &[("expected_on", "next tuesday")]].concat();
    app.send("/stock/orders/new", &bad)
        .await
        .is(422)
        .says("Enter the date as YYYY-MM-DD.")
        .says("value=\"Q-7781\"");
    let good = [order.as_slice(), &[("expected_on", "2026-12-01")]].concat();
    let res = app.post_form("/stock/orders/new", &good).await;
    assert_eq!(res.status().as_u16(), 303);
    let id = order_id(&res);
    let page = format!("/stock/orders/{id}");
    let (m, i) = (format!("m{model}"), format!("i{item}"));

    // An empty draft cannot be placed.
    let place = format!("{page}/place");
    app.send(&place, &[])
        .await
        .is(409)
        .says("Add at least one line");

    // Bad lines are refused with the typed values kept.
    order_line(app, id, &m, "-3", "250.00")
        .await
        .is(422)
        .says("Enter how many to order (1 or more).")
        .says("value=\"250.00\"");
    order_line(app, id, &i, "10", "-1").await.is(422);

    order_line(app, id, &m, "2", "250.00").await.is(303);
    // The same model again raises the quantity.
    order_line(app, id, &m, "1", "250.00").await.is(303);
    order_line(app, id, &i, "10", "4.00").await.is(303);
    let html = app.get_html(&page).await;
    assert!(html.contains("790.00"), "3 × 250 + 10 × 4 = 790: {html}");
    let lines = format!("SELECT count(*) FROM purchase_order_lines WHERE purchase_order_id = {id}");
    assert_eq!(app.count(&lines).await, 2);

    app.submit(&place, &[]).await;
    let html = app.get_html(&page).await;
    assert!(html.contains("is placed with the vendor"));
    // Lines are fixed once placed.
    order_line(app, id, &i, "1", "4.00").await.is(409);
    id
}

/// Adds `quantity` of `goods` (`m<model>` or `i<item>`) at `cost` to order `id`.
async fn order_line(app: &TestApp, id: i64, goods: &str, quantity: &str, cost: &str) -> Reply {
    let fields = [
        ("goods", goods),
        ("quantity", quantity),
        ("unit_cost", cost),
    ];
    app.send(&format!("/stock/orders/{id}/line"), &fields).await
}

/// Scans `serial` of `model` into the open delivery.
async fn scan(app: &TestApp, model: i64, cost: &str, serial: &str) -> Reply {
    let model = model.to_string();
    let fields = [
        ("product_model_id", model.as_str()),
        ("unit_cost", cost),
        ("serial", serial),
    ];
    app.send("/stock/intake/scan", &fields).await
}

/// Counts `quantity` of `item` into the open delivery.
async fn count_in(app: &TestApp, item: i64, quantity: &str) -> Reply {
    let item = item.to_string();
    let fields = [
        ("stock_item_id", item.as_str()),
        ("quantity", quantity),
        ("bulk_cost", "4.00"),
    ];
    app.send("/stock/intake/bulk", &fields).await
}

async fn first_delivery_brings_two_laptops_and_four_chargers(
    app: &TestApp,
    id: i64,
    vendor: i64,
    model: i64,
    other: i64,
    item: i64,
) {
    app.submit(
        "/stock/intake/attach",
        &[("purchase_order_id", &id.to_string())],
    )
    .await;
    let intake = app.get_html("/stock/intake").await;
    assert!(
        intake.contains(&format!("PO-{id} · Refurb Supply Ltd: still awaited")),
        "{intake}"
    );
    for serial in ["PF-0001", "PF-0002"] {
        scan(app, model, "250.00", serial).await.is(303);
    }
    scan(app, other, "90.00", "SM-1")
        .await
        .is(422)
        .says(&format!("That is not on PO-{id}."));
    count_in(app, item, "4").await;
    app.submit("/stock/intake/commit", &[]).await;

    let status = format!(
        "SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'partially_received'"
    );
    assert_eq!(app.count(&status).await, 1);
    let received =
        format!("SELECT sum(received) FROM purchase_order_lines WHERE purchase_order_id = {id}");
    assert_eq!(app.count(&received).await, 6);
    let units = format!("SELECT count(*) FROM assets WHERE vendor_id = {vendor}");
    assert_eq!(app.count(&units).await, 2, "units carry the order's vendor");

    // Part of it has arrived: it can no longer be cancelled.
    app.send(
        &format!("/stock/orders/{id}/cancel"),
        &[("note", "changed our mind")],
    )
    .await
    .is(409)
    .says("can no longer be cancelled");
}

/// One laptop is awaited, so a second is refused; seven chargers are too many, six are right.
async fn second_delivery_brings_the_rest_and_no_more(
    app: &TestApp,
    id: i64,
    vendor: i64,
    model: i64,
    item: i64,
) {
    app.post_form(
        "/stock/intake/attach",
        &[("purchase_order_id", &id.to_string())],
    )
    .await;
    scan(app, model, "250.00", "PF-0003").await.is(303);
    scan(app, model, "250.00", "PF-0004")
        .await
        .is(422)
        .says("awaits 1 more of Lenovo T14 and 1 are in this delivery already");
    count_in(app, item, "7").await.is(422);
    count_in(app, item, "6").await;
    app.submit("/stock/intake/commit", &[]).await;

    let status =
        format!("SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'received'");
    assert_eq!(app.count(&status).await, 1);
    let full = format!(
        "SELECT count(*) FROM purchase_order_lines WHERE purchase_order_id = {id} AND received = quantity"
    );
    assert_eq!(app.count(&full).await, 2);
    let units = format!("SELECT count(*) FROM assets WHERE vendor_id = {vendor}");
    assert_eq!(app.count(&units).await, 3);
    let on_hand = format!("SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}");
    assert_eq!(app.count(&on_hand).await, 10);
}

/// The purchase-order calls of one branch, with the notes and the acting user left at their
/// defaults, so a test reads as the steps of the state table.
struct Orders {
    c: PgConnection,
    branch: i64,
    vendor: i64,
    by: By,
}

impl Orders {
    fn open(url: &str, branch: i64, vendor: i64) -> Orders {
        let c = PgConnection::establish(url).unwrap();
        let by = By::default();
        Orders {
            c,
            branch,
            vendor,
            by,
        }
    }

    fn draft(&mut self) -> i64 {
        let order = NewOrder {
            vendor_id: self.vendor,
            ..Default::default()
        };
        po::create(&mut self.c, self.branch, &order, &self.by).unwrap()
    }

    fn line(&mut self, id: i64, goods: Goods, quantity: i32, cost: &str) -> Result<(), RepoError> {
        po::add_line(
            &mut self.c,
            self.branch,
            id,
            goods,
            quantity,
            &cost.parse().unwrap(),
        )
    }

    fn set(&mut self, id: i64, to: PoStatus) -> Result<(), RepoError> {
        po::change_status(&mut self.c, self.branch, id, to, "", &self.by)
    }

    /// Receives `goods` against `id` in a transaction of its own, as the intake commit does.
    fn receive(&mut self, id: i64, goods: &[(Goods, i32)]) -> Result<PoStatus, RepoError> {
        let (branch, by) = (self.branch, self.by.clone());
        self.c
            .transaction(|c| po::receive(c, branch, id, goods, "", &by))
    }
}

#[tokio::test]
async fn purchase_orders_follow_their_state_table_with_an_event_for_every_change() {
    let app = spawn_app().await;
    let (vendor, model, _, item) = catalogue(&app).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut o = Orders::open(&url, branch, vendor);

        // draft → cancelled
        let a = o.draft();
        po::change_status(&mut o.c, branch, a, PoStatus::Cancelled, "duplicate", &o.by).unwrap();
        assert!(conflict(o.set(a, PoStatus::Ordered)).contains("cannot become ordered"));
        // ordered → cancelled; nobody sets received by hand
        let b = o.draft();
        o.line(b, Goods::Item(item), 5, "1.00").unwrap();
        o.set(b, PoStatus::Ordered).unwrap();
        assert!(conflict(o.set(b, PoStatus::Received)).contains("only by receiving"));
        assert!(conflict(po::remove_line(&mut o.c, branch, b, 0)).contains("only on a draft"));
        o.set(b, PoStatus::Cancelled).unwrap();
        // nothing is received against a cancelled order
        assert!(conflict(o.receive(b, &[(Goods::Item(item), 1)])).contains("is cancelled"));
        // ordered → received in one delivery; bad goods and over-delivery refused
        let d = o.draft();
        o.line(d, Goods::Model(model), 2, "100.00").unwrap();
        let unknown = o.line(d, Goods::Model(999_999), 1, "1.00");
        assert!(matches!(unknown, Err(RepoError::Validation(e)) if e.get("goods").is_some()));
        o.set(d, PoStatus::Ordered).unwrap();
        let over = o.receive(d, &[(Goods::Model(model), 3)]);
        assert!(conflict(over).contains("ordered 2, 0 already received, this delivery has 3"));
        let stray = o.receive(d, &[(Goods::Item(item), 1)]);
        assert!(conflict(stray).contains("not on PO-"));
        let done = o.receive(d, &[(Goods::Model(model), 2)]).unwrap();
        assert_eq!(done, PoStatus::Received);
        assert!(conflict(o.set(d, PoStatus::Cancelled)).contains("cannot become cancelled"));
        // Another branch cannot touch it.
        let elsewhere =
            po::change_status(&mut o.c, branch + 1000, d, PoStatus::Cancelled, "", &o.by);
        assert!(matches!(elsewhere, Err(RepoError::NotFound)));
    })
    .await
    .unwrap();
    // a: created, cancelled. b: created, ordered, cancelled. d: created, ordered, received.
    assert_eq!(
        app.count("SELECT count(*) FROM purchase_order_events")
            .await,
        8
    );
    let partial =
        "SELECT count(*) FROM purchase_order_events WHERE to_status = 'partially_received'";
    assert_eq!(app.count(partial).await, 0);
}

#[tokio::test]
async fn two_deliveries_committed_at_once_never_receive_more_than_was_ordered() {
    let app = spawn_app().await;
    let (vendor, model, _, _) = catalogue(&app).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let id = tokio::task::spawn_blocking(move || {
        let mut o = Orders::open(&url, branch, vendor);
        let id = o.draft();
        o.line(id, Goods::Model(model), 5, "100.00").unwrap();
        o.set(id, PoStatus::Ordered).unwrap();
        id
    })
    .await
    .unwrap();
    // Two warehouse clerks each scan three units against the same order of five.
    let mut clients = Vec::new();
    for n in 0..2 {
        let client = app
            .client_with_role(&format!("clerk{n}"), Role::Warehouse)
            .await;
        let attach = [("purchase_order_id", id.to_string())];
        let attach: Vec<(&str, &str)> = attach.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form_with(&client, "/stock/intake/attach", &attach)
            .await;
        for k in 0..3 {
            let (model, serial) = (model.to_string(), format!("C{n}-{k}"));
            let scan = [
                ("product_model_id", model.as_str()),
                ("unit_cost", "100"),
                ("serial", &serial),
            ];
            app.send_with(&client, "/stock/intake/scan", &scan)
                .await
                .is(303);
        }
        let token = app.csrf_token_with(&client, "/stock/intake").await;
        clients.push((client, token));
    }
    let commits = clients.iter().map(|(client, token)| {
        client
            .post(format!("{}/stock/intake/commit", app.address))
            .form(&[("csrf_token", token.as_str())])
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(commits)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![303, 409],
        "one commit wins, the other is refused: {statuses:?}"
    );
    let received =
        format!("SELECT received::bigint FROM purchase_order_lines WHERE purchase_order_id = {id}");
    assert_eq!(app.count(&received).await, 3);
    let units = app.count("SELECT count(*) FROM assets").await;
    assert_eq!(units, 3, "the refused delivery created nothing");
    let status = format!(
        "SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'partially_received'"
    );
    assert_eq!(app.count(&status).await, 1);
}

#[tokio::test]
async fn stock_is_sent_and_received_through_the_transfer_screens() {
    let app = spawn_app().await;
    let (_, model, _, item) = catalogue(&app).await;
    let from = app.branch_id;
    let to = app.create_branch("Westlands", "WL-").await;
    let tag = app
        .with_db(move |c| {
            let unit = receive_unit(c, from, model, "SN-TRANSFER-1", "100.00", "100.00");
            stock_in(c, from, item, 8);
            unit.asset_tag
        })
        .await;
    app.login_as(Role::Warehouse).await;
    let (to_s, item_s) = (to.to_string(), item.to_string());
    let send = [("to_branch_id", to_s.as_str()), ("item", &item_s)];
    let with = |more: &[(&'static str, &'static str)]| [send.as_slice(), more].concat();

    // An unknown serial is named, and everything typed comes back.
    let typed = with(&[
        ("units", "sn-transfer-1\nNOPE-42"),
        ("qty", "3"),
        ("note", "van 2"),
    ]);
    app.send("/stock/transfers/new", &typed)
        .await
        .is(422)
        .says("No unit at this branch has the serial or tag: NOPE-42.")
        .says("sn-transfer-1\nNOPE-42")
        .says("value=\"van 2\"");
    // More than on hand is refused, nothing leaves.
    let reply = app
        .send(
            "/stock/transfers/new",
            &with(&[("units", ""), ("qty", "9")]),
        )
        .await;
    assert!((400..500).contains(&reply.status), "{}", reply.status);
    assert_eq!(app.count("SELECT count(*) FROM transfers").await, 0);

    let unit = tag.to_lowercase();
    let good = [
        send.as_slice(),
        &[("units", &unit), ("qty", "3"), ("note", "van 2")],
    ]
    .concat();
    let page = app.submit("/stock/transfers/new", &good).await;
    let html = app.get_html(&page).await;
    assert!(
        html.contains("In transit")
            && html.contains("Waiting for Westlands")
            && !html.contains("Receive into"),
        "{html}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'in_transit'")
            .await,
        1
    );
    let on_hand = |b: i64| {
        format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE branch_id = {b} AND stock_item_id = {item}"
        )
    };
    assert_eq!(app.count(&on_hand(from)).await, 5);

    the_destination_receives_it_once(&app, &page, to, item).await;
}

/// The destination's clerk sees the transfer at `page` coming and receives it, once.
async fn the_destination_receives_it_once(app: &TestApp, page: &str, to: i64, item: i64) {
    let on_hand = format!(
        "SELECT on_hand::bigint FROM stock_levels WHERE branch_id = {to} AND stock_item_id = {item}"
    );
    let there = app
        .create_user_in("wl_store", "Westlands Store", Role::Warehouse, to)
        .await;
    let client = app.client_as(&there).await;
    let list = app.get_html_with(&client, "/stock/transfers").await;
    assert!(
        list.contains("On the way here") && list.contains("van 2"),
        "{list}"
    );
    let receive = format!("{page}/receive");
    app.send_with(&client, &receive, &[]).await.is(303);
    let arrived =
        format!("SELECT count(*) FROM assets WHERE status = 'received' AND branch_id = {to}");
    assert_eq!(app.count(&arrived).await, 1);
    assert_eq!(app.count(&on_hand).await, 3);
    // Twice is refused with a message.
    app.post_form_with(&client, &receive, &[]).await;
    let html = app.get_html_with(&client, page).await;
    assert!(
        html.contains("This transfer was received already."),
        "{html}"
    );
    let ledger = format!("SELECT count(*) FROM stock_ledger WHERE branch_id = {to}");
    assert_eq!(app.count(&ledger).await, 1);
}

#[tokio::test]
async fn only_warehouse_managers_and_admins_buy_and_move_stock() {
    let app = spawn_app().await;
    app.login_as(Role::Technician).await;
    for path in [
        "/stock/orders",
        "/stock/orders/new",
        "/stock/transfers",
        "/stock/transfers/new",
    ] {
        assert_eq!(app.get(path).await.status().as_u16(), 403, "{path}");
    }
    let html = app.get_html("/stock").await;
    assert!(
        !html.contains("/stock/orders") && html.contains("/stock/intake"),
        "the technician's stock menu has no purchasing"
    );
}
