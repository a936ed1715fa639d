//! The test harness: one private PostgreSQL cluster per test binary, a template database
//! migrated once, and for each test its own database cloned from the template, with the app
//! built by the real `Application::build` on a free port.
#![allow(dead_code, unused_imports)]

pub mod cluster;
pub mod fixtures;
pub mod http;
pub mod sms;
pub mod smtp;

pub use cluster::{TestDb, test_db};
pub use http::{Reply, TestApp, TestUser, spawn_app, spawn_app_with};
