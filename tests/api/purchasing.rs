//! Purchase orders (through their screens and received through the intake screen) and transfers
//! between branches through theirs.

use diesel::{Connection, PgConnection};
use workbay::domain::purchase_order::PoStatus;
use workbay::domain::role::Role;
use workbay::repo::purchase_orders::{self as po, Goods, NewOrder};
use workbay::repo::stock::{self, Posting};
use workbay::repo::{By, RepoError};

use crate::common::fixtures::product_model;
use crate::common::http::location;
use crate::common::{TestApp, spawn_app};

/// A vendor, two models and a stock item: (vendor, model, other model, item).
async fn catalogue(app: &TestApp) -> (i64, i64, i64, i64) {
    let url = app.db.app_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let vendor = stock::create_vendor(&mut c, "Refurb Supply Ltd", "", "", &by).unwrap();
        let model = product_model(&mut c, "Laptop", "Lenovo", "T14", 90);
        let other = product_model(&mut c, "Phone", "Samsung", "A52", 90);
        let item = stock::create_stock_item(
            &mut c,
            "CHG-65W",
            "65W USB-C charger",
            "4.00".parse().unwrap(),
            "15.00".parse().unwrap(),
            2,
            &by,
        )
        .unwrap()
        .id;
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

    // A bad date keeps what was typed.
    let vendor_s = vendor.to_string();
    let res = app
        .post_form(
            "/stock/orders/new",
            &[
                ("vendor_id", &vendor_s),
                ("vendor_reference", "Q-7781"),
                ("expected_on", "next tuesday"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter the date as YYYY-MM-DD.") && body.contains("value=\"Q-7781\""));

    let res = app
        .post_form(
            "/stock/orders/new",
            &[
                ("vendor_id", &vendor_s),
                ("vendor_reference", "Q-7781"),
                ("expected_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let id = order_id(&res);
    let page = format!("/stock/orders/{id}");

    // An empty draft cannot be placed.
    let res = app.post_form(&format!("{page}/place"), &[]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("Add at least one line"));

    // Bad lines are refused with the typed values kept.
    let res = app
        .post_form(
            &format!("{page}/line"),
            &[
                ("goods", &format!("m{model}")),
                ("quantity", "-3"),
                ("unit_cost", "250.00"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Enter how many to order (1 or more).") && body.contains("value=\"250.00\"")
    );
    let res = app
        .post_form(
            &format!("{page}/line"),
            &[
                ("goods", &format!("i{item}")),
                ("quantity", "10"),
                ("unit_cost", "-1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);

    for (goods, qty, cost) in [
        (format!("m{model}"), "2", "250.00"),
        (format!("m{model}"), "1", "250.00"), // the same model again raises the quantity
        (format!("i{item}"), "10", "4.00"),
    ] {
        let res = app
            .post_form(
                &format!("{page}/line"),
                &[("goods", &goods), ("quantity", qty), ("unit_cost", cost)],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    let html = app.get_html(&page).await;
    assert!(html.contains("790.00"), "3 × 250 + 10 × 4 = 790: {html}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM purchase_order_lines WHERE purchase_order_id = {id}"
        ))
        .await,
        2
    );

    assert_eq!(
        app.post_form(&format!("{page}/place"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert!(
        app.get_html(&page)
            .await
            .contains("is placed with the vendor")
    );
    // Lines are fixed once placed.
    let res = app
        .post_form(
            &format!("{page}/line"),
            &[
                ("goods", &format!("i{item}")),
                ("quantity", "1"),
                ("unit_cost", "4.00"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);

    // First delivery: two of the three laptops and four chargers.
    let id_s = id.to_string();
    assert_eq!(
        app.post_form("/stock/intake/attach", &[("purchase_order_id", &id_s)])
            .await
            .status()
            .as_u16(),
        303
    );
    let intake = app.get_html("/stock/intake").await;
    assert!(
        intake.contains(&format!("PO-{id} · Refurb Supply Ltd: still awaited")),
        "{intake}"
    );
    let model_s = model.to_string();
    for serial in ["PF-0001", "PF-0002"] {
        let res = app
            .post_form(
                "/stock/intake/scan",
                &[
                    ("product_model_id", &model_s),
                    ("unit_cost", "250.00"),
                    ("serial", serial),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    let res = app
        .post_form(
            "/stock/intake/scan",
            &[
                ("product_model_id", &other.to_string()),
                ("unit_cost", "90.00"),
                ("serial", "SM-1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains(&format!("That is not on PO-{id}."))
    );
    let item_s = item.to_string();
    app.post_form(
        "/stock/intake/bulk",
        &[
            ("stock_item_id", &item_s),
            ("quantity", "4"),
            ("bulk_cost", "4.00"),
        ],
    )
    .await;
    assert_eq!(
        app.post_form("/stock/intake/commit", &[])
            .await
            .status()
            .as_u16(),
        303
    );

    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'partially_received'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT sum(received) FROM purchase_order_lines WHERE purchase_order_id = {id}"
        ))
        .await,
        6
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE vendor_id = {vendor}"
        ))
        .await,
        2,
        "units carry the order's vendor"
    );

    // Part of it has arrived: it can no longer be cancelled.
    let res = app
        .post_form(&format!("{page}/cancel"), &[("note", "changed our mind")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("can no longer be cancelled")
    );

    // Second delivery: one laptop is awaited, so a second is refused; seven chargers are too many.
    app.post_form("/stock/intake/attach", &[("purchase_order_id", &id_s)])
        .await;
    let ok = app
        .post_form(
            "/stock/intake/scan",
            &[
                ("product_model_id", &model_s),
                ("unit_cost", "250.00"),
                ("serial", "PF-0003"),
            ],
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    let res = app
        .post_form(
            "/stock/intake/scan",
            &[
                ("product_model_id", &model_s),
                ("unit_cost", "250.00"),
                ("serial", "PF-0004"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("awaits 1 more of Lenovo T14 and 1 are in this delivery already")
    );
    let res = app
        .post_form(
            "/stock/intake/bulk",
            &[
                ("stock_item_id", &item_s),
                ("quantity", "7"),
                ("bulk_cost", "4.00"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    app.post_form(
        "/stock/intake/bulk",
        &[
            ("stock_item_id", &item_s),
            ("quantity", "6"),
            ("bulk_cost", "4.00"),
        ],
    )
    .await;
    assert_eq!(
        app.post_form("/stock/intake/commit", &[])
            .await
            .status()
            .as_u16(),
        303
    );

    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'received'"
        ))
        .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT count(*) FROM purchase_order_lines WHERE purchase_order_id = {id} AND received = quantity")).await, 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE vendor_id = {vendor}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.count(&format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}"
        ))
        .await,
        10
    );
    // draft, ordered, partially received, received: one event per change.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM purchase_order_events WHERE purchase_order_id = {id}"
        ))
        .await,
        4
    );
    let html = app.get_html(&page).await;
    assert!(
        html.contains("partially received → <strong>received</strong>")
            && html.contains("Nothing left to do"),
        "{html}"
    );
    // A received order takes no more deliveries.
    let res = app
        .post_form("/stock/intake/attach", &[("purchase_order_id", &id_s)])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains(&format!(
        "PO-{id} is received; nothing can be received against it."
    )));
}

#[tokio::test]
async fn purchase_orders_follow_their_state_table_with_an_event_for_every_change() {
    let app = spawn_app().await;
    let (vendor, model, _, item) = catalogue(&app).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let order = NewOrder {
            vendor_id: vendor,
            ..Default::default()
        };

        // draft → cancelled
        let a = po::create(&mut c, branch, &order, &by).unwrap();
        po::change_status(&mut c, branch, a, PoStatus::Cancelled, "duplicate", &by).unwrap();
        assert!(
            conflict(po::change_status(
                &mut c,
                branch,
                a,
                PoStatus::Ordered,
                "",
                &by
            ))
            .contains("cannot become ordered")
        );
        // ordered → cancelled; nobody sets received by hand
        let b = po::create(&mut c, branch, &order, &by).unwrap();
        po::add_line(
            &mut c,
            branch,
            b,
            Goods::Item(item),
            5,
            &"1.00".parse().unwrap(),
        )
        .unwrap();
        po::change_status(&mut c, branch, b, PoStatus::Ordered, "", &by).unwrap();
        assert!(
            conflict(po::change_status(
                &mut c,
                branch,
                b,
                PoStatus::Received,
                "",
                &by
            ))
            .contains("only by receiving")
        );
        assert!(conflict(po::remove_line(&mut c, branch, b, 0)).contains("only on a draft"));
        po::change_status(&mut c, branch, b, PoStatus::Cancelled, "", &by).unwrap();
        // nothing is received against a cancelled order
        c.transaction(|c| {
            assert!(
                conflict(po::receive(
                    c,
                    branch,
                    b,
                    &[(Goods::Item(item), 1)],
                    "",
                    &by
                ))
                .contains("is cancelled")
            );
            Ok::<_, RepoError>(())
        })
        .unwrap();
        // ordered → received in one delivery; bad goods and over-delivery refused
        let d = po::create(&mut c, branch, &order, &by).unwrap();
        po::add_line(
            &mut c,
            branch,
            d,
            Goods::Model(model),
            2,
            &"100.00".parse().unwrap(),
        )
        .unwrap();
        let unknown = po::add_line(
            &mut c,
            branch,
            d,
            Goods::Model(999_999),
            1,
            &"1.00".parse().unwrap(),
        );
        assert!(matches!(unknown, Err(RepoError::Validation(e)) if e.get("goods").is_some()));
        po::change_status(&mut c, branch, d, PoStatus::Ordered, "", &by).unwrap();
        let over =
            c.transaction(|c| po::receive(c, branch, d, &[(Goods::Model(model), 3)], "", &by));
        assert!(conflict(over).contains("ordered 2, 0 already received, this delivery has 3"));
        let stray =
            c.transaction(|c| po::receive(c, branch, d, &[(Goods::Item(item), 1)], "", &by));
        assert!(conflict(stray).contains("not on PO-"));
        let done = c
            .transaction(|c| po::receive(c, branch, d, &[(Goods::Model(model), 2)], "", &by))
            .unwrap();
        assert_eq!(done, PoStatus::Received);
        assert!(
            conflict(po::change_status(
                &mut c,
                branch,
                d,
                PoStatus::Cancelled,
                "",
                &by
            ))
            .contains("cannot become cancelled")
        );
        // Another branch cannot touch it.
        let elsewhere = po::change_status(&mut c, branch + 1000, d, PoStatus::Cancelled, "", &by);
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
    assert_eq!(
        app.count(
            "SELECT count(*) FROM purchase_order_events WHERE to_status = 'partially_received'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn two_deliveries_committed_at_once_never_receive_more_than_was_ordered() {
    let app = spawn_app().await;
    let (vendor, model, _, _) = catalogue(&app).await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let id = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let id = po::create(
            &mut c,
            branch,
            &NewOrder {
                vendor_id: vendor,
                ..Default::default()
            },
            &by,
        )
        .unwrap();
        po::add_line(
            &mut c,
            branch,
            id,
            Goods::Model(model),
            5,
            &"100.00".parse().unwrap(),
        )
        .unwrap();
        po::change_status(&mut c, branch, id, PoStatus::Ordered, "", &by).unwrap();
        id
    })
    .await
    .unwrap();
    // Two warehouse clerks each scan three units against the same order of five.
    let mut clients = Vec::new();
    for n in 0..2 {
        let user = app
            .create_user(&format!("clerk{n}"), &format!("Clerk {n}"), Role::Warehouse)
            .await;
        let client = app.new_client();
        assert_eq!(
            app.login_with(&client, &user.username, &user.password)
                .await
                .status()
                .as_u16(),
            303
        );
        app.post_form_with(
            &client,
            "/stock/intake/attach",
            &[("purchase_order_id", &id.to_string())],
        )
        .await;
        for k in 0..3 {
            let res = app
                .post_form_with(
                    &client,
                    "/stock/intake/scan",
                    &[
                        ("product_model_id", &model.to_string()),
                        ("unit_cost", "100"),
                        ("serial", &format!("C{n}-{k}")),
                    ],
                )
                .await;
            assert_eq!(res.status().as_u16(), 303);
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
    assert_eq!(
        app.count(&format!(
            "SELECT received::bigint FROM purchase_order_lines WHERE purchase_order_id = {id}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM assets").await,
        3,
        "the refused delivery created nothing"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM purchase_orders WHERE id = {id} AND status = 'partially_received'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn stock_is_sent_and_received_through_the_transfer_screens() {
    let app = spawn_app().await;
    let (_, model, _, item) = catalogue(&app).await;
    let from = app.branch_id;
    let to = app.create_branch("Westlands", "WL-").await;
    let url = app.db.app_url.clone();
    let tag = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let arrival = workbay::repo::assets::Arrival {
            serial: "SN-TRANSFER-1".into(),
            product_model_id: model,
            vendor_id: None,
            branch_id: from,
            location_id: None,
            purchase_cost: "100.00".parse().unwrap(),
            landed_cost: "100.00".parse().unwrap(),
        };
        let a = workbay::repo::assets::receive(&mut c, &arrival, "", &by).unwrap();
        let p = Posting {
            stock_item_id: item,
            branch_id: from,
            kind: "intake",
            quantity: 8,
            unit_cost: None,
            reason: "",
            reference: "",
        };
        stock::post(&mut c, &p, &by).unwrap();
        a.asset_tag
    })
    .await
    .unwrap();
    app.login_as(Role::Warehouse).await;
    let (to_s, item_s) = (to.to_string(), item.to_string());

    // An unknown serial is named, and everything typed comes back.
    let res = app
        .post_form(
            "/stock/transfers/new",
            &[
                ("to_branch_id", &to_s),
                ("units", "sn-transfer-1\nNOPE-42"),
                ("item", &item_s),
                ("qty", "3"),
                ("note", "van 2"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("No unit at this branch has the serial or tag: NOPE-42.")
            && body.contains("sn-transfer-1\nNOPE-42")
            && body.contains("value=\"van 2\""),
        "{body}"
    );
    // More than on hand is refused, nothing leaves.
    let res = app
        .post_form(
            "/stock/transfers/new",
            &[
                ("to_branch_id", &to_s),
                ("units", ""),
                ("item", &item_s),
                ("qty", "9"),
            ],
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(app.count("SELECT count(*) FROM transfers").await, 0);

    let res = app
        .post_form(
            "/stock/transfers/new",
            &[
                ("to_branch_id", &to_s),
                ("units", &tag.to_lowercase()),
                ("item", &item_s),
                ("qty", "3"),
                ("note", "van 2"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = location(&res);
    let html = app.get_html(&page).await;
    assert!(
        html.contains("in transit")
            && html.contains("Waiting for Westlands")
            && !html.contains("Receive into"),
        "{html}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM assets WHERE status = 'in_transit'")
            .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT on_hand::bigint FROM stock_levels WHERE branch_id = {from} AND stock_item_id = {item}")).await, 5);

    // The destination's clerk sees it coming and receives it.
    let there = app
        .create_user_in("wl_store", "Westlands Store", Role::Warehouse, to)
        .await;
    let client = app.new_client();
    app.login_with(&client, &there.username, &there.password)
        .await;
    let list = app
        .get_with(&client, "/stock/transfers")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("On the way here") && list.contains("van 2"),
        "{list}"
    );
    let res = app
        .post_form_with(&client, &format!("{page}/receive"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM assets WHERE status = 'received' AND branch_id = {to}"
        ))
        .await,
        1
    );
    assert_eq!(app.count(&format!("SELECT on_hand::bigint FROM stock_levels WHERE branch_id = {to} AND stock_item_id = {item}")).await, 3);
    // Twice is refused with a message.
    app.post_form_with(&client, &format!("{page}/receive"), &[])
        .await;
    let html = app.get_with(&client, &page).await.text().await.unwrap();
    assert!(
        html.contains("This transfer was received already."),
        "{html}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM stock_ledger WHERE branch_id = {to}"
        ))
        .await,
        1
    );
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
