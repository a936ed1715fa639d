//! `/stock/assets/{id}`: one unit, its whole history, and the next steps (status, diagnostics,
//! wipe certificate, grade, location). Refusals come back as messages on the page.

mod certificate;
mod checks;
mod show;
mod status;

pub use certificate::*;
pub use checks::*;
pub use show::*;
pub use status::*;
