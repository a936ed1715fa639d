//! Manager dashboards: sales, high-value customers, preorders, inventory, technicians, service
//! profitability and branch benchmarking. Each is a page with headline figures, a chart drawn on
//! the server as SVG, a table, a date-range and branch filter (or all the branches the user may
//! see) and a CSV export of the table's rows. Cost and margin figures appear, in the page and
//! the CSV, only for the roles that see costs (finance, manager, admin). The daily sales
//! figures come from a materialized view; those pages say when it was refreshed, and offer a
//! refresh on demand. So does the high-value customers page: its "last 12 months" ranking
//! (`?period=12m`) is a view too, and its date ranges are ranked from the snapshot of customers'
//! sales the server takes with each refresh (live until the first is taken).
//!
//! Over 300 lines: the date range, branch filter, CSV answer and refresh time every dashboard
//! shares.

mod branches;
mod customers;
mod inventory;
mod lead_sources;
mod preorders;
mod refresh;
mod sales;
mod services;
mod technicians;

pub use branches::*;
pub use customers::*;
pub use inventory::*;
pub use lead_sources::*;
pub use preorders::*;
pub use refresh::*;
pub use sales::*;
pub use services::*;
pub use technicians::*;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::time;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::branches as branch_rows;
use crate::repo::dashboards::{self, Bucket, SalesFilter};
use crate::web::AppState;
use crate::web::access::Staff;

/// The longest range a dashboard answers (ten years).
pub(crate) const MAX_DAYS: i64 = 3653;

/// The filter as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    branch: String,
    #[serde(default)]
    bucket: String,
    /// Page of a dashboard's long table (top customers).
    #[serde(default)]
    page: String,
    /// A named period instead of the dates: [`YEAR`] (top customers).
    #[serde(default)]
    period: String,
}

/// The `period` of the high-value customers' precomputed ranking: the 365 days up to its
/// last refresh.
const YEAR: &str = "12m";

/// Whether a typed `period` asks for that ranking.
fn is_year(period: &str) -> bool {
    period.trim() == YEAR
}

struct Range {
    filter: SalesFilter,
    from: NaiveDate,
    to: NaiveDate,
    branch: String,
}

/// Checks the filter: dates in order and at most ten years apart, a branch the user may see.
async fn range(
    staff: &Staff,
    state: &AppState,
    q: &RangeQuery,
) -> Result<Result<Range, FieldErrors>, AppError> {
    let branch = match q.branch.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if staff.branches.iter().any(|b| b.id == id) => Some(id),
            _ => {
                return Err(AppError::Forbidden(
                    "branch outside the user's branches".into(),
                ));
            }
        },
    };
    let active = staff.branch.id;
    let tz = db(&state.pool, &staff.actor(), move |conn| {
        Ok(branch_rows::get(conn, branch.unwrap_or(active))?.timezone)
    })
    .await?;
    let today = time::local_date(&tz, staff.now);
    let mut errors = FieldErrors::new();
    let date =
        |raw: &str, default: NaiveDate, field: &str, errors: &mut FieldErrors| match raw.trim() {
            "" => default,
            v => NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap_or_else(|_| {
                errors.add(field, "Enter the date as YYYY-MM-DD.");
                default
            }),
        };
    let to = date(&q.to, today, "to", &mut errors);
    let from = date(
        &q.from,
        to - chrono::Duration::days(29),
        "from",
        &mut errors,
    );
    if !matches!(q.period.trim(), "" | YEAR) {
        errors.add("period", "Choose the last 12 months or a date range.");
    }
    if from > to {
        errors.add("from", "The start comes after the end; swap the dates.");
    } else if (to - from).num_days() > MAX_DAYS {
        errors.add("from", "Choose at most ten years.");
    }
    let bucket = match q.bucket.as_str() {
        "" => Bucket::Day,
        b => Bucket::parse(b).unwrap_or_else(|| {
            errors.add("bucket", "Choose day, week, month, quarter or year.");
            Bucket::Day
        }),
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (Some((start, _)), Some((_, end))) =
        (time::day_bounds(&tz, from), time::day_bounds(&tz, to))
    else {
        return Ok(Err(FieldErrors::single(
            "from",
            "Those dates do not exist in the branch's timezone.",
        )));
    };
    Ok(Ok(Range {
        filter: SalesFilter {
            branches: branch
                .map(|b| vec![b])
                .unwrap_or_else(|| staff.branches.iter().map(|b| b.id).collect()),
            from: start,
            to: end,
            bucket,
            tz,
            from_day: from,
            to_day: to,
            now: staff.now,
        },
        from,
        to,
        branch: branch.map(|b| b.to_string()).unwrap_or_default(),
    }))
}

