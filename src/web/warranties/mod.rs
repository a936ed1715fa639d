//! Warranties and claims at the counter: `/warranties?q=` (find by serial, asset tag or invoice
//! number; open claims), `/warranties/{id}` (claim it), `/claims/{id}` (approve, which opens a
//! ticket; deny with a reason; complete with outcome and cost).

mod claim;
mod decisions;
mod find;
mod show;

pub use claim::*;
pub use decisions::*;
pub use find::*;
pub use show::*;
