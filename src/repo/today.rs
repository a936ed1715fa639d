//! The Today page: what the counter has to act on today and how the branch stands, each list
//! one query (its first rows and, by a window count, how many there are).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text, Timestamptz};

pub use crate::models::today::{
    Arrival, DuePreorder, LowStock, StatusCount, Takings, TimeWaiting, UnpaidInvoice, WaitingJob,
};
use crate::repo::RepoError;

use crate::repo::tickets::SUBJECT_SQL as SUBJECT;

/// How many rows of each list the page shows.
pub const SHOWN: i64 = 8;

/// The counter's day at one branch.
#[derive(Debug, Clone)]
pub struct CounterDay {
    pub arrivals: Vec<Arrival>,
    pub ready: Vec<WaitingJob>,
    pub awaiting_approval: Vec<WaitingJob>,
    pub unpaid: Vec<UnpaidInvoice>,
    pub preorders: Vec<DuePreorder>,
}

/// The local day `[from, to)` and its date.
#[derive(Debug, Clone, Copy)]
pub struct Day {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub date: NaiveDate,
}

/// Bookings starting today (all of them, cancelled ones aside), jobs ready for pickup, estimates
/// with the customer, unpaid invoices and preorders to act on.
pub fn counter_day(
    conn: &mut PgConnection,
    branch_id: i64,
    day: Day,
) -> Result<CounterDay, RepoError> {
    Ok(CounterDay {
        arrivals: arrivals(conn, branch_id, day)?,
        ready: waiting_jobs(conn, branch_id, "ready")?,
        awaiting_approval: waiting_jobs(conn, branch_id, "awaiting_approval")?,
        unpaid: unpaid_invoices(conn, branch_id)?,
        preorders: due_preorders(conn, branch_id, day.date)?,
    })
}

fn arrivals(conn: &mut PgConnection, branch_id: i64, day: Day) -> Result<Vec<Arrival>, RepoError> {
    Ok(diesel::sql_query(format!(
        "SELECT b.id, b.starts_at, b.status, b.customer_id, c.name AS customer, {SUBJECT} AS subject, \
                y.name AS bay, t.id AS ticket_id, count(*) OVER ()::bigint AS total \
         FROM bookings b JOIN customers c ON c.id = b.customer_id JOIN bays y ON y.id = b.bay_id \
           LEFT JOIN vehicles ON vehicles.id = b.vehicle_id LEFT JOIN devices ON devices.id = b.device_id \
           LEFT JOIN tickets t ON t.booking_id = b.id \
         WHERE b.branch_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 AND b.status <> 'cancelled' \
         ORDER BY b.starts_at, b.id LIMIT 60"
    ))
    .bind::<BigInt, _>(branch_id)
    .bind::<Timestamptz, _>(day.from)
    .bind::<Timestamptz, _>(day.to)
    .load(conn)?)
}

fn waiting_jobs(
    conn: &mut PgConnection,
    branch_id: i64,
    status: &str,
) -> Result<Vec<WaitingJob>, RepoError> {
    Ok(diesel::sql_query(format!(
        "SELECT t.id, t.number, c.name AS customer, \
                COALESCE({SUBJECT}, 'unit ' || a.asset_tag) AS subject, t.updated_at AS since, \
                i.id AS invoice_id, i.number AS invoice_number, i.status AS invoice_status, \
                (i.total - i.paid_total) AS balance, count(*) OVER ()::bigint AS total \
         FROM tickets t JOIN customers c ON c.id = t.customer_id \
           LEFT JOIN vehicles ON vehicles.id = t.vehicle_id LEFT JOIN devices ON devices.id = t.device_id \
           LEFT JOIN assets a ON a.id = t.asset_id \
           LEFT JOIN invoices i ON i.ticket_id = t.id AND i.status <> 'void' \
         WHERE t.branch_id = $1 AND t.status = $2 \
         ORDER BY t.updated_at, t.id LIMIT $3"
    ))
    .bind::<BigInt, _>(branch_id)
    .bind::<Text, _>(status)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?)
}

/// Issued invoices not yet paid in full, oldest first, with what they all owe.
pub fn unpaid_invoices(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<UnpaidInvoice>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT i.id, i.number, COALESCE(c.name, NULLIF(i.walk_in_name, ''), 'Walk-in') AS customer, \
                i.issued_at, (i.total - i.paid_total) AS balance, count(*) OVER ()::bigint AS total, \
                sum(i.total - i.paid_total) OVER () AS owed \
         FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id \
         WHERE i.branch_id = $1 AND i.status IN ('issued', 'partially_paid') \
         ORDER BY i.issued_at, i.id LIMIT $2",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?)
}

/// Units that arrived (tell the customer, hand over) first, then orders past their SLA date.
fn due_preorders(
    conn: &mut PgConnection,
    branch_id: i64,
    today: NaiveDate,
) -> Result<Vec<DuePreorder>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT p.id, c.name AS customer, m.brand || ' ' || m.model AS item, p.status, p.sla_due_on, \
                count(*) OVER ()::bigint AS total \
         FROM preorders p JOIN customers c ON c.id = p.customer_id \
           JOIN product_models m ON m.id = p.product_model_id \
         WHERE p.branch_id = $1 AND (p.status IN ('arrived', 'customer_notified') \
               OR (p.status IN ('ordered', 'in_transit') AND p.sla_due_on <= $2)) \
         ORDER BY p.status IN ('arrived', 'customer_notified') DESC, p.sla_due_on, p.id LIMIT $3",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?)
}

