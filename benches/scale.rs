//! Scale benchmark (not a test): loads `workbay demo --scale 8` once into its own embedded
//! PostgreSQL (kept in `target/bench-scale`, reused by later runs), serves the real application
//! from it (the server's default HTTP workers and pool) and measures with real HTTP requests:
//! - every dashboard, for an administrator who sees all the branches (default range: the last
//!   30 days; sales and customers also over a 12-month date range, and customers over the
//!   "last 12 months" period read from its refreshed view);
//! - the main list pages for one branch's staff (customer search, the top bar's search, calendar week, ticket board
//!   and list, stock list, invoice list and search), and the Today page of a receptionist and a manager;
//! - the counter writes, by 1 client and by 16 at once (each its own receptionist): create a
//!   booking; a sale = new invoice + 3 lines + issue + 2 payments; the 16 both back-to-back
//!   (saturating the machine) and at a counter's pace (300 ms between a till's requests). The
//!   16 tills' first round after start (fresh connections, cold caches) is timed as rows of its
//!   own before the back-to-back rows, as every page above is requested once before it is timed.
//!
//! Prints p50/p95/p99 per row (the back-to-back sale requests also by step) and the process's
//! peak memory (server and client share this process; PostgreSQL's own processes are not
//! counted). Asserts only that each request did what it should; nothing about time.
//! `WORKBAY_BENCH_SCALE` (default 8) and `WORKBAY_BENCH_DIR` change the size and where the data
//! lives; `WORKBAY_BENCH_TRACE` prints when the slowest POSTs of each phase happened (stderr).
//! Run with `cargo bench --bench scale`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use workbay::db::embedded::{ClusterOptions, EmbeddedCluster, SUPERUSER};
use workbay::db::roles::APP_ROLE;

#[path = "support/wire.rs"]
mod wire;
use wire::Wire;

const REPEAT: usize = 20;
const CLIENTS: usize = 16;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Row {
    label: String,
    times: Vec<Duration>,
}

fn print_rows(title: &str, rows: &mut [Row]) {
    println!("\n{title}");
    println!(
        "  {:<58} {:>6} {:>9} {:>9} {:>9}",
        "", "n", "p50", "p95", "p99"
    );
    for r in rows.iter_mut() {
        r.times.sort();
        println!(
            "  {:<58} {:>6} {:>7.1}ms {:>7.1}ms {:>7.1}ms",
            r.label,
            r.times.len(),
            percentile(&r.times, 0.5).as_secs_f64() * 1000.0,
            percentile(&r.times, 0.95).as_secs_f64() * 1000.0,
            percentile(&r.times, 0.99).as_secs_f64() * 1000.0,
        );
    }
}

fn extract_csrf(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("a csrf token") + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

/// Whether `WORKBAY_BENCH_TRACE` is set (read once, not on every POST).
static TRACING: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| std::env::var_os("WORKBAY_BENCH_TRACE").is_some());

/// While tracing, every POST's start and time, for [`print_trace`].
static TRACE: std::sync::Mutex<Vec<(Instant, Duration)>> = std::sync::Mutex::new(Vec::new());

fn trace(start: Instant, took: Duration) {
    if *TRACING {
        TRACE.lock().unwrap().push((start, took));
    }
}

/// With `WORKBAY_BENCH_TRACE` set, prints (to stderr) the POSTs traced since the last call in
/// windows of 200 ms: how many started in each, how many of them took the phase's p99 or
/// longer, and the longest. Slow requests bunched in a few windows point at a stall (cold
/// caches, a checkpoint, the machine), spread evenly at queueing.
fn print_trace(phase: &str) {
    let mut posts = std::mem::take(&mut *TRACE.lock().unwrap());
    if posts.is_empty() {
        return;
    }
    posts.sort();
    let mut times: Vec<Duration> = posts.iter().map(|p| p.1).collect();
    times.sort();
    let p99 = percentile(&times, 0.99);
    eprintln!("trace, {phase}: {} POSTs, p99 {p99:.1?}", posts.len());
    let first = posts[0].0;
    let mut windows = std::collections::BTreeMap::<u128, (usize, usize, Duration)>::new();
    for (start, took) in posts {
        let w = windows
            .entry(start.duration_since(first).as_millis() / 200)
            .or_default();
        w.0 += 1;
        w.1 += usize::from(took >= p99);
        w.2 = w.2.max(took);
    }
    for (w, (n, slow, longest)) in windows {
        eprintln!(
            "  from {:>6} ms: {n:>4} POSTs, {slow:>3} at p99 or over, longest {longest:.1?}",
            w * 200
        );
    }
}

