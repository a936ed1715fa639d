//! `workbay demo --scale`: the generated history is the same for the same seed, keeps the
//! invariants the application keeps, and the dashboards read it.

use diesel::{PgConnection, RunQueryDsl};
use workbay::scale::{Options, generate_with};

use crate::common::{spawn_app, test_db};

const FINGERPRINT: &str = "SELECT concat_ws(' ', \
    (SELECT count(*) FROM customers), (SELECT md5(string_agg(name || phone || email || segment, ',' ORDER BY id)) FROM customers), \
    (SELECT count(*) FROM bookings), (SELECT md5(string_agg(bay_id || status || starts_at::text, ',' ORDER BY id)) FROM bookings), \
    (SELECT md5(string_agg(number || status || COALESCE(assigned_to::text, '') || created_at::text, ',' ORDER BY id)) FROM tickets), \
    (SELECT md5(string_agg(number || status || total || issued_at::text, ',' ORDER BY id)) FROM invoices), \
    (SELECT sum(total) FROM invoices), (SELECT count(*) FROM invoice_lines), (SELECT count(*) FROM payments), \
    (SELECT count(*) FROM assets), (SELECT sum(on_hand) FROM stock_levels), (SELECT count(*) FROM stock_ledger), \
    (SELECT md5(string_agg(kind || quantity || at::text, ',' ORDER BY id)) FROM stock_ledger)) AS t";

