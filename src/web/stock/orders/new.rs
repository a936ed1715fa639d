//! `/stock/orders/new`: a draft order for a vendor.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::purchase_orders::{self as repo, NewOrder};
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The new-order form.
#[derive(Template)]
#[template(path = "stock/order_new.html")]
pub struct NewOrderPage {
    page: PageCtx,
    vendors: Vec<(i64, String)>,
    form: OrderForm,
    errors: FieldErrors,
}

impl NewOrderPage {
    fn vendor_selected(&self, id: &i64) -> bool {
        self.form.vendor_id == id.to_string()
    }
}

/// The new-order form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    vendor_id: String,
    #[serde(default)]
    vendor_reference: String,
    #[serde(default)]
    expected_on: String,
    #[serde(default)]
    note: String,
}

async fn render_new(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: OrderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let vendors = db(&state.pool, &staff.actor(), stock::vendor_choices).await?;
    html(
        status,
        &NewOrderPage {
            page: PageCtx::for_request(req),
            vendors,
            form,
            errors,
        },
    )
}

/// `GET /stock/orders/new`.
pub async fn new_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render_new(
        &req,
        &staff,
        &state,
        OrderForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /stock/orders/new`: opens a draft and goes to it.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<OrderForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let vendor_id = form.vendor_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("vendor_id", "Choose the vendor.");
        0
    });
    let expected_on = match form.expected_on.trim() {
        "" => None,
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| errors.add("expected_on", "Enter the date as YYYY-MM-DD."))
            .ok(),
    };
    if !errors.is_empty() {
        return render_new(
            &req,
            &staff,
            &state,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let order = NewOrder {
        vendor_id,
        vendor_reference: form.vendor_reference.clone(),
        expected_on,
        note: form.note.clone(),
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        repo::create(conn, branch, &order, &by)
    })
    .await;
    let next = |id| Next::quietly(format!("/stock/orders/{id}"));
    answer::then(&req, result, FORM, next, |errors, status| {
        render_new(&req, &staff, &state, form, errors, status)
    })
    .await
}
