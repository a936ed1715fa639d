//! Housekeeping, every ten minutes: warranties past their end become expired (on each branch's
//! own date), preorders past their date are told to the counter (once), expired sessions, old
//! sign-in attempts and uploads never imported after a week are forgotten. Each step is safe with
//! several servers running it at once.

use crate::db::{Actor, Pool};

/// Starts the loop on the runtime.
pub fn spawn(pool: Pool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let result = crate::db::db(&pool, &Actor::anonymous(), |conn| {
                let now = chrono::Utc::now();
                crate::repo::claims::expire_ended(conn, now)?;
                crate::repo::notifications::preorders_overdue(conn)?;
                crate::repo::imports::purge_stale(conn)?;
                Ok((
                    crate::repo::sessions::purge_expired(conn, now)?,
                    crate::repo::login_attempts::purge_old(conn, now)?,
                ))
            })
            .await;
            match result {
                Ok((s, a)) if s + a > 0 => {
                    tracing::info!(sessions = s, attempts = a, "housekeeping")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
}
