//! Customers ranked by net revenue over any date range, from a snapshot of every sale and
//! credit note of a known customer, held in memory.
//!
//! Summed in PostgreSQL, a year of eight branches is 384,000 invoices into 145,000 customers:
//! a hash table that size and a sort of it, too slow for a page whatever the index, and a
//! rollup by customer and month is hardly smaller (customers buy about once a month at most).
//! Here each sale is 24 bytes in time order, a range is a slice of them, and the sums are one
//! counter per customer in an array (docs/benchmarks.md has the figures). The snapshot is taken with
//! the other dashboard figures (every few minutes, and by "Refresh now"), so a range's ranking
//! is as of then, as the daily sales figures are.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

/// One issued invoice (its subtotal, positive; nothing once void) or credit note (negative) of
/// a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// When the invoice was issued or the credit note written.
    pub at: DateTime<Utc>,
    /// The branch it was issued or credited at.
    pub branch_id: i64,
    /// The customer.
    pub customer_id: i64,
    /// Whole cents before tax: positive for an invoice, 0 for a void one, negative for a credit
    /// note.
    pub cents: i64,
    /// Whether it was a visit: an issued invoice, void or not (a credit note is not).
    pub visit: bool,
}

/// A move as held: the customer and branch as positions in the ledger's own lists.
#[derive(Debug, Clone, Copy)]
struct Entry {
    micros: i64,
    cents: i64,
    customer: u32,
    branch: u16,
    visit: bool,
}

/// Every move as of one moment, in time order.
#[derive(Debug)]
pub struct Ledger {
    taken_at: DateTime<Utc>,
    entries: Vec<Entry>,
    customers: Vec<i64>,
    branches: Vec<i64>,
    /// Each customer's last visit at each branch where they had one, by customer position:
    /// `visits[visits_from[c]..visits_from[c + 1]]` are customer `c`'s.
    visits: Vec<(u16, i64)>,
    visits_from: Vec<u32>,
}

/// Collects moves in any order; [`LedgerBuilder::finish`] sorts them.
#[derive(Debug)]
pub struct LedgerBuilder {
    ledger: Ledger,
    customer_at: HashMap<i64, u32>,
}

impl LedgerBuilder {
    /// An empty ledger of the moves committed by `taken_at`.
    pub fn new(taken_at: DateTime<Utc>) -> Self {
        Self {
            ledger: Ledger {
                taken_at,
                entries: Vec::new(),
                customers: Vec::new(),
                branches: Vec::new(),
                visits: Vec::new(),
                visits_from: Vec::new(),
            },
            customer_at: HashMap::new(),
        }
    }

    /// Room for exactly `more` moves more: a ledger is read in chunks, and growing by each
    /// chunk (a large block grows in place) never holds twice the moves, as doubling would.
    pub fn reserve(&mut self, more: usize) {
        self.ledger.entries.reserve_exact(more);
    }

    /// Adds one move.
    pub fn push(&mut self, m: Move) {
        let l = &mut self.ledger;
        let customer = *self.customer_at.entry(m.customer_id).or_insert_with(|| {
            l.customers.push(m.customer_id);
            u32::try_from(l.customers.len() - 1).expect("fewer than 2^32 customers")
        });
        // A shop has a handful of branches: a look along the list beats hashing.
        let branch = match l.branches.iter().position(|&b| b == m.branch_id) {
            Some(i) => i,
            None => {
                l.branches.push(m.branch_id);
                l.branches.len() - 1
            }
        };
        l.entries.push(Entry {
            micros: m.at.timestamp_micros(),
            cents: m.cents,
            customer,
            branch: u16::try_from(branch).expect("fewer than 65,536 branches"),
            visit: m.visit,
        });
    }

