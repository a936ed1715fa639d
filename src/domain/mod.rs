//! Pure domain types: no I/O, unit-tested.

pub mod branch;
pub mod role;
pub mod staff;
pub mod throttle;
pub mod validation;
