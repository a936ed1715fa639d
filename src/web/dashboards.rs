//! Manager dashboards. Sales (`/dashboards/sales`): headline figures, revenue per day, week or
//! month drawn on the server as SVG, the same rows as a table and as CSV
//! (`/dashboards/sales.csv`), money by payment method, retail against wholesale; filtered by a
//! date range and a branch (or all the branches the user may see).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::csv;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::branches;
use crate::repo::dashboards::{
    self, AgeBucket, Bucket, MethodRow, OverduePreorder, PreorderCount, SalesFilter, SalesPeriod,
    SegmentRow, StockFigures, TechRow, TopCustomer,
};
use crate::web::access::Staff;
use crate::web::invoices::{branch_today, day_bounds};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The longest range a dashboard answers (ten years).
const MAX_DAYS: i64 = 3653;

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
        Ok(branches::get(conn, branch.unwrap_or(active))?.timezone)
    })
    .await?;
    let today = branch_today(&tz);
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
    if from > to {
        errors.add("from", "The start comes after the end; swap the dates.");
    } else if (to - from).num_days() > MAX_DAYS {
        errors.add("from", "Choose at most ten years.");
    }
    let bucket = match q.bucket.as_str() {
        "" => Bucket::Day,
        b => Bucket::parse(b).unwrap_or_else(|| {
            errors.add("bucket", "Choose day, week or month.");
            Bucket::Day
        }),
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (Some((start, _)), Some((_, end))) = (day_bounds(&tz, from), day_bounds(&tz, to)) else {
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

/// The sales dashboard.
#[derive(Template)]
#[template(path = "dashboards/sales.html")]
pub struct SalesPage {
    page: PageCtx,
    filter: Filter,
    periods: Vec<SalesPeriod>,
    methods: Vec<MethodRow>,
    segments: Vec<SegmentRow>,
    revenue: BigDecimal,
    transactions: i64,
    chart: String,
}

impl SalesPage {
    fn average(&self) -> BigDecimal {
        if self.transactions == 0 {
            BigDecimal::from(0)
        } else {
            crate::domain::money::cents(&(&self.revenue / BigDecimal::from(self.transactions)))
        }
    }
    fn method_label(m: &str) -> &'static str {
        m.parse::<crate::domain::invoice::PaymentMethod>()
            .map(|m| m.label())
            .unwrap_or("Other")
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/sales.csv?from={}&to={}&branch={}&bucket={}",
            q.from, q.to, q.branch, q.bucket
        )
    }
}

/// `GET /dashboards/sales`.
pub async fn sales(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/sales").await?;
    let status = code(&r);
    let (periods, methods, segments) = match r {
        Some(r) => {
            let f = r.filter;
            db(&state.pool, &staff.actor(), move |conn| {
                Ok((
                    dashboards::sales_by_period(conn, &f)?,
                    dashboards::by_method(conn, &f)?,
                    dashboards::by_segment(conn, &f)?,
                ))
            })
            .await?
        }
        None => Default::default(),
    };
    let revenue: BigDecimal = periods.iter().map(|p| &p.revenue).sum();
    let transactions = periods.iter().map(|p| p.transactions).sum();
    let points: Vec<(String, f64)> = periods
        .iter()
        .map(|p| (p.period.clone(), p.revenue.to_f64().unwrap_or(0.0)))
        .collect();
    let page = SalesPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars("Revenue per period", &points, 720, 220),
        periods,
        methods,
        segments,
        revenue,
        transactions,
    };
    html(status, &page)
}

/// `GET /dashboards/sales.csv`: the table's rows.
pub async fn sales_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let r = match range(&staff, &state, &query).await? {
        Ok(r) => r,
        Err(errors) => return Ok(csv_refused(&errors)),
    };
    let f = r.filter.clone();
    let periods = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::sales_by_period(conn, &f)
    })
    .await?;
    let mut body = csv::row(&[
        csv::text("period"),
        csv::text("revenue"),
        csv::text("transactions"),
    ]);
    for p in &periods {
        body.push_str(&csv::row(&[
            csv::text(&p.period),
            csv::number(&format!("{:.2}", p.revenue)),
            csv::number(&p.transactions.to_string()),
        ]));
    }
    Ok(csv_file(&format!("sales-{}-{}.csv", r.from, r.to), body))
}

/// The high-value customers dashboard.
#[derive(Template)]
#[template(path = "dashboards/customers.html")]
pub struct CustomersPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<TopCustomer>,
    chart: String,
}

