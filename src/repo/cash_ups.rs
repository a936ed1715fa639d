//! Closing the till: a branch's day counted once, per payment method against what the day's
//! takings (and the opening float, for cash) say should be there.

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::domain::cash_up::expected;
use crate::domain::invoice::PaymentMethod;
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::models::cash_up::{CashUp, CashUpLine};
use crate::repo::{By, RepoError};
use crate::schema::{cash_up_lines, cash_ups, staff_users};

/// What the counter counted at the close.
#[derive(Debug, Clone)]
pub struct Count {
    pub day: NaiveDate,
    pub opening_float: BigDecimal,
    /// What each method holds as counted.
    pub counted: Vec<(PaymentMethod, BigDecimal)>,
    pub notes: String,
}

/// A closed day with its lines and who closed it.
pub type Closed = (CashUp, Vec<CashUpLine>, String);

/// The methods a day's close must count: cash always, and every method money moved by.
pub fn methods_to_count(takings: &[(String, BigDecimal, BigDecimal, i64)]) -> Vec<PaymentMethod> {
    let mut methods = vec![PaymentMethod::Cash];
    for (m, ..) in takings {
        if let Ok(m) = m.parse::<PaymentMethod>()
            && !methods.contains(&m)
        {
            methods.push(m);
        }
    }
    methods
}

/// Closes the branch's day: reads the day's takings (`[from, to)` is the day at the branch),
/// fixes what each method should hold and stores the count, signed off by `by`. A day closes
/// once: a second close (another till, an old tab) is refused naming who closed it.
pub fn close(
    conn: &mut PgConnection,
    branch_id: i64,
    (from, to): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    count: &Count,
    by: &By,
) -> Result<CashUp, RepoError> {
    crate::repo::tx(conn, |conn| {
        if count.day > by.today {
            let message = "A day can be closed only once it has begun.";
            return Err(RepoError::Conflict(message.into()));
        }
        let takings = crate::repo::invoices::takings(conn, branch_id, from, to)?;
        let mut errors = FieldErrors::new();
        let mut lines = Vec::new();
        for method in methods_to_count(&takings) {
            let net = takings
                .iter()
                .find(|t| t.0 == method.as_str())
                .map(|t| &t.1 - &t.2)
                .unwrap_or_default();
            let Some((_, counted)) = count.counted.iter().find(|(m, _)| *m == method) else {
                let field = format!("counted_{}", method.as_str());
                errors.add(
                    &field,
                    format!("Count the {} too.", method.label().to_lowercase()),
                );
                continue;
            };
            lines.push((
                method,
                expected(method, &net, &count.opening_float),
                counted.clone(),
            ));
        }
        errors.into_result()?;
        let inserted: Option<CashUp> = diesel::insert_into(cash_ups::table)
            .values((
                cash_ups::branch_id.eq(branch_id),
                cash_ups::day.eq(count.day),
                cash_ups::opening_float.eq(&count.opening_float),
                cash_ups::notes.eq(count.notes.trim()),
                cash_ups::closed_by.eq(by.user_id.unwrap_or_default()),
                cash_ups::closed_at.eq(by.at),
            ))
            .on_conflict((cash_ups::branch_id, cash_ups::day))
            .do_nothing()
            .returning(CashUp::as_returning())
            .get_result(conn)
            .optional()?;
        let Some(cash_up) = inserted else {
            let (_, _, who) = of_day(conn, branch_id, count.day)?.ok_or(RepoError::NotFound)?;
            return Err(RepoError::Conflict(format!(
                "{} was counted and closed already, by {who}.",
                count.day
            )));
        };
        let rows: Vec<_> = lines
            .into_iter()
            .map(|(method, expected, counted)| {
                (
                    cash_up_lines::cash_up_id.eq(cash_up.id),
                    cash_up_lines::method.eq(method.as_str()),
                    cash_up_lines::expected.eq(expected),
                    cash_up_lines::counted.eq(counted),
                )
            })
            .collect();
        diesel::insert_into(cash_up_lines::table)
            .values(rows)
            .execute(conn)?;
        let after = serde_json::json!({ "day": count.day, "float": count.opening_float });
        let mut entry =
            NewAuditEntry::new("cash_up.close", "cash_up", Some(cash_up.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, Some(after));
        entry.branch_id = Some(branch_id);
        crate::repo::audit::record(conn, entry)?;
        Ok(cash_up)
    })
}

/// The branch's closed day `day`, if it was closed.
pub fn of_day(
    conn: &mut PgConnection,
    branch_id: i64,
    day: NaiveDate,
) -> Result<Option<Closed>, RepoError> {
    let found: Option<(CashUp, String)> = cash_ups::table
        .inner_join(staff_users::table.on(staff_users::id.eq(cash_ups::closed_by)))
        .filter(cash_ups::branch_id.eq(branch_id))
        .filter(cash_ups::day.eq(day))
        .select((CashUp::as_select(), staff_users::full_name))
        .first(conn)
        .optional()?;
    let Some((cash_up, who)) = found else {
        return Ok(None);
    };
    let mut lines: Vec<CashUpLine> = cash_up_lines::table
        .filter(cash_up_lines::cash_up_id.eq(cash_up.id))
        .select(CashUpLine::as_select())
        .load(conn)?;
    let order = |m: &str| PaymentMethod::ALL.iter().position(|p| p.as_str() == m);
    lines.sort_by_key(|l| order(&l.method));
    Ok(Some((cash_up, lines, who)))
}

/// The float the branch's last close opened with (the till usually starts each day the same).
pub fn last_float(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Option<BigDecimal>, RepoError> {
    Ok(cash_ups::table
        .filter(cash_ups::branch_id.eq(branch_id))
        .order(cash_ups::day.desc())
        .select(cash_ups::opening_float)
        .first(conn)
        .optional()?)
}
