//! `/preorders/new`: customer, model, agreed price, the deposit required and any taken now.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::invoice::PaymentMethod;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::preorders::{self as repo, NewPreorder};
use crate::repo::{customers, stock};
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The new-preorder form.
#[derive(Template)]
#[template(path = "preorders/new.html")]
pub struct NewPage {
    page: PageCtx,
    q: String,
    found: Vec<Customer>,
    chosen: Option<Customer>,
    models: Vec<(i64, String)>,
    form: NewForm,
    errors: FieldErrors,
}

impl NewPage {
    fn model_selected(&self, id: &i64) -> bool {
        self.form.product_model_id == id.to_string()
    }
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    product_model_id: String,
    #[serde(default)]
    specs: String,
    #[serde(default)]
    agreed_price: String,
    #[serde(default)]
    deposit_required: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
}

/// Query string of the form.
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
    customer_id: Option<i64>,
}

async fn render_new(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    q: String,
    form: NewForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let search = q.clone();
    let country = staff.branch.country.clone();
    let chosen_id = form.customer_id.parse::<i64>().ok();
    let (found, chosen, models) = db(&state.pool, &staff.actor(), move |conn| {
        let found = if search.trim().is_empty() {
            Vec::new()
        } else {
            customers::search(conn, &search, &country, 0, 10)?.0
        };
        let chosen = chosen_id.and_then(|id| customers::get(conn, id).ok());
        Ok((found, chosen, stock::model_choices(conn)?))
    })
    .await?;
    html(
        code,
        &NewPage {
            page: PageCtx::for_request(req),
            q,
            found,
            chosen,
            models,
            form,
            errors,
        },
    )
}

/// `GET /preorders/new`.
pub async fn new_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let NewQuery { q, customer_id } = query.into_inner();
    let form = NewForm {
        customer_id: customer_id.map(|c| c.to_string()).unwrap_or_default(),
        deposit_required: "500.00".into(),
        amount: "500.00".into(),
        method: "cash".into(),
        ..Default::default()
    };
    render_new(
        &req,
        &staff,
        &state,
        q,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /preorders/new`.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let customer_id = form.customer_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("customer_id", "Choose the customer first.");
        0
    });
    let product_model_id = form.product_model_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("product_model_id", "Choose the model.");
        0
    });
    let agreed_price = form::amount(&form.agreed_price, "agreed_price", &mut errors);
    let deposit_required = form::amount(&form.deposit_required, "deposit_required", &mut errors);
    let deposit = match form.amount.trim() {
        "" | "0" | "0.00" => None,
        raw => {
            let amount = form::amount(raw, "amount", &mut errors);
            let method = form.method.parse::<PaymentMethod>().unwrap_or_else(|_| {
                errors.add("method", "Choose how the deposit is paid.");
                PaymentMethod::Other
            });
            Some((method, amount, form.reference.clone()))
        }
    };
    if !errors.is_empty() {
        return render_new(
            &req,
            &staff,
            &state,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = NewPreorder {
        customer_id,
        product_model_id,
        specs: form.specs.clone(),
        agreed_price,
        deposit_required,
        deposit,
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        repo::create(conn, branch, &input, &by)
    })
    .await;
    let next = |id| Next::quietly(format!("/preorders/{id}"));
    answer::then(&req, result, FORM, next, |errors, status| {
        render_new(&req, &staff, &state, String::new(), form, errors, status)
    })
    .await
}