    /// The ledger, its moves in time order, each customer's last visits worked out.
    pub fn finish(mut self) -> Ledger {
        let l = &mut self.ledger;
        l.entries.sort_unstable_by_key(|e| e.micros);
        l.entries.shrink_to_fit();
        l.customers.shrink_to_fit();
        // Each customer's last visit at each branch: one entry per pair (a quarter of a million
        // at eight branches), not a copy of every visit to sort.
        let mut last: HashMap<(u32, u16), i64> = HashMap::new();
        for e in l.entries.iter().filter(|e| e.visit) {
            let at = last.entry((e.customer, e.branch)).or_insert(e.micros);
            *at = (*at).max(e.micros);
        }
        let mut last: Vec<((u32, u16), i64)> = last.into_iter().collect();
        last.sort_unstable_by_key(|&(pair, _)| pair);
        l.visits_from = Vec::with_capacity(l.customers.len() + 1);
        let mut at = 0;
        for c in 0..l.customers.len() as u32 {
            l.visits_from.push(at as u32);
            while at < last.len() && last[at].0.0 == c {
                at += 1;
            }
        }
        l.visits_from.push(at as u32);
        l.visits = last
            .into_iter()
            .map(|((_, b), micros)| (b, micros))
            .collect();
        self.ledger
    }
}

/// The top fifth of the customers with revenue in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranking {
    /// Customers whose net revenue in the range is above zero.
    pub customers: i64,
    /// Their revenue, in cents.
    pub total_cents: i64,
    /// The top 20% of them (rounded up: at least one when any bought), best first; ties go to
    /// the older customer record (the smaller id).
    pub top: Vec<Ranked>,
}

/// A customer in a ranking's top fifth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    /// The customer.
    pub customer_id: i64,
    /// Net revenue in the range, in cents.
    pub cents: i64,
    /// Their last visit at the ranking's branches, at any time up to the snapshot (a buyer
    /// always has one).
    pub last_visit: Option<DateTime<Utc>>,
}

impl Ranking {
    /// The top fifth's revenue, in cents.
    pub fn top_cents(&self) -> i64 {
        // Part of `total_cents`, which did not overflow.
        self.top.iter().map(|r| r.cents).sum()
    }
}

impl Ledger {
    /// When the moves were read.
    pub fn taken_at(&self) -> DateTime<Utc> {
        self.taken_at
    }

