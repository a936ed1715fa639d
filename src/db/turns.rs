//! Turns at the database, given oldest request first.
//!
//! A request reaches the database more than once: the session store's read before the handler,
//! then the handler's unit of work. With a first-come queue, its second visit waits behind
//! every request that arrived meanwhile, so its time depends on how many came in between.
//! Here the queue is ordered by when the request started (the `observe` layer records it), so
//! a request already under way goes ahead of newer ones, and a request's time is mostly its
//! one wait at the door. Work outside a request (start-up, background tasks) counts as
//! starting when it asks. The oldest waiter always goes next, so nobody waits forever.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::oneshot;

tokio::task_local! {
    /// When the request this task answers started.
    static STARTED: Instant;
}

/// Runs `fut` as the request that started at `started`: its turns queue by that time.
pub async fn as_request_from<F: std::future::Future>(started: Instant, fut: F) -> F::Output {
    STARTED.scope(started, fut).await
}

/// The turns: at most `n` holders at once.
pub struct Turns {
    state: Mutex<State>,
}

struct State {
    free: usize,
    next_seq: u64,
    waiting: BinaryHeap<Waiter>,
}

struct Waiter {
    started: Instant,
    seq: u64,
    tx: oneshot::Sender<Turn>,
}

impl Waiter {
    fn key(&self) -> (Instant, u64) {
        (self.started, self.seq)
    }
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    /// The heap's greatest is the oldest request (the earliest start, then the first to ask).
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// One turn; the next waiter gets it when this is dropped.
pub struct Turn {
    turns: Option<Arc<Turns>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(turns) = self.turns.take() {
            turns.give_back();
        }
    }
}

impl Turns {
    /// Turns for at most `n` (at least one) at once.
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                free: n.max(1),
                next_seq: 0,
                waiting: BinaryHeap::new(),
            }),
        })
    }

    /// Waits for a turn. A caller dropped while waiting leaves the queue; a turn handed to it
    /// meanwhile passes on to the next.
    pub async fn take(self: &Arc<Self>) -> Turn {
        let started = STARTED.try_with(|s| *s).unwrap_or_else(|_| Instant::now());
        let rx = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.free > 0 {
                state.free -= 1;
                return Turn {
                    turns: Some(self.clone()),
                };
            }
            let (tx, rx) = oneshot::channel();
            let seq = state.next_seq;
            state.next_seq += 1;
            state.waiting.push(Waiter { started, seq, tx });
            rx
        };
        // Senders leave the queue only by sending, so the channel never closes unanswered.
        rx.await.expect("a waiter's turn is always sent")
    }

    fn give_back(self: &Arc<Self>) {
        loop {
            // The hand-over happens outside the lock: a turn that finds its waiter gone comes
            // back here through its own drop.
            let next = {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                match state.waiting.pop() {
                    Some(w) => w,
                    None => {
                        state.free += 1;
                        return;
                    }
                }
            };
            let turn = Turn {
                turns: Some(self.clone()),
            };
            match next.tx.send(turn) {
                Ok(()) => return,
                // That waiter left; try the next one here rather than through `drop`.
                Err(mut turn) => turn.turns = None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn an_older_request_goes_before_newer_ones_that_asked_first() {
        let turns = Turns::new(1);
        let held = turns.take().await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        // Three newer requests queue first, then the oldest.
        for (name, age_ms) in [
            ("newer a", 10u64),
            ("newer b", 20),
            ("newer c", 30),
            ("oldest", 100),
        ] {
            let (turns, order) = (turns.clone(), order.clone());
            let started = t0 - Duration::from_millis(age_ms);
            tasks.push(tokio::spawn(as_request_from(started, async move {
                let _turn = turns.take().await;
                order.lock().unwrap().push(name);
            })));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            vec!["oldest", "newer c", "newer b", "newer a"]
        );
    }

    #[tokio::test]
    async fn no_more_than_n_hold_a_turn_and_a_cancelled_waiter_loses_none() {
        let turns = Turns::new(2);
        let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let a = turns.take().await;
        let b = turns.take().await;
        // A waiter that gives up: when the turns come back, none of them is lost with it.
        let quitter = tokio::spawn({
            let turns = turns.clone();
            async move {
                let _ = tokio::time::timeout(Duration::from_millis(10), turns.take()).await;
            }
        });
        quitter.await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = turns.take().await;
                let now = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }));
        }
        drop((a, b));
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
        // Both turns are free again.
        let _both = tokio::time::timeout(Duration::from_secs(5), async {
            (turns.take().await, turns.take().await)
        })
        .await
        .expect("both turns came back");
        assert_eq!(turns.state.lock().unwrap().free, 0);
        assert!(turns.state.lock().unwrap().waiting.is_empty());
    }
}