/// How the branch stands: for its managers all of it, for the warehouse the low stock.
#[derive(Debug, Clone)]
pub struct BranchDay {
    pub by_status: Vec<StatusCount>,
    pub low_stock: Vec<LowStock>,
    pub time_waiting: Option<TimeWaiting>,
    /// Live jobs past the date promised to the customer.
    pub late_jobs: i64,
}

/// The windows takings compare: today so far, and the same weekday a week ago.
#[derive(Debug, Clone, Copy)]
pub struct TakingsWindows {
    pub today: Day,
    pub now: DateTime<Utc>,
    pub last_week: Day,
}

/// Low stock; with `management` also live tickets by status, jobs past their promised date and
/// time waiting for approval.
pub fn branch_day(
    conn: &mut PgConnection,
    branch_id: i64,
    management: bool,
    today: NaiveDate,
) -> Result<BranchDay, RepoError> {
    let late_jobs = if management {
        use crate::schema::tickets;
        tickets::table
            .filter(tickets::branch_id.eq(branch_id))
            .filter(tickets::promised_on.lt(today))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "tickets.status NOT IN ('ready', 'closed', 'cancelled')",
            ))
            .count()
            .get_result(conn)?
    } else {
        0
    };
    let by_status = if management {
        diesel::sql_query(
            "SELECT status, count(*)::bigint AS count FROM tickets \
             WHERE branch_id = $1 AND status NOT IN ('closed', 'cancelled') GROUP BY status",
        )
        .bind::<BigInt, _>(branch_id)
        .load(conn)?
    } else {
        Vec::new()
    };
    let time_waiting = if management {
        Some(
            diesel::sql_query(
                "SELECT count(*)::bigint AS entries, COALESCE(sum(e.hours), 0)::numeric(14,2) AS hours, \
                        min(e.ended_at) AS oldest \
                 FROM time_entries e JOIN tickets t ON t.id = e.ticket_id \
                 WHERE t.branch_id = $1 AND e.ended_at IS NOT NULL AND e.approved_at IS NULL",
            )
            .bind::<BigInt, _>(branch_id)
            .get_result(conn)?,
        )
    } else {
        None
    };
    Ok(BranchDay {
        by_status,
        time_waiting,
        late_jobs,
        low_stock: diesel::sql_query(
            "SELECT i.id, i.sku, i.name, COALESCE(l.on_hand, 0) AS on_hand, \
                    i.reorder_threshold AS threshold, count(*) OVER ()::bigint AS total \
             FROM stock_items i LEFT JOIN stock_levels l ON l.stock_item_id = i.id AND l.branch_id = $1 \
             WHERE i.active AND COALESCE(l.on_hand, 0) < i.reorder_threshold \
             ORDER BY COALESCE(l.on_hand, 0) - i.reorder_threshold, i.sku LIMIT $2",
        )
        .bind::<BigInt, _>(branch_id)
        .bind::<BigInt, _>(SHOWN)
        .load(conn)?,
    })
}

/// Payments and deposits taken, less refunds paid out, in the windows (as the cash-up counts
/// them: a deposit when it is taken, not again when applied).
pub fn takings(
    conn: &mut PgConnection,
    branch_id: i64,
    w: TakingsWindows,
) -> Result<Takings, RepoError> {
    let last_week_so_far = w.last_week.from + (w.now - w.today.from);
    Ok(diesel::sql_query(
        "WITH m AS ( \
           SELECT at, amount FROM payments WHERE branch_id = $1 \
             AND ((at >= $2 AND at < $3) OR (at >= $4 AND at < $6)) \
           UNION ALL SELECT at, amount FROM preorder_deposits WHERE branch_id = $1 \
             AND ((at >= $2 AND at < $3) OR (at >= $4 AND at < $6)) \
           UNION ALL SELECT at, amount FROM ticket_deposits WHERE branch_id = $1 \
             AND ((at >= $2 AND at < $3) OR (at >= $4 AND at < $6)) \
           UNION ALL SELECT at, -amount FROM refund_payments WHERE branch_id = $1 \
             AND ((at >= $2 AND at < $3) OR (at >= $4 AND at < $6))) \
         SELECT COALESCE(sum(amount) FILTER (WHERE at >= $2), 0)::numeric(14,2) AS today, \
                COALESCE(sum(amount) FILTER (WHERE at >= $4 AND at < $5), 0)::numeric(14,2) AS last_week_so_far, \
                COALESCE(sum(amount) FILTER (WHERE at >= $4 AND at < $6), 0)::numeric(14,2) AS last_week_day \
         FROM m",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<Timestamptz, _>(w.today.from)
    .bind::<Timestamptz, _>(w.now)
    .bind::<Timestamptz, _>(w.last_week.from)
    .bind::<Timestamptz, _>(last_week_so_far)
    .bind::<Timestamptz, _>(w.last_week.to)
    .get_result(conn)?)
}
