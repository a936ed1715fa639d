//! The stock core: assets through their state machine, and the bulk ledger. These run the
//! repository functions against the real database (the screens come with the rest of the stock
//! issue); the concurrency test uses real parallel transactions.

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::asset::{AssetStatus, Cause, DiagnosticsResult, Grade, WipeMethod};
use workbay::repo::assets::{self, Arrival};
use workbay::repo::stock::{self, Posting};
use workbay::repo::{By, RepoError};

use crate::common::fixtures::{product_model, stock_in, stock_item};
use crate::common::{Reply, TestApp, spawn_app};

fn arrival(branch: i64, model: i64, serial: &str) -> Arrival {
    Arrival {
        serial: serial.into(),
        product_model_id: model,
        vendor_id: None,
        branch_id: branch,
        location_id: None,
        purchase_cost: "300.00".parse().unwrap(),
        landed_cost: "312.50".parse().unwrap(),
    }
}

fn conflict(r: Result<impl std::fmt::Debug, RepoError>) -> String {
    match r {
        Err(RepoError::Conflict(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn movements(conn: &mut PgConnection, asset: i64) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM asset_movements WHERE asset_id = {asset}"
    ))
    .get_result::<N>(conn)
    .unwrap()
    .n
}

#[tokio::test]
async fn an_asset_goes_the_whole_way_only_with_its_preconditions_and_every_change_is_a_movement() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let model = product_model(&mut c, "Laptop", "Lenovo", "T480", 90);
        let a = assets::receive(&mut c, &arrival(branch, model, "pf1abc23"), "delivery 1", &by).unwrap();
        assert_eq!(a.serial, "PF1ABC23");
        assert!(a.asset_tag.starts_with("WB"));
        assert_eq!(movements(&mut c, a.id), 1);
        let id = a.id;
        let mv = |c: &mut PgConnection, to, cause| assets::transition(c, branch, id, to, cause, "", &by);

        // Out of order, and sold without an invoice.
        assert!(conflict(mv(&mut c, AssetStatus::ReadyForSale, Cause::Manual)).contains("cannot become ready for sale"));
        mv(&mut c, AssetStatus::DiagnosticsPending, Cause::Manual).unwrap();
        assert!(conflict(mv(&mut c, AssetStatus::WipePending, Cause::Manual)).contains("Record the diagnostics first"));
        assets::record_diagnostics(&mut c, branch, id, &serde_json::json!({"power": {"result": "pass"}}), DiagnosticsResult::Pass, &by).unwrap();
        assert!(conflict(mv(&mut c, AssetStatus::RepairHold, Cause::Manual)).contains("diagnostics passed"));
        mv(&mut c, AssetStatus::WipePending, Cause::Manual).unwrap();
        assert!(conflict(mv(&mut c, AssetStatus::QcPending, Cause::Manual)).contains("wipe certificate"));
        assets::record_wipe(&mut c, branch, id, WipeMethod::NistPurge, "BLANCCO-7781", &by).unwrap();
        mv(&mut c, AssetStatus::QcPending, Cause::Manual).unwrap();
        assert!(conflict(mv(&mut c, AssetStatus::ReadyForSale, Cause::Manual)).contains("grade"));
        let bad = assets::grade(&mut c, branch, id, Grade::A, Some(101), None, "");
        assert!(matches!(bad, Err(RepoError::Validation(e)) if e.get("battery_health").is_some()));
        assets::grade(&mut c, branch, id, Grade::A, Some(91), Some(120), "light scratch on lid").unwrap();
        mv(&mut c, AssetStatus::ReadyForSale, Cause::Manual).unwrap();
        mv(&mut c, AssetStatus::Reserved, Cause::Manual).unwrap();
        mv(&mut c, AssetStatus::ReadyForSale, Cause::Manual).unwrap(); // hold released
        assert!(conflict(mv(&mut c, AssetStatus::Sold, Cause::Manual)).contains("Only issuing an invoice"));
        mv(&mut c, AssetStatus::Sold, Cause::Invoice).unwrap();
        assert!(conflict(mv(&mut c, AssetStatus::Returned, Cause::Manual)).contains("Only a refund"));
        mv(&mut c, AssetStatus::Returned, Cause::Refund).unwrap();
        mv(&mut c, AssetStatus::DiagnosticsPending, Cause::Manual).unwrap();
        // received + 9 successful changes; the refused ones wrote nothing.
        assert_eq!(movements(&mut c, id), 10);

        // The failing road: diagnostics fail → repair hold → scrapped; not sellable → repair.
        let b = assets::receive(&mut c, &arrival(branch, model, "PF1XYZ99"), "", &by).unwrap().id;
        assets::transition(&mut c, branch, b, AssetStatus::DiagnosticsPending, Cause::Manual, "", &by).unwrap();
        assets::record_diagnostics(&mut c, branch, b, &serde_json::json!({"display": {"result": "fail"}}), DiagnosticsResult::Fail, &by).unwrap();
        assert!(conflict(assets::transition(&mut c, branch, b, AssetStatus::WipePending, Cause::Manual, "", &by)).contains("diagnostics failed"));
        assets::transition(&mut c, branch, b, AssetStatus::NotSellable, Cause::Manual, "cracked board", &by).unwrap();
        assets::transition(&mut c, branch, b, AssetStatus::RepairHold, Cause::Manual, "", &by).unwrap();
        assets::transition(&mut c, branch, b, AssetStatus::Scrapped, Cause::Manual, "", &by).unwrap();
        assert_eq!(movements(&mut c, b), 5);
        assert!(conflict(assets::transition(&mut c, branch, b, AssetStatus::DiagnosticsPending, Cause::Manual, "", &by)).contains("scrapped cannot become"));

        // A second unit with the same serial, however typed, is refused.
        let dup = assets::receive(&mut c, &arrival(branch, model, " pf1abc23 "), "", &by);
        assert!(matches!(dup, Err(RepoError::Validation(e)) if e.get("serial").unwrap().contains("PF1ABC23")));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn twenty_parallel_consumptions_of_the_last_five_units_leave_exactly_zero() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let item = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut c = PgConnection::establish(&url).unwrap();
            let item = stock_item(&mut c, "brk-pad-01", "Brake pads", "900.00", "1500.00", 2);
            let p = Posting {
                stock_item_id: item,
                branch_id: branch,
                kind: "intake",
                quantity: 5,
                unit_cost: Some("900.00".parse().unwrap()),
                reason: "",
                reference: "PO-1",
            };
            stock::post(&mut c, &p, &By::default()).unwrap();
            item
        }
    })
    .await
    .unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(20));
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut c = PgConnection::establish(&url).unwrap();
                barrier.wait();
                let reference = format!("ticket {i}");
                let p = Posting {
                    stock_item_id: item,
                    branch_id: branch,
                    kind: "repair_use",
                    quantity: -1,
                    unit_cost: None,
                    reason: "",
                    reference: &reference,
                };
                stock::post(&mut c, &p, &By::default())
            })
        })
        .collect();
    let mut ok = 0;
    for h in handles {
        match h.join().unwrap() {
            Ok(_) => ok += 1,
            Err(RepoError::Validation(e)) => assert!(
                e.get("quantity")
                    .unwrap()
                    .contains("of BRK-PAD-01 in stock here")
            ),
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(
        app.count(&format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM stock_ledger WHERE stock_item_id = {item} AND kind = 'repair_use'"
        ))
        .await,
        5
    );
}

