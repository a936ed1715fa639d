//! `GET /exports`: what can be taken out of Workbay for the accountant; `GET
//! /exports/accounting.csv`: every invoice line, credit-note line and payment of a date range at
//! the active branch, one row each with tax (columns in `docs/exports.md`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::db::db;
use crate::domain::csv;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::exports;
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The exports page.
#[derive(Template)]
#[template(path = "exports.html")]
pub struct ExportsPage {
    page: PageCtx,
    from: String,
    to: String,
    errors: FieldErrors,
}

/// A date range as typed.
#[derive(Debug, Default, Deserialize)]
pub struct Range {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The range read: both days, in order, at most ten years; this month so far when empty.
fn read(staff: &Staff, r: &Range) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let today = staff.today();
    let mut errors = FieldErrors::new();
    let mut day = |typed: &str, field: &str, default: NaiveDate| match typed.trim() {
        "" => Some(default),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "Enter the date as YYYY-MM-DD."))
            .ok(),
    };
    let first = today.with_day(1).unwrap_or(today);
    let (from, to) = (day(&r.from, "from", first), day(&r.to, "to", today));
    if let (Some(f), Some(t)) = (from, to) {
        // the dashboards' rules and words, so both read a range alike
        if f > t {
            errors.add("from", "The start comes after the end; swap the dates.");
        } else if (t - f).num_days() > crate::web::dashboards::MAX_DAYS {
            errors.add("from", "Choose at most ten years.");
        }
    }
    match (from, to, errors.is_empty()) {
        (Some(f), Some(t), true) => Ok((f, t)),
        _ => Err(errors),
    }
}

/// `GET /exports`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    query: web::Query<Range>,
) -> Result<HttpResponse, AppError> {
    let r = query.into_inner();
    let (from, to, errors) = match read(&staff, &r) {
        Ok((f, t)) => (f.to_string(), t.to_string(), FieldErrors::new()),
        Err(e) => (r.from, r.to, e),
    };
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = PageCtx::for_request(&req);
    html(
        status,
        &ExportsPage {
            page,
            from,
            to,
            errors,
        },
    )
}

/// `GET /exports/accounting.csv?from=&to=`.
pub async fn accounting_csv(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<Range>,
) -> Result<HttpResponse, AppError> {
    let (from, to) = match read(&staff, &query) {
        Ok(range) => range,
        Err(errors) => {
            // the form again, with what was typed and the messages
            let r = query.into_inner();
            let page = PageCtx::for_request(&req);
            let shown = ExportsPage {
                page,
                from: r.from,
                to: r.to,
                errors,
            };
            return html(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
    };
    let branch = staff.branch.id;
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        exports::accounting(conn, &[branch], from, to)
    })
    .await?;
    let head = [
        "record_type",
        "date",
        "branch",
        "document",
        "invoice",
        "customer",
        "kind",
        "description",
        "quantity",
        "unit_price",
        "net",
        "tax_rate",
        "tax",
        "gross",
        "method",
        "reference",
        "currency",
    ];
    let mut body = csv::row(&head.map(csv::text));
    for r in rows {
        body.push_str(&csv::row(&[
            csv::text(&r.record_type),
            csv::number(&r.date),
            csv::text(&r.branch),
            csv::text(&r.document),
            csv::text(&r.invoice),
            csv::text(&r.customer),
            csv::text(&r.kind),
            csv::text(&r.description),
            csv::number(&r.quantity),
            csv::number(&r.unit_price),
            csv::number(&r.net),
            csv::number(&r.tax_rate),
            csv::number(&r.tax),
            csv::number(&r.gross),
            csv::text(&r.method),
            csv::text(&r.reference),
            csv::text(&r.currency),
        ]));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"accounting-{from}-{to}.csv\""),
        ))
        .body(body))
}

/// A CSV download named `name` with `head` and `rows` (every cell text, made safe).
fn csv_file(name: &str, head: &[&str], rows: Vec<Vec<String>>) -> HttpResponse {
    let mut body = csv::row(&head.iter().map(|h| csv::text(h)).collect::<Vec<_>>());
    for r in rows {
        body.push_str(&csv::row(
            &r.iter().map(|c| csv::text(c)).collect::<Vec<_>>(),
        ));
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// `GET /exports/customers.csv`: every customer (managers and admins; the download is audited).
pub async fn customers_csv(
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let by = staff.by();
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        let rows = exports::customers(conn)?;
        crate::repo::audit::record(
            conn,
            crate::models::audit::NewAuditEntry::new("customers.export", "customer", None)
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, Some(serde_json::json!({ "customers": rows.len() }))),
        )?;
        Ok(rows)
    })
    .await?;
    let today = staff.today();
    Ok(csv_file(
        &format!("customers-{today}.csv"),
        &exports::CUSTOMER_COLUMNS,
        rows,
    ))
}

/// `GET /exports/stock.csv`: stock on hand at the active branch, valued at cost.
pub async fn stock_csv(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        exports::stock_on_hand(conn, branch)
    })
    .await?;
    let today = staff.today();
    Ok(csv_file(
        &format!("stock-{today}.csv"),
        &exports::STOCK_COLUMNS,
        rows,
    ))
}

/// `GET /exports/units.csv`: the serialized units at the active branch not sold or scrapped.
pub async fn units_csv(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let rows = db(&state.pool, &staff.actor(), move |conn| {
        exports::units(conn, branch)
    })
    .await?;
    let today = staff.today();
    Ok(csv_file(
        &format!("units-{today}.csv"),
        &exports::UNIT_COLUMNS,
        rows,
    ))
}
