//! What a request owes when its session came from the server's memory instead of the database
//! (`session::store`): proof that the session, its account and the branches are still what
//! was kept. The proof rides in the batch that opens the request's first unit of work
//! ([`crate::db::db`]), so what the unit writes commits only if the session was current when it
//! began, as if it had been read there. A request that runs no unit of work proves it after its
//! handler (`session::gate`). Until it is proven, nothing of the response leaves.

use std::cell::RefCell;
use std::sync::Arc;

/// Someone to tell when a kept session turns out to have changed.
pub trait Forget: Send + Sync {
    /// Drops what was kept for the session with this key hash.
    fn forget(&self, key_hash: &str);
}

/// The revisions a kept session was read at.
#[derive(Clone)]
pub struct SessionProof {
    /// The session's key hash (hex digits only).
    pub key_hash: String,
    /// `sessions.rev`.
    pub rev: i64,
    /// The signed-in account and its `staff_users.rev`, if the state names one.
    pub user: Option<(i64, i64)>,
    /// `branches_rev.rev`.
    pub branches_rev: i64,
    /// Told when the proof fails.
    pub keeper: Arc<dyn Forget>,
}

impl SessionProof {
    /// The arguments of the proof (`session_unchanged`), written as SQL literals for the batch
    /// that opens a transaction. Only integers and the key hash's hex digits reach this text; a
    /// hash with anything else proves nothing.
    pub fn sql_args(&self) -> Option<String> {
        if self.key_hash.is_empty() || !self.key_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (user, user_rev) = match self.user {
            Some((id, rev)) => (id.to_string(), rev.to_string()),
            None => ("NULL".into(), "NULL".into()),
        };
        Some(format!(
            "'{}', {}, {}, {}, {}",
            self.key_hash, self.rev, user, user_rev, self.branches_rev
        ))
    }
}

/// Where a request stands.
#[derive(Clone, Default)]
pub enum Standing {
    /// Its session (if any) was read from the database: nothing owed.
    #[default]
    Clear,
    /// Its session came from memory and has not been proven yet.
    Owed(SessionProof),
    /// Proven in a unit of work.
    Proven,
    /// The session changed: nothing this request does may be kept.
    Changed,
}

tokio::task_local! {
    static STANDING: RefCell<Standing>;
}

/// Runs `fut` (one request) with its own standing.
pub async fn scope<F: std::future::Future>(fut: F) -> F::Output {
    STANDING.scope(RefCell::new(Standing::Clear), fut).await
}

/// Whether this runs inside a request's [`scope`], where a proof can be owed.
pub fn can_owe() -> bool {
    STANDING.try_with(|_| ()).is_ok()
}

/// This request's standing (`Clear` outside a request).
pub fn standing() -> Standing {
    STANDING
        .try_with(|s| s.borrow().clone())
        .unwrap_or_default()
}

/// The session store served this request's session from memory: it owes `proof`.
pub fn owe(proof: SessionProof) {
    let _ = STANDING.try_with(|s| *s.borrow_mut() = Standing::Owed(proof));
}

/// The proof held (in a unit of work that began).
pub(crate) fn proven() {
    let _ = STANDING.try_with(|s| {
        let mut s = s.borrow_mut();
        if matches!(*s, Standing::Owed(_)) {
            *s = Standing::Proven;
        }
    });
}

/// The proof failed: the kept session is dropped, and the request may keep nothing.
pub(crate) fn changed() {
    let _ = STANDING.try_with(|s| {
        let mut s = s.borrow_mut();
        if let Standing::Owed(p) = &*s {
            p.keeper.forget(&p.key_hash);
        }
        *s = Standing::Changed;
    });
}

/// The message of the exception `session_unchanged` raises.
pub const CHANGED_MESSAGE: &str = "workbay: the session changed";

#[cfg(test)]
mod tests {
    use super::*;

    struct Nobody;
    impl Forget for Nobody {
        fn forget(&self, _: &str) {}
    }

    fn proof(key_hash: &str, user: Option<(i64, i64)>) -> SessionProof {
        SessionProof {
            key_hash: key_hash.into(),
            rev: 3,
            user,
            branches_rev: 7,
            keeper: Arc::new(Nobody),
        }
    }

    #[test]
    fn the_arguments_name_only_digits_and_refuses_a_hash_that_is_not_hex() {
        assert_eq!(
            proof("ab12", Some((5, 2))).sql_args().as_deref(),
            Some("'ab12', 3, 5, 2, 7")
        );
        assert_eq!(
            proof("ab12", None).sql_args().as_deref(),
            Some("'ab12', 3, NULL, NULL, 7")
        );
        assert_eq!(proof("ab'); DROP TABLE x; --", None).sql_args(), None);
        assert_eq!(proof("", None).sql_args(), None);
    }
}
