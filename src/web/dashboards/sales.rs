//! `/dashboards/sales`: daily sales by day, week or month, with the CSV.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::{BigDecimal, ToPrimitive};

use super::{AsOf, Filter, RangeQuery, code, csv_file, csv_rows, prepare};
use crate::db::db;
use crate::domain::csv;
use crate::error::AppError;
use crate::repo::dashboards::{self, MethodRow, SalesPeriod, SegmentRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

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
    /// Revenue and transactions of the period of the same length before.
    before: (BigDecimal, i64),
    /// Days in the range.
    days: i64,
    chart: String,
    as_of: AsOf,
}

impl SalesPage {
    fn average(&self) -> BigDecimal {
        crate::domain::figures::average_sale(&self.revenue, self.transactions).unwrap_or_default()
    }
    /// Each headline figure's change against the period before: revenue, transactions, average.
    fn changes(&self) -> [(&'static str, String); 3] {
        use crate::domain::figures::{average_sale, change};
        let before_average = average_sale(&self.before.0, self.before.1).unwrap_or_default();
        [
            change(&self.revenue, &self.before.0, self.days),
            change(
                &BigDecimal::from(self.transactions),
                &BigDecimal::from(self.before.1),
                self.days,
            ),
            change(&self.average(), &before_average, self.days),
        ]
    }
    fn method_label(m: &str) -> &'static str {
        crate::domain::invoice::PaymentMethod::label_of(m)
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
    let as_of = AsOf::load(&req, &staff, &state, &r).await?;
    let days = r.as_ref().map_or(1, |r| r.filter.days());
    let (periods, methods, segments, before) = match r {
        Some(r) => {
            let f = r.filter;
            db(&state.pool, &staff.actor(), move |conn| {
                Ok((
                    dashboards::sales_by_period(conn, &f)?,
                    dashboards::by_method(conn, &f)?,
                    dashboards::by_segment(conn, &f)?,
                    dashboards::sales_totals(conn, &f.previous())?,
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
    let unit = staff.branch.currency.clone();
    let page = SalesPage {
        page: PageCtx::for_request(&req),
        as_of,
        filter,
        chart: crate::domain::chart::bars("Revenue per period", &unit, &points, 960, 260),
        periods,
        methods,
        segments,
        revenue,
        transactions,
        before,
        days,
    };
    html(status, &page)
}

/// `GET /dashboards/sales.csv`: the table's rows.
pub async fn sales_csv(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (r, periods) = match csv_rows(&staff, &state, &query, dashboards::sales_by_period).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
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
