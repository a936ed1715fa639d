//! Stock screens: the item list (with the low-stock list), an item's ledger and adjustments.

pub mod asset;
pub mod assets;
pub mod catalogue;
pub mod intake;
pub mod item;
pub mod items;
pub mod orders;
pub mod reports;
pub mod transfers;
