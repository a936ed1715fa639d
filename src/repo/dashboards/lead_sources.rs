//! Where customers came from: per lead source, the revenue of its customers in the range, how
//! many bought and how many of them came for the first time.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Numeric, Text, Timestamptz};

use super::SalesFilter;
use crate::repo::RepoError;

/// One lead source in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct LeadSourceRow {
    /// The source's name; `Not recorded` for customers without one.
    #[diesel(sql_type = Text)]
    pub source: String,
    /// Net revenue (of tax, less credit notes in the range) from its customers.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Its customers who were invoiced in the range.
    #[diesel(sql_type = BigInt)]
    pub customers: i64,
    /// Of them, those whose first invoice at these branches is in the range.
    #[diesel(sql_type = BigInt)]
    pub first_visits: i64,
}

/// Revenue, customers and first visits per lead source, most revenue first; figures as the
/// sales and high-value customer pages count them (issued invoices, less credit notes, in the
/// range).
pub fn lead_sources(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<LeadSourceRow>, RepoError> {
    Ok(diesel::sql_query(format!(
        "WITH moves AS ({}), \
         per_customer AS MATERIALIZED (SELECT customer_id, sum(cents) AS cents FROM moves GROUP BY 1) \
         SELECT COALESCE(l.name, 'Not recorded') AS source, (sum(p.cents) / 100.0)::numeric(14,2) AS revenue, \
                count(*)::bigint AS customers, \
                count(*) FILTER (WHERE NOT EXISTS ( \
                  SELECT 1 FROM invoices e WHERE e.customer_id = p.customer_id AND e.branch_id = ANY($1) \
                    AND e.number IS NOT NULL AND e.status <> 'void' AND e.issued_at < $2))::bigint AS first_visits \
         FROM per_customer p JOIN customers c ON c.id = p.customer_id \
              LEFT JOIN lead_sources l ON l.id = c.lead_source_id \
         GROUP BY 1 ORDER BY 2 DESC, 1",
        super::customers::CUSTOMER_MOVES
    ))
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Timestamptz, _>(f.from)
    .bind::<Timestamptz, _>(f.to)
    .load(conn)?)
}
