//! Import benchmark (not a test): 50,000 customers, half of them with a vehicle, from one CSV
//! file through the real HTTP flow: upload, the preview page (every line checked against the
//! 50,000 customers already saved), and the commit (COPY into a staging table, then set-based
//! inserts) until the page reports it done. Prints figures; asserts nothing about time. Run with
//! `cargo bench --bench import`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use workbay::domain::role::Role;

const ROWS: usize = 50_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = common::spawn_app_with(|s| {
        s.workers = Some(2);
        s.pool_size = 8;
    })
    .await;
    app.login_as(Role::Manager).await;
    // the shop already has 50,000 customers the file is checked against
    app.exec(&format!(
        "INSERT INTO customers (name, phone, email, created_branch_id) \
         SELECT 'Saved ' || n, '+2547' || lpad(n::text, 8, '0'), 'saved' || n || '@example.com', {} \
         FROM generate_series(1, {ROWS}) n",
        app.branch_id
    ))
    .await;
    let mut file =
        String::from("Customer No,Full Name,Mobile,E-mail,Marketing,Reg No,Make,Model\n");
    for n in 0..ROWS {
        let plate = if n % 2 == 0 {
            format!("KB{:05}", n)
        } else {
            String::new()
        };
        let make = if plate.is_empty() { "" } else { "Toyota" };
        file.push_str(&format!(
            "OLD-{n},Imported Customer {n},+2541{:08},imported{n}@example.com,{},{plate},{make},\n",
            n,
            if n % 3 == 0 { "yes" } else { "no" }
        ));
    }
    let bytes = file.len();

    let started = Instant::now();
    let reply = app
        .upload_import("customers", "customers.csv", file.into_bytes())
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let at = reply.location;
    let upload = started.elapsed();

    let t = Instant::now();
    let page = app.get_html(&at).await;
    assert!(
        page.contains(&format!("<strong>{ROWS}</strong> new")),
        "the preview counts every line"
    );
    let preview = t.elapsed();

    let t = Instant::now();
    let reply = app
        .send(
            &at,
            &[
                ("map_vehicle_model", "Model"),
                ("map_external_ref", "Customer No"),
                ("map_name", "Full Name"),
                ("map_phone", "Mobile"),
                ("map_email", "E-mail"),
                ("map_marketing_consent", "Marketing"),
                ("map_plate", "Reg No"),
                ("map_make", "Make"),
                ("action", "commit"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let mut polls = 0;
    let status = loop {
        let body = app.fetch(&format!("{at}/progress")).await.body;
        let p: serde_json::Value = serde_json::from_str(&body).unwrap();
        polls += 1;
        if !p["committing"].as_bool().unwrap() {
            break p["status"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let commit = t.elapsed();
    assert_eq!(status, "committed");
    let saved = app
        .count("SELECT count(*) FROM customers WHERE external_ref LIKE 'OLD-%'")
        .await;
    let vehicles = app.count("SELECT count(*) FROM vehicles").await;
    assert_eq!(saved as usize, ROWS);
    assert_eq!(vehicles as usize, ROWS / 2);

    // the same file again: every line is found imported before, nothing is written
    println!(
        "import bench: {ROWS} customers ({:.1} MB), {} with a vehicle, against {ROWS} saved",
        bytes as f64 / 1e6,
        ROWS / 2
    );
    println!(
        "  upload (read, checked as CSV, kept)   {:>8.2} s",
        upload.as_secs_f64()
    );
    println!(
        "  preview page (every line checked)     {:>8.2} s",
        preview.as_secs_f64()
    );
    println!(
        "  commit until done ({polls} progress polls) {:>8.2} s",
        commit.as_secs_f64()
    );
    println!(
        "  total                                 {:>8.2} s",
        (upload + preview + commit).as_secs_f64()
    );
}
