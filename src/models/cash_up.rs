//! A closed till: the day's count and its lines per payment method.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::schema::{cash_up_lines, cash_ups};

/// A branch's day, counted and closed.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = cash_ups, check_for_backend(diesel::pg::Pg))]
pub struct CashUp {
    pub id: i64,
    pub branch_id: i64,
    pub day: NaiveDate,
    /// Cash the till opened with.
    pub opening_float: BigDecimal,
    pub notes: String,
    /// Who counted and signed it off.
    pub closed_by: i64,
    pub closed_at: DateTime<Utc>,
}

/// One payment method of a closed day.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cash_up_lines, check_for_backend(diesel::pg::Pg))]
pub struct CashUpLine {
    pub cash_up_id: i64,
    pub method: String,
    /// What the takings (and, for cash, the float) said should be there when it was counted.
    pub expected: BigDecimal,
    pub counted: BigDecimal,
}

impl CashUpLine {
    /// Counted less expected.
    pub fn difference(&self) -> BigDecimal {
        crate::domain::cash_up::over_short(&self.counted, &self.expected)
    }
    /// The method as people read it.
    pub fn label(&self) -> &'static str {
        crate::domain::invoice::PaymentMethod::label_of(&self.method)
    }
}
