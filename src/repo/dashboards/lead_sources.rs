//! Where customers came from: per lead source, the revenue of its customers in the range, how
//! many bought and how many of them came for the first time.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Numeric, Text, Timestamptz};

use super::SalesFilter;
use crate::domain::ranking::Ledger;
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
/// range): summed live here; [`lead_sources_in`] sums the snapshot, as fast for a year.
pub fn lead_sources(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<LeadSourceRow>, RepoError> {
    Ok(diesel::sql_query(format!(
        "WITH moves AS ({}), \
         per_customer AS MATERIALIZED ( \
           SELECT customer_id, sum(cents) AS cents, bool_or(bought) AS bought FROM moves GROUP BY 1) \
         SELECT COALESCE(l.name, 'Not recorded') AS source, (sum(p.cents) / 100.0)::numeric(14,2) AS revenue, \
                count(*) FILTER (WHERE p.bought)::bigint AS customers, \
                count(*) FILTER (WHERE p.bought AND NOT EXISTS ( \
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

/// [`lead_sources`] from a snapshot of customers' sales read earlier ([`super::revenue_ledger`],
/// with each customer's lead source then): summed in memory, only the sources' names read now.
/// Summed live instead in the unheard-of case of a sum past 64 bits.
pub fn lead_sources_in(
    conn: &mut PgConnection,
    ledger: &Ledger,
    f: &SalesFilter,
) -> Result<Vec<LeadSourceRow>, RepoError> {
    use crate::schema::lead_sources;
    let Some(sums) = ledger.by_lead_source(&f.branches, f.from, f.to) else {
        return lead_sources(conn, f);
    };
    let names: std::collections::HashMap<i64, String> = lead_sources::table
        .select((lead_sources::id, lead_sources::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut rows: Vec<LeadSourceRow> = sums
        .into_iter()
        .map(|s| LeadSourceRow {
            source: s
                .source
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Not recorded".into()),
            revenue: BigDecimal::new(s.cents.into(), 2),
            customers: s.customers,
            first_visits: s.first_visits,
        })
        .collect();
    rows.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.source.cmp(&b.source)));
    Ok(rows)
}
