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
    pub customer_id: i64,
    /// Whole cents before tax: positive for an invoice, 0 for a void one, negative for a credit
    /// note.
    pub cents: i64,
    /// Whether it was a visit: an issued invoice, void or not (a credit note is not).
    pub visit: bool,
    /// Whether it is a void invoice (a visit that sold nothing).
    pub void: bool,
}

/// A move as held: the customer and branch as positions in the ledger's own lists.
#[derive(Debug, Clone, Copy)]
struct Entry {
    micros: i64,
    cents: i64,
    customer: u32,
    branch: u16,
    visit: bool,
    void: bool,
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
    /// Each customer's lead source as it was when the ledger was taken, by customer position:
    /// an index into `lead_ids`, or `NO_SOURCE`.
    lead: Vec<u32>,
    lead_ids: Vec<i64>,
}

/// A customer without a lead source.
const NO_SOURCE: u32 = u32::MAX;

/// A lead source's customers in a range: their net revenue, how many bought (a non-void
/// invoice) and how many of those bought there for the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceSum {
    /// The lead source, `None` for customers without one.
    pub source: Option<i64>,
    pub cents: i64,
    pub customers: i64,
    pub first_visits: i64,
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
                lead: Vec::new(),
                lead_ids: Vec::new(),
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
            void: m.void,
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

    /// Records each customer's lead source (`source_of` maps a customer id to its source; one
    /// not in it has none).
    pub fn with_lead_sources(mut self, source_of: &HashMap<i64, i64>) -> Ledger {
        let mut ids: Vec<i64> = source_of.values().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        self.lead = self
            .customers
            .iter()
            .map(|c| match source_of.get(c) {
                Some(s) => ids.binary_search(s).map_or(NO_SOURCE, |i| i as u32),
                None => NO_SOURCE,
            })
            .collect();
        self.lead_ids = ids;
        self
    }

    /// Per lead source, the customers with moves at `branches` in `[from, to)`: their net
    /// revenue, how many bought (a non-void invoice in the range) and, of those, how many had
    /// bought nothing at those branches before `from`. Most revenue first, then by source id
    /// (no source last among equals). `None` only when a sum would not fit in 64 bits.
    pub fn by_lead_source(
        &self,
        branches: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Option<Vec<SourceSum>> {
        let wanted: Vec<bool> = self.branches.iter().map(|b| branches.contains(b)).collect();
        let (from, to) = (from.timestamp_micros(), to.timestamp_micros());
        let first = self.entries.partition_point(|e| e.micros < from);
        let end = first + self.entries[first..].partition_point(|e| e.micros < to);
        let n = self.customers.len();
        let (mut cents, mut touched, mut bought, mut before) = (
            vec![0i64; n],
            vec![false; n],
            vec![false; n],
            vec![false; n],
        );
        for e in self.entries[..first]
            .iter()
            .filter(|e| wanted[e.branch as usize])
        {
            if e.visit && !e.void {
                before[e.customer as usize] = true;
            }
        }
        for e in self.entries[first..end]
            .iter()
            .filter(|e| wanted[e.branch as usize])
        {
            let c = e.customer as usize;
            cents[c] = cents[c].checked_add(e.cents)?;
            touched[c] = true;
            if e.visit && !e.void {
                bought[c] = true;
            }
        }
        let mut sums: HashMap<u32, SourceSum> = HashMap::new();
        for c in (0..n).filter(|&c| touched[c]) {
            let lead = self.lead.get(c).copied().unwrap_or(NO_SOURCE);
            let sum = sums.entry(lead).or_insert(SourceSum {
                source: self.lead_ids.get(lead as usize).copied(),
                cents: 0,
                customers: 0,
                first_visits: 0,
            });
            sum.cents = sum.cents.checked_add(cents[c])?;
            sum.customers += i64::from(bought[c]);
            sum.first_visits += i64::from(bought[c] && !before[c]);
        }
        let mut sums: Vec<SourceSum> = sums.into_values().collect();
        sums.sort_unstable_by(|a, b| {
            b.cents.cmp(&a.cents).then(
                a.source
                    .unwrap_or(i64::MAX)
                    .cmp(&b.source.unwrap_or(i64::MAX)),
            )
        });
        Some(sums)
    }

    /// Bytes its lists take.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.customers.capacity() * std::mem::size_of::<i64>()
            + self.branches.capacity() * std::mem::size_of::<i64>()
            + self.visits.capacity() * std::mem::size_of::<(u16, i64)>()
            + self.visits_from.capacity() * std::mem::size_of::<u32>()
            + self.lead.capacity() * std::mem::size_of::<u32>()
            + self.lead_ids.capacity() * std::mem::size_of::<i64>()
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
#[path = "ranking_tests.rs"]
mod tests;
