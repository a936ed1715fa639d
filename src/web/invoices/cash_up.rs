//! `GET /invoices/cash-up?date=` (today by default): the day's takings by payment method and,
//! until the day is closed, the form that closes the till (opening float, what each method
//! holds as counted, notes); `POST /invoices/cash-up/close` closes it, signed off by who counted.
//! A closed day shows expected against counted and over or short per method, ready to print.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

use crate::db::db;
use crate::domain::cash_up::verdict;
use crate::domain::form::amount;
use crate::domain::invoice::PaymentMethod;
use crate::domain::time::{self, day_bounds};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::cash_ups::{self, Closed, Count};
use crate::repo::{branches, invoices};
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// A day's takings by method: (method, taken, refunded, payments).
type Takings = Vec<(String, BigDecimal, BigDecimal, i64)>;

/// The cash-up sheet.
#[derive(Template)]
#[template(path = "invoices/cash_up.html")]
pub struct CashUpPage {
    page: PageCtx,
    branch: String,
    date: NaiveDate,
    today: NaiveDate,
    rows: Takings,
    taken: BigDecimal,
    refunded: BigDecimal,
    /// The close, once the day is counted.
    closed: Option<Closed>,
    /// The close form as typed (or with the last float).
    form: CloseForm,
    errors: FieldErrors,
}

impl CashUpPage {
    fn method(m: &str) -> &'static str {
        PaymentMethod::label_of(m)
    }
    fn net(taken: &BigDecimal, refunded: &BigDecimal) -> BigDecimal {
        taken - refunded
    }
    fn day(&self, offset: i64) -> String {
        (self.date + chrono::Duration::days(offset)).to_string()
    }
    /// The methods the close counts.
    fn to_count(&self) -> Vec<PaymentMethod> {
        cash_ups::methods_to_count(&self.rows)
    }
    fn typed(&self, field: &str) -> &str {
        self.form.extra.get(field).map_or("", String::as_str)
    }
    fn verdict(&self, difference: &BigDecimal) -> String {
        verdict(difference, self.page.currency())
    }
    fn is_over(d: &BigDecimal) -> bool {
        d > &BigDecimal::from(0)
    }
    fn is_short(d: &BigDecimal) -> bool {
        d < &BigDecimal::from(0)
    }
    /// Expected, counted and difference over all methods of the close.
    fn closed_totals(&self) -> Option<(BigDecimal, BigDecimal, BigDecimal)> {
        let (_, lines, _) = self.closed.as_ref()?;
        let expected: BigDecimal = lines.iter().map(|l| &l.expected).sum();
        let counted: BigDecimal = lines.iter().map(|l| &l.counted).sum();
        let difference = &counted - &expected;
        Some((expected, counted, difference))
    }
    /// Whether money moved on the day after it was closed (the takings no longer match the
    /// expected amounts counted against).
    fn moved_since(&self) -> bool {
        let Some((cash_up, lines, _)) = &self.closed else {
            return false;
        };
        let now: BigDecimal = self.rows.iter().map(|r| &r.1 - &r.2).sum();
        let then: BigDecimal = lines.iter().map(|l| &l.expected).sum();
        now + &cash_up.opening_float != then
    }
}

/// The close form as typed: `date`, `opening_float`, `notes` and a `counted_<method>` per method.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    opening_float: String,
    #[serde(default)]
    notes: String,
    #[serde(flatten)]
    extra: BTreeMap<String, String>,
}

/// Query string of the cash-up sheet.
#[derive(Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    date: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    wanted: Option<NaiveDate>,
    typed: Option<CloseForm>,
    (errors, status): (FieldErrors, StatusCode),
) -> Result<HttpResponse, AppError> {
    let (branch, now) = (staff.branch.id, staff.now);
    let (name, day, rows, closed, float) = db(&state.pool, &staff.actor(), move |conn| {
        let b = branches::get(conn, branch)?;
        let day = wanted.unwrap_or_else(|| time::local_date(&b.timezone, now));
        let rows = match day_bounds(&b.timezone, day) {
            Some((from, to)) => invoices::takings(conn, branch, from, to)?,
            None => Vec::new(),
        };
        let closed = cash_ups::of_day(conn, branch, day)?;
        let float = cash_ups::last_float(conn, branch)?;
        Ok((b.name, day, rows, closed, float))
    })
    .await?;
    let form = typed.unwrap_or_else(|| CloseForm {
        date: day.to_string(),
        opening_float: float
            .map(|f| f.with_scale(2).to_string())
            .unwrap_or_default(),
        ..Default::default()
    });
    let taken = rows.iter().map(|r| &r.1).sum();
    let refunded = rows.iter().map(|r| &r.2).sum();
    let page = CashUpPage {
        page: PageCtx::for_request(req),
        branch: name,
        date: day,
        today: staff.today(),
        rows,
        taken,
        refunded,
        closed,
        form,
        errors,
    };
    html(status, &page)
}

/// `GET /invoices/cash-up?date=YYYY-MM-DD`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    let wanted = NaiveDate::parse_from_str(query.date.trim(), "%Y-%m-%d").ok();
    render(
        &req,
        &staff,
        &state,
        wanted,
        None,
        (FieldErrors::new(), StatusCode::OK),
    )
    .await
}

/// `POST /invoices/cash-up/close`: closes the day as counted, or shows the sheet again with the
/// count as typed and a message beside each field.
pub async fn close(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let day = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
    let opening_float = amount(&form.opening_float, "opening_float", &mut errors);
    let counted: Vec<(PaymentMethod, BigDecimal)> = PaymentMethod::ALL
        .iter()
        .filter_map(|m| {
            let field = format!("counted_{}", m.as_str());
            let raw = form.extra.get(&field)?;
            if raw.trim().is_empty() {
                return None;
            }
            Some((*m, amount(raw, &field, &mut errors)))
        })
        .collect();
    let Some(day) = day else {
        errors.add(FORM, "Choose the day to close.");
        let again = (errors, StatusCode::UNPROCESSABLE_ENTITY);
        return render(&req, &staff, &state, None, Some(form), again).await;
    };
    let count = Count {
        day,
        opening_float,
        counted,
        notes: form.notes.clone(),
    };
    let (branch, by, tz) = (staff.branch.id, staff.by(), staff.branch.timezone.clone());
    let outcome = if errors.is_empty() {
        db(&state.pool, &staff.actor(), move |conn| {
            let bounds = day_bounds(&tz, count.day).ok_or(crate::repo::RepoError::NotFound)?;
            cash_ups::close(conn, branch, bounds, &count, &by)
        })
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    let next = |_| {
        Next::saying(
            format!("{day} is counted and closed."),
            format!("/invoices/cash-up?date={day}"),
        )
    };
    answer::then(&req, outcome, FORM, next, |errors, status| {
        render(
            &req,
            &staff,
            &state,
            Some(day),
            Some(form),
            (errors, status),
        )
    })
    .await
}
