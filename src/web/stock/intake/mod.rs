//! `/stock/intake`: the scanner-first delivery screen. The serial field keeps the focus; a scan
//! (text + Enter) adds a line and comes back with the field empty and focused. The batch lives in
//! the database, so a reload loses nothing. Commit creates everything in one transaction.

mod commit;
mod lines;
mod show;

pub use commit::*;
pub use lines::*;
pub use show::*;
