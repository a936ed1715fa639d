//! `workbay demo --scale N`: a shop history of N branches over five years, generated inside
//! PostgreSQL with set-based `INSERT … SELECT` statements (no row-at-a-time round trips).
//!
//! Deterministic from the seed: every random choice is `hashint8extended(key, seed)` of the row's
//! own key, so the same seed on the same starting database (a fresh one, as the benchmark uses)
//! gives the same shop whatever the plan or the machine. Believable:
//! daily volumes follow a seasonal curve with quiet Sundays and five years of growth; a fifth of
//! the customers bring about half the visits; each technician works at their own speed; most
//! invoices are paid, some split between two methods, a few voided or refunded.
//!
//! Roughly per branch (each branch is 0.75–1.25× a typical one): 25k customers, 150k bookings,
//! 200k tickets, 250k invoices with their lines and payments, 40k units, and the stock ledger of
//! every sale, return, workshop consumable used, weekly delivery, transfer between branches and
//! weekly count (about 600k rows). The load bypasses triggers (`session_replication_role
//! = replica`, which needs a superuser: the embedded database's owner connection is one) and
//! writes what they would have derived itself: stock levels as the sum of the ledger, counters at
//! the last number.
//!
//! Not generated: per-row event history (invoice, ticket and booking events) and audit rows; the
//! generated records start in their final state.

mod counter;
mod ledger;
mod sales;
mod setup;

use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// What a load produced.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// (table, rows) in load order.
    pub tables: Vec<(String, i64)>,
    /// Seconds the whole load took.
    pub seconds: f64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Text)]
    value: String,
}

/// Days of history.
const DAYS: i64 = 5 * 365;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub branches: u32,
    /// Seed of every random choice.
    pub seed: u32,
    /// Volume per branch relative to the typical one (1.0; tests use a hundredth).
    pub size: f64,
    /// The moment the history leads up to: its last day is this one's date, and nothing in it
    /// (an invoice, a credit note, a delivery) happens later. The same seed and moment give
    /// the same shop to the microsecond.
    pub now: DateTime<Utc>,
}

/// Generates `branches` full-size branches of history from `seed`, with the staff password
/// `password`. Refuses when a scale history is already loaded.
pub fn generate(
    owner: &mut PgConnection,
    branches: u32,
    seed: u32,
    password: &str,
) -> Result<Summary> {
    generate_with(
        owner,
        &Options {
            branches,
            seed,
            size: 1.0,
            now: Utc::now(),
        },
        password,
    )
}

/// Generates the history `options` describe.
pub fn generate_with(
    owner: &mut PgConnection,
    options: &Options,
    password: &str,
) -> Result<Summary> {
    let Options {
        branches,
        seed,
        size,
        now,
    } = *options;
    if !(size > 0.0 && size <= 4.0) {
        bail!("the size is a factor between 0 and 4");
    }
    if !(1..=64).contains(&branches) {
        bail!("--scale takes 1 to 64 branches");
    }
    let loaded: Vec<Value> =
        diesel::sql_query("SELECT value FROM app_settings WHERE key = 'demo.scale'").load(owner)?;
    if let Some(v) = loaded.first() {
        bail!("a scale history is already loaded ({})", v.value);
    }
    diesel::sql_query("SET session_replication_role = replica")
        .execute(owner)
        .context("--scale loads with triggers off, which needs a superuser connection")?;
    let hash = crate::passwords::hash_blocking(password)?;
    let hours = serde_json::to_string(&crate::domain::branch::OpeningHours::standard())?;
    let now_sql = format!("'{}'::timestamptz", now.to_rfc3339());
    let started = Instant::now();
    let mut summary = Summary::default();
    let result = owner.transaction(|conn| -> Result<()> {
        for (name, sql) in steps() {
            let sql = sql
                .replace("{N}", &branches.to_string())
                .replace("{S}", &seed.to_string())
                .replace("{D}", &DAYS.to_string())
                .replace("{F}", &format!("{size:.6}"))
                .replace("{HASH}", &hash)
                .replace("{HOURS}", &hours)
                .replace("{NOW}", &now_sql)
                .replace("{TODAY}", &format!("({now_sql})::date"));
            let step = Instant::now();
            conn.batch_execute(&sql)
                .with_context(|| format!("scale step {name}"))?;
            tracing::info!(step = name, ms = step.elapsed().as_millis() as u64, "scale");
        }
        for table in TABLES {
            let c: Count = diesel::sql_query(format!(
                "SELECT count(*)::bigint AS n FROM {table} WHERE {}",
                scope(table)
            ))
            .get_result(conn)?;
            summary.tables.push((table.to_string(), c.n));
        }
        diesel::sql_query(format!(
            "INSERT INTO app_settings (key, value) VALUES ('demo.scale', '{{\"branches\": {branches}, \"seed\": {seed}, \"size\": {size}}}')"
        ))
        .execute(conn)?;
        Ok(())
    });
    diesel::sql_query("SET session_replication_role = origin").execute(owner)?;
    result?;
    // The shop is handed over as a database that has been running would be: vacuumed (hint
    // bits set and pages marked all-visible, so the first readers and autovacuum do not rewrite
    // millions of pages under the first requests), analysed, with its dashboards refreshed and
    // a checkpoint written.
    let step = Instant::now();
    diesel::sql_query("VACUUM (ANALYZE)").execute(owner)?;
    diesel::sql_query("SELECT refresh_dashboards()").execute(owner)?;
    diesel::sql_query("CHECKPOINT").execute(owner)?;
    tracing::info!(
        step = "vacuum, analyze, refresh and checkpoint",
        ms = step.elapsed().as_millis() as u64,
        "scale"
    );
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Tables counted in the summary.
const TABLES: &[&str] = &[
    "customers",
    "vehicles",
    "devices",
    "bookings",
    "tickets",
    "time_entries",
    "invoices",
    "invoice_lines",
    "payments",
    "credit_notes",
    "assets",
    "transfers",
    "stock_ledger",
];

/// The generated rows of `table` (those of the scale branches, or of their customers).
fn scope(table: &str) -> &'static str {
    match table {
        "customers" => "created_branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %')",
        "vehicles" | "devices" => {
            "customer_id IN (SELECT id FROM customers WHERE created_branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %'))"
        }
        "transfers" => "from_branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %')",
        "time_entries" => {
            "ticket_id IN (SELECT id FROM tickets WHERE branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %'))"
        }
        "invoice_lines" => {
            "invoice_id IN (SELECT id FROM invoices WHERE branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %'))"
        }
        _ => "branch_id IN (SELECT id FROM branches WHERE name LIKE 'Scale %')",
    }
}

/// The load, step by step: `(name, SQL)`, with `{N}` branches, `{S}` seed, `{D}` days of
/// history.
fn steps() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    setup::STEPS
        .iter()
        .chain(counter::STEPS)
        .chain(sales::STEPS)
        .chain(ledger::STEPS)
}

/// The line `workbay demo --scale` prints per table.
pub fn report(summary: &Summary) -> String {
    let mut out = String::new();
    for (table, n) in &summary.tables {
        out.push_str(&format!("{table:>14} {n:>10}\n"));
    }
    out.push_str(&format!("loaded in {:.1} s\n", summary.seconds));
    out
}