/// A signed-in browser (see [`wire`]).
struct Browser {
    wire: Wire,
    token: String,
}

impl Browser {
    async fn sign_in(base: &str, username: &str) -> Browser {
        let wire = Wire::new(base.trim_start_matches("http://"));
        let login = wire.get("/login").await.1.text();
        let token = extract_csrf(&login);
        let (_, res) = wire
            .post(
                "/login",
                &[
                    ("username", username),
                    ("password", workbay::demo::DEMO_PASSWORD),
                    ("csrf_token", &token),
                    ("next", ""),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "sign in as {username}");
        let home = wire.get("/").await.1.text();
        Browser {
            token: extract_csrf(&home),
            wire,
        }
    }

    /// The body of `GET path`, whatever its status.
    async fn page(&self, path: &str) -> String {
        self.wire.get(path).await.1.text()
    }

    async fn get(&self, path: &str) -> Duration {
        let (took, res) = self.wire.get(path).await;
        assert_eq!(
            res.status,
            200,
            "GET {path}: {}",
            String::from_utf8_lossy(&res.body[..res.body.len().min(400)])
        );
        took
    }

    async fn post(&self, path: &str, fields: Vec<(&str, String)>) -> (Duration, String) {
        let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form.push(("csrf_token", &self.token));
        let start = Instant::now();
        let (took, res) = self.wire.post(path, &form).await;
        trace(start, took);
        if res.status != 303 {
            let body = res.text();
            let errors: Vec<&str> = body
                .lines()
                .filter(|l| l.contains("error") || l.contains("alert"))
                .collect();
            panic!("POST {path}: {} {}", res.status, errors.join("\n"));
        }
        (took, res.location)
    }
}

/// One counter's fixtures at its branch.
#[derive(Clone)]
struct Till {
    username: String,
    customer: i64,
    vehicle: i64,
    bay: i64,
    item: i64,
    service: i64,
    /// The booking form's checkbox for the service, `service_{id}`.
    service_field: &'static str,
}

/// A sale: 7 POSTs, `pause` apart (a cashier's pace; zero for back-to-back); their times.
async fn sale(b: &Browser, t: &Till, pause: Duration) -> Vec<Duration> {
    let sid = || ("submission_id", uuid::Uuid::new_v4().to_string());
    let mut times = Vec::new();
    let wait = || async move {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    };
    let (d, page) = b
        .post("/invoices/new", vec![("walk_in_name", "Bench".into())])
        .await;
    times.push(d);
    for (kind, fields) in [
        (
            "stock",
            vec![
                ("stock_item_id", t.item.to_string()),
                ("quantity", "1".to_string()),
            ],
        ),
        ("service", vec![("service_id", t.service.to_string())]),
        (
            "fee",
            vec![
                ("fee_description", "Setup".to_string()),
                ("fee_amount", "7.50".to_string()),
            ],
        ),
    ] {
        wait().await;
        times.push(b.post(&format!("{page}/lines/{kind}"), fields).await.0);
    }
    wait().await;
    times.push(b.post(&format!("{page}/issue"), vec![sid()]).await.0);
    // 15.00 + 25.00 + 7.50 = 47.50 at 16% = 55.10: 30.00 by mobile money, 30.00 cash (4.90 change).
    wait().await;
    times.push(
        b.post(
            &format!("{page}/payments"),
            vec![
                ("method", "mobile_money".into()),
                ("amount", "30.00".into()),
                sid(),
            ],
        )
        .await
        .0,
    );
    wait().await;
    times.push(
        b.post(
            &format!("{page}/payments"),
            vec![("method", "cash".into()), ("amount", "30.00".into()), sid()],
        )
        .await
        .0,
    );
    times
}

/// A booking of 30 minutes on `day` at slot `n` (08:00, 08:30 … 17:30) in the till's bay.
async fn booking(b: &Browser, t: &Till, day: chrono::NaiveDate, n: usize) -> Duration {
    let start = chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()
        + chrono::Duration::minutes(30 * n as i64);
    let end = start + chrono::Duration::minutes(30);
    b.post(
        "/bookings/new",
        vec![
            ("customer_id", t.customer.to_string()),
            ("vehicle_id", t.vehicle.to_string()),
            ("bay_id", t.bay.to_string()),
            ("date", day.to_string()),
            ("start", start.format("%H:%M").to_string()),
            ("end", end.format("%H:%M").to_string()),
            (t.service_field, "on".to_string()),
        ],
    )
    .await
    .0
}

/// Every slot of each of `days` booked back to back: the requests' times.
async fn bookings(b: &Browser, t: &Till, days: &[chrono::NaiveDate]) -> Vec<Duration> {
    let mut times = Vec::new();
    for d in days {
        for n in 0..20 {
            times.push(booking(b, t, *d, n).await);
        }
    }
    times
}

/// `n` sales back to back: every request's time.
async fn sales(b: &Browser, t: &Till, n: usize) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..n {
        times.extend(sale(b, t, Duration::ZERO).await);
    }
    times
}