/// A sale of one unit of `item` at `branch`.
fn last_one(item: i64, branch: i64, reference: &'static str) -> Posting<'static> {
    Posting {
        stock_item_id: item,
        branch_id: branch,
        kind: "sale",
        quantity: -1,
        unit_cost: None,
        reason: "",
        reference,
    }
}

#[tokio::test]
async fn a_take_out_that_saw_stock_another_till_was_taking_is_refused_naming_what_is_left() {
    // Till A takes the last unit and has not committed; till B's posting still sees one unit,
    // writes its ledger row and waits on the trigger's row lock. When A commits, B is refused
    // by the trigger with the on-hand it found then, and nothing of B's is kept.
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let item = item_with_stock(&app, "CBL-USBC", 1, 0).await;
    let (a_ready_tx, a_ready) = std::sync::mpsc::channel();
    let (commit_tx, commit) = std::sync::mpsc::channel::<()>();
    let a = std::thread::spawn({
        let url = url.clone();
        move || {
            let mut c = PgConnection::establish(&url).unwrap();
            c.transaction::<_, RepoError, _>(|c| {
                stock::post(c, &last_one(item, branch, "till A"), &By::default())?;
                a_ready_tx.send(()).unwrap();
                commit.recv().unwrap();
                Ok(())
            })
        }
    });
    a_ready.recv().unwrap();
    let b = std::thread::spawn(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        stock::post(&mut c, &last_one(item, branch, "till B"), &By::default())
    });
    // B is inside its statement once it waits for A's lock.
    let mut waited = false;
    for _ in 0..200 {
        let waiting = app
            .count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            .await;
        if waiting > 0 {
            waited = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(waited, "till B never waited for till A");
    commit_tx.send(()).unwrap();
    a.join().unwrap().unwrap();
    match b.join().unwrap() {
        Err(RepoError::Validation(e)) => assert_eq!(
            e.get("quantity"),
            Some("Only 0 of CBL-USBC in stock here; 1 cannot be taken out.")
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        app.count(&format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item} AND branch_id = {branch}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM stock_ledger WHERE stock_item_id = {item} AND reference = 'till B'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn on_hand_equals_the_ledger_sum_after_a_random_mix_and_never_goes_below_zero() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By::default();
        let item = stock_item(
            &mut c,
            "OIL-5W30",
            "Engine oil 5W-30, 1 l",
            "400.00",
            "650.00",
            10,
        );
        // A fixed pseudo-random sequence (no dependency, same every run).
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        let (mut refused, mut taken_out) = (0, 0);
        for step in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let kind =
                ["intake", "sale", "repair_use", "adjustment", "return"][(seed % 5) as usize];
            let size = (seed >> 8) % 7 + 1;
            let quantity = match kind {
                "intake" | "return" => size as i32,
                "adjustment" => size as i32 - 4,
                _ => -(size as i32),
            };
            if quantity == 0 {
                continue;
            }
            let reference = format!("step {step}");
            let p = Posting {
                stock_item_id: item,
                branch_id: branch,
                kind,
                quantity,
                unit_cost: None,
                reason: "cycle count",
                reference: &reference,
            };
            match stock::post(&mut c, &p, &by) {
                Ok(_) if quantity < 0 => taken_out += 1,
                Ok(_) => {}
                Err(RepoError::Validation(_)) => refused += 1,
                Err(e) => panic!("{e}"),
            }
            let on_hand = stock::on_hand(&mut c, item, branch).unwrap();
            assert!(on_hand >= 0);
            assert_eq!(
                i64::from(on_hand),
                stock::ledger_sum(&mut c, item, branch).unwrap(),
                "after step {step}"
            );
        }
        assert!(refused > 0, "the mix tried to go below zero at least once");
        assert!(
            taken_out > 50,
            "most consumptions went through: {taken_out}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_application_cannot_write_on_hand_directly_or_rewrite_the_ledger() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let item = stock_item(&mut c, "FLT-1", "Oil filter", "1.00", "2.00", 0);
        stock_in(&mut c, branch, item, 3);
        for sql in [
            format!("UPDATE stock_levels SET on_hand = 100 WHERE stock_item_id = {item}"),
            format!("INSERT INTO stock_levels (stock_item_id, branch_id, on_hand) VALUES ({item}, {branch}, 5)"),
            "UPDATE stock_ledger SET quantity = 100".to_string(),
            "DELETE FROM stock_ledger".to_string(),
        ] {
            let e = diesel::sql_query(&sql).execute(&mut c).expect_err(&sql).to_string();
            assert!(e.contains("permission denied") || e.contains("append-only"), "{sql}: {e}");
        }
        let p = Posting { stock_item_id: item, branch_id: branch, kind: "adjustment", quantity: -1, unit_cost: None, reason: " ", reference: "" };
        assert!(matches!(stock::post(&mut c, &p, &By::default()), Err(RepoError::Validation(e)) if e.get("reason").is_some()));
        assert_eq!(stock::on_hand(&mut c, item, branch).unwrap(), 3);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn every_branch_has_the_standard_locations() {
    let app = spawn_app().await;
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM locations WHERE branch_id = {} AND name IN ('Shop Floor', 'Backroom', 'Repair Bench', 'Warehouse')", app.branch_id)).await,
        4
    );
}

async fn item_with_stock(
    app: &crate::common::TestApp,
    sku: &'static str,
    on_hand: i32,
    threshold: i32,
) -> i64 {
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let item = stock_item(
            &mut c,
            sku,
            &format!("Item {sku}"),
            "12.34",
            "20.00",
            threshold,
        );
        if on_hand > 0 {
            stock_in(&mut c, branch, item, on_hand);
        }
        item
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_stock_list_shows_on_hand_and_the_low_stock_list_only_what_is_below_threshold() {
    let app = spawn_app().await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    item_with_stock(&app, "PAD-1", 2, 5).await;
    item_with_stock(&app, "OIL-1", 40, 10).await;
    let all = app.get_html("/stock").await;
    assert!(all.contains("PAD-1") && all.contains("OIL-1"));
    let low = app.get_html("/stock?low=1").await;
    assert!(low.contains("PAD-1") && !low.contains("OIL-1"), "{low}");
    // A page past the end shows the last page.
    let past = app.get_html("/stock?page=9").await;
    assert!(
        past.contains("PAD-1") && past.contains("OIL-1") && past.contains("Page 1 of 1"),
        "{past}"
    );
}

#[tokio::test]
async fn an_adjustment_needs_a_reason_never_goes_below_zero_and_is_audited() {
    let app = spawn_app().await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    let item = item_with_stock(&app, "PAD-1", 2, 5).await;
    let path = format!("/stock/items/{item}/adjust");
    let res = app
        .post_form(
            &path,
            &[("quantity", "-3"), ("reason", "damaged in storage")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Only 2 of PAD-1 in stock here; 3 cannot be taken out."),
        "{body}"
    );
    assert!(
        body.contains("value=\"-3\"") && body.contains("value=\"damaged in storage\""),
        "kept as typed"
    );
    let res = app
        .post_form(&path, &[("quantity", "-1"), ("reason", "")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Say why stock is adjusted")
    );
    let res = app
        .post_form(
            &path,
            &[("quantity", "-2"), ("reason", "damaged in storage")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = app.get_html(&format!("/stock/items/{item}")).await;
    assert!(page.contains("Stock adjusted by -2."));
    assert_eq!(
        app.count(&format!(
            "SELECT on_hand::bigint FROM stock_levels WHERE stock_item_id = {item}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'stock.adjust'")
            .await,
        1
    );
}

#[tokio::test]
async fn costs_show_only_to_roles_that_may_see_them_and_the_counter_has_no_stock_screens() {
    let app = spawn_app().await;
    let item = item_with_stock(&app, "PAD-1", 2, 5).await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    assert!(
        !app.get_html(&format!("/stock/items/{item}"))
            .await
            .contains("12.34")
    );
    let manager = app.new_client();
    let m = app
        .create_user("boss", "Boss", workbay::domain::role::Role::Manager)
        .await;
    app.login_with(&manager, &m.username, &m.password).await;
    assert!(
        app.get_with(&manager, &format!("/stock/items/{item}"))
            .await
            .text()
            .await
            .unwrap()
            .contains("12.34")
    );
    let desk = app.new_client();
    let r = app
        .create_user("desk", "Desk", workbay::domain::role::Role::Receptionist)
        .await;
    app.login_with(&desk, &r.username, &r.password).await;
    assert_eq!(app.get_with(&desk, "/stock").await.status().as_u16(), 403);
}

/// A step on the asset page `page` that goes through; the page it lands on.
async fn step(app: &TestApp, page: &str, action: &str, fields: &[(&str, &str)]) -> String {
    app.get_html(&app.submit(&format!("{page}/{action}"), fields).await)
        .await
}

/// A step on the asset page that is refused: the refusal comes back on the page itself, with
/// what was chosen or typed.
async fn refused(app: &TestApp, page: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(&format!("{page}/{action}"), fields).await
}

#[tokio::test]
async fn a_technician_takes_a_unit_through_the_asset_page_and_sees_its_history() {
    let app = spawn_app().await;
    let branch = app.branch_id;
    let id = app
        .with_db(move |c| {
            let model = product_model(c, "Phone", "Samsung", "A52", 180);
            let unit = arrival(branch, model, "R58N123ABC");
            assets::receive(c, &unit, "delivery 7", &By::default())
                .unwrap()
                .id
        })
        .await;
    app.login_as(workbay::domain::role::Role::Technician).await;
    let page = format!("/stock/assets/{id}");
    step(&app, &page, "status", &[("to", "diagnostics_pending")]).await;
    refused(&app, &page, "status", &[("to", "wipe_pending")])
        .await
        .is(409)
        .says("Record the diagnostics first")
        .says("asset-refusal");
    let no_overall = [
        ("check_display", "fail"),
        ("note_display", "lines on screen"),
        ("overall", ""),
    ];
    refused(&app, &page, "diagnostics", &no_overall)
        .await
        .is(422)
        .says("Choose the overall result.")
        .says("value=\"lines on screen\"")
        .says("<option value=\"fail\" selected>fail</option>");
    let checks = [
        ("check_power", "pass"),
        ("check_display", "pass"),
        ("note_display", "tiny dead pixel"),
        ("overall", "pass_with_notes"),
    ];
    let done = step(&app, &page, "diagnostics", &checks).await;
    assert!(done.contains("Diagnostics recorded: pass with notes."));
    step(&app, &page, "status", &[("to", "wipe_pending")]).await;
    step(
        &app,
        &page,
        "wipe",
        &[("method", "vendor_tool"), ("reference", "SMART-SWITCH-42")],
    )
    .await;
    step(&app, &page, "status", &[("to", "qc_pending")]).await;
    let bad = [
        ("grade", "C"),
        ("battery_health", "150"),
        ("cosmetic_notes", "dent on corner"),
    ];
    refused(&app, &page, "grade", &bad)
        .await
        .is(422)
        .says("Battery health is a percentage from 0 to 100.")
        .says("value=\"150\"")
        .says("value=\"dent on corner\"")
        .says("<option selected>C</option>");
    step(
        &app,
        &page,
        "grade",
        &[
            ("grade", "B"),
            ("battery_health", "88"),
            ("battery_cycles", "310"),
        ],
    )
    .await;
    let ready = step(&app, &page, "status", &[("to", "ready_for_sale")]).await;
    assert!(ready.contains("Unit is now ready for sale."));
    assert!(
        ready.contains("qc_pending → ready_for_sale")
            && ready.contains("received")
            && ready.contains("delivery 7"),
        "{ready}"
    );
    the_unit_s_history_is_kept(&app, id).await;
}

/// The diagnostics notes are kept, the unit lists under its new status only, and each of its
/// five changes is a movement.
async fn the_unit_s_history_is_kept(app: &TestApp, id: i64) {
    let diag = format!(
        "SELECT count(*) FROM asset_diagnostics WHERE asset_id = {id} AND results->'display'->>'note' = 'tiny dead pixel'"
    );
    assert_eq!(app.count(&diag).await, 1);
    let listed = app.get_html("/stock/assets?status=ready_for_sale").await;
    assert!(listed.contains("R58N123ABC"));
    let received = app.get_html("/stock/assets?status=received").await;
    assert!(!received.contains("R58N123ABC"));
    let moves = format!("SELECT count(*) FROM asset_movements WHERE asset_id = {id}");
    assert_eq!(app.count(&moves).await, 5);
}

#[tokio::test]
async fn aging_puts_unsold_units_in_their_buckets_and_labels_carry_a_barcode() {
    let app = spawn_app().await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let ids = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let model = product_model(&mut c, "Tablet", "Apple", "iPad 9", 90);
        (0..5)
            .map(|n| {
                assets::receive(
                    &mut c,
                    &arrival(branch, model, &format!("AGE{n}")),
                    "",
                    &By::default(),
                )
                .unwrap()
                .id
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    // Ages 10, 45, 75, 120 and 200 days; the last one was scrapped and no longer counts.
    let ages = [10, 45, 75, 120, 200];
    app.with_db(move |conn| {
        for (id, days) in ids.iter().zip(ages) {
            diesel::sql_query(format!(
                "UPDATE assets SET received_at = now() - interval '{days} days' WHERE id = {id}"
            ))
            .execute(conn)
            .unwrap();
        }
        diesel::sql_query(format!(
            "UPDATE assets SET status = 'scrapped' WHERE id = {}",
            ids[4]
        ))
        .execute(conn)
        .unwrap();
    })
    .await;
    app.login_as(workbay::domain::role::Role::Manager).await;
    let page = app.get_html("/stock/aging").await;
    let row = |bucket: &str, units: u32| {
        format!(
            "<td>{bucket}</td><td class=\"num\">{units}</td><td class=\"num\">{}</td>",
            312.5 * units as f64
        )
    };
    for (bucket, units) in [
        ("0–30 days", 1),
        ("30–60 days", 1),
        ("60–90 days", 1),
        ("90+ days", 1),
    ] {
        let expected = row(bucket, units).replace(".5<", ".50<");
        assert!(page.contains(&expected), "{expected} not in {page}");
    }
    let labels = app.get_html("/stock/labels?q=AGE0").await;
    assert!(
        labels.contains("<svg")
            && labels.contains("class=\"barcode\"")
            && labels.contains("S/N AGE0"),
        "{labels}"
    );
    assert_eq!(labels.matches("class=\"label\"").count(), 1);
}

/// Scans `serial` of `model` at 100.00 into the open delivery.
async fn scan(app: &TestApp, model: i64, serial: &str) -> Reply {
    let model = model.to_string();
    let fields = [
        ("product_model_id", model.as_str()),
        ("unit_cost", "100.00"),
        ("serial", serial),
    ];
    app.send("/stock/intake/scan", &fields).await
}

#[tokio::test]
async fn scanning_a_delivery_refuses_duplicates_survives_a_reload_and_commits_with_landed_cost() {
    let app = spawn_app().await;
    let (model, item) = app
        .with_db(|c| {
            let model = product_model(c, "Phone", "Apple", "iPhone 11", 90);
            (model, stock_item(c, "CASE-11", "Case", "1.00", "5.00", 0))
        })
        .await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    for serial in ["imei-001", "IMEI-002", "imei-003"] {
        let reply = scan(&app, model, serial).await;
        reply.is(303);
        assert!(
            reply.location.contains(&format!("model={model}")),
            "the model stays chosen"
        );
    }
    let twice = scan(&app, model, " Imei-002 ").await;
    twice
        .is(422)
        .says("Serial IMEI-002 is already in this delivery.")
        .says("scan-warning");
    assert!(
        twice
            .body
            .contains("id=\"f-serial\" name=\"serial\" type=\"text\" value=\"\""),
        "the serial field is empty for the next scan"
    );
    let item_s = item.to_string();
    let bulk = [
        ("stock_item_id", item_s.as_str()),
        ("quantity", "10"),
        ("bulk_cost", "3.00"),
    ];
    app.post_form("/stock/intake/bulk", &bulk).await;
    app.post_form(
        "/stock/intake/costs",
        &[("shipping", "25.50"), ("duty", "7.50")],
    )
    .await;
    // A reload shows the unfinished delivery.
    let again = app.get_html("/stock/intake").await;
    assert!(
        again.contains(
            "<strong id=\"units-scanned\">3</strong> units scanned · 10 bulk pieces · 4 lines"
        ) && again.contains("IMEI-001")
            && again.contains("value=\"25.50\""),
        "{again}"
    );
    let units = app.count("SELECT count(*) FROM assets").await;
    assert_eq!(units, 0, "nothing is in stock before the commit");
    app.submit("/stock/intake/commit", &[]).await;
    let done = app.get_html("/stock/intake").await;
    assert!(done.contains("Delivery committed: 3 units and 10 bulk pieces are in stock."));
    // 33.00 spread by value: 300 of units and 30 of cases → 30.00 and 3.00.
    for (fact, n) in [
        ("SELECT count(*) FROM assets WHERE status = 'received' AND landed_cost = 110.00 AND purchase_cost = 100.00".to_string(), 3),
        (format!("SELECT count(*) FROM stock_ledger WHERE stock_item_id = {item} AND quantity = 10 AND unit_cost = 3.30"), 1),
        ("SELECT count(*) FROM asset_movements WHERE to_status = 'received'".to_string(), 3),
        ("SELECT count(*) FROM intake_batches WHERE status = 'committed'".to_string(), 1),
    ] {
        assert_eq!(app.count(&fact).await, n, "{fact}");
    }
}

#[tokio::test]
async fn a_500_unit_intake_with_one_serial_already_in_stock_commits_nothing_and_names_it() {
    let app = spawn_app().await;
    let user = app
        .create_user("store", "Store", workbay::domain::role::Role::Warehouse)
        .await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let uid = user.id;
    let err = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        let by = By {
            user_id: Some(uid),
            ..By::system()
        };
        let model = product_model(&mut c, "Laptop", "HP", "EliteBook 840", 90);
        let batch = workbay::repo::intake::open_batch(&mut c, branch, &by)
            .unwrap()
            .0;
        let cost: bigdecimal::BigDecimal = "250.00".parse().unwrap();
        for n in 0..500 {
            workbay::repo::intake::add_unit(
                &mut c,
                branch,
                batch,
                &format!("HP{n:05}"),
                model,
                &cost,
            )
            .unwrap();
        }
        // Meanwhile a unit with one of those serials reached stock another way.
        assets::receive(
            &mut c,
            &arrival(branch, model, "hp00321"),
            "other delivery",
            &by,
        )
        .unwrap();
        match workbay::repo::intake::commit(&mut c, branch, batch, None, &by) {
            Err(RepoError::Conflict(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    })
    .await
    .unwrap();
    assert!(
        err.contains("Serial HP00321 is already in stock (WB")
            && err.contains("Nothing was committed; remove that line and commit again."),
        "{err}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM assets").await,
        1,
        "only the unit that was there before"
    );
    assert_eq!(app.count("SELECT count(*) FROM intake_lines").await, 500);
    assert_eq!(
        app.count("SELECT count(*) FROM intake_batches WHERE status = 'open'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_stock_catalogue_adds_models_items_and_vendors_with_messages_for_bad_input() {
    let app = spawn_app().await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    let model = |brand, name| {
        [
            ("category", "Phone"),
            ("brand", brand),
            ("model", name),
            ("warranty_days", "180"),
        ]
    };
    app.send("/stock/catalogue/model", &model("Tecno", "Spark 10"))
        .await
        .is(303);
    app.send("/stock/catalogue/model", &model("tecno", "spark 10"))
        .await
        .is(422)
        .says("This model exists already.");
    let item = |cost| {
        [
            ("sku", "scr-1"),
            ("name", "Screen protector"),
            ("unit_cost", cost),
            ("unit_price", "300"),
            ("reorder_threshold", "5"),
        ]
    };
    app.send("/stock/catalogue/item", &item("-1"))
        .await
        .is(422)
        .says("Enter an amount of 0 or more")
        .says("value=\"Screen protector\"");
    app.send("/stock/catalogue/item", &item("80")).await.is(303);
    app.send(
        "/stock/catalogue/vendor",
        &[("vendor_name", "Phone Parts Ltd")],
    )
    .await
    .is(303);
    for action in ["product_model.create", "stock_item.create", "vendor.create"] {
        let sql = format!(
            "SELECT count(*) FROM audit_log WHERE action = '{action}' AND actor_user_id IS NOT NULL"
        );
        assert_eq!(app.count(&sql).await, 1, "{action}");
    }
    let page = app.get_html("/stock/catalogue").await;
    assert!(
        page.contains("Tecno Spark 10 (Phone)")
            && page.contains("SCR-1 — Screen protector")
            && page.contains("Phone Parts Ltd")
    );
}

/// Two units at `from`, the second in diagnostics, and five USB cables: (unit, other, cable).
fn two_units_and_five_cables(c: &mut PgConnection, from: i64) -> (i64, i64, i64) {
    let by = By::default();
    let model = product_model(c, "Laptop", "Dell", "Latitude 7490", 90);
    let a = assets::receive(c, &arrival(from, model, "TR-1"), "", &by)
        .unwrap()
        .id;
    let b = assets::receive(c, &arrival(from, model, "TR-2"), "", &by)
        .unwrap()
        .id;
    assets::transition(
        c,
        from,
        b,
        AssetStatus::DiagnosticsPending,
        Cause::Manual,
        "",
        &by,
    )
    .unwrap();
    let item = stock_item(c, "CBL-USB", "USB cable", "1.00", "3.00", 0);
    stock_in(c, from, item, 5);
    (a, b, item)
}

#[tokio::test]
async fn a_transfer_passes_through_in_transit_and_arrives_in_the_same_state_at_the_other_branch() {
    let app = spawn_app().await;
    let from = app.branch_id;
    let to = app.create_branch("Mombasa Road", "MR-").await;
    app.with_db(move |c| {
        use workbay::repo::transfers::{self, Shipment};
        let by = By::default();
        let (a, b, item) = two_units_and_five_cables(c, from);
        let status = |c: &mut PgConnection, branch: i64, id: i64| {
            assets::get(c, branch, id).unwrap().status()
        };

        // More cable than there is: nothing is shipped at all.
        let too_much = Shipment {
            asset_ids: vec![a],
            bulk: vec![(item, 6)],
        };
        let refused = transfers::ship(c, from, to, &too_much, "", &by);
        assert!(matches!(refused, Err(RepoError::Validation(_))));
        assert_eq!(status(c, from, a), AssetStatus::Received);

        let shipment = Shipment {
            asset_ids: vec![a, b],
            bulk: vec![(item, 3)],
        };
        let id = transfers::ship(c, from, to, &shipment, "weekly run", &by).unwrap();
        assert_eq!(status(c, from, a), AssetStatus::InTransit);
        assert_eq!(stock::on_hand(c, item, from).unwrap(), 2);
        assert_eq!(
            stock::on_hand(c, item, to).unwrap(),
            0,
            "not there until received"
        );
        let at_source = transfers::receive(c, from, id, &by);
        assert!(
            matches!(at_source, Err(RepoError::NotFound)),
            "only the destination receives"
        );

        transfers::receive(c, to, id, &by).unwrap();
        assert_eq!(status(c, to, a), AssetStatus::Received);
        assert_eq!(status(c, to, b), AssetStatus::DiagnosticsPending);
        let gone = assets::get(c, from, a);
        assert!(
            matches!(gone, Err(RepoError::NotFound)),
            "no longer at the source"
        );
        assert_eq!(stock::on_hand(c, item, to).unwrap(), 3);
        assert_eq!(stock::ledger_sum(c, item, to).unwrap(), 3);
        let twice = transfers::receive(c, to, id, &by);
        assert!(
            matches!(twice, Err(RepoError::Conflict(_))),
            "received once"
        );
        // received, (diagnostics,) out, in: a has 3 movements and b 4.
        assert_eq!(movements(c, a), 3);
        assert_eq!(movements(c, b), 4);
        // The unit goes on with its life at the new branch.
        assets::transition(
            c,
            to,
            a,
            AssetStatus::DiagnosticsPending,
            Cause::Manual,
            "",
            &by,
        )
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn an_items_ledger_pages_back_through_its_history_fifty_rows_at_a_time() {
    let app = spawn_app().await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    let item = item_with_stock(&app, "RAG-1", 0, 5).await;
    let other = app.create_branch("Other", "OT").await;
    app.exec(&format!(
        "INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, reference) \
         SELECT {item}, {branch}, 'intake', 1, 'delivery ' || lpad(n::text, 3, '0') FROM generate_series(1, 120) n \
         UNION ALL SELECT {item}, {other}, 'intake', 1, 'elsewhere ' || n FROM generate_series(1, 5) n \
         ORDER BY 5",
        branch = app.branch_id
    ))
    .await;
    let deliveries = |page: &str| crate::common::http::numbers_after(page, "delivery ");
    let older = |page: &str| -> Option<String> {
        let at = page.find("rel=\"next\"")?;
        let start = page[..at].rfind("href=\"")? + 6;
        Some(page[start..at].trim_end_matches("\" ").to_string())
    };
    let mut path = format!("/stock/items/{item}");
    let mut pages = Vec::new();
    loop {
        let page = app.get_html(&path).await;
        assert!(
            !page.contains("elsewhere"),
            "another branch's rows stay out"
        );
        pages.push(deliveries(&page));
        if pages.len() > 1 {
            assert!(page.contains("Newest movements"));
        }
        match older(&page) {
            Some(next) => path = next.replace("&amp;", "&"),
            None => break,
        }
        assert!(pages.len() < 10, "paging must end");
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0], (71..=120).rev().collect::<Vec<_>>());
    assert_eq!(pages[1], (21..=70).rev().collect::<Vec<_>>());
    assert_eq!(pages[2], (1..=20).rev().collect::<Vec<_>>());
    // Nonsense in the address shows the newest rows rather than an error.
    let page = app
        .get_html(&format!("/stock/items/{item}?before=abc"))
        .await;
    assert_eq!(deliveries(&page), pages[0]);
}

#[tokio::test]
async fn the_unit_list_pages_newest_first_and_filters_by_status_and_serial_within_the_branch() {
    let app = spawn_app().await;
    app.login_as(workbay::domain::role::Role::Warehouse).await;
    let other = app.create_branch("Other", "OT").await;
    app.exec(&format!(
        "WITH m AS (INSERT INTO product_models (category, brand, model) VALUES ('Phone', 'Tecno', 'Spark 10') RETURNING id) \
         INSERT INTO assets (serial, product_model_id, branch_id, purchase_cost, landed_cost, status) \
         SELECT serial, m.id, branch, 100, 110, status FROM m, ( \
           SELECT 'LIST' || lpad(n::text, 3, '0') AS serial, {branch} AS branch, \
                  CASE WHEN n % 2 = 0 THEN 'ready_for_sale' ELSE 'diagnostics_pending' END AS status, n \
           FROM generate_series(1, 60) n \
           UNION ALL SELECT 'ELSEWHERE' || n, {other}, 'ready_for_sale', 100 + n FROM generate_series(1, 3) n) x \
         ORDER BY x.n",
        branch = app.branch_id
    ))
    .await;
    let serials = |page: &str| crate::common::http::numbers_after(page, ">LIST");
    let first = app.get_html("/stock/assets").await;
    assert!(first.contains("60 in all"), "{first}");
    assert!(
        !first.contains("ELSEWHERE"),
        "another branch's units stay out"
    );
    assert_eq!(serials(&first), (36..=60).rev().collect::<Vec<_>>());
    let third = app.get_html("/stock/assets?page=3").await;
    assert_eq!(serials(&third), (1..=10).rev().collect::<Vec<_>>());
    // A page past the end shows the last one.
    let past = app.get_html("/stock/assets?page=99").await;
    assert_eq!(serials(&past), serials(&third));
    assert!(past.contains("Page 3 of 3"), "{past}");
    let ready = app.get_html("/stock/assets?status=ready_for_sale").await;
    assert!(ready.contains("30 in all"), "{ready}");
    assert_eq!(
        serials(&ready),
        (12..=60).rev().filter(|n| n % 2 == 0).collect::<Vec<_>>()
    );
    let found = app.get_html("/stock/assets?q=list05").await;
    assert!(found.contains("10 in all"), "{found}");
    assert_eq!(serials(&found), (50..=59).rev().collect::<Vec<_>>());
}
