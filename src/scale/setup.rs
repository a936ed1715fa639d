//! The load's first steps: helpers, the branches, their staff, technicians, catalogue and bays.

/// This part of [`super::steps`].
pub(super) const STEPS: &[(&str, &str)] = &[
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
];
