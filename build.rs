//! Rebuilds the crate when a migration is added or changed: `db::migrate` embeds the
//! `migrations` directory at compile time, and Cargo does not otherwise look at it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
