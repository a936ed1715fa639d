//! Tickets: the board, the full list, the ticket page with its workflow, and time approval.

pub mod board;
pub mod list;
pub mod show;
pub mod time;
