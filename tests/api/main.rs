//! Integration tests through HTTP against a real PostgreSQL: one database per test.

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod approval;
mod audit;
mod audit_money;
mod auth;
mod booking_flow;
mod bookings;
mod cash_up;
mod claims;
mod cli;
mod counter;
mod csrf;
mod customer_history;
mod customer_links;
mod customers;
mod dashboard_reading;
mod dashboards;
mod embedded;
mod exports;
mod floor;
mod headers;
mod import_refusals;
mod imports;
mod intake;
mod invoicing;
mod merge;
mod messages;
mod ops;
mod part_waits;
mod permissions;
mod preorders;
mod purchasing;
mod record_exports;
mod records;
mod repair_intake;
mod scale;
mod service_parts;
mod statuses;
mod stock;
mod throttling;
mod time;
mod today;
mod workshop;
