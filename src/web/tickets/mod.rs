//! Tickets: the board, the full list, the ticket page, one file per thing done to a ticket, and
//! time approval.

pub mod add_line;
pub(crate) mod answer;
pub mod approval;
pub mod assign;
pub mod board;
pub mod clock;
pub mod estimate;
pub mod links;
pub mod list;
pub mod move_on;
pub mod note;
pub mod print;
pub mod remove_line;
pub mod show;
pub mod time;
pub mod waits;
