//! `/stock/intake`: the scanner-first delivery screen. The serial field keeps the focus; a scan
//! (text + Enter) adds a line and the panel beside the field shows it at the top of the latest
//! scans with the running count (the page's script sends scans without reloading and queues a
//! scanner's burst; without it each scan is a post and a redirect). A list of serials can be
//! pasted. The batch lives in the database, so a reload loses nothing. Commit creates everything
//! in one transaction; the delivery's page then prints its labels.

mod answer;
mod commit;
mod deliveries;
mod lines;
mod show;
mod units;

pub use commit::*;
pub use deliveries::*;
pub use lines::*;
pub use show::*;
pub use units::*;
