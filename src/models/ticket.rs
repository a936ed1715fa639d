//! Tickets (work orders) and their lines.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{ticket_lines, tickets};

/// A ticket.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tickets, check_for_backend(diesel::pg::Pg))]
pub struct Ticket {
    pub id: i64,
    pub branch_id: i64,
    pub number: i32,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub device_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub status: String,
    pub priority: String,
    pub problem: String,
    pub damage_notes: String,
    pub mileage: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A line of a ticket (labour, part, fee).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_lines, check_for_backend(diesel::pg::Pg))]
pub struct TicketLine {
    pub id: i64,
    pub ticket_id: i64,
    pub kind: String,
    pub service_id: Option<i64>,
    pub description: String,
    pub quantity: BigDecimal,
    pub unit_price: BigDecimal,
    pub created_at: DateTime<Utc>,
}