impl CustomersPage {
    fn top_revenue(&self) -> BigDecimal {
        self.rows.iter().map(|r| &r.revenue).sum()
    }
    fn total(&self) -> BigDecimal {
        self.rows
            .first()
            .map(|r| r.total.clone())
            .unwrap_or_default()
    }
    fn customers(&self) -> i64 {
        self.rows.first().map(|r| r.customers).unwrap_or(0)
    }
    /// The top fifth's share of revenue, in percent.
    fn share(&self) -> String {
        let total = self.total();
        if total == 0 {
            return "0.0".into();
        }
        let pct = self.top_revenue() * BigDecimal::from(100) / total;
        format!(
            "{:.1}",
            pct.with_scale_round(1, bigdecimal::RoundingMode::HalfUp)
        )
    }
    fn csv_link(&self) -> String {
        let q = &self.filter.query;
        format!(
            "/dashboards/customers.csv?from={}&to={}&branch={}",
            q.from, q.to, q.branch
        )
    }
}

/// `GET /dashboards/customers`.
pub async fn customers(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/customers").await?;
    let status = code(&r);
    let rows = match r {
        Some(r) => {
            let f = r.filter;
            db(&state.pool, &staff.actor(), move |conn| {
                dashboards::top_customers(conn, &f)
            })
            .await?
        }
        None => Vec::new(),
    };
    let points: Vec<(String, f64)> = rows
        .iter()
        .take(40)
        .map(|t| (t.name.clone(), t.revenue.to_f64().unwrap_or(0.0)))
        .collect();
    let page = CustomersPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars("Revenue of the top customers", &points, 720, 220),
        rows,
    };
    html(status, &page)
}

/// `GET /dashboards/customers.csv`.
pub async fn customers_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let r = match range(&staff, &state, &query).await? {
        Ok(r) => r,
        Err(errors) => return Ok(csv_refused(&errors)),
    };
    let f = r.filter.clone();
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::top_customers(conn, &f)
    })
    .await?;
    let mut body = csv::row(&[
        csv::text("rank"),
        csv::text("customer"),
        csv::text("revenue"),
        csv::text("last_visit"),
    ]);
    for t in &rows {
        body.push_str(&csv::row(&[
            csv::number(&t.rank.to_string()),
            csv::text(&t.name),
            csv::number(&format!("{:.2}", t.revenue)),
            csv::text(&t.last_visit.format("%Y-%m-%d").to_string()),
        ]));
    }
    Ok(csv_file(
        &format!("top-customers-{}-{}.csv", r.from, r.to),
        body,
    ))
}

/// Statuses whose deposit is still held (not yet applied to an invoice).
const HOLDING: &[&str] = &[
    "deposit_pending",
    "ordered",
    "in_transit",
    "arrived",
    "customer_notified",
    "rejected",
];

/// The preorders dashboard (the state now, so no date range).
#[derive(Template)]
#[template(path = "dashboards/preorders.html")]
pub struct PreordersPage {
    page: PageCtx,
    branch: String,
    branches: Vec<(i64, String)>,
    counts: Vec<PreorderCount>,
    overdue: Vec<OverduePreorder>,
    chart: String,
}

impl PreordersPage {
    fn branch_selected(&self, id: &i64) -> bool {
        self.branch == id.to_string()
    }
    fn held(&self) -> BigDecimal {
        self.counts
            .iter()
            .filter(|c| HOLDING.contains(&c.status.as_str()))
            .map(|c| &c.deposits)
            .sum()
    }
    fn on_the_clock(&self) -> i64 {
        self.counts
            .iter()
            .filter(|c| c.status == "ordered" || c.status == "in_transit")
            .map(|c| c.count)
            .sum()
    }
    fn label(s: &str) -> String {
        s.replace('_', " ")
    }
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

/// `GET /dashboards/preorders`.
pub async fn preorders(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BranchQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen = chosen_branches(&staff, &query.branch)?;
    let today = chrono::Utc::now().date_naive();
    let (counts, overdue) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            dashboards::preorder_counts(conn, &chosen)?,
            dashboards::overdue_preorders(conn, &chosen, today)?,
        ))
    })
    .await?;
    let points: Vec<(String, f64)> = counts
        .iter()
        .map(|c| (c.status.replace('_', " "), c.count as f64))
        .collect();
    html(
        StatusCode::OK,
        &PreordersPage {
            page: PageCtx::for_request(&req),
            branch: query.branch.clone(),
            branches: staff
                .branches
                .iter()
                .map(|b| (b.id, b.name.clone()))
                .collect(),
            chart: crate::domain::chart::bars("Preorders by status", &points, 720, 200),
            counts,
            overdue,
        },
    )
}

