//! Tickets: the list and the ticket page (the full workflow comes with the workshop issue).

pub mod list;
pub mod show;
