//! The `workbay` binary: parses the command line and hands over to the library.

#[actix_web::main]
async fn main() {
    if let Err(e) = workbay::cli::run().await {
        eprintln!("workbay: {e:#}");
        std::process::exit(1);
    }
}
