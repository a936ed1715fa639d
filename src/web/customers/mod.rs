//! Customers at the counter: search, create (with a duplicates check), show, add a vehicle.

pub mod archive;
pub mod data;
pub mod extras;
pub mod list;
pub mod merge;
pub mod message;
pub mod new;
pub mod show;
pub mod vehicle_add;
pub mod walk_in;
