//! The ranking, checked against sums done the slow way.

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
            void: false,
        });
    }
    b.finish()
}

/// The top of a ranking as (customer, cents).
fn top(r: &Ranking) -> Vec<(i64, i64)> {
    r.top.iter().map(|t| (t.customer_id, t.cents)).collect()
}

/// The same ranking the slow way: sum with a map, sort everyone, look each visit up.
fn by_hand(moves: &[Plain], branches: &[i64], from: DateTime<Utc>, to: DateTime<Utc>) -> Ranking {
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

#[test]
fn lead_sources_sum_their_customers_revenue_buyers_and_first_visits() {
    // Amounts in cents.
    // Customer 1 (source 7) bought at branch 1 on the 2nd and the 10th; customer 2 (source 7)
    // first on the 12th, with a credit on the 13th; customer 3 (no source) only had a void
    // invoice on the 11th and a sale at branch 2 on the 1st; customer 4 (source 9) only a credit
    // note in the range. Range: the 10th to the 20th at branch 1.
    let mut b = LedgerBuilder::new(at(31, 0));
    let mut push = |at, branch_id, customer_id, cents: i64, void| {
        b.push(Move {
            at,
            branch_id,
            customer_id,
            cents,
            visit: cents > 0 || void,
            void,
        })
    };
    push(at(2, 9), 1, 1, 10000, false);
    push(at(10, 9), 1, 1, 20000, false);
    push(at(12, 9), 1, 2, 30000, false);
    push(at(13, 9), 1, 2, -5000, false);
    push(at(11, 9), 1, 3, 0, true);
    push(at(1, 9), 2, 3, 8000, false);
    push(at(15, 9), 1, 4, -2000, false);
    let sources: HashMap<i64, i64> = [(1, 7), (2, 7), (4, 9)].into_iter().collect();
    let ledger = b.finish().with_lead_sources(&sources);
    let sums = ledger.by_lead_source(&[1], at(10, 0), at(20, 0)).unwrap();
    assert_eq!(
        sums,
        vec![
            SourceSum {
                source: Some(7),
                cents: 45000,
                customers: 2,
                first_visits: 1
            },
            SourceSum {
                source: None,
                cents: 0,
                customers: 0,
                first_visits: 0
            },
            SourceSum {
                source: Some(9),
                cents: -2000,
                customers: 0,
                first_visits: 0
            },
        ]
    );
    // At both branches, customer 3's void invoice is still not a purchase.
    let both = ledger.by_lead_source(&[1, 2], at(1, 0), at(20, 0)).unwrap();
    assert_eq!(
        both.iter().find(|s| s.source.is_none()).copied(),
        Some(SourceSum {
            source: None,
            cents: 8000,
            customers: 1,
            first_visits: 1
        })
    );
}
