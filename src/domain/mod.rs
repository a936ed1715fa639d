//! Pure domain types: no I/O, unit-tested.

pub mod approval_link;
pub mod asset;
pub mod barcode;
pub mod booking;
pub mod branch;
pub mod chart;
pub mod csv;
pub mod customer;
pub mod figures;
pub mod form;
pub mod invoice;
pub mod money;
pub mod preorder;
pub mod purchase_order;
pub mod ranking;
pub mod role;
pub mod staff;
pub mod throttle;
pub mod ticket;
pub mod time;
pub mod validation;
pub mod vehicle;
