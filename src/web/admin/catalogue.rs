//! `/admin/catalogue`: the service catalogue and the active branch's bays (managers, admins).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::booking::{Bay, Service};
use crate::repo::catalogue;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The catalogue page.
#[derive(Template)]
#[template(path = "admin/catalogue.html")]
pub struct CataloguePage {
    page: PageCtx,
    services: Vec<Service>,
    bays: Vec<Bay>,
    service: ServiceForm,
    bay: BayForm,
    errors: FieldErrors,
}

/// The new-service form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    labour_hours: String,
    #[serde(default)]
    price: String,
}

/// The new-bay form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BayForm {
    #[serde(default)]
    bay_name: String,
    #[serde(default)]
    categories: String,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    service: ServiceForm,
    bay: BayForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (services, bays) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            catalogue::all_services(conn)?,
            catalogue::all_bays_of(conn, branch)?,
        ))
    })
    .await?;
    html(
        status,
        &CataloguePage {
            page: PageCtx::for_request(req),
            services,
            bays,
            service,
            bay,
            errors,
        },
    )
}

/// `GET /admin/catalogue`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        ServiceForm::default(),
        BayForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/catalogue/services`.
pub async fn add_service(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<ServiceForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    if f.name.trim().is_empty() {
        errors.add("name", "Enter the service name.");
    }
    if f.category.trim().is_empty() {
        errors.add("category", "Enter a category, e.g. Brakes.");
    }
    let hours = form::amount_or_say(
        &f.labour_hours,
        "labour_hours",
        "Enter the standard hours, e.g. 1.5.",
        &mut errors,
    );
    if hours == 0 {
        errors.add("labour_hours", "Enter the standard hours, e.g. 1.5.");
    }
    let price = form::amount_or_say(
        &f.price,
        "price",
        "Enter a price of 0 or more, e.g. 2500.00.",
        &mut errors,
    );
    if errors.is_empty() {
        let (name, category, by) = (
            f.name.trim().to_string(),
            f.category.trim().to_string(),
            staff.by(),
        );
        let saved = db(&state.pool, &staff.actor(), move |conn| {
            catalogue::create_service(conn, &name, &category, hours, price, &by)
        })
        .await;
        match saved {
            Ok(s) => {
                push_flash(&req, Flash::success(format!("Service {} added.", s.name)));
                return Ok(see_other("/admin/catalogue"));
            }
            Err(AppError::Internal(e)) if e.to_string().contains("services_name_key") => {
                errors.add("name", "A service with this name exists.");
            }
            Err(e) => return Err(e),
        }
    }
    render(
        &req,
        &staff,
        &state,
        f,
        BayForm::default(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/catalogue/bays`: a bay of the active branch.
pub async fn add_bay(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<BayForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    if f.bay_name.trim().is_empty() {
        let errors = FieldErrors::single("bay_name", "Enter the bay's name, e.g. Lift 1.");
        return render(
            &req,
            &staff,
            &state,
            ServiceForm::default(),
            f,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let categories: Vec<String> = f
        .categories
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let (branch, name, by) = (staff.branch.id, f.bay_name.trim().to_string(), staff.by());
    let bay = db(&state.pool, &staff.actor(), move |conn| {
        catalogue::create_bay(conn, branch, &name, &categories, &by)
    })
    .await?;
    push_flash(&req, Flash::success(format!("Bay {} added.", bay.name)));
    Ok(see_other("/admin/catalogue"))
}

/// The activate/deactivate form as posted.
#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// `POST /admin/catalogue/services/{id}/active`.
pub async fn set_service_active(
    staff: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    let (id, active, by) = (id.into_inner(), form.active == "true", staff.by());
    let service = db(&state.pool, &staff.actor(), move |conn| {
        catalogue::set_service_active(conn, id, active, &by)
    })
    .await?;
    let what = if active {
        "is offered again"
    } else {
        "is withdrawn; it can no longer be booked"
    };
    push_flash(&req, Flash::success(format!("{} {what}.", service.name)));
    Ok(see_other("/admin/catalogue"))
}
