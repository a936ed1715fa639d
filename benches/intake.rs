//! Stock intake benchmark (not a test): scans 1,000 serialized units into one delivery through
//! the real HTTP flow and commits it; pastes a list of 1,000 in one request and commits it;
//! scans 1,000 one at a time, and then 1,000 as one burst, through a real headless Chromium on
//! the intake screen; then loads 100,000 units and times the unit list page. Prints figures;
//! asserts nothing about time. Run with `cargo bench --bench intake`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/browser/driver.rs"]
#[allow(dead_code)]
mod driver;

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::domain::role::Role;

const UNITS: usize = 1_000;
const LOADED: usize = 100_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_kib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// A form post that must redirect (303), and how long it took from the client.
async fn timed_post(app: &common::TestApp, path: &str, fields: &[(&str, &str)]) -> Duration {
    let started = Instant::now();
    let res = app
        .client
        .post(format!("{}{path}", app.address))
        .form(fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{path}");
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = common::spawn_app_with(|s| {
        s.workers = Some(2);
        s.pool_size = 8;
    })
    .await;
    let user = app.login_as(Role::Warehouse).await;
    let url = app.db.app_url.clone();
    let model = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).unwrap();
        workbay::repo::stock::create_product_model(
            &mut c,
            "Phone",
            "Bench",
            "Model 1",
            90,
            &workbay::repo::By::default(),
        )
        .unwrap()
        .id
    })
    .await
    .unwrap();
    let model = model.to_string();
    let token = app.csrf_token_with(&app.client, "/").await;
    let scan_url = format!("{}/stock/intake/scan", app.address);

    // 1. Scan 1,000 units, one POST each, as a scanner would.
    let started = Instant::now();
    for n in 0..UNITS {
        let serial = format!("BENCH{n:07}");
        let res = app
            .client
            .post(&scan_url)
            .form(&[
                ("product_model_id", model.as_str()),
                ("unit_cost", "100.00"),
                ("serial", &serial),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "scan {n}");
    }
    let scanning = started.elapsed();
    let page_started = Instant::now();
    let page = app.get_html("/stock/intake").await;
    let page_time = page_started.elapsed();
    assert!(page.contains(&format!(
        "<strong id=\"units-scanned\">{}</strong> units scanned",
        "1,000"
    )));
    let commit = timed_post(&app, "/stock/intake/commit", &[("csrf_token", &token)]).await;
    assert_eq!(app.count("SELECT count(*) FROM assets").await, UNITS as i64);

    // 2. Paste a list of 1,000 (a range) in one request, then commit it.
    let list = [
        ("product_model_id", model.as_str()),
        ("unit_cost", "100.00"),
        ("serials", "PASTE0001-PASTE1000"),
        ("csrf_token", &token),
    ];
    let pasting = timed_post(&app, "/stock/intake/paste", &list).await;
    let pasted_commit = timed_post(&app, "/stock/intake/commit", &[("csrf_token", &token)]).await;
    assert_eq!(
        app.count("SELECT count(*) FROM assets").await,
        2 * UNITS as i64
    );

    // 3. Through a real browser on the intake screen: 1,000 scans one after another (each sent
    // when the previous one is answered), then 1,000 as one burst (a scanner faster than the
    // server; the page queues them).
    let browser = driver::Browser::signed_in(&app.address, &user.username, (1366, 768)).await;
    browser
        .client
        .goto(&format!(
            "{}/stock/intake?model={model}&cost=100.00",
            app.address
        ))
        .await
        .unwrap();
    let one_by_one = browser
        .client
        .execute_async(
            "const [n, prefix, done] = arguments;
             const form = document.getElementById('scan-form');
             const field = document.getElementById('f-serial');
             let i = 0; const t0 = performance.now();
             const next = () => {
               if (i === n) { document.removeEventListener('workbay:scanned', next); done(performance.now() - t0); return; }
               field.value = prefix + String(i).padStart(5, '0'); i++;
               form.requestSubmit();
             };
             document.addEventListener('workbay:scanned', next);
             next();",
            vec![serde_json::json!(UNITS), serde_json::json!("SEQ")],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let burst = browser
        .client
        .execute_async(
            "const [n, prefix, done] = arguments;
             const form = document.getElementById('scan-form');
             const field = document.getElementById('f-serial');
             const t0 = performance.now();
             document.addEventListener('workbay:scanned', () => {
               if (window.workbayScansWaiting() === 0) done(performance.now() - t0);
             });
             for (let i = 0; i < n; i++) { field.value = prefix + String(i).padStart(5, '0'); form.requestSubmit(); }",
            vec![serde_json::json!(UNITS), serde_json::json!("BST")],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let shown = browser.text_of("#units-scanned").await;
    browser.close().await;
    assert_eq!(shown, "2,000", "every browser scan is in the delivery");
    assert_eq!(
        app.count("SELECT count(*) FROM intake_lines l JOIN intake_batches b ON b.id = l.batch_id WHERE b.status = 'open'").await,
        2 * UNITS as i64
    );

    // 4. Load 100,000 units and time the unit list (first page, a status filter, a serial search).
    let branch = app.branch_id;
    let load_started = Instant::now();
    let admin_url = app.db.admin_url.clone();
    let model_id: i64 = model.parse().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(format!(
            "INSERT INTO assets (serial, product_model_id, branch_id, purchase_cost, landed_cost, status, received_at)
             SELECT 'LOAD' || g, {model_id}, {branch}, 100, 105,
                    (ARRAY['received','diagnostics_pending','wipe_pending','qc_pending','ready_for_sale','reserved','sold'])[1 + g % 7],
                    now() - (g % 400) * interval '1 day'
             FROM generate_series(1, {LOADED}) g"
        ))
        .execute(&mut c)
        .unwrap();
        diesel::sql_query("ANALYZE assets").execute(&mut c).unwrap();
    })
    .await
    .unwrap();
    let loading = load_started.elapsed();
    let mut report = Vec::new();
    for path in [
        "/stock/assets",
        "/stock/assets?status=ready_for_sale",
        "/stock/assets?q=LOAD4242",
        "/stock/aging",
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let res = app.get(path).await;
            assert_eq!(res.status().as_u16(), 200);
            res.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        report.push((path, percentile(&times, 0.5), percentile(&times, 0.95)));
    }

    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimized"
    };
    println!("stock intake benchmark ({profile} build, 2 HTTP workers, PostgreSQL with fsync off)");
    println!(
        "  scan {UNITS} units through HTTP: {:?} in all, {:.2} ms per unit",
        scanning,
        scanning.as_secs_f64() * 1000.0 / UNITS as f64
    );
    println!("  intake page with {UNITS} lines: {page_time:?}");
    println!(
        "  commit {UNITS} units in one transaction: {commit:?} ({:.3} ms per unit)",
        commit.as_secs_f64() * 1000.0 / UNITS as f64
    );
    println!(
        "  paste {UNITS} serials in one request: {pasting:?}; commit them: {pasted_commit:?}; together {:?} (target < 300 ms)",
        pasting + pasted_commit
    );
    println!(
        "  real browser, {UNITS} scans one after another: {:.0} ms ({:.2} ms per scan; target < 2,500 ms)",
        one_by_one,
        one_by_one / UNITS as f64
    );
    println!(
        "  real browser, {UNITS} scans as one burst (queued by the page): {:.0} ms",
        burst
    );
    println!("  loading {LOADED} more units by SQL: {loading:?}");
    println!(
        "  {:<40} {:>10} {:>10}",
        "page (with 101k units)", "p50", "p95"
    );
    for (path, p50, p95) in report {
        println!("  {:<40} {:>10.1?} {:>10.1?}", path, p50, p95);
    }
    println!(
        "  peak RSS of this process (client, server and harness): {}",
        peak_rss_kib()
    );
}
