//! Preorders at the counter: `/preorders` (with the SLA view `?sla=1`: days left or overdue),
//! `/preorders/new` (customer, model, price, deposit taken now), `/preorders/{id}` (deposits,
//! each next step with what it needs, history).

mod deposit;
mod list;
mod move_on;
mod new;
mod show;

pub use deposit::*;
pub use list::*;
pub use move_on::*;
pub use new::*;
pub use show::*;
