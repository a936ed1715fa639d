//! The scanner-first intake at scale: pasted lists and ranges checked as single scans, the
//! latest scans and the count instead of every line, the last model offered, taking a unit off by
//! its serial, a 1,000-unit delivery committed in bulk, the delivery's labels, and the printable
//! wipe certificate.

use workbay::domain::asset::{AssetStatus, Cause, DiagnosticsResult, WipeMethod};
use workbay::domain::purchase_order::PoStatus;
use workbay::domain::role::Role;
use workbay::repo::By;
use workbay::repo::assets;
use workbay::repo::purchase_orders::{self, Goods, NewOrder};

use crate::common::fixtures::{product_model, receive_unit, stock_item, vendor};
use crate::common::http::{Reply, TestApp, between};
use crate::common::spawn_app;

/// Pastes `serials` of `model` at `cost` into the open delivery.
async fn paste(app: &TestApp, model: i64, cost: &str, serials: &str) -> Reply {
    let model = model.to_string();
    let fields = [
        ("product_model_id", model.as_str()),
        ("unit_cost", cost),
        ("serials", serials),
    ];
    app.send("/stock/intake/paste", &fields).await
}

/// Posts as the page's script does (the scan panel alone comes back).
async fn as_script(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Reply {
    let token = app.csrf_token_with(&app.client, "/").await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    let res = app
        .client
        .post(format!("{}{path}", app.address))
        .header("X-Workbay-Panel", "scans")
        .form(&all)
        .send()
        .await
        .unwrap();
    Reply::read(res).await
}

async fn model_named(app: &TestApp, brand: &str, model: &str) -> i64 {
    let (brand, model) = (brand.to_string(), model.to_string());
    app.with_db(move |c| product_model(c, "Phone", &brand, &model, 90))
        .await
}

#[tokio::test]
async fn a_pasted_list_with_ranges_adds_the_good_serials_and_names_every_bad_line() {
    let app = spawn_app().await;
    let model = model_named(&app, "Apple", "iPhone 12").await;
    let branch = app.branch_id;
    let tag = app
        .with_db(move |c| receive_unit(c, branch, model, "sn1003", "10.00", "10.00").asset_tag)
        .await;
    app.login_as(Role::Warehouse).await;
    let list = "SN1000-SN1004\nsn1001\n\nSN2000 - SN1999, OK-1\nSN1000";
    let reply = paste(&app, model, "120.00", list).await;
    reply
        .is(422)
        .says("5 serials added; 4 refused.")
        .says(&format!(
            "Line 1: <code>SN1003</code> — Serial SN1003 is already in stock ({tag})."
        ))
        .says("Line 2: <code>SN1001</code> — Serial SN1001 is already on line 1 of this list.")
        .says("Line 4: <code>SN2000-SN1999</code> — The range SN2000-SN1999 ends before it starts.")
        .says("Line 5: <code>SN1000</code> — Serial SN1000 is already on line 1 of this list.");
    // the refused lines stay in the box to be put right; the model and cost stay chosen
    let kept = between(&reply.body, "<textarea id=\"f-serials\"", "</textarea>");
    assert!(
        kept.ends_with(">SN1003\nSN1001\nSN2000-SN1999\nSN1000"),
        "{kept}"
    );
    reply.says("value=\"120.00\"");
    let added = "SELECT string_agg(serial, ',' ORDER BY id) FROM intake_lines";
    assert_eq!(app.text(added).await, "SN1000,SN1001,SN1002,SN1004,OK-1");
    assert_eq!(
        app.count("SELECT count(*) FROM intake_lines WHERE unit_cost = 120.00")
            .await,
        5
    );

    // Sent again (a reload of that answer), nothing is added twice.
    paste(&app, model, "120.00", list)
        .await
        .is(422)
        .says("Serial SN1002 is already in this delivery.");
    assert_eq!(app.count("SELECT count(*) FROM intake_lines").await, 5);

    // A list with nothing wrong comes back to the screen saying how many went in.
    let reply = paste(&app, model, "120.00", "SN3000-SN3999").await;
    reply.is(303);
    let page = app.get_html(&reply.location).await;
    assert!(page.contains("1,000 serials added."), "{page}");
    assert!(page.contains("<strong id=\"units-scanned\">1,005</strong> units scanned"));
    // An empty box is refused with a message.
    paste(&app, model, "120.00", " \n ")
        .await
        .is(422)
        .says("Paste or type at least one serial, one per line.");
}

#[tokio::test]
async fn a_list_is_held_to_the_purchase_order_like_single_scans() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let (model, other, po) = app
        .with_db(move |c| {
            let by = By::default();
            let v = vendor(c, "Refurb Supply Ltd");
            let model = product_model(c, "Phone", "Samsung", "A52", 90);
            let other = product_model(c, "Phone", "Samsung", "A72", 90);
            let order = NewOrder {
                vendor_id: v,
                ..Default::default()
            };
            let po = purchase_orders::create(c, branch, &order, &by).unwrap();
            let cost = "90.00".parse().unwrap();
            purchase_orders::add_line(c, branch, po, Goods::Model(model), 3, &cost).unwrap();
            purchase_orders::change_status(c, branch, po, PoStatus::Ordered, "", &by).unwrap();
            (model, other, po)
        })
        .await;
    app.login_as(Role::Warehouse).await;
    app.submit(
        "/stock/intake/attach",
        &[("purchase_order_id", &po.to_string())],
    )
    .await;
    let reply = paste(&app, model, "90.00", "A1\nA2\nA3\nA4\nA5").await;
    reply
        .is(422)
        .says("3 serials added; 2 refused.")
        .says(&format!(
            "Line 4: <code>A4</code> — PO-{po} awaits 3 more of Samsung A52 and 3 are in this delivery already."
        ))
        .says("Line 5: <code>A5</code>");
    // goods the order does not await are refused as a whole, under the box
    paste(&app, other, "90.00", "B1\nB2")
        .await
        .is(422)
        .says(&format!("That is not on PO-{po}."));
    assert_eq!(app.count("SELECT count(*) FROM intake_lines").await, 3);
}

