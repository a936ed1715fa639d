//! Pure domain types: no I/O, unit-tested.

pub mod approval_link;
pub mod asset;
pub mod barcode;
pub mod booking;
pub mod branch;
pub mod campaign;
pub mod cash_up;
pub mod chart;
pub mod csv;
pub mod customer;
pub mod figures;
pub mod form;
pub mod import;
pub mod intake;
pub mod invoice;
pub mod labels;
pub mod message;
pub mod money;
pub mod phone;
pub mod preorder;
pub mod purchase_order;
pub mod qr;
pub mod ranking;
pub mod records;
pub mod redirect;
pub mod repair_intake;
pub mod role;
pub mod staff;
pub mod status;
pub mod templates;
pub mod throttle;
pub mod ticket;
pub mod time;
pub mod transfer;
pub mod validation;
pub mod vehicle;
pub mod warranty;

/// The stored names of `statuses`, for a query's `IN` list.
pub fn names<T: Copy>(statuses: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    statuses.iter().map(|s| name(*s)).collect()
}
