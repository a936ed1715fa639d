//! Customers, their vehicles and devices, bookings and tickets.

/// This part of [`super::steps`].
pub(super) const STEPS: &[(&str, &str)] = &[
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
];
