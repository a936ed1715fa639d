//! Time on tickets, the stock ledger, and the sequences moved past the loaded rows.

/// This part of [`super::steps`].
pub(super) const STEPS: &[(&str, &str)] = &[
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
