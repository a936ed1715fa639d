//! Hand-written SQL that Diesel prepares once per connection and then only executes.
//!
//! `diesel::sql_query` (and Diesel's own `UPDATE` and `ON CONFLICT` builders) mark themselves
//! unsafe to cache, so PostgreSQL parses and plans them on every call. For the statements a
//! counter write runs each time, that planning costs more than the statement (a booking's checks
//! take about three times as long unprepared; docs/benchmarks.md). A
//! [`Prepared`] query holds a fixed `&'static str`, so Diesel's statement cache can key it by its
//! text and reuse the server's prepared statement.
//!
//! Placeholders are written `$1`, `$2`… as with `sql_query`, numbered in the order of the
//! `bind` calls; one may appear more than once. The text holds no other `$` (no dollar quoting).

use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{QueryResult, RunQueryDsl};

/// A statement's only column, `id`.
#[derive(diesel::QueryableByName)]
pub struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
}

/// One bound value with its SQL type.
trait Param: Send {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

struct Value<ST, V>(V, PhantomData<fn() -> ST>);

impl<ST, V> Param for Value<ST, V>
where
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg> + Send,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.0)
    }
}

/// A fixed statement and its values; run it with `execute`, `load` or `get_result` (rows read
/// into `QueryableByName` structs, as with `sql_query`).
#[must_use = "Queries are only executed when calling `load`, `get_result` or similar."]
pub struct Prepared<'a> {
    sql: &'static str,
    params: Vec<Box<dyn Param + 'a>>,
}

/// Starts a [`Prepared`] statement.
pub fn prepared<'a>(sql: &'static str) -> Prepared<'a> {
    Prepared {
        sql,
        params: Vec::new(),
    }
}

impl<'a> Prepared<'a> {
    /// Binds the next placeholder (`$1` first).
    pub fn bind<ST, V>(mut self, value: V) -> Self
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + 'a,
        ST: 'a,
    {
        self.params
            .push(Box::new(Value::<ST, V>(value, PhantomData)));
        self
    }
}

impl QueryFragment<Pg> for Prepared<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Each `$n` in the text becomes the n-th value, in place (Diesel numbers placeholders
        // in the order values are pushed, so a repeated `$n` is sent once per use).
        let mut rest = self.sql;
        while let Some(at) = rest.find('$') {
            out.push_sql(&rest[..at]);
            let digits = rest[at + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - at - 1);
            let n: usize = rest[at + 1..at + 1 + digits].parse().map_err(|_| {
                diesel::result::Error::QueryBuilderError(
                    format!("a `$` without a number in: {}", self.sql).into(),
                )
            })?;
            let param = n
                .checked_sub(1)
                .and_then(|i| self.params.get(i))
                .ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError(
                        format!("${n} has no value bound in: {}", self.sql).into(),
                    )
                })?;
            param.push(&mut out)?;
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

impl QueryId for Prepared<'_> {
    type QueryId = ();
    // Not static: the cache keys this statement by its text (and the values' types).
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared<'_> {}

#[cfg(test)]
mod tests {
    use diesel::pg::{Pg, PgQueryBuilder};
    use diesel::query_builder::QueryFragment;
    use diesel::sql_types::{BigInt, Text};

    use super::prepared;

    #[test]
    fn placeholders_are_numbered_by_use_and_values_follow_them() {
        let q = prepared("SELECT $2 || x FROM t WHERE a = $1 AND b = $1")
            .bind::<BigInt, _>(7_i64)
            .bind::<Text, _>("s");
        let sql = diesel::debug_query::<Pg, _>(&q).to_string();
        assert_eq!(
            sql,
            "SELECT $1 || x FROM t WHERE a = $2 AND b = $3 -- binds: [\"s\", 7, 7]"
        );
    }

    #[test]
    fn a_placeholder_without_a_value_is_an_error() {
        let q = prepared("SELECT $2").bind::<BigInt, _>(1_i64);
        let mut qb = PgQueryBuilder::default();
        assert!(q.to_sql(&mut qb, &Pg).is_err());
    }

    #[test]
    fn diesel_may_cache_it_where_it_would_not_cache_sql_query() {
        let q = prepared("SELECT $1").bind::<BigInt, _>(1_i64);
        assert!(q.is_safe_to_cache_prepared(&Pg).unwrap());
        let raw = diesel::sql_query("SELECT $1").bind::<BigInt, _>(1_i64);
        assert!(!raw.is_safe_to_cache_prepared(&Pg).unwrap());
    }
}