#[derive(diesel::QueryableByName)]
struct T {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

fn load(url: &str, seed: u32, now: chrono::DateTime<chrono::Utc>) -> String {
    use diesel::Connection;
    let mut c = PgConnection::establish(url).unwrap();
    let options = Options {
        branches: 2,
        seed,
        size: 0.01,
        now,
    };
    let summary = generate_with(&mut c, &options, "workbay-demo").unwrap();
    assert!(
        summary
            .tables
            .iter()
            .all(|(table, n)| *n > 0 || table == "credit_notes"),
        "{summary:?}"
    );
    assert!(
        generate_with(&mut c, &options, "workbay-demo").is_err(),
        "a second load is refused"
    );
    let t: T = diesel::sql_query(FINGERPRINT).get_result(&mut c).unwrap();
    t.t
}

/// Each rule the generated history keeps, with a query counting the rows that break it.
const BROKEN: &[(&str, &str)] = &[
    (
        "invariant 4: on hand is the sum of the ledger",
        "SELECT count(*) FROM (SELECT stock_item_id, branch_id, sum(quantity) AS q FROM stock_ledger GROUP BY 1, 2) g \
         FULL JOIN stock_levels l USING (stock_item_id, branch_id) WHERE l.on_hand IS DISTINCT FROM g.q",
    ),
    (
        "invariant 4: on hand is never negative",
        "SELECT count(*) FROM stock_levels WHERE on_hand < 0",
    ),
    (
        "…and at no moment on the way: the running balance of every item at every branch, in the \
         order the rows happened, stays at zero or above",
        "SELECT count(*) FROM (SELECT sum(quantity) OVER (PARTITION BY stock_item_id, branch_id ORDER BY at, id) AS balance \
         FROM stock_ledger) x WHERE balance < 0",
    ),
    (
        "an adjustment says why",
        "SELECT count(*) FROM stock_ledger WHERE kind = 'adjustment' AND btrim(reason) = ''",
    ),
    (
        "a transfer left one branch and arrived at the other with what its lines say",
        "SELECT count(*) FROM transfers t WHERE t.status <> 'received' OR t.received_at < t.shipped_at \
         OR (SELECT sum(quantity) FROM transfer_lines l WHERE l.transfer_id = t.id) IS DISTINCT FROM \
            (SELECT -sum(quantity) FROM stock_ledger g WHERE g.kind = 'transfer_out' AND g.branch_id = t.from_branch_id \
               AND g.reference = 'transfer #' || t.id) \
         OR (SELECT sum(quantity) FROM transfer_lines l WHERE l.transfer_id = t.id) IS DISTINCT FROM \
            (SELECT sum(quantity) FROM stock_ledger g WHERE g.kind = 'transfer_in' AND g.branch_id = t.to_branch_id \
               AND g.reference = 'transfer #' || t.id || ' received')",
    ),
    (
        "invariant 3: numbers gapless per branch, and the counter at the last one",
        "SELECT count(*) FROM (SELECT branch_id, max(seq) AS m, count(*) AS n FROM invoices WHERE seq IS NOT NULL GROUP BY 1) x \
         LEFT JOIN invoice_counters c USING (branch_id) WHERE x.m <> x.n OR c.last_number IS DISTINCT FROM x.m",
    ),
    (
        "invariant 2: payments add up to the paid total, never above the total; totals are their lines",
        "SELECT count(*) FROM invoices i WHERE i.paid_total <> COALESCE((SELECT sum(amount) FROM payments p WHERE p.invoice_id = i.id), 0) \
         OR i.paid_total > i.total OR i.subtotal <> (SELECT sum(net) FROM invoice_lines l WHERE l.invoice_id = i.id) \
         OR i.total <> i.subtotal + i.tax_total",
    ),
    (
        "invariant 1: a sold unit is on exactly one live line; a unit is never on two",
        "SELECT count(*) FROM assets a WHERE a.status = 'sold' AND (SELECT count(*) FROM invoice_lines l WHERE l.asset_id = a.id AND l.live) <> 1",
    ),
    (
        "closed tickets have an outcome and close after they open",
        "SELECT count(*) FROM tickets WHERE status = 'closed' AND (outcome IS NULL OR closed_at < created_at)",
    ),
    (
        "ticket numbers are unique per branch and without gaps",
        "SELECT count(*) FROM (SELECT branch_id, max(number) AS m, count(*) AS n FROM tickets GROUP BY 1) x WHERE m <> n",
    ),
];

#[tokio::test]
async fn the_same_seed_gives_the_same_history_and_it_keeps_the_invariants() {
    let app = spawn_app().await;
    let url = app.db.admin_url.clone();
    let (first, again, other) = tokio::task::spawn_blocking(move || {
        let (second, third) = (test_db(), test_db());
        // The loads take seconds: each leads up to the same moment.
        let now = chrono::Utc::now();
        (
            load(&url, 7, now),
            load(&second.admin_url, 7, now),
            load(&third.admin_url, 8, now),
        )
    })
    .await
    .unwrap();
    assert_eq!(first, again, "same seed, same shop");
    assert_ne!(first, other, "another seed, another shop");

    for (rule, broken) in BROKEN {
        assert_eq!(app.count(broken).await, 0, "{rule}");
    }
    // Every movement a shop makes is there: deliveries, sales, the workshop's consumables,
    // weekly counts and transfers between the branches.
    assert_eq!(
        app.count(
            "SELECT count(DISTINCT kind) FROM stock_ledger \
             WHERE kind IN ('intake', 'sale', 'repair_use', 'adjustment', 'transfer_out', 'transfer_in')"
        )
        .await,
        6
    );
    assert!(app.count("SELECT count(*) FROM transfers").await > 0);
    // A few heavy customers: the top fifth bring well over a fifth of the tickets.
    let share = app
        .count(
            "SELECT (100 * sum(n) FILTER (WHERE rank <= ceil(total_customers * 0.2)) / sum(n))::bigint FROM ( \
               SELECT n, row_number() OVER (ORDER BY n DESC) AS rank, count(*) OVER () AS total_customers \
               FROM (SELECT c.id, count(t.id) AS n FROM customers c LEFT JOIN tickets t ON t.customer_id = c.id GROUP BY c.id) x) y",
        )
        .await;
    assert!(share >= 35, "top fifth's share of tickets: {share}%");
    the_screens_read_the_generated_shop(&app).await;
}

/// The dashboards read it: the branches page agrees with the invoices.
async fn the_screens_read_the_generated_shop(app: &crate::common::TestApp) {
    let res = app.login("scale-admin", "workbay-demo").await;
    assert_eq!(res.status().as_u16(), 303);
    for path in [
        "/dashboards/sales",
        "/dashboards/customers",
        "/dashboards/technicians",
        "/dashboards/services",
        "/dashboards/inventory",
        "/dashboards/preorders",
        "/dashboards/branches",
        "/invoices",
        "/customers?q=wanjiru",
        "/stock",
    ] {
        app.get_html(path).await;
    }
    // The generated transfers show as received, and a consumable's ledger shows its use on
    // tickets and its weekly deliveries.
    let transfers = app.get_html("/stock/transfers").await;
    assert!(
        transfers.contains("Weekly rebalancing") && transfers.contains(">Received<"),
        "{transfers}"
    );
    let consumable = app
        .count("SELECT min(id) FROM stock_items WHERE sku LIKE 'SCW-%'")
        .await;
    let ledger = app.get_html(&format!("/stock/items/{consumable}")).await;
    assert!(
        ledger.contains("repair_use") && ledger.contains("ticket #"),
        "{ledger}"
    );
    let csv = app.get_html("/dashboards/branches.csv").await;
    let revenue: f64 = csv
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("Scale "))
        .map(|l| l.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .sum();
    // The range is the last 30 days in the admin's (Scale 01's) timezone.
    let (from, today) = (
        "(now() AT TIME ZONE 'Africa/Nairobi')::date - 29",
        "(now() AT TIME ZONE 'Africa/Nairobi')::date",
    );
    let expected = app
        .text(&format!(
            "SELECT (COALESCE((SELECT sum(subtotal) FROM invoices i JOIN branches b ON b.id = i.branch_id \
               WHERE b.name LIKE 'Scale %' AND i.number IS NOT NULL AND i.status <> 'void' \
                 AND (i.issued_at AT TIME ZONE b.timezone)::date BETWEEN {from} AND {today}), 0) \
             - COALESCE((SELECT sum(n.subtotal) FROM credit_notes n JOIN branches b ON b.id = n.branch_id \
               WHERE b.name LIKE 'Scale %' AND (n.at AT TIME ZONE b.timezone)::date BETWEEN {from} AND {today}), 0))::text"
        ))
        .await;
    assert!(revenue > 0.0, "{csv}");
    assert!(
        (revenue - expected.parse::<f64>().unwrap()).abs() < 0.005,
        "{revenue} vs {expected}"
    );
}

#[tokio::test]
async fn lists_count_and_page_only_up_to_a_bound_however_big_the_table() {
    use workbay::domain::role::Role;
    use workbay::repo::{COUNT_CAP, PAGE_SIZE};
    let app = spawn_app().await;
    let branch = app.branch_id;
    let extra = COUNT_CAP + 50;
    app.with_db(move |c| {
        diesel::sql_query(format!(
            "INSERT INTO customers (name, created_branch_id) \
             SELECT 'Bulk customer ' || lpad(n::text, 6, '0'), {branch} FROM generate_series(1, {extra}) n"
        ))
        .execute(c)
        .unwrap();
    })
    .await;
    app.login_as(Role::Receptionist).await;
    let first = app.get_html("/customers").await;
    assert!(
        first.contains(&format!(
            "Page 1 of {} · more than {COUNT_CAP}",
            COUNT_CAP / PAGE_SIZE
        )),
        "{first}"
    );
    // A page past the bound shows the last page within it, not a deeper scan.
    let deep = app.get_html("/customers?page=999999").await;
    assert!(
        deep.contains(&format!(
            "Page {} of {}",
            COUNT_CAP / PAGE_SIZE,
            COUNT_CAP / PAGE_SIZE
        )) && deep.contains("Bulk customer 010000")
            && !deep.contains("Bulk customer 010001"),
        "{deep}"
    );
    // A narrower search counts exactly again.
    let some = app.get_html("/customers?q=Bulk+customer+0100").await;
    assert!(some.contains("· 51 in all"), "{some}");
}
