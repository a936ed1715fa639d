//! `/stock/catalogue`: product models, stock items and vendors.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;

const WHOLE: &str = "Enter a whole number of 0 or more.";
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::stock;
use crate::web::access::Staff;
use crate::web::answer::{self, Acting, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The catalogue page.
#[derive(Template)]
#[template(path = "stock/catalogue.html")]
pub struct StockCataloguePage {
    page: PageCtx,
    models: Vec<(i64, String)>,
    items: Vec<(i64, String)>,
    vendors: Vec<(i64, String)>,
    form: CatalogueForm,
    errors: FieldErrors,
}

impl StockCataloguePage {
    fn is_category(&self, c: &&str) -> bool {
        self.form.category == *c
    }
}

/// The three forms, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CatalogueForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    brand: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    warranty_days: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit_cost: String,
    #[serde(default)]
    unit_price: String,
    #[serde(default)]
    reorder_threshold: String,
    #[serde(default)]
    vendor_name: String,
    #[serde(default)]
    vendor_phone: String,
    #[serde(default)]
    vendor_email: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: CatalogueForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (models, items, vendors) = db(&state.pool, &staff.actor(), |conn| {
        Ok((
            stock::model_choices(conn)?,
            stock::item_choices(conn)?,
            stock::vendor_choices(conn)?,
        ))
    })
    .await?;
    html(
        status,
        &StockCataloguePage {
            page: PageCtx::for_request(req),
            models,
            items,
            vendors,
            form,
            errors,
        },
    )
}

/// `GET /stock/catalogue`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = CatalogueForm {
        category: "Phone".into(),
        warranty_days: "90".into(),
        ..Default::default()
    };
    render(
        &req,
        &staff,
        &state,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Adds what `work` checked and wrote (it returns the name to say), or shows the page again with
/// what was typed.
async fn add<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: CatalogueForm,
    checked: FieldErrors,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &CatalogueForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = match checked.into_result() {
        Ok(()) => answer::run(&staff, &state, &form, work).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let next = |name| {
        Next::saying(
            format!("{name} added to the catalogue."),
            "/stock/catalogue",
        )
    };
    answer::then(&req, result, "catalogue", next, |errors, code| {
        render(&req, &staff, &state, form, errors, code)
    })
    .await
}

/// `POST /stock/catalogue/model`: a product model (serialized units are of a model).
pub async fn add_model(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<CatalogueForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    let days = form::whole(
        &f.warranty_days,
        (0, i32::MAX),
        "warranty_days",
        WHOLE,
        &mut errors,
    );
    if f.brand.trim().is_empty() {
        errors.add("brand", "Enter the brand.");
    }
    if f.model.trim().is_empty() {
        errors.add("model", "Enter the model.");
    }
    add(req, staff, state, f, errors, move |conn, a, f| {
        stock::create_product_model(conn, &f.category, &f.brand, &f.model, days, &a.by)
            .map(|m| format!("{} {}", m.brand, m.model))
    })
    .await
}

/// `POST /stock/catalogue/item`: a bulk stock item with its cost, price and reorder threshold.
pub async fn add_item(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<CatalogueForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    let cost = form::amount(&f.unit_cost, "unit_cost", &mut errors);
    let price = form::amount(&f.unit_price, "unit_price", &mut errors);
    let threshold = form::whole(
        &f.reorder_threshold,
        (0, i32::MAX),
        "reorder_threshold",
        WHOLE,
        &mut errors,
    );
    if f.sku.trim().is_empty() {
        errors.add("sku", "Enter the SKU.");
    }
    if f.name.trim().is_empty() {
        errors.add("name", "Enter the item's name.");
    }
    add(req, staff, state, f, errors, move |conn, a, f| {
        stock::create_stock_item(conn, &f.sku, &f.name, cost, price, threshold, &a.by)
            .map(|i| i.sku)
    })
    .await
}

/// `POST /stock/catalogue/vendor`: a vendor we buy from.
pub async fn add_vendor(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<CatalogueForm>,
) -> Result<HttpResponse, AppError> {
    let none = FieldErrors::new();
    add(req, staff, state, form.into_inner(), none, |conn, a, f| {
        let (name, phone, email) = (&f.vendor_name, &f.vendor_phone, &f.vendor_email);
        stock::create_vendor(conn, name, phone, email, &a.by).map(|_| name.trim().to_string())
    })
    .await
}