#[tokio::test]
async fn a_scan_before_choosing_a_model_offers_the_last_model_used() {
    let app = spawn_app().await;
    let model = model_named(&app, "Apple", "iPhone 11").await;
    app.login_as(Role::Warehouse).await;
    // Nothing scanned yet: nothing to offer.
    let none = [
        ("product_model_id", ""),
        ("unit_cost", ""),
        ("serial", "X1"),
    ];
    let first = app.send("/stock/intake/scan", &none).await;
    first.is(422).says("Choose the model first.");
    assert!(!first.body.contains("use-last-model"), "{}", first.body);

    let m = model.to_string();
    let with = [
        ("product_model_id", m.as_str()),
        ("unit_cost", "150.00"),
        ("serial", "X1"),
    ];
    app.submit("/stock/intake/scan", &with).await;
    // The next scan comes before a model is chosen (a reload lost it).
    let reply = app.send("/stock/intake/scan", &[("serial", "x2")]).await;
    reply
        .is(422)
        .says("Choose the model first.")
        .says("Add as Apple iPhone 11 (last used)")
        .says("name=\"serials\" value=\"X2\"")
        .says(&format!("name=\"product_model_id\" value=\"{model}\""))
        .says("name=\"unit_cost\" value=\"150.00\"");
    // Taking the offer adds the scanned serial as that model at that cost.
    let offer = [
        ("serials", "X2"),
        ("literal", "1"),
        ("product_model_id", m.as_str()),
        ("unit_cost", "150.00"),
    ];
    app.submit("/stock/intake/paste", &offer).await;
    let sql = format!(
        "SELECT count(*) FROM intake_lines WHERE serial = 'X2' AND product_model_id = {model} AND unit_cost = 150.00"
    );
    assert_eq!(app.count(&sql).await, 1);
    // The page's script gets the same offer in the panel.
    as_script(&app, "/stock/intake/scan", &[("serial", "X3")])
        .await
        .is(422)
        .says("Add as Apple iPhone 11 (last used)");
}

