//! Customers and their vehicles: create (pointing out likely duplicates first), search,
//! archive. Each change is audited in the same transaction.

mod archive;
mod consent;
mod create;
mod data;
mod extras;
mod history;
mod merge;
mod queries;

pub use archive::*;
pub use consent::*;
pub use create::*;
pub use data::bundle as data_bundle;
pub use extras::*;
pub use history::*;
pub use merge::*;
pub use queries::*;

diesel::define_sql_function! {
    /// PostgreSQL's `lower`, as the customers' `search_text` was folded.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// PostgreSQL's `upper`, to match a serial whatever case it was typed in.
    fn upper(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}
