//! Invoicing benchmark (not a test): a whole counter sale through the real HTTP flow — start a
//! draft, add three lines (a stock item, a service, a fee), issue it, take two payments (mobile
//! money, then cash with change) — by 1 client and by 16 clients at once, each signed in as its
//! own receptionist. Prints p50/p99 latency of a sale and of single requests, and throughput.
//! Asserts only that each step did what it should; nothing about time.
//! Run with `cargo bench --bench invoicing`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection};
use workbay::domain::role::Role;

const SALES_ALONE: usize = 100;
const CLIENTS: usize = 16;
const SALES_EACH: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Counter {
    client: reqwest::Client,
    token: String,
}

/// One sale; returns its time and the times of its 7 requests.
async fn sale(base: &str, c: &Counter, item: i64, service: i64) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let mut steps = Vec::new();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut form = fields;
        form.push(("csrf_token", c.token.clone()));
        c.client.post(format!("{base}{path}")).form(&form).send()
    };
    let sid = || ("submission_id", uuid::Uuid::new_v4().to_string());
    let t = Instant::now();
    let res = post(
        "/invoices/new".into(),
        vec![("walk_in_name", "Bench".into())],
    )
    .await
    .unwrap();
    steps.push(t.elapsed());
    assert_eq!(res.status().as_u16(), 303);
    let page = res.headers()["location"].to_str().unwrap().to_string();
    for (kind, fields) in [
        (
            "stock",
            vec![
                ("stock_item_id", item.to_string()),
                ("quantity", "1".to_string()),
            ],
        ),
        ("service", vec![("service_id", service.to_string())]),
        (
            "fee",
            vec![
                ("fee_description", "Setup".to_string()),
                ("fee_amount", "7.50".to_string()),
            ],
        ),
    ] {
        let t = Instant::now();
        let res = post(format!("{page}/lines/{kind}"), fields).await.unwrap();
        steps.push(t.elapsed());
        assert_eq!(res.status().as_u16(), 303, "{kind} line");
    }
    let t = Instant::now();
    let res = post(format!("{page}/issue"), vec![sid()]).await.unwrap();
    steps.push(t.elapsed());
    assert_eq!(res.status().as_u16(), 303, "issue");
    // 15.00 + 25.00 + 7.50 = 47.50 at 16% = 55.10: 30.00 by mobile money, 30.00 cash (4.90 change).
    let t = Instant::now();
    let res = post(
        format!("{page}/payments"),
        vec![
            ("method", "mobile_money".into()),
            ("amount", "30.00".into()),
            sid(),
        ],
    )
    .await
    .unwrap();
    steps.push(t.elapsed());
    assert_eq!(res.status().as_u16(), 303, "first payment");
    let t = Instant::now();
    let res = post(
        format!("{page}/payments"),
        vec![("method", "cash".into()), ("amount", "30.00".into()), sid()],
    )
    .await
    .unwrap();
    steps.push(t.elapsed());
    assert_eq!(res.status().as_u16(), 303, "second payment");
    (started.elapsed(), steps)
}

fn report(label: &str, mut sales: Vec<Duration>, mut requests: Vec<Duration>, wall: Duration) {
    sales.sort();
    requests.sort();
    println!(
        "  {label:<22} {:>5} sales  sale p50 {:>8.1?}  p99 {:>8.1?}  request p50 {:>7.1?}  p99 {:>7.1?}  {:>6.1} sales/s",
        sales.len(),
        percentile(&sales, 0.5),
        percentile(&sales, 0.99),
        percentile(&requests, 0.5),
        percentile(&requests, 0.99),
        sales.len() as f64 / wall.as_secs_f64()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = common::spawn_app_with(|s| {
        s.workers = Some(2);
        s.pool_size = 16;
    })
    .await;
    let (url, branch) = (app.db.app_url.clone(), app.branch_id);
    let admin = app.db.admin_url.clone();
    let (item, service) = tokio::task::spawn_blocking(move || {
        let mut owner = PgConnection::establish(&admin).unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE branches SET tax_rate = 16 WHERE id = {branch}"
            )),
            &mut owner,
        )
        .unwrap();
        let mut c = PgConnection::establish(&url).unwrap();
        let by = workbay::repo::By::default();
        let item = workbay::repo::stock::create_stock_item(
            &mut c,
            "BENCH-1",
            "Bench cable",
            "5.00".parse().unwrap(),
            "15.00".parse().unwrap(),
            0,
            &by,
        )
        .unwrap()
        .id;
        let p = workbay::repo::stock::Posting {
            stock_item_id: item,
            branch_id: branch,
            kind: "intake",
            quantity: 1_000_000,
            unit_cost: None,
            reason: "",
            reference: "bench",
        };
        workbay::repo::stock::post(&mut c, &p, &by).unwrap();
        let service = workbay::repo::catalogue::create_service(
            &mut c,
            "Bench setup",
            "Care",
            "1".parse().unwrap(),
            "25.00".parse().unwrap(),
            &by,
        )
        .unwrap()
        .id;
        (item, service)
    })
    .await
    .unwrap();
    let mut counters = Vec::new();
    for n in 0..CLIENTS {
        let user = app
            .create_user(
                &format!("till{n}"),
                &format!("Till {n}"),
                Role::Receptionist,
            )
            .await;
        let client = app.new_client();
        assert_eq!(
            app.login_with(&client, &user.username, &user.password)
                .await
                .status()
                .as_u16(),
            303
        );
        let token = app.csrf_token_with(&client, "/").await;
        counters.push(Counter { client, token });
    }
    let base = app.address.clone();

    // 1 client.
    let started = Instant::now();
    let (mut sales, mut requests) = (Vec::new(), Vec::new());
    for _ in 0..SALES_ALONE {
        let (s, r) = sale(&base, &counters[0], item, service).await;
        sales.push(s);
        requests.extend(r);
    }
    let alone = (sales, requests, started.elapsed());

    // 16 clients at once.
    let started = Instant::now();
    let runs = counters.iter().map(|c| {
        let base = base.clone();
        async move {
            let (mut sales, mut requests) = (Vec::new(), Vec::new());
            for _ in 0..SALES_EACH {
                let (s, r) = sale(&base, c, item, service).await;
                sales.push(s);
                requests.extend(r);
            }
            (sales, requests)
        }
    });
    let (mut sales, mut requests) = (Vec::new(), Vec::new());
    for (s, r) in futures_util::future::join_all(runs).await {
        sales.extend(s);
        requests.extend(r);
    }
    let together = (sales, requests, started.elapsed());

    let issued = app
        .count("SELECT count(*) FROM invoices WHERE status = 'paid'")
        .await;
    let expected = (SALES_ALONE + CLIENTS * SALES_EACH) as i64;
    assert_eq!(issued, expected);
    assert_eq!(
        app.count("SELECT max(seq)::bigint FROM invoices").await,
        expected,
        "gapless numbers"
    );

    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "optimized"
    };
    println!(
        "invoicing benchmark ({profile} build, 2 HTTP workers, pool of 16, PostgreSQL with fsync off)"
    );
    println!(
        "  a sale = new draft + 3 lines + issue + 2 payments = 7 POSTs (each followed by no GET)"
    );
    report("1 client", alone.0, alone.1, alone.2);
    report(
        &format!("{CLIENTS} clients at once"),
        together.0,
        together.1,
        together.2,
    );
}