#[tokio::test]
async fn the_screen_shows_the_latest_scans_and_the_count_not_every_line() {
    let app = spawn_app().await;
    let model = model_named(&app, "Google", "Pixel 7").await;
    app.login_as(Role::Warehouse).await;
    paste(&app, model, "80.00", "P001-P025").await.is(303);
    let page = app.get_html("/stock/intake").await;
    let latest = between(&page, "<ol class=\"latest-scans\"", "</ol>");
    let shown: Vec<&str> = latest
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap())
        .collect();
    assert_eq!(
        shown,
        [
            "P025", "P024", "P023", "P022", "P021", "P020", "P019", "P018", "P017", "P016"
        ],
        "the latest ten, newest first"
    );
    assert!(
        !page.contains("P001"),
        "earlier scans are counted, not listed"
    );
    assert!(page.contains("<strong id=\"units-scanned\">25</strong> units scanned"));
    assert!(page.contains("and 15 earlier"));
    assert!(
        page.contains("Google Pixel 7</td><td class=\"num\">25</td>"),
        "the goods so far"
    );

    // A scan from the page's script answers with the panel alone: the new count, the serial
    // at the top.
    let m = model.to_string();
    let fields = [
        ("product_model_id", m.as_str()),
        ("unit_cost", "80.00"),
        ("serial", "p026"),
    ];
    let reply = as_script(&app, "/stock/intake/scan", &fields).await;
    reply
        .is(200)
        .says("<strong id=\"units-scanned\">26</strong> units scanned")
        .says("P026 added.");
    assert!(!reply.body.contains("<html"), "only the panel");
    let latest = between(&reply.body, "<ol class=\"latest-scans\"", "</ol>");
    let (new, old) = (
        latest.find(">P026<").unwrap(),
        latest.find(">P025<").unwrap(),
    );
    assert!(new < old, "the new scan first: {latest}");
    // A scanner's burst from the script is read literally (no ranges) and its refusals named
    // without line numbers.
    let burst = [
        ("product_model_id", m.as_str()),
        ("unit_cost", "80.00"),
        ("serials", "P027-P028\nP026\nP029"),
        ("literal", "1"),
    ];
    let reply = as_script(&app, "/stock/intake/paste", &burst).await;
    reply
        .is(422)
        .says("2 serials added; 1 refused.")
        .says("<li><code>P026</code> — Serial P026 is already in this delivery.</li>");
    assert_eq!(
        app.count("SELECT count(*) FROM intake_lines WHERE serial = 'P027-P028'")
            .await,
        1
    );

    // A unit that is no longer listed is taken off by its serial.
    let reply = app
        .send("/stock/intake/remove", &[("remove_serial", " p001 ")])
        .await;
    reply.is(303);
    let page = app.get_html(&reply.location).await;
    assert!(
        page.contains("Serial P001 taken off this delivery."),
        "{page}"
    );
    assert!(page.contains("<strong id=\"units-scanned\">27</strong>"));
    app.send("/stock/intake/remove", &[("remove_serial", "P001")])
        .await
        .is(422)
        .says("Serial P001 is not in this delivery.");
}

#[tokio::test]
async fn a_thousand_pasted_units_commit_at_once_each_with_its_movement_and_landed_cost() {
    let app = spawn_app().await;
    let model = model_named(&app, "Samsung", "S21").await;
    let item = app
        .with_db(|c| stock_item(c, "CASE-S21", "S21 case", "2.00", "9.50", 0))
        .await;
    app.login_as(Role::Warehouse).await;
    paste(&app, model, "100.00", "S0001-S1000").await.is(303);
    let item_s = item.to_string();
    let bulk = [
        ("stock_item_id", item_s.as_str()),
        ("quantity", "4"),
        ("bulk_cost", "2.50"),
    ];
    app.submit("/stock/intake/bulk", &bulk).await;
    app.submit(
        "/stock/intake/costs",
        &[("shipping", "500.00"), ("duty", "10.00")],
    )
    .await;
    let to = app.submit("/stock/intake/commit", &[]).await;
    assert!(to.starts_with("/stock/intake/deliveries/"), "{to}");
    let page = app.get_html(&to).await;
    assert!(page.contains("Delivery committed: 1000 units and 4 bulk pieces are in stock."));
    assert!(page.contains("Print labels for this delivery"));
    for (fact, n) in [
        (
            "SELECT count(*) FROM assets WHERE status = 'received' AND purchase_cost = 100.00",
            1000,
        ),
        // 510.00 spread by value over 100,000.00 of units and 10.00 of cases
        (
            "SELECT (sum(landed_cost) * 100)::int8 FROM assets",
            10_050_995,
        ),
        (
            "SELECT count(*) FROM asset_movements m JOIN assets a ON a.id = m.asset_id WHERE m.to_status = 'received' AND m.from_status IS NULL AND m.reason LIKE 'intake #%'",
            1000,
        ),
        (
            "SELECT count(*) FROM intake_lines l JOIN assets a ON a.id = l.asset_id AND a.serial = l.serial",
            1000,
        ),
        (
            "SELECT count(*) FROM stock_ledger WHERE kind = 'intake' AND quantity = 4",
            1,
        ),
    ] {
        assert_eq!(app.count(fact).await, n, "{fact}");
    }
}

