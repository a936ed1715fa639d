//! Login throttling rules. Failures count within a window and only since the last success for
//! the same key. Per account: after five, each further attempt must wait a delay that doubles
//! per failure, capped: a real user is slowed down by an attacker, never locked out for good.
//! Per client address only failures spread over many accounts count (password spraying), with a
//! far higher threshold: behind a proxy every client shares one address, so one person's typos
//! must never stop the shop signing in; and an address's wait never refuses the correct password
//! of an account that is not itself waiting (the login handler checks it).

use chrono::{DateTime, Duration, Utc};

/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures of one account allowed before any delay applies.
pub const FREE_FAILURES: i64 = 5;
/// Failures from one address allowed before any delay applies to it.
pub const FREE_ADDRESS_FAILURES: i64 = 30;
/// Accounts an address's failures must be spread over before its delay applies.
pub const ADDRESS_MIN_ACCOUNTS: i64 = 5;
/// The delay once the free failures are used up; it doubles with each further failure.
const BASE_DELAY_SECS: i64 = 15;

/// Which counter a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Failures against one username, from any address. Capped low, because anyone can
    /// trigger it for somebody else's account.
    Account,
    /// Failures from one client address, against any username.
    ClientAddress,
}

impl Key {
    fn free(self) -> i64 {
        match self {
            Key::Account => FREE_FAILURES,
            Key::ClientAddress => FREE_ADDRESS_FAILURES,
        }
    }

    fn cap_secs(self) -> i64 {
        match self {
            Key::Account => 60,
            Key::ClientAddress => 15 * 60,
        }
    }
}

/// Recent failures for one key: how many, and when the latest was.
#[derive(Debug, Clone, Copy)]
pub struct Failures {
    /// Failures within the window since the last success.
    pub count: i64,
    /// When the latest failure happened.
    pub last_at: Option<DateTime<Utc>>,
    /// How many accounts they were against.
    pub accounts: i64,
}

/// How long after the latest failure the next attempt must wait.
pub fn delay_after(key: Key, failures: i64) -> Duration {
    if failures < key.free() {
        return Duration::zero();
    }
    let doublings = (failures - key.free()).min(20) as u32;
    let secs = BASE_DELAY_SECS.saturating_mul(2_i64.saturating_pow(doublings));
    Duration::seconds(secs.min(key.cap_secs()))
}

/// Seconds the caller must still wait at `now`, or `None` when an attempt is allowed.
pub fn wait_needed(key: Key, failures: Failures, now: DateTime<Utc>) -> Option<u64> {
    if key == Key::ClientAddress && failures.accounts < ADDRESS_MIN_ACCOUNTS {
        return None;
    }
    let last = failures.last_at?;
    let until = last + delay_after(key, failures.count);
    (until > now).then(|| (until - now).num_seconds().max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_the_delay_doubles() {
        assert_eq!(delay_after(Key::Account, 4), Duration::zero());
        assert_eq!(delay_after(Key::Account, 5), Duration::seconds(15));
        assert_eq!(delay_after(Key::Account, 6), Duration::seconds(30));
        assert_eq!(delay_after(Key::Account, 7), Duration::seconds(60));
        assert_eq!(delay_after(Key::ClientAddress, 29), Duration::zero());
        assert_eq!(delay_after(Key::ClientAddress, 31), Duration::seconds(30));
    }

    #[test]
    fn an_address_waits_only_for_failures_spread_over_many_accounts() {
        let now = Utc::now();
        let one_account = Failures {
            count: 200,
            last_at: Some(now),
            accounts: 1,
        };
        assert_eq!(wait_needed(Key::ClientAddress, one_account, now), None);
        let spread = Failures {
            accounts: 6,
            ..one_account
        };
        assert!(wait_needed(Key::ClientAddress, spread, now).is_some());
    }

    #[test]
    fn delays_are_capped_so_nobody_is_locked_out_forever() {
        assert_eq!(delay_after(Key::Account, 1_000), Duration::seconds(60));
        assert_eq!(
            delay_after(Key::ClientAddress, 1_000),
            Duration::minutes(15)
        );
    }

    #[test]
    fn wait_counts_down_from_the_latest_failure() {
        let now = Utc::now();
        let f = Failures {
            count: 5,
            last_at: Some(now - Duration::seconds(10)),
            accounts: 1,
        };
        assert_eq!(wait_needed(Key::Account, f, now), Some(5));
        let f = Failures {
            count: 5,
            last_at: Some(now - Duration::seconds(16)),
            accounts: 1,
        };
        assert_eq!(wait_needed(Key::Account, f, now), None);
        let f = Failures {
            count: 4,
            last_at: Some(now),
            accounts: 1,
        };
        assert_eq!(wait_needed(Key::Account, f, now), None);
    }
}