#[derive(QueryableByName)]
struct Fixture {
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = BigInt)]
    customer: i64,
    #[diesel(sql_type = BigInt)]
    vehicle: i64,
    #[diesel(sql_type = BigInt)]
    bay: i64,
    #[diesel(sql_type = BigInt)]
    branch: i64,
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    v: String,
}

/// Runs one future per till at once: every request's time, and the wall time of the lot.
async fn at_once<F>(runs: impl Iterator<Item = F>) -> (Vec<Duration>, Duration)
where
    F: std::future::Future<Output = Vec<Duration>>,
{
    let started = Instant::now();
    let times = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    (times, started.elapsed())
}

/// The benchmark client's threads: the main thread runs the client's single-threaded runtime
/// (the tills and their connections, see `main`), and any blocking threads of that runtime are
/// named so. The rest of this process's CPU is the server's (actix workers, their blocking
/// threads for Diesel). The server's background tasks are spawned onto the client's runtime by
/// `Application::build`, so their work would count as the client's; none runs during the timed
/// write phases (housekeeping runs at start and then every ten minutes, and the dashboard
/// refresh is set a day away).
const CLIENT_THREADS: &str = "bench-client";

/// CPU time used so far, in clock ticks of 10 ms.
#[derive(Clone, Copy, Default)]
struct Cpu {
    /// The server's threads in this process.
    server: u64,
    /// The benchmark client's threads.
    client: u64,
    /// Every process of the PostgreSQL cluster.
    postgres: u64,
}

/// CPU time used so far (user + system) by this process's server and client threads and by
/// every process of the PostgreSQL cluster whose postmaster is `postmaster`.
fn cpu_ticks(postmaster: u32) -> Cpu {
    // `/proc/…/stat`: the command in parentheses, then state, ppid, … utime (14th field),
    // stime (15th).
    let read = |path: &std::path::Path| -> Option<(String, u32, u64)> {
        let stat = std::fs::read_to_string(path).ok()?;
        let comm = stat[stat.find('(')? + 1..stat.rfind(')')?].to_string();
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        Some((
            comm,
            f[1].parse().ok()?,
            f[11].parse::<u64>().ok()? + f[12].parse::<u64>().ok()?,
        ))
    };
    let mut cpu = Cpu::default();
    // The server's share is the process's total (which keeps the time of threads that have
    // ended, such as idle blocking threads) less the client's threads, which live throughout.
    let me = std::process::id().to_string();
    for task in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Some((comm, _, t)) = read(&task.path().join("stat"))
            && (comm == CLIENT_THREADS || task.file_name().to_string_lossy() == me)
        {
            cpu.client += t;
        }
    }
    let total = read(std::path::Path::new("/proc/self/stat")).map_or(0, |(_, _, t)| t);
    cpu.server = total.saturating_sub(cpu.client);
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Some((_, ppid, t)) = read(&entry.path().join("stat"))
            && (pid == postmaster || ppid == postmaster)
        {
            cpu.postgres += t;
        }
    }
    cpu
}

/// CPU per request over a phase, in milliseconds: (server, client, PostgreSQL).
fn cpu_per_request(before: Cpu, after: Cpu, requests: usize) -> (f64, f64, f64) {
    let ms = |ticks: u64| ticks as f64 * 10.0 / requests.max(1) as f64;
    (
        ms(after.server.saturating_sub(before.server)),
        ms(after.client.saturating_sub(before.client)),
        ms(after.postgres.saturating_sub(before.postgres)),
    )
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    // The client's runtime: one thread (this one), so the tills' futures and their connections
    // run where their responses arrive, with no hand-over between threads. It shares the two
    // cores with the server, and on two threads it took 0.16-0.19 ms of CPU a request instead of
    // 0.12-0.15. The threads it starts for blocking work are named too.
    tokio::runtime::Builder::new_current_thread()
        .thread_name(CLIENT_THREADS)
        .enable_all()
        .build()
        .expect("the benchmark's runtime")
        .block_on(bench());
}

