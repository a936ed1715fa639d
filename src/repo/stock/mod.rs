//! The bulk stock ledger. On-hand changes only through ledger rows: a trigger applies each row to
//! `stock_levels`, whose CHECK keeps on-hand at zero or more. A take-out that would go below
//! zero is not written and is reported as a message naming what is left; when another posting
//! took the stock in the meantime, the trigger refuses it with the same figures and the whole
//! transaction fails.

mod catalogue;
mod items;
mod ledger;

pub use catalogue::*;
pub use items::*;
pub use ledger::*;
