//! Diesel row structs: `X` (read), `NewX` (insert), `XChanges` (update).

pub mod audit;
pub mod booking;
pub mod branch;
pub mod cash_up;
pub mod customer;
pub mod dashboard;
pub mod event;
pub mod invoice;
pub mod preorder;
pub mod purchase_order;
pub mod staff;
pub mod stock;
pub mod ticket;
pub mod today;
pub mod transfer;
pub mod warranty;
