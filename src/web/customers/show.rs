//! `GET /customers/{id}`: the customer with their vehicles, this branch's bookings and tickets.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::booking::Booking;
use crate::models::customer::{Contact, Customer, Device, Vehicle};
use crate::models::ticket::Ticket;
use crate::repo::{bookings, customers, tickets};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The customer page.
#[derive(Template)]
#[template(path = "customers/show.html")]
pub struct CustomerPage {
    /// Shared context.
    pub page: PageCtx,
    pub customer: Customer,
    pub vehicles: Vec<Vehicle>,
    pub devices: Vec<Device>,
    /// Contact people (business customers).
    pub contacts: Vec<Contact>,
    /// Their latest bookings at this branch.
    pub bookings: Vec<Booking>,
    /// Their latest tickets at this branch.
    pub tickets: Vec<Ticket>,
    /// The add-vehicle form as typed.
    pub draft: CustomerDraft,
    /// Its messages.
    pub errors: FieldErrors,
}

impl CustomerPage {
    /// Whether the walk-in form's "For" picker has `value` (`v12`, `d7`) chosen: as typed, or,
    /// before anything is typed, when it is the customer's only vehicle or device.
    fn walk_in_for(&self, value: impl AsRef<str>) -> bool {
        let typed = self.draft.typed("walkin_subject");
        if !typed.is_empty() {
            return typed == value.as_ref();
        }
        match (self.vehicles.as_slice(), self.devices.as_slice()) {
            ([v], []) => value.as_ref() == format!("v{}", v.id),
            ([], [d]) => value.as_ref() == format!("d{}", d.id),
            _ => false,
        }
    }
}

/// Loads everything the customer page shows.
pub async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    draft: CustomerDraft,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (customer, vehicles, bookings, tickets) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            customers::get(conn, id)?,
            customers::vehicles_of(conn, id)?,
            bookings::for_customer(conn, branch, id, 20)?,
            tickets::for_customer(conn, branch, id, 20)?,
        ))
    })
    .await?;
    let (devices, contacts) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            customers::devices_of(conn, id)?,
            customers::contacts_of(conn, id)?,
        ))
    })
    .await?;
    let page = CustomerPage {
        page: PageCtx::for_request(req),
        customer,
        vehicles,
        devices,
        contacts,
        bookings,
        tickets,
        draft,
        errors,
    };
    html(status, &page)
}

/// Shows the customer.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        CustomerDraft::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}
