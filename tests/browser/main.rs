//! Browser tests: real headless Chromium driven through chromedriver (fantoccini) against the
//! real application.

#[path = "../common/mod.rs"]
mod common;

mod board;
mod booking;
mod counter;
mod dashboards;
mod driver;
mod floor;
mod import;
mod intake;
mod login;
mod sale;
mod status_page;