#[tokio::test]
async fn a_committed_delivery_prints_its_labels_with_copies_sizes_and_bulk_labels() {
    let app = spawn_app().await;
    let model = model_named(&app, "Apple", "iPad 9").await;
    let item = app
        .with_db(|c| stock_item(c, "PEN-1", "Stylus pen", "3.00", "12.00", 0))
        .await;
    app.login_as(Role::Warehouse).await;
    paste(&app, model, "200.00", "IPD01-IPD03").await.is(303);
    let item_s = item.to_string();
    let bulk = [
        ("stock_item_id", item_s.as_str()),
        ("quantity", "4"),
        ("bulk_cost", "3.00"),
    ];
    app.submit("/stock/intake/bulk", &bulk).await;
    let delivery = app.submit("/stock/intake/commit", &[]).await;
    let id: i64 = delivery.rsplit('/').next().unwrap().parse().unwrap();
    let tags = app
        .text("SELECT string_agg(asset_tag, ',' ORDER BY id) FROM assets")
        .await;
    let page = app.get_html(&delivery).await;
    for size in [
        "50 × 30 mm",
        "Dymo 11354 (57 × 32 mm)",
        "Zebra 2 × 1 in (51 × 25 mm)",
    ] {
        assert!(page.contains(size), "{size}");
    }
    let labels = |query: &'static str| {
        let app = &app;
        async move {
            app.get_html(&format!("/stock/intake/deliveries/{id}/labels?{query}"))
                .await
        }
    };
    let sheet = labels("size=dymo-11354&copies=2&bulk=piece").await;
    assert_eq!(sheet.matches("<div class=\"label\">").count(), 3 * 2 + 4);
    assert!(sheet.contains("/static/label-dymo-11354.css"));
    for tag in tags.split(',') {
        assert_eq!(
            sheet
                .matches(&format!("<code class=\"code\">{tag}</code>"))
                .count(),
            2,
            "{tag}"
        );
    }
    assert!(sheet.contains("S/N IPD02") && sheet.contains("Apple iPad 9"));
    assert_eq!(
        sheet.matches("<code class=\"code\">PEN-1</code>").count(),
        4
    );
    assert!(sheet.contains("12.00"), "a bulk label carries the price");
    let per_line = labels("size=zebra-2x1&copies=1&bulk=line").await;
    assert_eq!(per_line.matches("<div class=\"label\">").count(), 4);
    assert!(per_line.contains("/static/label-zebra-2x1.css"));
    let units_only = labels("copies=9&bulk=none").await;
    assert_eq!(
        units_only.matches("<div class=\"label\">").count(),
        3 * 5,
        "at most 5 copies"
    );
    assert!(
        units_only.contains("/static/label-50x30.css"),
        "50 × 30 mm unless asked"
    );
    let css = app.get_html("/static/label-50x30.css").await;
    assert!(css.contains("@page { size: 50mm 30mm; margin: 0; }"));

    // The delivery is found again in the list, by its number or a serial it brought.
    for q in ["", "ipd02", &format!("#{id}")] {
        let list = app
            .get_html(&format!(
                "/stock/intake/deliveries?q={}",
                q.replace('#', "%23")
            ))
            .await;
        assert!(
            list.contains(&format!("/stock/intake/deliveries/{id}\">#{id}</a>")),
            "{q}: {list}"
        );
    }
    let none = app.get_html("/stock/intake/deliveries?q=NOPE").await;
    assert!(none.contains("No delivery matches"));
    // The open batch, and another branch's delivery, have no labels page.
    let open: i64 = app.count("SELECT max(id) FROM intake_batches").await;
    assert_eq!(
        app.get(&format!("/stock/intake/deliveries/{}", open + 1))
            .await
            .status()
            .as_u16(),
        404
    );
    let other = app.create_branch("North", "N").await;
    app.exec(&format!(
        "UPDATE intake_batches SET branch_id = {other} WHERE id = {id}"
    ))
    .await;
    assert_eq!(
        app.get(&format!("/stock/intake/deliveries/{id}/labels"))
            .await
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn a_wiped_unit_has_a_printable_certificate_naming_method_standard_technician_and_serial() {
    let app = spawn_app().await;
    let model = model_named(&app, "Dell", "Latitude 5420").await;
    let branch = app.branch_id;
    let tech = app.login_as(Role::Technician).await;
    let (id, uid) = (
        app.with_db(move |c| {
            let a = receive_unit(c, branch, model, "DL-77X", "300.00", "300.00");
            let by = By::default();
            let to = AssetStatus::DiagnosticsPending;
            assets::transition(c, branch, a.id, to, Cause::Manual, "", &by).unwrap();
            let pass = DiagnosticsResult::Pass;
            assets::record_diagnostics(c, branch, a.id, &serde_json::json!({}), pass, &by).unwrap();
            let to = AssetStatus::WipePending;
            assets::transition(c, branch, a.id, to, Cause::Manual, "", &by).unwrap();
            a.id
        })
        .await,
        tech.id,
    );
    let cert = format!("/stock/assets/{id}/wipe-certificate");
    assert_eq!(
        app.get(&cert).await.status().as_u16(),
        404,
        "no wipe, no certificate"
    );
    let page = app.get_html(&format!("/stock/assets/{id}")).await;
    assert!(
        page.contains("NIST SP 800-88 Rev. 1, Purge: Cryptographic or block erase"),
        "the methods read as words"
    );
    app.submit(
        &format!("/stock/assets/{id}/wipe"),
        &[
            ("method", WipeMethod::NistPurge.as_str()),
            ("reference", "BL-2026-0042"),
        ],
    )
    .await;
    let page = app.get_html(&format!("/stock/assets/{id}")).await;
    assert!(
        page.contains(&format!(
            "href=\"{cert}\" id=\"wipe-certificate\">Certificate WC-"
        )),
        "{page}"
    );
    let printed = app.get_html(&cert).await;
    let name = app
        .text(&format!(
            "SELECT full_name FROM staff_users WHERE id = {uid}"
        ))
        .await;
    let number = app
        .count(&format!(
            "SELECT id FROM wipe_certificates WHERE asset_id = {id} AND technician_id = {uid}"
        ))
        .await;
    for words in [
        format!("<strong id=\"cert-number\">WC-{number:06}</strong>"),
        "<code id=\"cert-serial\">DL-77X</code>".to_string(),
        "Dell Latitude 5420".to_string(),
        "<td id=\"cert-standard\">NIST SP 800-88 Rev. 1, Purge</td>".to_string(),
        "Cryptographic or block erase".to_string(),
        format!("<td id=\"cert-technician\">{name}</td>"),
        "BL-2026-0042".to_string(),
    ] {
        assert!(printed.contains(&words), "{words} in {printed}");
    }
    let date = between(&printed, "<td id=\"cert-date\">", "</td>");
    assert!(
        date.starts_with("20"),
        "a date in the branch's time: {date}"
    );
    // Another branch's unit is not shown.
    let other = app.create_branch("East", "E").await;
    app.exec(&format!(
        "UPDATE assets SET branch_id = {other} WHERE id = {id}"
    ))
    .await;
    assert_eq!(app.get(&cert).await.status().as_u16(), 404);
}
