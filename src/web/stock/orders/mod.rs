//! Purchase orders: `/stock/orders` (list), `/stock/orders/new`, `/stock/orders/{id}` (lines,
//! history, place or cancel, receive through the intake screen).

mod lines;
mod list;
mod new;
mod show;
mod status;

pub use lines::*;
pub use list::*;
pub use new::*;
pub use show::*;
pub use status::*;
