//! Diesel row structs: `X` (read), `NewX` (insert), `XChanges` (update).

pub mod audit;
pub mod branch;
pub mod staff;
