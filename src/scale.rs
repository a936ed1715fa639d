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
    /// Branches.
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
        for (name, sql) in STEPS {
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

/// The load, step by step. `{N}` branches, `{S}` seed, `{D}` days of history.
const STEPS: &[(&str, &str)] = &[
    (
        "random",
        "CREATE FUNCTION pg_temp.rnd(k bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS \
         $$ SELECT (hashint8extended(k, {S}::bigint * 1000 + salt) & 9007199254740991)::float8 / 9007199254740992.0 $$",
    ),
    (
        "base ids",
        "CREATE TEMP TABLE base ON COMMIT DROP AS SELECT \
           (SELECT COALESCE(max(id), 0) FROM customers) AS cust, (SELECT COALESCE(max(id), 0) FROM vehicles) AS veh, \
           (SELECT COALESCE(max(id), 0) FROM devices) AS dev, (SELECT COALESCE(max(id), 0) FROM tickets) AS tick, \
           (SELECT COALESCE(max(id), 0) FROM invoices) AS inv, (SELECT COALESCE(max(id), 0) FROM invoice_lines) AS line, \
           (SELECT COALESCE(max(id), 0) FROM assets) AS asset, (SELECT COALESCE(max(id), 0) FROM credit_notes) AS note, \
           (SELECT COALESCE(max(id), 0) FROM transfers) AS xfer, (SELECT array_agg(id ORDER BY id) FROM lead_sources) AS leads",
    ),
    (
        "days",
        // Weight of each day: season (peak in the dry months), quiet weekends, growth over the
        // years, and day-to-day noise; `wn` sums to 1.
        "CREATE TEMP TABLE sdays ON COMMIT DROP AS \
         SELECT i, day, w / sum(w) OVER () AS wn FROM ( \
           SELECT i, ({TODAY} - {D} + i) AS day, \
                  (1 + 0.25 * sin(2 * pi() * (extract(doy FROM {TODAY} - {D} + i) / 365.25 - 0.15))) \
                  * CASE extract(isodow FROM {TODAY} - {D} + i) WHEN 7 THEN 0.25 WHEN 6 THEN 0.7 ELSE 1 END \
                  * (0.7 + 0.6 * i / {D}) * (0.85 + 0.3 * pg_temp.rnd(i, 1)) AS w \
           FROM generate_series(0, {D} - 1) i) x",
    ),
    (
        "branches",
        "INSERT INTO branches (name, timezone, invoice_prefix, tax_rate, opening_hours, labour_rate, labour_cost_rate, address, phone) \
         SELECT 'Scale ' || lpad(b::text, 2, '0') || ' ' || (ARRAY['Westlands', 'Karen', 'Thika Road', 'Mombasa Road', 'Kilimani', 'Ngong Road', \
                'Eastleigh', 'Gigiri', 'Kisumu', 'Nakuru', 'Eldoret', 'Machakos'])[1 + (b - 1) % 12], \
                'Africa/Nairobi', 'S' || lpad(b::text, 2, '0'), 16, '{HOURS}'::jsonb, 2500, 900, \
                'Plot ' || (100 + b) || ', Nairobi', '+254 700 100 ' || lpad(b::text, 3, '0') \
         FROM generate_series(1, {N}) b",
    ),
    (
        "branch sizes",
        "CREATE TEMP TABLE sb ON COMMIT DROP AS \
         SELECT b, id, n_cust, sum(n_cust) OVER (ORDER BY b) - n_cust AS cust_off, n_tick, n_inv, n_book, n_asset FROM ( \
           SELECT row_number() OVER (ORDER BY id)::int AS b, id, f, \
                  round(25000 * f * {F})::int AS n_cust, round(200000 * f * {F})::int AS n_tick, round(250000 * f * {F})::int AS n_inv, \
                  round(150000 * f * {F})::int AS n_book, round(40000 * f * {F})::int AS n_asset \
           FROM (SELECT id, 0.75 + 0.5 * pg_temp.rnd(row_number() OVER (ORDER BY id), 2) AS f FROM branches WHERE name LIKE 'Scale %') x) y",
    ),
    (
        "staff",
        "INSERT INTO staff_users (username, full_name, role, home_branch_id, password_hash) \
         SELECT 's' || lpad(sb.b::text, 2, '0') || '-' || r.role || r.k, \
                (ARRAY['Achieng', 'Baraka', 'Chebet', 'Dalmas', 'Esther', 'Faith', 'Githinji', 'Halima', 'Imani', 'Jabari', 'Kendi', 'Lokai'])[1 + ((sb.b * 7 + r.k * 3 + length(r.role)) % 12)] \
                || ' ' || (ARRAY['Otieno', 'Wanjiru', 'Mutua', 'Kiprop', 'Njoroge', 'Akinyi', 'Omondi', 'Wekesa'])[1 + ((sb.b + r.k) % 8)], \
                r.role, sb.id, '{HASH}' \
         FROM sb, (SELECT 'receptionist' AS role, k FROM generate_series(1, 3) k \
                   UNION ALL SELECT 'technician', k FROM generate_series(1, 6) k \
                   UNION ALL SELECT 'warehouse', 1 UNION ALL SELECT 'manager', 1) r; \
         INSERT INTO staff_users (username, full_name, role, home_branch_id, password_hash) \
         SELECT 'scale-' || role, 'Scale ' || initcap(role), role, (SELECT id FROM sb WHERE b = 1), '{HASH}' \
         FROM unnest(ARRAY['admin', 'finance']) role",
    ),
    (
        "technicians",
        // Each technician's speed: 0.6 (quick) to 1.8 (slow) times the usual hours.
        "CREATE TEMP TABLE st ON COMMIT DROP AS \
         SELECT b, id, k, 0.6 + 1.2 * pg_temp.rnd(b * 100 + k, 3) AS speed FROM ( \
           SELECT sb.b, s.id, row_number() OVER (PARTITION BY sb.b ORDER BY s.id)::int AS k \
           FROM sb JOIN staff_users s ON s.home_branch_id = sb.id AND s.role = 'technician') x",
    ),
    (
        "services",
        "INSERT INTO services (name, category, labour_hours, price) \
         SELECT name, category, hours, price FROM (VALUES \
           ('Scale: Oil and filter change', 'Maintenance', 0.75, 4500), ('Scale: Full service', 'Maintenance', 3.0, 18000), \
           ('Scale: Brake pads (axle)', 'Brakes', 1.5, 6500), ('Scale: Brake discs (axle)', 'Brakes', 2.5, 9800), \
           ('Scale: Wheel alignment', 'Tyres', 1.0, 3500), ('Scale: Tyre fitting (4)', 'Tyres', 1.0, 2000), \
           ('Scale: Engine diagnostics', 'Diagnostics', 1.0, 2500), ('Scale: Electrical fault finding', 'Diagnostics', 2.5, 4000), \
           ('Scale: Clutch replacement', 'Drivetrain', 6.0, 28000), ('Scale: Timing belt', 'Drivetrain', 4.5, 21000), \
           ('Scale: AC regas', 'Climate', 1.0, 5500), ('Scale: Suspension bushes', 'Suspension', 3.0, 12000), \
           ('Scale: Body panel repair', 'Body', 5.0, 26000), ('Scale: Respray (panel)', 'Body', 4.0, 15000), \
           ('Scale: Windscreen fitting', 'Glass', 2.0, 7000), ('Scale: Battery test and fit', 'Electrical', 0.5, 1500), \
           ('Scale: Phone screen replacement', 'Phones', 1.0, 3500), ('Scale: Phone battery replacement', 'Phones', 0.75, 2500), \
           ('Scale: Charging port repair', 'Phones', 1.0, 2000), ('Scale: Water damage treatment', 'Phones', 2.0, 3000), \
           ('Scale: Laptop screen replacement', 'Laptops', 1.5, 5500), ('Scale: Laptop keyboard replacement', 'Laptops', 1.5, 4500), \
           ('Scale: SSD upgrade and clone', 'Laptops', 1.5, 3000), ('Scale: Motherboard repair', 'Laptops', 4.0, 9000), \
           ('Scale: OS reinstall', 'IT services', 2.0, 2500), ('Scale: Virus removal', 'IT services', 1.5, 2000), \
           ('Scale: Data recovery', 'IT services', 5.0, 8000), ('Scale: Network setup (site)', 'IT services', 4.0, 12000), \
           ('Scale: Printer repair', 'IT services', 1.5, 3000), ('Scale: Tablet screen replacement', 'Tablets', 1.5, 6000) \
         ) v(name, category, hours, price); \
         CREATE TEMP TABLE ss ON COMMIT DROP AS \
         SELECT (row_number() OVER (ORDER BY id) - 1)::int AS j, id, labour_hours AS hours, price, name FROM services WHERE name LIKE 'Scale: %'",
    ),
    (
        "stock items",
        "INSERT INTO stock_items (sku, name, category, unit_cost, unit_price, reorder_threshold) \
         SELECT 'SC-' || lpad(j::text, 4, '0'), \
                (ARRAY['Brake pad set', 'Oil filter', 'Air filter', 'Spark plug', 'Wiper blade', 'Engine oil 4L', 'Bulb H4', 'Fan belt', \
                       'Phone screen', 'Phone battery', 'USB-C port', 'Laptop battery', 'Laptop keyboard', 'SSD 512GB', 'RAM 8GB', 'Charger'])[1 + j % 16] \
                || ' type ' || (j / 16 + 1), \
                (ARRAY['Auto', 'Auto', 'Auto', 'Auto', 'Auto', 'Auto', 'Auto', 'Auto', 'Phone', 'Phone', 'Phone', 'Laptop', 'Laptop', 'Laptop', 'Laptop', 'Accessory'])[1 + j % 16], \
                cost, round(cost * (1.3 + 0.9 * pg_temp.rnd(j, 5))::numeric, -1), (5 + floor(35 * pg_temp.rnd(j, 6)))::int \
         FROM (SELECT j, round((80 + 6000 * pg_temp.rnd(j, 4) ^ 2)::numeric, 0) AS cost FROM generate_series(0, 299) j) x; \
         CREATE TEMP TABLE si ON COMMIT DROP AS \
         SELECT (row_number() OVER (ORDER BY id) - 1)::int AS j, id, unit_cost AS cost, unit_price AS price, sku FROM stock_items WHERE sku LIKE 'SC-%'; \
         INSERT INTO stock_items (sku, name, category, unit_cost, unit_price, reorder_threshold) \
         SELECT 'SCW-' || lpad(k::text, 2, '0'), name, 'Workshop consumable', cost, round(cost * 1.5, 0), 20 \
         FROM unnest(ARRAY['Nitrile gloves (pair)', 'Shop towel roll', 'Brake cleaner 500ml', 'Thread locker 10ml', \
                      'Cable ties (10)', 'Isopropyl alcohol 100ml', 'Thermal paste 1g', 'Screen adhesive strip', \
                      'Contact cleaner 200ml', 'Masking tape roll', 'Sandpaper P400 sheet', 'Degreaser 1L', \
                      'Copper grease 20g', 'Heat-shrink tubing 1m', 'Solder wire 10g', 'Flux pen', 'Hose clamp', \
                      'Parts bag', 'Polishing compound 50g', 'Wheel weight set', 'Tyre valve stem', 'Blade fuse', \
                      'Coolant top-up 1L', 'Screenwash 1L'], \
                     ARRAY[15, 350, 450, 600, 50, 120, 200, 80, 550, 150, 60, 700, 300, 90, 250, 400, 60, 10, 500, 120, 40, 30, 650, 250]) \
              WITH ORDINALITY v(name, cost, k); \
         CREATE TEMP TABLE sw ON COMMIT DROP AS \
         SELECT (row_number() OVER (ORDER BY id) - 1)::int AS j, id, unit_cost AS cost FROM stock_items WHERE sku LIKE 'SCW-%'",
    ),
    (
        "product models",
        "INSERT INTO product_models (category, brand, model, price_grade_a, price_grade_b, price_grade_c, warranty_days) \
         SELECT (ARRAY['Laptop', 'Phone', 'Tablet'])[1 + j % 3], \
                (ARRAY['Dell', 'HP', 'Lenovo', 'Apple', 'Samsung', 'Tecno', 'Infinix', 'Huawei'])[1 + j % 8], \
                'Scale ' || (ARRAY['Laptop', 'Phone', 'Tablet'])[1 + j % 3] || ' ' || (100 + j), \
                price, round(price * 0.85, -1), round(price * 0.7, -1), 90 \
         FROM (SELECT j, round((12000 + 90000 * pg_temp.rnd(j, 7))::numeric, -2) AS price FROM generate_series(0, 39) j) x; \
         CREATE TEMP TABLE spm ON COMMIT DROP AS \
         SELECT (row_number() OVER (ORDER BY id) - 1)::int AS j, id, price_grade_a, price_grade_b, price_grade_c \
         FROM product_models WHERE model LIKE 'Scale %'",
    ),
    (
        "bays",
        "INSERT INTO bays (branch_id, name) SELECT sb.id, 'Bay ' || k FROM sb, generate_series(1, 12) k; \
         CREATE TEMP TABLE sbay ON COMMIT DROP AS \
         SELECT sb.b, (row_number() OVER (PARTITION BY sb.b ORDER BY y.id) - 1)::int AS j, y.id FROM sb JOIN bays y ON y.branch_id = sb.id",
    ),
    (
        "customers",
        "INSERT INTO customers (id, kind, segment, name, phone, email, created_branch_id, lead_source_id, marketing_consent, created_at, updated_at) \
         SELECT id, CASE WHEN r < 0.06 THEN 'business' ELSE 'person' END, CASE WHEN r < 0.03 THEN 'wholesale' ELSE 'retail' END, \
                CASE WHEN r < 0.06 THEN last || ' ' || (ARRAY['Motors', 'Logistics', 'Traders', 'Enterprises', 'Tours', 'Ltd'])[1 + (id % 6)::int] \
                     ELSE first || ' ' || last END, \
                '+254 7' || lpad((id * 7919 % 100000000)::text, 8, '0'), \
                CASE WHEN pg_temp.rnd(id, 13) < 0.45 THEN lower(first) || '.' || lower(last) || id || '@example.com' ELSE '' END, \
                branch_id, leads[1 + (id % array_length(leads, 1))::int], pg_temp.rnd(id, 14) < 0.4, created, created \
         FROM ( \
           SELECT base.cust + sb.cust_off + k + 1 AS id, sb.id AS branch_id, base.leads, pg_temp.rnd(base.cust + sb.cust_off + k + 1, 10) AS r, \
                  (ARRAY['Amina', 'Brian', 'Cynthia', 'David', 'Esther', 'Felix', 'Grace', 'Hassan', 'Irene', 'James', 'Kevin', 'Lucy', \
                         'Mercy', 'Nelson', 'Olive', 'Peter', 'Queen', 'Ruth', 'Samuel', 'Tabitha', 'Umar', 'Violet', 'Wycliffe', 'Zawadi'])[1 + floor(24 * pg_temp.rnd(base.cust + sb.cust_off + k + 1, 11))::int] AS first, \
                  (ARRAY['Otieno', 'Wanjiru', 'Mutua', 'Kiprop', 'Njoroge', 'Akinyi', 'Omondi', 'Wekesa', 'Kamau', 'Chebet', 'Mwangi', 'Nyambura', \
                         'Odhiambo', 'Ruto', 'Kariuki', 'Atieno', 'Barasa', 'Koech', 'Muthoni', 'Ndungu'])[1 + floor(20 * pg_temp.rnd(base.cust + sb.cust_off + k + 1, 12))::int] AS last, \
                  {NOW} - ({D} * pg_temp.rnd(base.cust + sb.cust_off + k + 1, 15)) * interval '1 day' AS created \
           FROM base, sb, generate_series(0, sb.n_cust - 1) k) x",
    ),
    (
        "vehicles and devices",
        // Three in five customers bring a vehicle, the others a device; one each.
        "INSERT INTO vehicles (id, customer_id, plate, make, model, year, mileage, created_at) \
         SELECT base.veh + c.id - base.cust, c.id, \
                'K' || chr(65 + (c.id % 26)::int) || chr(65 + (c.id / 26 % 26)::int) || ' ' || lpad((c.id % 1000)::text, 3, '0') || chr(65 + (c.id / 676 % 26)::int), \
                (ARRAY['Toyota', 'Nissan', 'Mazda', 'Subaru', 'Mitsubishi', 'Isuzu', 'Volkswagen', 'Mercedes'])[1 + (c.id % 8)::int], \
                (ARRAY['Probox', 'Note', 'Demio', 'Forester', 'Outlander', 'D-Max', 'Golf', 'C200'])[1 + (c.id % 8)::int], \
                2005 + (c.id % 18)::int, (20000 + c.id * 37 % 250000)::int, c.created_at \
         FROM customers c, base WHERE c.id > base.cust AND pg_temp.rnd(c.id, 16) < 0.6; \
         INSERT INTO devices (id, customer_id, kind, brand, model, serial, created_at) \
         SELECT base.dev + c.id - base.cust, c.id, (ARRAY['Phone', 'Laptop', 'Tablet'])[1 + (c.id % 3)::int], \
                (ARRAY['Samsung', 'Apple', 'Tecno', 'HP', 'Dell', 'Lenovo'])[1 + (c.id % 6)::int], 'Model ' || (c.id % 40), \
                'DV' || lpad(c.id::text, 10, '0'), c.created_at \
         FROM customers c, base WHERE c.id > base.cust AND pg_temp.rnd(c.id, 16) >= 0.6",
    ),
    (
        "bookings",
        // Past days: completed, cancelled or no-show; the next two weeks: requested or
        // confirmed. The j-th booking of a day takes bay j mod 12 in 50-minute slots from 08:00,
        // so no two live bookings share a bay and a time.
        "INSERT INTO bookings (branch_id, customer_id, vehicle_id, device_id, bay_id, starts_at, ends_at, status, cancel_reason, created_at, updated_at) \
         SELECT x.branch_id, x.cust, CASE WHEN pg_temp.rnd(x.cust, 16) < 0.6 THEN base.veh + x.cust - base.cust END, \
                CASE WHEN pg_temp.rnd(x.cust, 16) >= 0.6 THEN base.dev + x.cust - base.cust END, y.id, x.starts, x.starts + interval '45 minutes', \
                x.status, CASE WHEN x.status = 'cancelled' THEN 'Customer rescheduled' END, x.starts - interval '3 days', x.starts \
         FROM ( \
           SELECT sb.b, sb.id AS branch_id, j, \
                  base.cust + sb.cust_off + 1 + floor(sb.n_cust * pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 20) ^ 2.2)::bigint AS cust, \
                  ((d.day + time '08:00') + ((j - 1) / 12) * interval '50 minutes') AT TIME ZONE 'Africa/Nairobi' AS starts, \
                  CASE WHEN d.day >= {TODAY} THEN CASE WHEN pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 21) < 0.7 THEN 'confirmed' ELSE 'requested' END \
                       WHEN pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 21) < 0.85 THEN 'completed' \
                       WHEN pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 21) < 0.93 THEN 'cancelled' ELSE 'no_show' END AS status \
           FROM base, sb, (SELECT i, day, wn FROM sdays UNION ALL SELECT {D} + k, {TODAY} + k, 0.0003 FROM generate_series(0, 13) k) d, \
                generate_series(1, least(120, greatest(0, round(d.wn * sb.n_book)))::int) j \
           WHERE extract(isodow FROM d.day) <> 7 OR d.day < {TODAY}) x \
         JOIN sbay y ON y.b = x.b AND y.j = (x.j - 1) % 12, base",
    ),
    (
        "tickets (plan)",
        "CREATE TEMP TABLE stk ON COMMIT DROP AS \
         SELECT y.*, CASE WHEN pg_temp.rnd(y.id, 35) < 0.6 THEN (SELECT id FROM ss WHERE ss.j = floor(30 * pg_temp.rnd(y.id, 36))::int) END AS svc2, \
                CASE WHEN pg_temp.rnd(y.id, 37) < 0.5 THEN floor(300 * pg_temp.rnd(y.id, 38) ^ 1.7)::int END AS part_j, \
                1 + floor(2 * pg_temp.rnd(y.id, 39))::int AS part_qty \
         FROM ( \
           SELECT x.*, st.id AS tech, st.speed, ss.id AS service_id, ss.hours AS std_hours, \
                  CASE WHEN x.created_at < {NOW} - interval '10 days' THEN CASE WHEN pg_temp.rnd(x.id, 32) < 0.93 THEN 'closed' ELSE 'cancelled' END \
                       WHEN x.created_at + (3 + 45 * pg_temp.rnd(x.id, 33) ^ 1.5) * st.speed * interval '1 hour' < {NOW} AND pg_temp.rnd(x.id, 32) < 0.5 THEN 'closed' \
                       ELSE (ARRAY['open', 'diagnosing', 'awaiting_approval', 'in_repair', 'waiting_for_parts', 'quality_check', 'ready'])[1 + floor(7 * pg_temp.rnd(x.id, 34))::int] END AS status, \
                  x.created_at + (3 + 45 * pg_temp.rnd(x.id, 33) ^ 1.5) * st.speed * interval '1 hour' AS done_at \
           FROM ( \
             SELECT base.tick + row_number() OVER (ORDER BY d.i, sb.b, j) AS id, sb.b, sb.id AS branch_id, \
                    row_number() OVER (PARTITION BY sb.b ORDER BY d.i, j)::int AS number, \
                    base.cust + sb.cust_off + 1 + floor(sb.n_cust * pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 30) ^ 2.2)::bigint AS cust, \
                    ((d.day + time '08:00') + 9 * pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 31) * interval '1 hour') AT TIME ZONE 'Africa/Nairobi' AS created_at, \
                    1 + floor(6 * pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 29))::int AS tech_k, \
                    floor(30 * pg_temp.rnd(sb.b * 100000000 + d.i * 10000 + j, 28) ^ 1.3)::int AS svc_j \
             FROM base, sb, sdays d, generate_series(1, greatest(0, round(d.wn * sb.n_tick))::int) j \
             WHERE d.day < {TODAY} OR d.day = {TODAY}) x \
           JOIN st ON st.b = x.b AND st.k = x.tech_k JOIN ss ON ss.j = x.svc_j) y",
    ),
    (
        "tickets",
        "INSERT INTO tickets (id, branch_id, number, customer_id, vehicle_id, device_id, status, priority, problem, created_at, updated_at, \
                              assigned_to, outcome, closed_at) \
         SELECT t.id, t.branch_id, t.number, t.cust, CASE WHEN pg_temp.rnd(t.cust, 16) < 0.6 THEN base.veh + t.cust - base.cust END, \
                CASE WHEN pg_temp.rnd(t.cust, 16) >= 0.6 THEN base.dev + t.cust - base.cust END, t.status, \
                (ARRAY['normal', 'normal', 'normal', 'low', 'high', 'urgent'])[1 + (t.id % 6)::int], \
                (ARRAY['Noise when braking', 'Service due', 'Will not start', 'Cracked screen', 'Battery drains fast', 'Runs slow, pop-ups', \
                       'Warning light on', 'Overheating', 'No charging', 'Water damage'])[1 + (t.id % 10)::int], \
                t.created_at, COALESCE(CASE WHEN t.status = 'closed' THEN t.done_at END, t.created_at), t.tech, \
                CASE WHEN t.status = 'closed' THEN 'repaired' END, CASE WHEN t.status = 'closed' THEN t.done_at END \
         FROM stk t, base; \
         INSERT INTO ticket_counters (branch_id, last_number) SELECT branch_id, max(number) FROM stk GROUP BY 1 \
         ON CONFLICT (branch_id) DO UPDATE SET last_number = EXCLUDED.last_number",
    ),
    (
        "invoices (plan)",
        // Closed tickets are invoiced (85%) when they close; the rest of the branch's invoices
        // are counter sales spread over the days, a little over half to walk-ins.
        "CREATE TEMP TABLE sinv0 ON COMMIT DROP AS \
         SELECT b, branch_id, cust, id AS ticket_id, done_at + interval '10 minutes' AS issued_at, 'svc' AS kind, id AS k \
         FROM stk WHERE status = 'closed' AND pg_temp.rnd(id, 40) < 0.85 AND done_at + interval '10 minutes' < {NOW} \
         UNION ALL \
         SELECT sb.b, sb.id, CASE WHEN pg_temp.rnd(key, 42) < 0.55 THEN NULL \
                ELSE base.cust + sb.cust_off + 1 + floor(sb.n_cust * pg_temp.rnd(key, 43) ^ 2.2)::bigint END, \
                NULL, ((d.day + time '08:30') + 9 * pg_temp.rnd(key, 44) * interval '1 hour') AT TIME ZONE 'Africa/Nairobi', 'counter', key \
         FROM base, sb, (SELECT b, count(*) AS n FROM stk WHERE status = 'closed' GROUP BY b) tc, sdays d, \
              generate_series(1, greatest(0, round(d.wn * greatest(0, sb.n_inv - tc.n * 0.85)))::int) j, \
              LATERAL (SELECT 1000000000000 + sb.b * 100000000::bigint + d.i * 10000 + j AS key) kk \
         WHERE tc.b = sb.b AND (d.day < {TODAY} OR d.day = {TODAY}); \
         DELETE FROM sinv0 WHERE issued_at > {NOW}; \
         CREATE TEMP TABLE sinv ON COMMIT DROP AS \
         SELECT base.inv + row_number() OVER (ORDER BY issued_at, b, k) AS id, s.*, \
                row_number() OVER (PARTITION BY b ORDER BY issued_at, k)::int AS seq, \
                CASE WHEN s.issued_at > {NOW} - interval '3 days' AND pg_temp.rnd(k, 41) < 0.15 THEN 'issued' \
                     WHEN pg_temp.rnd(k, 41) < 0.01 THEN 'void' WHEN pg_temp.rnd(k, 41) < 0.025 THEN 'refunded' ELSE 'paid' END AS status \
         FROM sinv0 s, base",
    ),
    (
        "invoice lines (plan)",
        "CREATE TEMP TABLE sl0 ON COMMIT DROP AS \
         SELECT v.id AS invoice_id, 1 AS pos, 'service' AS kind, t.service_id, NULL::bigint AS stock_item_id, NULL::bigint AS asset_j, \
                1::numeric AS qty, ss.price, NULL::numeric AS cost, ss.name AS description \
         FROM sinv v JOIN stk t ON t.id = v.ticket_id JOIN ss ON ss.id = t.service_id \
         UNION ALL \
         SELECT v.id, 2, 'service', t.svc2, NULL, NULL, 1, ss.price, NULL, ss.name \
         FROM sinv v JOIN stk t ON t.id = v.ticket_id JOIN ss ON ss.id = t.svc2 \
         UNION ALL \
         SELECT v.id, 3, 'stock', NULL, si.id, NULL, t.part_qty::numeric, si.price, si.cost, si.sku \
         FROM sinv v JOIN stk t ON t.id = v.ticket_id JOIN si ON si.j = t.part_j \
         UNION ALL \
         SELECT v.id, 3 + m, 'stock', NULL, si.id, NULL, (1 + floor(3 * pg_temp.rnd(v.k * 8 + m, 46) ^ 3))::numeric, si.price, si.cost, si.sku \
         FROM sinv v, generate_series(1, 3) m, si \
         WHERE v.kind = 'counter' AND m <= 1 + floor(3 * pg_temp.rnd(v.k, 45)) AND si.j = floor(300 * pg_temp.rnd(v.k * 8 + m, 47) ^ 1.7)::int \
           AND NOT (pg_temp.rnd(v.k, 48) < 0.3 AND m = 1) \
         UNION ALL \
         SELECT v.id, 9, 'asset', NULL, NULL, floor(40 * pg_temp.rnd(v.k, 49))::int, 1, NULL, NULL, NULL \
         FROM sinv v WHERE v.kind = 'counter' AND pg_temp.rnd(v.k, 48) < 0.3",
    ),
    (
        "assets",
        // Sold units: received 5–65 days before their sale. Unsold ones: received over the last
        // 150 days, mostly ready for sale.
        "CREATE TEMP TABLE sa ON COMMIT DROP AS \
         SELECT base.asset + row_number() OVER (ORDER BY l.invoice_id) AS id, l.invoice_id, v.branch_id, spm.id AS model_id, \
                (ARRAY['A', 'B', 'C'])[1 + floor(3 * pg_temp.rnd(l.invoice_id, 50))::int] AS grade, spm.price_grade_a, spm.price_grade_b, spm.price_grade_c, \
                v.issued_at - (5 + 60 * pg_temp.rnd(l.invoice_id, 51)) * interval '1 day' AS received_at, v.status AS inv_status \
         FROM sl0 l JOIN sinv v ON v.id = l.invoice_id JOIN spm ON spm.j = l.asset_j, base WHERE l.kind = 'asset'; \
         INSERT INTO assets (id, serial, product_model_id, branch_id, purchase_cost, landed_cost, received_at, grade, status, diagnostics_result, created_at, updated_at) \
         SELECT id, 'SCL' || lpad(id::text, 10, '0'), model_id, branch_id, round(price_grade_a * 0.55, 0), round(price_grade_a * 0.58, 0), \
                received_at, grade, CASE WHEN inv_status IN ('void', 'refunded') THEN 'ready_for_sale' ELSE 'sold' END, 'pass', received_at, received_at \
         FROM sa; \
         INSERT INTO assets (id, serial, product_model_id, branch_id, purchase_cost, landed_cost, received_at, grade, status, diagnostics_result, created_at, updated_at) \
         SELECT u.id, 'SCL' || lpad(u.id::text, 10, '0'), spm.id, branch_id, round(spm.price_grade_a * 0.55, 0), round(spm.price_grade_a * 0.58, 0), \
                received_at, CASE WHEN r < 0.7 THEN (ARRAY['A', 'B', 'C'])[1 + (u.id % 3)::int] END, \
                CASE WHEN r < 0.7 THEN 'ready_for_sale' WHEN r < 0.8 THEN 'diagnostics_pending' WHEN r < 0.9 THEN 'wipe_pending' \
                     WHEN r < 0.95 THEN 'qc_pending' ELSE 'repair_hold' END, \
                CASE WHEN r < 0.7 THEN 'pass' END, received_at, received_at \
         FROM ( \
           SELECT COALESCE((SELECT max(id) FROM sa), (SELECT asset FROM base)) + row_number() OVER (ORDER BY sb.b, k) AS id, sb.id AS branch_id, \
                  {NOW} - 150 * pg_temp.rnd(sb.b * 1000000 + k, 52) ^ 1.5 * interval '1 day' AS received_at, \
                  pg_temp.rnd(sb.b * 1000000 + k, 53) AS r, floor(40 * pg_temp.rnd(sb.b * 1000000 + k, 54))::int AS mj \
           FROM sb, generate_series(1, greatest(0, sb.n_asset - (SELECT count(*) FROM sa WHERE sa.branch_id = sb.id))::int) k) u \
         JOIN spm ON spm.j = u.mj",
    ),
    (
        "invoice lines",
        "CREATE TEMP TABLE sl ON COMMIT DROP AS \
         SELECT base.line + row_number() OVER (ORDER BY l.invoice_id, l.pos) AS id, l.invoice_id, l.kind, l.service_id, l.stock_item_id, \
                sa.id AS asset_id, COALESCE(l.description, 'Unit ' || sa.id) AS description, l.qty, \
                COALESCE(l.price, CASE sa.grade WHEN 'A' THEN sa.price_grade_a WHEN 'B' THEN sa.price_grade_b ELSE sa.price_grade_c END) AS price, \
                COALESCE(l.cost, round(sa.price_grade_a * 0.58, 0)) AS cost \
         FROM sl0 l LEFT JOIN sa ON sa.invoice_id = l.invoice_id AND l.kind = 'asset', base; \
         INSERT INTO invoice_lines (id, invoice_id, kind, asset_id, stock_item_id, service_id, description, quantity, unit_price, unit_cost, net, tax, \
                                    warranty_tier, live, refunded_quantity, asset_status_before, created_at) \
         SELECT l.id, l.invoice_id, l.kind, l.asset_id, l.stock_item_id, l.service_id, l.description, l.qty, l.price, \
                CASE WHEN l.kind IN ('stock', 'asset') THEN l.cost END, round(l.qty * l.price, 2), round(l.qty * l.price * 0.16, 2), \
                CASE WHEN l.kind = 'asset' THEN 'standard' END, v.status IN ('paid', 'issued'), \
                CASE WHEN v.status = 'refunded' THEN l.qty ELSE 0 END, CASE WHEN l.kind = 'asset' THEN 'ready_for_sale' END, v.issued_at \
         FROM sl l JOIN sinv v ON v.id = l.invoice_id",
    ),
    (
        "invoices",
        "INSERT INTO invoices (id, branch_id, number, seq, status, customer_id, walk_in_name, ticket_id, lead_source, tax_rate, tax_rounding, \
                               subtotal, tax_total, total, issued_cents, paid_total, refunded_total, created_at, issued_at, updated_at) \
         SELECT v.id, v.branch_id, 'S' || lpad(v.b::text, 2, '0') || '-' || lpad(v.seq::text, 6, '0'), v.seq, v.status, v.cust, \
                CASE WHEN v.cust IS NULL THEN 'Walk-in' ELSE '' END, v.ticket_id, \
                (ARRAY['Walk-in', 'Referral', 'Instagram', 'Online Search', 'WhatsApp'])[1 + (v.k % 5)::int], 16, 'per_line', \
                t.sub, t.tax, t.sub + t.tax, (t.sub * 100)::bigint, CASE WHEN v.status IN ('paid', 'refunded') THEN t.sub + t.tax ELSE 0 END, \
                CASE WHEN v.status = 'refunded' THEN t.sub + t.tax ELSE 0 END, v.issued_at - interval '5 minutes', v.issued_at, v.issued_at \
         FROM sinv v JOIN (SELECT invoice_id, sum(round(qty * price, 2)) AS sub, sum(round(qty * price * 0.16, 2)) AS tax FROM sl GROUP BY 1) t \
           ON t.invoice_id = v.id; \
         INSERT INTO invoice_counters (branch_id, last_number) SELECT branch_id, max(seq) FROM sinv GROUP BY 1 \
         ON CONFLICT (branch_id) DO UPDATE SET last_number = EXCLUDED.last_number",
    ),
    (
        "payments",
        // One payment, or (15%) half in cash and the rest by card.
        "INSERT INTO payments (invoice_id, branch_id, method, amount, at) \
         SELECT i.id, i.branch_id, CASE WHEN split THEN 'cash' ELSE m END, CASE WHEN split THEN round(i.total / 2, 2) ELSE i.total END, i.issued_at + interval '2 minutes' \
         FROM (SELECT i.*, pg_temp.rnd(i.id, 60) < 0.15 AND i.total >= 0.02 AS split, \
                      (ARRAY['cash', 'cash', 'card', 'card', 'mobile_money', 'mobile_money', 'mobile_money', 'bank_transfer'])[1 + floor(8 * pg_temp.rnd(i.id, 61))::int] AS m \
               FROM invoices i JOIN sinv v ON v.id = i.id WHERE i.status IN ('paid', 'refunded') AND i.total > 0) i \
         UNION ALL \
         SELECT i.id, i.branch_id, 'card', i.total - round(i.total / 2, 2), i.issued_at + interval '3 minutes' \
         FROM invoices i JOIN sinv v ON v.id = i.id \
         WHERE i.status IN ('paid', 'refunded') AND i.total >= 0.02 AND pg_temp.rnd(i.id, 60) < 0.15",
    ),
    (
        "refunds",
        "INSERT INTO credit_notes (id, invoice_id, branch_id, reason, subtotal, tax_total, total, at) \
         SELECT base.note + row_number() OVER (ORDER BY i.id), i.id, i.branch_id, 'Returned by the customer', i.subtotal, i.tax_total, i.total, \
                least({NOW}, i.issued_at + (1 + 20 * pg_temp.rnd(i.id, 62)) * interval '1 day') \
         FROM invoices i JOIN sinv v ON v.id = i.id, base WHERE i.status = 'refunded' AND i.total > 0; \
         INSERT INTO credit_note_lines (credit_note_id, invoice_line_id, quantity, net, tax) \
         SELECT n.id, l.id, l.quantity, l.net, l.tax FROM credit_notes n JOIN invoice_lines l ON l.invoice_id = n.invoice_id, base WHERE n.id > base.note; \
         INSERT INTO refund_payments (credit_note_id, branch_id, method, amount, at) \
         SELECT n.id, n.branch_id, 'cash', n.total, n.at FROM credit_notes n, base WHERE n.id > base.note",
    ),
    (
        "time entries",
        // The clock on each closed ticket: the services' usual hours at the technician's speed.
        "INSERT INTO time_entries (ticket_id, technician_id, started_at, ended_at, hours, billable, approved_at, invoice_id, note) \
         SELECT t.id, t.tech, t.created_at + interval '30 minutes', t.created_at + interval '30 minutes' + h * interval '1 hour', h, true, \
                t.created_at + interval '30 minutes' + h * interval '1 hour', v.id, '' \
         FROM (SELECT t.*, least(23.5, round((t.std_hours * t.speed * (0.8 + 0.4 * pg_temp.rnd(t.id, 63)))::numeric, 2)) AS h FROM stk t WHERE t.status = 'closed') t \
         LEFT JOIN sinv v ON v.ticket_id = t.id",
    ),
    (
        "stock ledger",
        // Every sale (and return) of a stock line; the workshop consumables each job uses
        // (`repair_use`, one to three a ticket); and, per item and week, a delivery on Monday
        // before opening that covers the week's use with a little to spare. Some weeks a branch
        // orders extra and ships it to the next branch (a received transfer), and the weekly
        // count finds a piece missing or one too many (an adjustment with its reason). Every
        // outgoing row is covered by the week's delivery before it, so the running balance
        // never dips below zero; stock levels are the ledger's sums.
        "CREATE TEMP TABLE sled ON COMMIT DROP AS \
         SELECT l.stock_item_id, v.branch_id, 'sale' AS kind, -l.qty::int AS quantity, NULL::numeric AS unit_cost, ''::text AS reason, \
                'S' || lpad(v.b::text, 2, '0') || '-' || lpad(v.seq::text, 6, '0') AS reference, v.issued_at AS at \
         FROM sl l JOIN sinv v ON v.id = l.invoice_id WHERE l.kind = 'stock' AND v.status <> 'void' \
         UNION ALL \
         SELECT l.stock_item_id, v.branch_id, 'return', l.qty::int, NULL, '', 'credit note', n.at \
         FROM sl l JOIN sinv v ON v.id = l.invoice_id JOIN credit_notes n ON n.invoice_id = v.id WHERE l.kind = 'stock' \
         UNION ALL \
         SELECT sw.id, t.branch_id, 'repair_use', -(1 + floor(2 * pg_temp.rnd(t.id * 4 + m, 71) ^ 3))::int, NULL, '', 'ticket #' || t.number, \
                t.created_at + interval '30 minutes' \
         FROM stk t, generate_series(1, 3) m, sw \
         WHERE t.status NOT IN ('cancelled', 'open') AND t.created_at + interval '30 minutes' < {NOW} \
           AND m <= 1 + floor(2.4 * pg_temp.rnd(t.id, 70)) AND sw.j = floor(24 * pg_temp.rnd(t.id * 4 + m, 72) ^ 1.3)::int; \
         CREATE TEMP TABLE swk ON COMMIT DROP AS \
         SELECT x.*, floor(4 * pg_temp.rnd(key, 64) ^ 3)::int AS spare, \
                CASE WHEN {N} > 1 AND pg_temp.rnd(key, 65) < 0.02 THEN 1 + floor(3 * pg_temp.rnd(key, 66))::int ELSE 0 END AS ship, \
                CASE WHEN pg_temp.rnd(key, 67) < 0.04 THEN -1 WHEN pg_temp.rnd(key, 67) < 0.06 THEN 1 ELSE 0 END AS counted, \
                greatest((wk + interval '6 hours 50 minutes') AT TIME ZONE 'Africa/Nairobi', ({TODAY} - {D})::timestamp AT TIME ZONE 'UTC') AS delivered \
         FROM (SELECT s.stock_item_id, s.branch_id, s.wk, min(sb.b) AS b, -sum(s.quantity) FILTER (WHERE s.quantity < 0) AS used, min(i.cost) AS cost, \
                      (min(i.j) * 1000 + min(sb.b)) * 100000::bigint + extract(epoch FROM s.wk)::bigint / 86400 AS key \
               FROM (SELECT sled.*, date_trunc('week', (at AT TIME ZONE 'Africa/Nairobi') - interval '7 hours') AS wk FROM sled) s \
               JOIN (SELECT j, id, cost FROM si UNION ALL SELECT 300 + j, id, cost FROM sw) i ON i.id = s.stock_item_id \
               JOIN sb ON sb.id = s.branch_id GROUP BY 1, 2, 3) x \
         WHERE used > 0; \
         CREATE TEMP TABLE sx ON COMMIT DROP AS \
         SELECT base.xfer + row_number() OVER (ORDER BY x.wk, x.b) AS id, x.b, x.wk, src.id AS src, dst.id AS dst, \
                x.delivered + interval '5 minutes' AS shipped_at, least({NOW}, x.delivered + interval '7 hours') AS received_at \
         FROM (SELECT b, wk, min(delivered) AS delivered FROM swk WHERE ship > 0 GROUP BY 1, 2) x \
         JOIN sb src ON src.b = x.b JOIN sb dst ON dst.b = x.b % {N} + 1, base; \
         INSERT INTO transfers (id, from_branch_id, to_branch_id, status, note, shipped_by, shipped_at, received_by, received_at) \
         SELECT x.id, x.src, x.dst, 'received', 'Weekly rebalancing', \
                (SELECT id FROM staff_users WHERE home_branch_id = x.src AND role = 'warehouse' ORDER BY id LIMIT 1), x.shipped_at, \
                (SELECT id FROM staff_users WHERE home_branch_id = x.dst AND role = 'warehouse' ORDER BY id LIMIT 1), x.received_at \
         FROM sx x; \
         INSERT INTO transfer_lines (transfer_id, stock_item_id, quantity) \
         SELECT x.id, w.stock_item_id, w.ship FROM swk w JOIN sx x ON x.b = w.b AND x.wk = w.wk WHERE w.ship > 0 ORDER BY 1, 2; \
         INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, unit_cost, reason, reference, at) \
         SELECT stock_item_id, branch_id, kind, quantity, unit_cost, reason, reference, at FROM ( \
           SELECT stock_item_id, branch_id, 'intake' AS kind, used + spare + ship + CASE WHEN counted < 0 THEN 1 ELSE 0 END AS quantity, \
                  cost AS unit_cost, '' AS reason, 'weekly order' AS reference, delivered AS at, 0 AS o \
           FROM swk \
           UNION ALL \
           SELECT w.stock_item_id, x.src, 'transfer_out', -w.ship, NULL, '', 'transfer #' || x.id, x.shipped_at, 1 \
           FROM swk w JOIN sx x ON x.b = w.b AND x.wk = w.wk WHERE w.ship > 0 \
           UNION ALL \
           SELECT w.stock_item_id, x.dst, 'transfer_in', w.ship, NULL, '', 'transfer #' || x.id || ' received', x.received_at, 1 \
           FROM swk w JOIN sx x ON x.b = w.b AND x.wk = w.wk WHERE w.ship > 0 \
           UNION ALL \
           SELECT stock_item_id, branch_id, 'adjustment', counted, NULL, \
                  CASE WHEN counted < 0 THEN 'Weekly count: one damaged or missing' ELSE 'Weekly count: one more on the shelf' END, '', \
                  delivered + interval '8 minutes', 2 \
           FROM swk WHERE counted <> 0 \
           UNION ALL \
           SELECT stock_item_id, branch_id, kind, quantity, unit_cost, reason, reference, at, 3 FROM sled) r \
         ORDER BY at, o, stock_item_id, branch_id, reference, kind, quantity; \
         INSERT INTO stock_levels (stock_item_id, branch_id, on_hand) \
         SELECT l.stock_item_id, l.branch_id, sum(l.quantity) FROM stock_ledger l JOIN sb ON sb.id = l.branch_id GROUP BY 1, 2 \
         ON CONFLICT (stock_item_id, branch_id) DO UPDATE SET on_hand = EXCLUDED.on_hand",
    ),
    (
        "sequences",
        "SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers)); \
         SELECT setval(pg_get_serial_sequence('vehicles', 'id'), (SELECT max(id) FROM vehicles)); \
         SELECT setval(pg_get_serial_sequence('devices', 'id'), (SELECT max(id) FROM devices)); \
         SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets)); \
         SELECT setval(pg_get_serial_sequence('invoices', 'id'), (SELECT max(id) FROM invoices)); \
         SELECT setval(pg_get_serial_sequence('invoice_lines', 'id'), (SELECT max(id) FROM invoice_lines)); \
         SELECT setval(pg_get_serial_sequence('assets', 'id'), (SELECT max(id) FROM assets)); \
         SELECT setval(pg_get_serial_sequence('credit_notes', 'id'), GREATEST(1, (SELECT max(id) FROM credit_notes))); \
         SELECT setval(pg_get_serial_sequence('transfers', 'id'), GREATEST(1, (SELECT max(id) FROM transfers)))",
    ),
];

/// The line `workbay demo --scale` prints per table.
pub fn report(summary: &Summary) -> String {
    let mut out = String::new();
    for (table, n) in &summary.tables {
        out.push_str(&format!("{table:>14} {n:>10}\n"));
    }
    out.push_str(&format!("loaded in {:.1} s\n", summary.seconds));
    out
}
