//! `GET/POST /bookings/new`: book services for a customer on a bay.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::BookingDraft;
use crate::db::db;
use crate::domain::booking::slot_from_form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::booking::Booking;
use crate::models::booking::{Bay, Service};
use crate::models::customer::{Customer, Device, Vehicle};
use crate::repo::bookings::BookingRequest;
use crate::repo::{RepoError, bookings, catalogue, customers};
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The booking form.
#[derive(Template)]
#[template(path = "bookings/new.html")]
pub struct NewBookingPage {
    page: PageCtx,
    draft: BookingDraft,
    errors: FieldErrors,
    customer: Option<Customer>,
    vehicles: Vec<Vehicle>,
    devices: Vec<Device>,
    bays: Vec<Bay>,
    services: Vec<Service>,
}

impl NewBookingPage {
    fn bay_selected(&self, id: &i64) -> bool {
        self.draft.bay_id == id.to_string()
    }
    fn vehicle_selected(&self, id: &i64) -> bool {
        self.draft.vehicle_id == id.to_string()
    }
    fn device_selected(&self, id: &i64) -> bool {
        self.draft.device_id == id.to_string()
    }
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    draft: BookingDraft,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let customer_id = draft.customer_id.parse::<i64>().ok();
    let branch_id = staff.branch.id;
    let (customer, vehicles, devices, bays, services) =
        db(&state.pool, &staff.actor(), move |conn| {
            let customer = match customer_id {
                Some(id) => customers::get(conn, id).map(Some).or_else(|e| match e {
                    RepoError::NotFound => Ok(None),
                    e => Err(e),
                })?,
                None => None,
            };
            let (vehicles, devices) = match &customer {
                Some(c) => (
                    customers::vehicles_of(conn, c.id)?,
                    customers::devices_of(conn, c.id)?,
                ),
                None => (Vec::new(), Vec::new()),
            };
            Ok((
                customer,
                vehicles,
                devices,
                catalogue::bays_of(conn, branch_id)?,
                catalogue::active_services(conn)?,
            ))
        })
        .await?;
    let page = NewBookingPage {
        page: PageCtx::for_request(req),
        draft,
        errors,
        customer,
        vehicles,
        devices,
        bays,
        services,
    };
    html(status, &page)
}

/// The form, pre-filled from the query (customer, bay, date and start from a calendar slot).
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BookingDraft>,
) -> Result<HttpResponse, AppError> {
    let mut draft = query.into_inner();
    if draft.date.is_empty() {
        draft.date = staff.today().format("%Y-%m-%d").to_string();
    }
    render(
        &req,
        &staff,
        &state,
        draft,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Creates the booking, or shows the form again with messages and everything as typed.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<BookingDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = form.into_inner();
    let branch_id = staff.branch.id;
    // The times are read in the branch's timezone as the session's account gave it; the
    // repository checks them against the branch's row, read with the other checks.
    let tz = crate::domain::time::zone(&staff.branch.timezone);
    let (by, d) = (staff.by(), draft.clone());
    let outcome = db(&state.pool, &staff.actor(), move |conn| {
        let mut errors = FieldErrors::new();
        let customer_id = d.customer_id.parse::<i64>().unwrap_or_else(|_| {
            errors.add("customer_id", "Choose a customer first.");
            0
        });
        let vehicle_id = d.vehicle_id.parse::<i64>().ok();
        let device_id = d.device_id.parse::<i64>().ok();
        let bay_id = d.bay_id.parse::<i64>().unwrap_or_else(|_| {
            errors.add("bay_id", "Choose a bay.");
            0
        });
        let service_ids = d.service_ids();
        // The services' hours are read only when they make the end.
        let hours: Option<Vec<_>> = match d.end.trim() {
            "" => Some(
                catalogue::services_by_id(conn, &service_ids)?
                    .into_iter()
                    .map(|s| s.labour_hours)
                    .collect(),
            ),
            _ => None,
        };
        let times = (d.date.as_str(), d.start.as_str(), d.end.as_str());
        let slot = slot_from_form(tz, times, hours.as_deref(), &mut errors);
        let (Some((starts_at, ends_at)), true) = (slot, errors.is_empty()) else {
            return Err(errors.into());
        };
        let request = BookingRequest {
            customer_id,
            vehicle_id,
            device_id,
            bay_id,
            starts_at,
            ends_at,
            service_ids,
            notes: d.notes.trim().to_string(),
        };
        bookings::create(conn, branch_id, &request, &by).map_err(|e| match e {
            RepoError::Validation(e) => RepoError::Validation(rename_fields(e)),
            e => e,
        })
    })
    .await;
    let next = |booking: Booking| {
        let made = format!(
            "Booking #{} made. Confirm it with the customer.",
            booking.id
        );
        Next::saying(made, format!("/bookings/{}", booking.id))
    };
    answer::then(&req, outcome, FORM, next, |errors, status| {
        render(&req, &staff, &state, draft, errors, status)
    })
    .await
}

/// The repository names `starts_at`/`ends_at`; the form calls them `start`/`end`.
pub fn rename_fields(e: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in e.iter() {
        let field = match field {
            "starts_at" => "start",
            "ends_at" => "end",
            other => other,
        };
        out.add(field, message);
    }
    out
}