    /// How many moves it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes its lists take.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.customers.capacity() * std::mem::size_of::<i64>()
            + self.branches.capacity() * std::mem::size_of::<i64>()
            + self.visits.capacity() * std::mem::size_of::<(u16, i64)>()
            + self.visits_from.capacity() * std::mem::size_of::<u32>()
    }

    /// The customers ranked by net revenue (invoices less credit notes) of the moves at
    /// `branches` in `[from, to)`. `None` only when a sum would not fit in 64 bits.
    pub fn rank(
        &self,
        branches: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Option<Ranking> {
        let wanted: Vec<bool> = self.branches.iter().map(|b| branches.contains(b)).collect();
        let (from, to) = (from.timestamp_micros(), to.timestamp_micros());
        let first = self.entries.partition_point(|e| e.micros < from);
        let end = first + self.entries[first..].partition_point(|e| e.micros < to);
        let mut sums = vec![0i64; self.customers.len()];
        for e in &self.entries[first..end] {
            if wanted[e.branch as usize] {
                let sum = &mut sums[e.customer as usize];
                *sum = sum.checked_add(e.cents)?;
            }
        }
        // (customer id, cents, position)
        let mut buyers: Vec<(i64, i64, u32)> = sums
            .iter()
            .zip(&self.customers)
            .zip(0u32..)
            .filter(|&((&cents, _), _)| cents > 0)
            .map(|((&cents, &id), c)| (id, cents, c))
            .collect();
        let total_cents = buyers
            .iter()
            .try_fold(0i64, |total, &(_, cents, _)| total.checked_add(cents))?;
        let customers = buyers.len();
        let top_count = customers.div_ceil(5);
        let best_first =
            |a: &(i64, i64, u32), b: &(i64, i64, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if top_count < customers {
            buyers.select_nth_unstable_by(top_count, best_first);
            buyers.truncate(top_count);
        }
        buyers.sort_unstable_by(best_first);
        let top = buyers
            .into_iter()
            .map(|(customer_id, cents, c)| {
                let (from, to) = (
                    self.visits_from[c as usize] as usize,
                    self.visits_from[c as usize + 1] as usize,
                );
                let last_visit = self.visits[from..to]
                    .iter()
                    .filter(|&&(b, _)| wanted[b as usize])
                    .map(|&(_, micros)| micros)
                    .max()
                    .and_then(DateTime::from_timestamp_micros);
                Ranked {
                    customer_id,
                    cents,
                    last_visit,
                }
            })
            .collect();
        Some(Ranking {
            customers: customers as i64,
            total_cents,
            top,
        })
    }
}

/// Where the server keeps its latest ledger: none until the first is taken.
#[derive(Debug, Default)]
pub struct LedgerShelf {
    latest: RwLock<Option<Arc<Ledger>>>,
    taking: tokio::sync::Mutex<()>,
}

impl LedgerShelf {
    /// The latest ledger.
    pub fn current(&self) -> Option<Arc<Ledger>> {
        self.latest
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces it with `ledger` (readers of the old one keep theirs until they are done).
    pub fn put(&self, ledger: Ledger) {
        *self.latest.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(ledger));
    }

    /// Held while a new ledger is read: one at a time, so "Refresh now" pressed during the
    /// scheduled refresh waits for it and then reads its own (it must see its own refresh's
    /// sales) instead of holding a third ledger in memory alongside.
    pub async fn turn_to_take(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.taking.lock().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    /// (when, branch, customer, cents): a positive or zero amount is an invoice (a visit), a
    /// negative one a credit note.
    type Plain = (DateTime<Utc>, i64, i64, i64);

    fn ledger(moves: &[Plain]) -> Ledger {
        let mut b = LedgerBuilder::new(at(31, 0));
        for &(at, branch_id, customer_id, cents) in moves {
            b.push(Move {
                at,
                branch_id,
                customer_id,
                cents,
                visit: cents >= 0,
            });
        }
        b.finish()
    }

    /// The top of a ranking as (customer, cents).
    fn top(r: &Ranking) -> Vec<(i64, i64)> {
        r.top.iter().map(|t| (t.customer_id, t.cents)).collect()
    }

    /// The same ranking the slow way: sum with a map, sort everyone, look each visit up.
    fn by_hand(
        moves: &[Plain],
        branches: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Ranking {
        let mut sums: HashMap<i64, i64> = HashMap::new();
        for &(at, branch, customer, cents) in moves {
            if branches.contains(&branch) && at >= from && at < to {
                *sums.entry(customer).or_default() += cents;
            }
        }
        let mut all: Vec<(i64, i64)> = sums.into_iter().filter(|&(_, c)| c > 0).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let customers = all.len() as i64;
        let total_cents = all.iter().map(|&(_, c)| c).sum();
        let top_count = (customers as f64 * 0.2).ceil() as usize;
        all.truncate(top_count);
        let top = all
            .into_iter()
            .map(|(customer_id, cents)| Ranked {
                customer_id,
                cents,
                last_visit: moves
                    .iter()
                    .filter(|m| m.2 == customer_id && m.3 >= 0 && branches.contains(&m.1))
                    .map(|m| m.0)
                    .max(),
            })
            .collect();
        Ranking {
            customers,
            total_cents,
            top,
        }
    }

    #[test]
    fn a_range_sums_each_customers_sales_less_credit_at_the_chosen_branches() {
        let moves = [
            (at(1, 9), 1, 10, 50_00),
            (at(2, 9), 1, 10, 30_00),
            (at(2, 10), 2, 10, 100_000), // another branch
            (at(3, 9), 1, 11, 70_00),
            (at(4, 9), 1, 11, -70_00), // credited in full: not a buyer
            (at(5, 9), 1, 12, 20_00),
            (at(9, 9), 1, 12, 50_000), // after the range
            (at(1, 8), 1, 13, 40_00),  // the range's first instant counts
            (at(20, 9), 1, 10, 0),     // a void invoice: a visit, no revenue
            (at(25, 9), 2, 10, 5_00),  // a later visit, at the other branch
        ];
        let l = ledger(&moves);
        let r = l.rank(&[1], at(1, 8), at(9, 9)).unwrap();
        assert_eq!(r.customers, 3);
        assert_eq!(r.total_cents, 80_00 + 20_00 + 40_00);
        assert_eq!(top(&r), vec![(10, 80_00)]);
        assert_eq!(
            r.top[0].last_visit,
            Some(at(20, 9)),
            "at branch 1, any time"
        );
        assert_eq!(r.top_cents(), 80_00);
        let both = l.rank(&[1, 2], at(1, 0), at(31, 0)).unwrap();
        assert_eq!(top(&both), vec![(10, 108_500)]);
        assert_eq!(both.top[0].last_visit, Some(at(25, 9)));
        assert_eq!(both.customers, 3);
        assert_eq!(l.len(), moves.len());
    }

    #[test]
    fn the_top_fifth_rounds_up_and_ties_go_to_the_older_customer() {
        // Six buyers: the top fifth is two of them; three tie on the best amount.
        let moves: Vec<_> = [(30, 90_00), (20, 90_00), (25, 90_00), (1, 5_00), (2, 6_00)]
            .iter()
            .chain(&[(3, 7_00)])
            .map(|&(customer, cents)| (at(10, 10), 1, customer, cents))
            .collect();
        let r = ledger(&moves).rank(&[1], at(1, 0), at(31, 0)).unwrap();
        assert_eq!(r.customers, 6);
        assert_eq!(top(&r), vec![(20, 90_00), (25, 90_00)]);
        // One buyer is a top fifth of one; nobody, of none.
        let one = ledger(&moves[3..4])
            .rank(&[1], at(1, 0), at(31, 0))
            .unwrap();
        assert_eq!(top(&one), vec![(1, 5_00)]);
        let none = ledger(&moves).rank(&[2], at(1, 0), at(31, 0)).unwrap();
        assert_eq!(
            (none.customers, none.total_cents, none.top.len()),
            (0, 0, 0)
        );
        // A reversed range holds nothing (the filter refuses one before it gets here).
        let backwards = ledger(&moves).rank(&[1], at(31, 0), at(1, 0)).unwrap();
        assert_eq!(backwards.customers, 0);
    }

    #[test]
    fn many_random_moves_rank_as_the_slow_way_does() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let moves: Vec<_> = (0..20_000)
            .map(|_| {
                let cents = if rng.random_bool(0.05) {
                    -rng.random_range(1..5_000)
                } else if rng.random_bool(0.02) {
                    0
                } else {
                    rng.random_range(1..20_000)
                };
                (
                    at(rng.random_range(1..29), rng.random_range(0..24)),
                    rng.random_range(1..4),
                    rng.random_range(1..3_000),
                    cents,
                )
            })
            .collect();
        let l = ledger(&moves);
        for (branches, from, to) in [
            (&[1, 2, 3][..], at(1, 0), at(29, 0)),
            (&[2][..], at(3, 5), at(17, 13)),
            (&[1, 3][..], at(10, 0), at(11, 0)),
        ] {
            let r = l.rank(branches, from, to).unwrap();
            assert!(r.top.len() > 10, "{branches:?}");
            assert_eq!(
                r,
                by_hand(&moves, branches, from, to),
                "{branches:?} {from} {to}"
            );
        }
    }

    #[test]
    fn a_sum_past_64_bits_gives_no_ranking_rather_than_a_wrong_one() {
        let l = ledger(&[(at(1, 9), 1, 1, i64::MAX), (at(2, 9), 1, 1, 1)]);
        assert_eq!(l.rank(&[1], at(1, 0), at(31, 0)), None);
        let apart = ledger(&[(at(1, 9), 1, 1, i64::MAX), (at(2, 9), 1, 2, 1)]);
        assert_eq!(apart.rank(&[1], at(1, 0), at(31, 0)), None, "the total");
    }

    #[test]
    fn the_shelf_hands_out_the_latest_ledger() {
        let shelf = LedgerShelf::default();
        assert!(shelf.current().is_none());
        shelf.put(ledger(&[(at(1, 9), 1, 1, 5)]));
        let held = shelf.current().unwrap();
        shelf.put(ledger(&[]));
        assert_eq!(held.len(), 1, "a reader keeps the one it took");
        assert!(shelf.current().unwrap().is_empty());
    }

    #[tokio::test]
    async fn one_ledger_is_taken_at_a_time() {
        let shelf = LedgerShelf::default();
        let first = shelf.turn_to_take().await;
        let wait = std::time::Duration::from_millis(50);
        assert!(
            tokio::time::timeout(wait, shelf.turn_to_take())
                .await
                .is_err(),
            "a second reader waits"
        );
        drop(first);
        assert!(
            tokio::time::timeout(wait, shelf.turn_to_take())
                .await
                .is_ok()
        );
    }
}
