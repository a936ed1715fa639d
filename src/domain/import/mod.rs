//! Imports from the shop's old system (CSV): reading the file, the kinds of file and their
//! fields, the mapping of columns to fields, and each record checked. `repo::imports` finds the
//! duplicates of saved records and commits; `web::imports` is the screen.

pub mod check;
pub mod kinds;
pub mod read;

/// Value columns of the staging table a commit copies the checked records into (`v0`…).
pub const STAGED_COLUMNS: usize = 22;
