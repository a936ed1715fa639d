//! The dashboards' figures: at start, the snapshot of customers' sales that date ranges are
//! ranked from (the materialized views are kept in the database, the snapshot is not); then,
//! every few minutes, the materialized daily figures refreshed concurrently (readers are never
//! blocked) and the snapshot taken again. "Refresh now" runs the same two steps.

use std::sync::Arc;

use crate::db::{Actor, Pool};
use crate::domain::ranking::LedgerShelf;

/// At start, take the snapshot of customers' sales that date ranges are ranked from (the
/// materialized views are kept in the database, the snapshot is not); then every `every` (five
/// minutes by default) refresh the materialized dashboard figures, concurrently, so readers are
/// never blocked, and take the snapshot again.
pub fn spawn(pool: Pool, ledger: Arc<LedgerShelf>, every: std::time::Duration) {
    tokio::spawn(async move {
        take_ledger(&pool, &ledger).await;
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let started = std::time::Instant::now();
            match crate::db::db(&pool, &Actor::anonymous(), crate::repo::dashboards::refresh).await
            {
                Ok(done) => tracing::info!(
                    refreshed = done,
                    ms = started.elapsed().as_millis() as u64,
                    "dashboard figures"
                ),
                Err(e) => tracing::warn!(error = %e, "refreshing the dashboard figures failed"),
            }
            take_ledger(&pool, &ledger).await;
        }
    });
}

/// Takes a new snapshot of customers' sales for ranking date ranges and shelves it. A failure
/// is logged and leaves the one before in place (or none: date ranges are then ranked live).
pub async fn take_ledger(pool: &crate::db::Pool, shelf: &LedgerShelf) {
    let _turn = shelf.turn_to_take().await;
    let started = std::time::Instant::now();
    match crate::db::plain(pool, crate::repo::dashboards::revenue_ledger).await {
        Ok(ledger) => {
            tracing::info!(
                moves = ledger.len(),
                mib = ledger.heap_bytes() / (1 << 20),
                ms = started.elapsed().as_millis() as u64,
                "customers' sales snapshot"
            );
            shelf.put(ledger);
        }
        Err(e) => tracing::warn!(error = %e, "taking the customers' sales snapshot failed"),
    }
}
