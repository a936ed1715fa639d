//! Signed-in sessions: kept in PostgreSQL (`store`), served from the server's memory between
//! requests, and proven current before anything a request did takes effect (`proof`, `gate`).
//!
//! The invariant: a request answered on a session kept in memory changes nothing and shows
//! nothing unless that session, its account and the branches are, at that moment, still what
//! the database holds. Its first unit of work proves it in the batch that opens the transaction
//! (`crate::db::db`), so what the unit writes commits only on a current session; a request that
//! ran no unit of work is proven by `gate` before its answer leaves. A failed proof drops the
//! kept copy and answers `307 Temporary Redirect` to the same address, so the browser sends the
//! request again and it is answered on the session as it stands. Logging out, disabling a user
//! or resetting their password therefore ends their sessions at once, on every server.

pub mod gate;
pub mod proof;
pub mod store;