/// `GET /dashboards/preorders.csv`: the overdue list.
pub async fn preorders_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BranchQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen = chosen_branches(&staff, &query.branch)?;
    let today = chrono::Utc::now().date_naive();
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        dashboards::overdue_preorders(conn, &chosen, today)
    })
    .await?;
    let mut body = csv::row(&[
        csv::text("preorder"),
        csv::text("customer"),
        csv::text("item"),
        csv::text("due"),
        csv::text("days_over"),
        csv::text("deposit"),
    ]);
    for r in &rows {
        body.push_str(&csv::row(&[
            csv::number(&r.id.to_string()),
            csv::text(&r.customer),
            csv::text(&r.item),
            csv::text(&r.due.to_string()),
            csv::number(&r.days_over.to_string()),
            csv::number(&format!("{:.2}", r.deposit)),
        ]));
    }
    Ok(csv_file(&format!("overdue-preorders-{today}.csv"), body))
}

/// The inventory dashboard.
#[derive(Template)]
#[template(path = "dashboards/inventory.html")]
pub struct InventoryPage {
    page: PageCtx,
    filter: Filter,
    figures: Option<StockFigures>,
    aging: Vec<AgeBucket>,
    chart: String,
}

impl InventoryPage {
    fn value(f: &StockFigures) -> BigDecimal {
        &f.units_value + &f.bulk_value
    }
    /// What the range sold at cost, as a multiple of the stock held now.
    fn turnover(f: &StockFigures) -> String {
        let held = Self::value(f);
        if held == 0 {
            return "—".into();
        }
        format!(
            "{:.2}",
            (&f.sold_at_cost / held).with_scale_round(2, bigdecimal::RoundingMode::HalfUp)
        )
    }
}

/// `GET /dashboards/inventory`.
pub async fn inventory(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(&staff, &state, query.into_inner(), "/dashboards/inventory").await?;
    let status = code(&r);
    let (figures, aging) = match r {
        Some(r) => {
            let f = r.filter;
            let (figures, aging) = db(&state.pool, &staff.actor(), move |conn| {
                Ok((
                    dashboards::stock_figures(conn, &f)?,
                    dashboards::aging(conn, &f.branches)?,
                ))
            })
            .await?;
            (Some(figures), aging)
        }
        None => (None, Vec::new()),
    };
    let points: Vec<(String, f64)> = aging
        .iter()
        .map(|a| (a.bucket.clone(), a.units as f64))
        .collect();
    let page = InventoryPage {
        page: PageCtx::for_request(&req),
        filter,
        figures,
        chart: crate::domain::chart::bars("Unsold units by age", &points, 480, 200),
        aging,
    };
    html(status, &page)
}

/// The technician performance dashboard.
#[derive(Template)]
#[template(path = "dashboards/technicians.html")]
pub struct TechniciansPage {
    page: PageCtx,
    filter: Filter,
    rows: Vec<TechRow>,
    chart: String,
}

impl TechniciansPage {
    /// Billed ÷ clocked, in percent.
    fn efficiency(r: &TechRow) -> String {
        if r.clocked == 0 {
            return "—".into();
        }
        let pct = &r.billed * BigDecimal::from(100) / &r.clocked;
        format!(
            "{:.0}%",
            pct.with_scale_round(0, bigdecimal::RoundingMode::HalfUp)
        )
    }
}

/// `GET /dashboards/technicians`.
pub async fn technicians(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, r) = prepare(
        &staff,
        &state,
        query.into_inner(),
        "/dashboards/technicians",
    )
    .await?;
    let status = code(&r);
    let rows = match r {
        Some(r) => {
            let f = r.filter;
            db(&state.pool, &staff.actor(), move |conn| {
                dashboards::technicians(conn, &f)
            })
            .await?
        }
        None => Vec::new(),
    };
    let points: Vec<(String, f64)> = rows
        .iter()
        .map(|t| (t.name.clone(), t.closed as f64))
        .collect();
    let page = TechniciansPage {
        page: PageCtx::for_request(&req),
        filter,
        chart: crate::domain::chart::bars("Tickets closed", &points, 720, 200),
        rows,
    };
    html(status, &page)
}