/// A CSV download named `filename`.
fn csv_file(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// A refused export: the messages as plain text, 422.
fn csv_refused(errors: &FieldErrors) -> HttpResponse {
    let message: Vec<&str> = errors.iter().map(|(_, m)| m).collect();
    HttpResponse::UnprocessableEntity()
        .content_type("text/plain; charset=utf-8")
        .body(message.join(" "))
}

/// The rows `load` gives for a checked range; none when the filter was refused.
async fn rows_for<T, F>(
    staff: &Staff,
    state: &AppState,
    r: &Option<Range>,
    load: F,
) -> Result<Vec<T>, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut diesel::PgConnection, &SalesFilter) -> Result<Vec<T>, crate::repo::RepoError>
        + Send
        + 'static,
{
    match r {
        Some(r) => {
            let f = r.filter.clone();
            db(&state.pool, &staff.actor(), move |conn| load(conn, &f)).await
        }
        None => Ok(Vec::new()),
    }
}

/// For a CSV export: the checked range and the rows `load` gives for it, or, when the filter is
/// refused, the answer to send instead.
async fn csv_rows<T, F>(
    staff: &Staff,
    state: &AppState,
    query: &RangeQuery,
    load: F,
) -> Result<Result<(Range, Vec<T>), HttpResponse>, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut diesel::PgConnection, &SalesFilter) -> Result<Vec<T>, crate::repo::RepoError>
        + Send
        + 'static,
{
    let r = match range(staff, state, query).await? {
        Ok(r) => r,
        Err(errors) => return Ok(Err(csv_refused(&errors))),
    };
    let f = r.filter.clone();
    let rows = db(&state.pool, &staff.actor(), move |conn| load(conn, &f)).await?;
    Ok(Ok((r, rows)))
}

/// The filter form every dated dashboard shows, as typed (and, once checked, as applied).
pub struct Filter {
    query: RangeQuery,
    errors: FieldErrors,
    branches: Vec<(i64, String)>,
    action: &'static str,
}

impl Filter {
    fn branch_selected(&self, id: &i64) -> bool {
        self.query.branch == id.to_string()
    }
    fn bucket_is(&self, b: &str) -> bool {
        self.query.bucket == b || (self.query.bucket.is_empty() && b == "day")
    }
    /// Whether the filter asks for the last 12 months' ranking rather than dates.
    fn year(&self) -> bool {
        is_year(&self.query.period)
    }
}

/// Checks the query; the filter to show and, when it is valid, the range to query.
async fn prepare(
    staff: &Staff,
    state: &AppState,
    mut query: RangeQuery,
    action: &'static str,
) -> Result<(Filter, Option<Range>), AppError> {
    let branches = staff
        .branches
        .iter()
        .map(|b| (b.id, b.name.clone()))
        .collect();
    match range(staff, state, &query).await? {
        Err(errors) => Ok((
            Filter {
                query,
                errors,
                branches,
                action,
            },
            None,
        )),
        Ok(r) => {
            query.from = r.from.to_string();
            query.to = r.to.to_string();
            query.branch = r.branch.clone();
            query.bucket = r.filter.bucket.as_str().to_string();
            Ok((
                Filter {
                    query,
                    errors: FieldErrors::new(),
                    branches,
                    action,
                },
                Some(r),
            ))
        }
    }
}

fn code(r: &Option<Range>) -> StatusCode {
    if r.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// When the materialized figures a page shows were refreshed, and the refresh button.
pub struct AsOf {
    /// What the time is, before it.
    lead: &'static str,
    /// After it.
    tail: &'static str,
    /// `YYYY-MM-DD HH:MM` in the branch's timezone.
    at: String,
    /// Where the refresh returns to.
    back: String,
    /// Whether this user may refresh.
    may_refresh: bool,
}

impl AsOf {
    /// Read before the page's query takes the range: shown in the range's timezone (UTC when
    /// the filter was refused).
    async fn load(
        req: &HttpRequest,
        staff: &Staff,
        state: &AppState,
        range: &Option<Range>,
    ) -> Result<AsOf, AppError> {
        let at = db(&state.pool, &staff.actor(), dashboards::sales_as_of).await?;
        Ok(AsOf::at(
            req,
            staff,
            at,
            range_tz(range.as_ref()),
            ("Daily figures as of", "they refresh every few minutes."),
        ))
    }

    /// `at` shown in `tz`, between the words of `(lead, tail)`.
    fn at(
        req: &HttpRequest,
        staff: &Staff,
        at: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
        (lead, tail): (&'static str, &'static str),
    ) -> AsOf {
        AsOf {
            lead,
            tail,
            at: at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            back: match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{q}", req.path()),
            },
            may_refresh: staff.role.sees_costs(),
        }
    }
}

/// The range's timezone (UTC when the filter was refused).
fn range_tz(range: Option<&Range>) -> chrono_tz::Tz {
    range
        .and_then(|r| r.filter.tz.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// Branch filter of a dashboard without dates.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BranchQuery {
    #[serde(default)]
    branch: String,
}

fn chosen_branches(staff: &Staff, raw: &str) -> Result<Vec<i64>, AppError> {
    match raw.trim() {
        "" => Ok(staff.branches.iter().map(|b| b.id).collect()),
        v => match v.parse::<i64>() {
            Ok(id) if staff.branches.iter().any(|b| b.id == id) => Ok(vec![id]),
            _ => Err(AppError::Forbidden(
                "branch outside the user's branches".into(),
            )),
        },
    }
}
