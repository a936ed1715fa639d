//! `GET /bookings/{id}`: the booking, what can be done with it next, and its history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::BookingDraft;
use crate::db::db;
use crate::domain::booking::BookingStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::booking::{Bay, Booking};
use crate::models::customer::Customer;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::{bookings, branches, catalogue, customers};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The booking page.
#[derive(Template)]
#[template(path = "bookings/show.html")]
pub struct BookingPage {
    page: PageCtx,
    booking: Booking,
    status: BookingStatus,
    customer: Customer,
    bay_name: String,
    bays: Vec<Bay>,
    local_start: String,
    local_end: String,
    events: Vec<EventRow>,
    ticket_id: Option<i64>,
    /// The vehicle or device booked in, as shown.
    subject: Option<String>,
    /// The services booked.
    services: Vec<String>,
    /// Whether the start has passed (a no-show can be recorded only then).
    started: bool,
    /// The reschedule form as typed (or as stored).
    draft: BookingDraft,
    errors: FieldErrors,
    notice: Option<String>,
}

impl BookingPage {
    fn can(&self, to: &str) -> bool {
        to.parse::<BookingStatus>()
            .is_ok_and(|to| self.status.can_become(to))
    }
    fn bay_selected(&self, id: &i64) -> bool {
        self.draft.bay_id == id.to_string()
    }
}

/// Renders the booking page; `draft` overrides the reschedule form's values.
#[allow(clippy::too_many_arguments)]
pub async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    draft: Option<BookingDraft>,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch_id = staff.branch.id;
    let (booking, customer, bays, events, tz, ticket_id, (subject, services)) =
        db(&state.pool, &staff.actor(), move |conn| {
            let booking = bookings::get(conn, branch_id, id)?;
            let customer = customers::get(conn, booking.customer_id)?;
            // every bay, so a retired bay's booking still names it; the form offers the ones in
            // use and the booking's own
            let bays = catalogue::all_bays_of(conn, branch_id)?;
            let events = events::read(conn, Trail::Booking(id))?;
            let tz = branches::get(conn, branch_id)?.timezone;
            let ticket = crate::repo::tickets::for_booking(conn, id)?;
            let subject = crate::repo::tickets::vehicle_or_device(
                conn,
                booking.vehicle_id,
                booking.device_id,
            )?;
            let services = bookings::service_names(conn, id)?;
            let details = (subject, services);
            Ok((booking, customer, bays, events, tz, ticket, details))
        })
        .await?;
    let tz = crate::domain::time::zone(&tz);
    let (start, end) = (
        booking.starts_at.with_timezone(&tz),
        booking.ends_at.with_timezone(&tz),
    );
    // The reschedule form shows the booking as stored unless the user's own values came back
    // (a refused reschedule); a refused check-in brings only its own fields.
    let mut draft = draft.unwrap_or_default();
    if draft.version.is_empty() {
        draft.bay_id = booking.bay_id.to_string();
        draft.date = start.format("%Y-%m-%d").to_string();
        draft.start = start.format("%H:%M").to_string();
        draft.end = end.format("%H:%M").to_string();
        draft.version = booking.version.to_string();
    }
    let bay_name = bays
        .iter()
        .find(|b| b.id == booking.bay_id)
        .map(|b| match b.active {
            true => b.name.clone(),
            false => format!("{} (retired)", b.name),
        })
        .unwrap_or_default();
    let bays: Vec<Bay> = bays
        .into_iter()
        .filter(|b| b.active || b.id == booking.bay_id)
        .collect();
    let page = BookingPage {
        page: PageCtx::for_request(req),
        status: booking.status(),
        local_start: start.format("%A %-d %B %Y, %H:%M").to_string(),
        local_end: end.format("%H:%M").to_string(),
        started: staff.now >= booking.starts_at,
        booking,
        customer,
        bay_name,
        bays,
        events,
        ticket_id,
        subject,
        services,
        draft,
        errors,
        notice,
    };
    html(status, &page)
}

/// Shows the booking.
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
        None,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}