async fn bench() {
    let scale: u32 = std::env::var("WORKBAY_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let dir = std::env::var("WORKBAY_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-scale-{scale}"))
        });
    let mut cluster = EmbeddedCluster::new(&dir).expect("locating PostgreSQL");
    cluster
        .init_and_start(&ClusterOptions::default())
        .expect("starting PostgreSQL");
    cluster.bootstrap("workbay").expect("bootstrapping");
    let admin_url = cluster.url(SUPERUSER, "workbay");
    let app_url = cluster.url(APP_ROLE, "workbay");
    workbay::db::migrate::run_migrations(&admin_url).expect("migrating");
    let mut owner = PgConnection::establish(&admin_url).unwrap();
    let loaded: Vec<One> =
        diesel::sql_query("SELECT value AS v FROM app_settings WHERE key = 'demo.scale'")
            .load(&mut owner)
            .unwrap();
    if let Some(l) = loaded.first() {
        println!("reusing the scale history in {} ({})", dir.display(), l.v);
    } else {
        println!(
            "loading --scale {scale} into {} (once; later runs reuse it)",
            dir.display()
        );
        let summary = workbay::scale::generate(&mut owner, scale, 42, workbay::demo::DEMO_PASSWORD)
            .expect("generating the scale history");
        print!("{}", workbay::scale::report(&summary));
    }
    // Bench fixtures (once): an item with stock and a service at fixed prices, 16% tax.
    owner
        .batch_execute(
            "UPDATE branches SET tax_rate = 16 WHERE name LIKE 'Scale %'; \
             INSERT INTO stock_items (sku, name, unit_cost, unit_price) VALUES ('BENCH-1', 'Bench cable', 5, 15) ON CONFLICT DO NOTHING; \
             INSERT INTO services (name, category, labour_hours, price) VALUES ('Bench setup', 'Care', 1, 25) ON CONFLICT DO NOTHING; \
             INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, reference) \
               SELECT (SELECT id FROM stock_items WHERE sku = 'BENCH-1'), b.id, 'intake', 100000, 'bench' \
               FROM branches b WHERE b.name LIKE 'Scale %' AND NOT EXISTS ( \
                 SELECT 1 FROM stock_levels l WHERE l.branch_id = b.id AND l.stock_item_id = (SELECT id FROM stock_items WHERE sku = 'BENCH-1') AND l.on_hand > 10000)",
        )
        .unwrap();
    let fixtures: Vec<Fixture> = diesel::sql_query(
        "SELECT s.username, c.id AS customer, v.id AS vehicle, y.id AS bay, s.home_branch_id AS branch \
         FROM staff_users s \
         JOIN LATERAL (SELECT id FROM customers WHERE created_branch_id = s.home_branch_id \
                       AND EXISTS (SELECT 1 FROM vehicles WHERE customer_id = customers.id) ORDER BY id LIMIT 1) c ON true \
         JOIN LATERAL (SELECT id FROM vehicles WHERE customer_id = c.id ORDER BY id LIMIT 1) v ON true \
         JOIN LATERAL (SELECT id FROM bays WHERE branch_id = s.home_branch_id ORDER BY id \
                       OFFSET (right(s.username, 1)::int - 1) LIMIT 1) y ON true \
         WHERE s.username ~ '^s[0-9]{2}-receptionist[12]$' ORDER BY s.username",
    )
    .load(&mut owner)
    .unwrap();
    assert!(
        fixtures.len() >= CLIENTS.min(2 * scale as usize),
        "two receptionists a branch"
    );
    let item: One = diesel::sql_query(
        "SELECT (SELECT id FROM stock_items WHERE sku = 'BENCH-1')::text || ',' || (SELECT id FROM services WHERE name = 'Bench setup')::text AS v",
    )
    .get_result(&mut owner)
    .unwrap();
    let (item, service) = item.v.split_once(',').unwrap();
    let (item, service): (i64, i64) = (item.parse().unwrap(), service.parse().unwrap());
    // Bookings go on weekdays after every booking there is (so reruns never collide).
    let last: One = diesel::sql_query(
        "SELECT (max(starts_at) AT TIME ZONE 'Africa/Nairobi')::date::text AS v FROM bookings",
    )
    .get_result(&mut owner)
    .unwrap();
    let mut day = chrono::NaiveDate::parse_from_str(&last.v, "%Y-%m-%d").unwrap();
    let mut next_weekday = || {
        use chrono::Datelike;
        loop {
            day = day.succ_opt().unwrap();
            if day.weekday().number_from_monday() <= 5 {
                return day;
            }
        }
    };
    let tills: Vec<Till> = fixtures
        .iter()
        .map(|f| Till {
            username: f.username.clone(),
            customer: f.customer,
            vehicle: f.vehicle,
            bay: f.bay,
            item,
            service,
            service_field: Box::leak(format!("service_{service}").into_boxed_str()),
        })
        .collect();
    let first_branch = fixtures[0].branch;
    // The busiest stock item at the first till's branch, and a ledger row halfway through its
    // history there (the item page's keyset paging starts below it).
    let busiest: One = diesel::sql_query(format!(
        "SELECT x.item::text || ',' || (SELECT id FROM stock_ledger WHERE stock_item_id = x.item AND branch_id = {first_branch} \
                ORDER BY id OFFSET x.n / 2 LIMIT 1)::text AS v \
         FROM (SELECT stock_item_id AS item, count(*) AS n FROM stock_ledger WHERE branch_id = {first_branch} \
               GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1) x"
    ))
    .get_result(&mut owner)
    .unwrap();
    let (busiest_item, halfway) = busiest.v.split_once(',').unwrap();
    let (busiest_item, halfway) = (busiest_item.to_string(), halfway.to_string());
    // The scale history's units came in through deliveries (once): every 40 units a branch
    // received, in order, make one committed delivery whose lines name them.
    owner
        .batch_execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM intake_batches WHERE status = 'committed') THEN \
               CREATE TEMP TABLE g AS SELECT id, branch_id, received_at, purchase_cost, serial, product_model_id, \
                 (row_number() OVER (PARTITION BY branch_id ORDER BY received_at, id) - 1) / 40 AS grp FROM assets; \
               CREATE TEMP TABLE gb AS SELECT branch_id, grp, nextval('intake_batches_id_seq') AS batch_id, \
                 min(received_at) AS at FROM g GROUP BY branch_id, grp; \
               INSERT INTO intake_batches (id, branch_id, status, created_at, committed_at) \
                 SELECT batch_id, branch_id, 'committed', at, at FROM gb; \
               INSERT INTO intake_lines (batch_id, serial, product_model_id, unit_cost, created_at, asset_id) \
                 SELECT gb.batch_id, upper(btrim(g.serial)), g.product_model_id, g.purchase_cost, g.received_at, g.id \
                 FROM g JOIN gb USING (branch_id, grp); \
               ANALYZE intake_batches; ANALYZE intake_lines; \
             END IF; END $$;",
        )
        .unwrap();
    let delivery: One = diesel::sql_query(format!(
        "SELECT b.id::text || ',' || (SELECT serial FROM intake_lines WHERE batch_id = b.id ORDER BY id LIMIT 1) AS v \
         FROM intake_batches b WHERE b.branch_id = {first_branch} AND b.status = 'committed' \
         ORDER BY b.committed_at DESC OFFSET 100 LIMIT 1"
    ))
    .get_result(&mut owner)
    .unwrap();
    let (delivery, delivered_serial) = delivery.v.split_once(',').unwrap();
    let (delivery, delivered_serial) = (delivery.to_string(), delivered_serial.to_string());
    let counts: One = diesel::sql_query(
        "SELECT format('%s branches, %s customers, %s bookings, %s tickets, %s invoices, %s invoice lines, %s assets, %s stock ledger rows', \
           (SELECT count(*) FROM branches), (SELECT count(*) FROM customers), (SELECT count(*) FROM bookings), (SELECT count(*) FROM tickets), \
           (SELECT count(*) FROM invoices), (SELECT count(*) FROM invoice_lines), (SELECT count(*) FROM assets), (SELECT count(*) FROM stock_ledger)) AS v",
    )
    .get_result(&mut owner)
    .unwrap();
    println!("database: {}", counts.v);
    // WORKBAY_BENCH_ONLY=dashboards,lists,writes picks sections (all by default).
    let only = std::env::var("WORKBAY_BENCH_ONLY").unwrap_or_default();
    let wanted = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    // The dashboards' views as of now (the writes never read them).
    if wanted("dashboards") {
        owner.batch_execute("SELECT refresh_dashboards()").unwrap();
    }
    owner.batch_execute("VACUUM ANALYZE").unwrap();

    let mut settings = workbay::config::Settings::new(admin_url.clone(), app_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.secure_cookies = false;
    // The server's own default pool unless WORKBAY_BENCH_POOL says otherwise.
    if let Some(n) = std::env::var("WORKBAY_BENCH_POOL")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        settings.pool_size = n;
    }
    // And its default turns at the database unless WORKBAY_BENCH_TURNS says otherwise.
    settings.db_concurrency = std::env::var("WORKBAY_BENCH_TURNS")
        .ok()
        .and_then(|s| s.parse().ok());
    let (pool_size, turns, workers) = (
        settings.pool_size,
        settings.db_turns(),
        settings.http_workers(),
    );
    // The views were refreshed above; the sales snapshot that date ranges of customers are
    // ranked from is taken when the server starts (waited for below), and the next refresh is
    // a day away.
    settings.dashboard_refresh = wanted("dashboards").then_some(Duration::from_secs(24 * 3600));
    let started = Instant::now();
    let app = workbay::Application::build(settings).await.expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    // Dashboards, for an administrator of every branch.
    let admin = Browser::sign_in(&base, "scale-admin").await;
    let today = chrono::Utc::now().date_naive();
    let year_ago = today - chrono::Duration::days(364);
    if wanted("dashboards") {
        loop {
            if admin
                .page("/dashboards/customers")
                .await
                .contains("Ranked from the sales as of")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!(
            "customers' sales snapshot taken {:.1} s after the server was built; peak memory so far {:.0} MiB",
            started.elapsed().as_secs_f64(),
            peak_rss_mib()
        );
    }
    let dashboards = [
        "/dashboards/sales".to_string(),
        format!("/dashboards/sales?from={year_ago}&bucket=month"),
        "/dashboards/sales.csv".to_string(),
        "/dashboards/customers".to_string(),
        format!("/dashboards/customers?from={year_ago}"),
        format!("/dashboards/customers?from={year_ago}&page=40"),
        format!("/dashboards/customers?from={year_ago}&branch={first_branch}"),
        format!("/dashboards/customers.csv?from={year_ago}"),
        "/dashboards/customers?period=12m".to_string(),
        "/dashboards/customers?period=12m&page=40".to_string(),
        format!("/dashboards/customers?period=12m&branch={first_branch}"),
        "/dashboards/customers.csv?period=12m".to_string(),
        "/dashboards/technicians".to_string(),
        "/dashboards/services".to_string(),
        "/dashboards/inventory".to_string(),
        "/dashboards/preorders".to_string(),
        "/dashboards/branches".to_string(),
        format!("/dashboards/branches?branch={first_branch}"),
        "/dashboards/lead-sources".to_string(),
        format!("/dashboards/lead-sources?from={year_ago}"),
        format!("/dashboards/sales?from={year_ago}&bucket=quarter"),
    ];
    let mut rows = Vec::new();
    for path in dashboards.iter().filter(|_| wanted("dashboards")) {
        admin.get(path).await;
        let mut times = Vec::new();
        for _ in 0..REPEAT {
            times.push(admin.get(path).await);
        }
        rows.push(Row {
            label: path.clone(),
            times,
        });
    }
    print_rows(
        "dashboards (scale-admin: all branches; last 30 days unless a range is given)",
        &mut rows,
    );

    // Lists, for one branch's staff.
    let desk = Browser::sign_in(&base, &tills[0].username).await;
    let store = Browser::sign_in(
        &base,
        &tills[0].username.replace("receptionist1", "warehouse1"),
    )
    .await;
    let floor_lead = Browser::sign_in(
        &base,
        &tills[0].username.replace("receptionist1", "manager1"),
    )
    .await;
    let week = today + chrono::Duration::days(3);
    let lists: Vec<(&Browser, String)> = vec![
        (&desk, "/customers".into()),
        (&desk, "/customers?q=wanjiru".into()),
        (&desk, "/customers?q=0700".into()),
        (&desk, "/customers?q=kamau&page=20".into()),
        (&desk, "/customers?q=an".into()),
        (&desk, format!("/calendar/week?date={week}")),
        (&desk, "/calendar".into()),
        (&floor_lead, "/tickets".into()),
        (&floor_lead, "/tickets/all".into()),
        (&floor_lead, "/tickets/all?page=200".into()),
        (&store, "/stock".into()),
        (&store, format!("/stock/items/{busiest_item}")),
        (
            &store,
            format!("/stock/items/{busiest_item}?before={halfway}"),
        ),
        (&store, "/stock/assets".into()),
        (&store, "/stock/assets?status=ready_for_sale&page=10".into()),
        (&store, "/stock/intake".into()),
        (&store, "/stock/intake/deliveries".into()),
        (&store, "/stock/intake/deliveries?page=20".into()),
        (
            &store,
            format!("/stock/intake/deliveries?q={delivered_serial}"),
        ),
        (&store, format!("/stock/intake/deliveries/{delivery}")),
        (
            &store,
            format!("/stock/intake/deliveries/{delivery}/labels?copies=2&bulk=piece"),
        ),
        (&desk, "/invoices".into()),
        (&desk, "/invoices?page=200".into()),
        (&desk, "/invoices?q=S01-0001".into()),
        (&desk, "/preorders".into()),
        (&floor_lead, "/customers/duplicates".into()),
        (&floor_lead, "/customers/duplicates?page=5".into()),
        // the accountant's export of the last seven days at the manager's branch
        (
            &floor_lead,
            format!(
                "/exports/accounting.csv?from={}&to={today}",
                today - chrono::Duration::days(6)
            ),
        ),
        // the records' exports at the manager's branch, and the audit log a manager reads
        (&floor_lead, "/exports/stock.csv".into()),
        (&floor_lead, "/exports/units.csv".into()),
        (&floor_lead, "/admin/audit".into()),
        (&floor_lead, "/admin/audit?entity=invoice&q=payment".into()),
        (&floor_lead, "/imports".into()),
        // the outbox, and the campaigns with each segment counted and sampled
        (&floor_lead, "/messages".into()),
        (&floor_lead, "/campaigns".into()),
        (
            &floor_lead,
            "/campaigns/new?segment=service_due&months=6&km=10000".into(),
        ),
        (
            &floor_lead,
            "/campaigns/new?segment=lapsed&months=12".into(),
        ),
        (&floor_lead, "/campaigns/new?segment=top".into()),
        // A customer's page: their history across the branches the reader sees.
        (&desk, "/customers/1".into()),
        (&desk, "/customers/1?kind=invoice&page=2".into()),
        // The top bar's one search box: a name, part of a phone number, and a number that is
        // nothing here (every kind looked at; one hit would redirect instead).
        (&desk, "/notifications".into()),
        (&desk, "/search?q=wanjiru".into()),
        (&desk, "/search?q=0722".into()),
        (&floor_lead, "/search?q=S01-0001".into()),
    ];
    let mut rows = Vec::new();
    for (who, path) in lists.iter().filter(|_| wanted("lists")) {
        who.get(path).await;
        let mut times = Vec::new();
        for _ in 0..REPEAT {
            times.push(who.get(path).await);
        }
        rows.push(Row {
            label: path.clone(),
            times,
        });
    }
    print_rows("list pages (one branch's staff)", &mut rows);

    // The Today page, the home page, as the counter and as the branch's manager see it.
    let mut rows = Vec::new();
    let homes = [
        ("/ (Today, receptionist)", &desk),
        ("/ (Today, manager)", &floor_lead),
    ];
    for (label, who) in homes.iter().filter(|_| wanted("lists")) {
        who.get("/").await;
        let mut times = Vec::new();
        for _ in 0..REPEAT {
            times.push(who.get("/").await);
        }
        rows.push(Row {
            label: label.to_string(),
            times,
        });
    }
    print_rows("the Today page (one branch's staff)", &mut rows);

    if !wanted("writes") {
        println!(
            "\npeak memory of this process (server + benchmark client): {:.0} MiB",
            peak_rss_mib()
        );
        cluster.stop().expect("stopping PostgreSQL");
        return;
    }
    // Counter writes.
    let mut browsers = Vec::new();
    for t in tills.iter().take(CLIENTS) {
        browsers.push((Browser::sign_in(&base, &t.username).await, t.clone()));
    }
    let mut rows = Vec::new();
    let (b, t) = &browsers[0];
    rows.push(Row {
        label: "create booking, 1 client".into(),
        times: bookings(b, t, &[next_weekday()]).await,
    });
    rows.push(Row {
        label: "sale (7 POSTs: new, 3 lines, issue, 2 payments), 1 client".into(),
        times: sales(b, t, 30).await,
    });
    // Rounds of the back-to-back phases: each is a day of 20 bookings and 10 sales per till.
    // Three by default, so a 16-client p99 is read from 960 bookings and 3,360 sale requests
    // (with one round, 320 and 1,120, it was the 4th slowest booking and moved a lot from run
    // to run); WORKBAY_BENCH_ROUNDS lengthens them further (for profiling).
    let rounds: usize = std::env::var("WORKBAY_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let days: Vec<chrono::NaiveDate> = (0..rounds).map(|_| next_weekday()).collect();
    let postmaster: u32 = std::fs::read_to_string(dir.join("postgres/postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().next()?.trim().parse().ok())
        .expect("the cluster's postmaster.pid");
    // The first round after start: each till's first back-to-back bookings and sales run on
    // connections that have not yet prepared their statements and on pages not yet in memory
    // (the disk reads show in `vmstat`). Timed and printed as rows of their own, not mixed into
    // the steady-state rows below.
    print_trace("one client");
    eprintln!("phase: first round");
    let first_day = [next_weekday()];
    let (first_bookings, _) =
        at_once(browsers.iter().map(|(b, t)| bookings(b, t, &first_day))).await;
    let (first_sales, _) = at_once(browsers.iter().map(|(b, t)| sales(b, t, 2))).await;
    print_trace("first round");
    rows.push(Row {
        label: format!(
            "create booking, {} clients, first round after start",
            browsers.len()
        ),
        times: first_bookings,
    });
    rows.push(Row {
        label: format!(
            "sale requests, {} clients, first round after start",
            browsers.len()
        ),
        times: first_sales,
    });
    eprintln!("phase: bookings back to back");
    let cpu_before = cpu_ticks(postmaster);
    let (times, booking_wall) = at_once(browsers.iter().map(|(b, t)| bookings(b, t, &days))).await;
    let booked = times.len();
    let booking_cpu = cpu_per_request(cpu_before, cpu_ticks(postmaster), booked);
    rows.push(Row {
        label: format!("create booking, {} clients at once", browsers.len()),
        times,
    });
    print_trace("bookings back to back");
    eprintln!("phase: sales back to back");
    let cpu_before = cpu_ticks(postmaster);
    let (times, sale_wall) = at_once(browsers.iter().map(|(b, t)| sales(b, t, 10 * rounds))).await;
    let sold = times.len() / 7;
    let sale_cpu = cpu_per_request(cpu_before, cpu_ticks(postmaster), times.len());
    // The same requests by step. Each till's times come in whole sales of 7 in the order
    // `sale` sends them, and `at_once` puts the tills' lists one after another, so every run of
    // 7 is one sale: new, 3 lines, issue, 2 payments.
    assert_eq!(times.len() % 7, 0, "whole sales");
    let step = |label: &str, at: &[usize]| Row {
        label: format!("  of which {label}"),
        times: times
            .chunks(7)
            .flat_map(|sale| at.iter().map(|&i| sale[i]))
            .collect(),
    };
    let steps = [
        step("new invoice", &[0]),
        step("add a line (3 a sale)", &[1, 2, 3]),
        step("issue", &[4]),
        step("payment (2 a sale)", &[5, 6]),
    ];
    rows.push(Row {
        label: format!("sale requests, {} clients at once", browsers.len()),
        times,
    });
    rows.extend(steps);
    // The same 16 tills at a counter's pace: a request every 300 ms from each (about 50
    // requests a second in all), so latency is the work plus what queueing remains. The tills
    // start at staggered offsets across the first 300 ms, as independent counters would, instead
    // of all firing in the same instant every 300 ms (that case is the back-to-back rows above).
    print_trace("sales back to back");
    eprintln!("phase: paced");
    let pause = Duration::from_millis(300);
    let d = next_weekday();
    let tills = browsers.len() as u32;
    let runs = browsers.iter().enumerate().map(|(i, (b, t))| async move {
        let (mut bookings, mut sales) = (Vec::new(), Vec::new());
        tokio::time::sleep(pause * i as u32 / tills).await;
        for n in 0..10 {
            tokio::time::sleep(pause).await;
            bookings.push(booking(b, t, d, n).await);
        }
        for _ in 0..5 {
            tokio::time::sleep(pause).await;
            sales.extend(sale(b, t, pause).await);
        }
        (bookings, sales)
    });
    let (mut paced_bookings, mut paced_sales) = (Vec::new(), Vec::new());
    for (b, s) in futures_util::future::join_all(runs).await {
        paced_bookings.extend(b);
        paced_sales.extend(s);
    }
    rows.push(Row {
        label: format!(
            "create booking, {} clients, staggered, 300 ms apart",
            browsers.len()
        ),
        times: paced_bookings,
    });
    rows.push(Row {
        label: format!(
            "sale requests, {} clients, staggered, 300 ms apart",
            browsers.len()
        ),
        times: paced_sales,
    });
    print_trace("paced");
    print_rows("counter writes (per request)", &mut rows);
    println!(
        "  throughput at {} clients: {:.0} bookings/s, {:.1} sales/s",
        browsers.len(),
        booked as f64 / booking_wall.as_secs_f64(),
        sold as f64 / sale_wall.as_secs_f64()
    );
    // CPU is what the two cores run out of when the tills go back to back; it varies far less
    // from run to run than the latencies on this shared machine. The client's share is this
    // machine's too here, though real tills would be browsers elsewhere.
    println!(
        "  CPU per request at 16 clients (server / benchmark client / PostgreSQL): \
         booking {:.2} / {:.2} / {:.2} ms, sale request {:.2} / {:.2} / {:.2} ms",
        booking_cpu.0, booking_cpu.1, booking_cpu.2, sale_cpu.0, sale_cpu.1, sale_cpu.2
    );
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimized"
    };
    println!(
        "\npeak memory of this process (server + benchmark client): {:.0} MiB; {profile} build, {workers} HTTP worker(s), pool of {pool_size}, {turns} requests at once in the database",
        peak_rss_mib()
    );
    cluster.stop().expect("stopping PostgreSQL");
}
