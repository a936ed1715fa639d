//! Stock intake benchmark (not a test): scans 1,000 serialized units into one delivery through
//! the real HTTP flow and commits it, then loads 100,000 units and times the unit list page.
//! Prints figures; asserts nothing about time. Run with `cargo bench --bench intake`.

#[path = "../tests/common/mod.rs"]
mod common;

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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = common::spawn_app_with(|s| {
        s.workers = Some(2);
        s.pool_size = 8;
    })
    .await;
    app.login_as(Role::Warehouse).await;
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
    assert!(page.contains(&format!("{UNITS} units scanned")));
    let commit_started = Instant::now();
    let res = app
        .client
        .post(format!("{}/stock/intake/commit", app.address))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let commit = commit_started.elapsed();
    assert_eq!(app.count("SELECT count(*) FROM assets").await, UNITS as i64);

    // 2. Load 100,000 units and time the unit list (first page, a status filter, a serial search).
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
