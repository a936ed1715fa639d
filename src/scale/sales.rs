//! Invoices with their lines, units sold, payments and refunds.

/// This part of [`super::steps`].
pub(super) const STEPS: &[(&str, &str)] = &[
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
];
