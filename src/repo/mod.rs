//! The repository layer: one module per aggregate, each function taking `&mut PgConnection`.
//! State changes happen here, inside a transaction, with their audit or event row.

pub mod assets;
pub mod audit;
pub mod bookings;
pub mod branches;
pub mod campaigns;
pub mod cash_ups;
pub mod catalogue;
pub mod claims;
pub mod customers;
pub mod dashboards;
pub mod events;
pub mod exports;
pub mod imports;
pub mod intake;
pub mod invoices;
pub mod login_attempts;
pub mod message_log;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod preorders;
pub mod prepared;
pub mod purchase_orders;
pub mod records;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod stock;
pub mod submissions;
pub mod templates;
pub mod tickets;
pub mod time_clock;
pub mod today;
pub mod transfers;
pub mod unit_of_work;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::validation::FieldErrors;

/// One state change as an atomic step: `conn.transaction`, except directly inside `db()`'s
/// transaction, where it adds no savepoint and a failure rolls the whole unit of work back
/// (see [`unit_of_work`]). A step that must read after its own statement failed
/// (to explain a constraint violation) uses a real `conn.transaction` savepoint instead.
pub fn tx<T, E, F>(conn: &mut diesel::PgConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut diesel::PgConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    unit_of_work::in_unit_of_work(conn, f)
}

/// What a repository function can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No such row (or not visible to this actor).
    #[error("not found")]
    NotFound,
    /// Input that breaks a rule, field by field.
    #[error("invalid: {0}")]
    Validation(FieldErrors),
    /// Clashes with the current state; the message is for the user.
    #[error("{0}")]
    Conflict(String),
    /// No connection could be had.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The session this request was answered on ended or changed (see `session::proof`); nothing
    /// was done.
    #[error("the session changed")]
    SessionChanged,
    /// Any other database error.
    #[error(transparent)]
    Database(DieselError),
    /// Anything else unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DieselError> for RepoError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            other => Self::Database(other),
        }
    }
}

impl From<FieldErrors> for RepoError {
    fn from(e: FieldErrors) -> Self {
        Self::Validation(e)
    }
}

/// The name of the unique constraint a write broke, if that is what happened.
pub fn unique_violation(e: &DieselError) -> Option<&str> {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            info.constraint_name()
        }
        _ => None,
    }
}

/// Who is acting, and when, for audit rows and for the dates a change records.
#[derive(Debug, Clone)]
pub struct By {
    /// The acting staff user.
    pub user_id: Option<i64>,
    /// Their client address.
    pub client_addr: Option<String>,
    /// When, by the shop's clock.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The date then at the branch the work is for (a warranty starts, a preorder is ordered,
    /// on this date): see `domain::time`.
    pub today: chrono::NaiveDate,
}

impl By {
    /// Nobody in particular (start-up, the demo, housekeeping), now, on the UTC date.
    pub fn system() -> Self {
        let at = chrono::Utc::now();
        Self {
            user_id: None,
            client_addr: None,
            at,
            today: at.date_naive(),
        }
    }
}

impl Default for By {
    fn default() -> Self {
        Self::system()
    }
}

/// Standard page size for every list.
pub const PAGE_SIZE: i64 = 25;

/// The most rows a list counts: past it, a list says "more than 10,000" and pages only through
/// the first ones (refining the search finds the rest), so no list page does work in proportion
/// to the whole table.
pub const COUNT_CAP: i64 = 10_000;

/// Plans the rest of this transaction's statements for their actual parameters. A search's
/// best plan depends on what was typed (a rare name wants the trigram index, a common one walks
/// the name order), and the cached generic plan PostgreSQL switches to after five runs of a
/// prepared statement picks one plan for every search, and a name index walk for a rare name
/// is many times slower than the trigram index.
pub fn plan_for_these_values(conn: &mut diesel::PgConnection) -> Result<(), RepoError> {
    diesel::RunQueryDsl::execute(
        diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan"),
        conn,
    )?;
    Ok(())
}

/// The number of matching rows, up to [`COUNT_CAP`], from the ids of the first ones.
pub fn bounded_total(ids: Vec<i64>) -> i64 {
    ids.len() as i64
}

/// `offset` when it falls within `total` rows; past the end, the offset of the last page (of
/// `limit` rows). Lists that count first and then read a page use it so that a page past the
/// end shows the last one.
pub fn offset_within(offset: i64, limit: i64, total: i64) -> i64 {
    let offset = offset.max(0);
    if offset < total || total == 0 {
        offset.min(total)
    } else {
        (total - 1) / limit.max(1) * limit.max(1)
    }
}

/// The ids of one page (`offset`, `limit`) out of the matches' ids in list order; past the end,
/// the last page. Lists fetch the ordered ids once (at most [`COUNT_CAP`]: the count) and then
/// only the page's rows by primary key.
pub fn page_of(ids: &[i64], offset: i64, limit: i64) -> Vec<i64> {
    let start = usize::try_from(offset_within(offset, limit, ids.len() as i64)).unwrap_or(0);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(0))
        .min(ids.len());
    ids[start..end].to_vec()
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn a_page_is_cut_from_the_ordered_ids_and_past_the_end_is_the_last_page() {
        let ids: Vec<i64> = (1..=60).collect();
        assert_eq!(page_of(&ids, 0, 25), (1..=25).collect::<Vec<_>>());
        assert_eq!(page_of(&ids, 50, 25), (51..=60).collect::<Vec<_>>());
        assert_eq!(page_of(&ids, 75, 25), (51..=60).collect::<Vec<_>>());
        assert_eq!(page_of(&ids, 9_975, 25), (51..=60).collect::<Vec<_>>());
        let fifty: Vec<i64> = (1..=50).collect();
        assert_eq!(page_of(&fifty, 50, 25), (26..=50).collect::<Vec<_>>());
        assert!(page_of(&[], 0, 25).is_empty());
        assert!(page_of(&[], 100, 25).is_empty());
    }

    #[test]
    fn an_offset_past_the_end_becomes_the_last_pages() {
        use super::offset_within;
        assert_eq!(offset_within(25, 25, 60), 25);
        assert_eq!(offset_within(75, 25, 60), 50);
        assert_eq!(offset_within(50, 25, 50), 25);
        assert_eq!(offset_within(0, 25, 0), 0);
        assert_eq!(offset_within(100, 25, 0), 0);
        assert_eq!(offset_within(-5, 25, 60), 0);
    }
}
