//! `GET/POST /bookings/new`: a booking in one flow, as on the phone. The form finds the customer
//! itself (search as you type) or takes a new one inline; it keeps the bay, date and time a
//! calendar slot gave; the customer's only vehicle or device comes chosen; it shows when each bay
//! is free that day and offers the services the chosen bay takes; "Book and confirm" confirms in
//! the same step when the customer has said yes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::BookingDraft;
use super::plan::{DayPlan, plan_day};
use crate::db::db;
use crate::domain::booking::{BookingStatus, slot_from_form};
use crate::domain::customer::{CustomerDraft, CustomerInput};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::booking::{Bay, Booking, Service};
use crate::models::customer::{Customer, Device, Vehicle};
use crate::repo::bookings::BookingRequest;
use crate::repo::{By, RepoError, bookings, branches, catalogue, customers};
use crate::web::access::{Staff, encode_component};
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// Customers the picker lists for a search.
const MATCHES: i64 = 8;

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
    /// The picker's search and what it found (no customer chosen yet).
    customer_q: String,
    matches: Vec<Customer>,
    /// Customers the inline new one may already be.
    duplicates: Vec<Customer>,
    bays: Vec<Bay>,
    services: Vec<Service>,
    day: DayPlan,
}

impl NewBookingPage {
    fn bay_selected(&self, id: &i64) -> bool {
        self.draft.bay_id == id.to_string()
    }
    fn subject_selected(&self, value: &str) -> bool {
        self.draft.typed("subject") == value
    }
    /// Whether the chosen bay (if any) takes `s`'s kind of work; a ticked service always shows.
    fn offers(&self, s: &Service) -> bool {
        let bay = self.bays.iter().find(|b| self.bay_selected(&b.id));
        bay.is_none_or(|b| b.takes(&s.category)) || self.draft.has_service(&s.id)
    }
    /// Whether the new-customer fields start open: nothing found to pick, or something typed in
    /// them already.
    fn new_customer_open(&self) -> bool {
        self.matches.is_empty()
            || self
                .draft
                .extra
                .iter()
                .any(|(k, v)| k.starts_with("new_") && !v.is_empty())
    }
    /// This form again with `extra` set (`customer_id=7`, `bay_id=2&start=10:00`), keeping the
    /// customer and slot already chosen.
    fn keep(&self, extra: &str) -> String {
        let d = &self.draft;
        let mut q: Vec<String> = Vec::new();
        for (k, v) in [
            ("customer_id", &d.customer_id),
            ("bay_id", &d.bay_id),
            ("date", &d.date),
            ("start", &d.start),
        ] {
            let overridden = extra.split('&').any(|p| p.split('=').next() == Some(k));
            if !v.is_empty() && !overridden {
                q.push(format!("{k}={}", encode_component(v)));
            }
        }
        if !extra.is_empty() {
            q.push(extra.to_string());
        }
        format!("/bookings/new?{}", q.join("&"))
    }
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    mut draft: BookingDraft,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let customer_id = draft.customer_id.parse::<i64>().ok();
    let (branch_id, now, country) = (staff.branch.id, staff.now, staff.branch.country.clone());
    let date = NaiveDate::parse_from_str(draft.date.trim(), "%Y-%m-%d").unwrap_or(staff.today());
    let customer_q = draft.typed("customer_q").trim().to_string();
    let (q, d) = (customer_q.clone(), draft.clone());
    let asks_duplicates = errors.get("duplicates").is_some();
    let loaded = db(&state.pool, &staff.actor(), move |conn| {
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
        let matches = match (&customer, q.is_empty()) {
            (None, false) => customers::search(conn, &q, &country, 0, MATCHES)?.0,
            _ => Vec::new(),
        };
        let duplicates = if asks_duplicates {
            let typed = |f: &str| d.typed(f).trim().to_string();
            let (name, phone, email) = (typed("new_name"), typed("new_phone"), typed("new_email"));
            customers::likely_duplicates(conn, &name, &phone, &email.to_lowercase(), &country)?
        } else {
            Vec::new()
        };
        let branch = branches::get(conn, branch_id)?;
        let bays = catalogue::bays_of(conn, branch_id)?;
        let booked = day_bookings(conn, branch_id, &branch.timezone, date)?;
        let day = plan_day(&branch, &bays, &booked, date, now);
        let services = catalogue::active_services(conn)?;
        Ok((
            customer, vehicles, devices, matches, duplicates, bays, services, day,
        ))
    })
    .await?;
    let (customer, vehicles, devices, matches, duplicates, bays, services, day) = loaded;
    // The customer's only vehicle or device is the one booked in, unless one was chosen.
    if draft.typed("subject").is_empty() {
        let only = match (&vehicles[..], &devices[..]) {
            ([v], []) => Some(format!("v{}", v.id)),
            ([], [d]) => Some(format!("d{}", d.id)),
            _ => None,
        };
        if let Some(only) = only {
            draft.extra.insert("subject".into(), only);
        }
    }
    let page = NewBookingPage {
        page: PageCtx::for_request(req),
        draft,
        errors,
        customer,
        vehicles,
        devices,
        customer_q,
        matches,
        duplicates,
        bays,
        services,
        day,
    };
    html(status, &page)
}

/// The live bookings of the branch's day `date`.
fn day_bookings(
    conn: &mut diesel::PgConnection,
    branch_id: i64,
    tz: &str,
    date: NaiveDate,
) -> Result<Vec<Booking>, RepoError> {
    let Some((from, to)) = crate::domain::time::day_bounds(tz, date) else {
        return Ok(Vec::new());
    };
    Ok(bookings::in_range(conn, branch_id, from, to)?
        .into_iter()
        .map(|(b, _)| b)
        .filter(|b| b.status().is_live())
        .collect())
}

/// The form, pre-filled from the query (customer, bay, date and start from a calendar slot; the
/// picker's search).
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

/// Creates the booking (and the customer, when new; confirmed, when asked), or shows the form
/// again with messages and everything as typed.
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<BookingDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = form.into_inner();
    let (branch_id, country) = (staff.branch.id, staff.branch.country.clone());
    // The times are read in the branch's timezone as the session's account gave it; the
    // repository checks them against the branch's row, read with the other checks.
    let tz = crate::domain::time::zone(&staff.branch.timezone);
    let (by, d) = (staff.by(), draft.clone());
    let confirm = draft.typed("and_confirm") == "1";
    let outcome = db(&state.pool, &staff.actor(), move |conn| {
        crate::repo::tx(conn, |conn| book(conn, branch_id, tz, &country, &d, &by))
    })
    .await;
    let next = move |booking: Booking| {
        let made = if confirm {
            format!("Booking #{} made and confirmed.", booking.id)
        } else {
            format!(
                "Booking #{} made. Confirm it with the customer.",
                booking.id
            )
        };
        Next::saying(made, format!("/bookings/{}", booking.id))
    };
    answer::then(&req, outcome, FORM, next, |errors, status| {
        render(&req, &staff, &state, draft, errors, status)
    })
    .await
}

/// The booking as the form gave it, with a new customer saved first when one was typed in, all
/// in the caller's transaction.
fn book(
    conn: &mut diesel::PgConnection,
    branch_id: i64,
    tz: chrono_tz::Tz,
    country: &str,
    d: &BookingDraft,
    by: &By,
) -> Result<Booking, RepoError> {
    let mut errors = FieldErrors::new();
    let mut customer_id = d.customer_id.parse::<i64>().ok();
    let (mut vehicle_id, mut device_id) = match d.typed("subject") {
        s if s.starts_with('v') => (s[1..].parse().ok(), None),
        s if s.starts_with('d') => (None, s[1..].parse().ok()),
        _ => (d.vehicle_id.parse().ok(), d.device_id.parse().ok()),
    };
    let new_customer = match customer_id {
        None if !d.typed("new_name").trim().is_empty() => {
            Some(CustomerInput::parse(&new_customer_draft(d)).map_err(|e| e.renamed("", "new_")))
        }
        None => {
            errors.add("customer_id", "Find the customer, or fill in a new one.");
            None
        }
        Some(_) => None,
    };
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
    if let Some(Err(e)) = &new_customer {
        errors.merge(e.clone());
    }
    let (Some((starts_at, ends_at)), true) = (slot, errors.is_empty()) else {
        return Err(errors.into());
    };
    if let Some(Ok(input)) = new_customer {
        if d.typed("confirm_duplicate").is_empty() {
            let (name, phone, email) = (&input.name, &input.phone, &input.email);
            if !customers::likely_duplicates(conn, name, phone, email, country)?.is_empty() {
                let message = "This may be a customer we already have: book for one of them, \
                               or tick “a new customer” to save this one.";
                return Err(FieldErrors::single("duplicates", message).into());
            }
        }
        let created =
            customers::create(conn, &input, branch_id, by).map_err(|e| rename_repo(e, "new_"))?;
        customer_id = Some(created.id);
        vehicle_id = customers::vehicles_of(conn, created.id)?
            .first()
            .map(|v| v.id);
        device_id = match vehicle_id {
            Some(_) => None,
            None => customers::devices_of(conn, created.id)?
                .first()
                .map(|d| d.id),
        };
    }
    let request = BookingRequest {
        customer_id: customer_id.unwrap_or_default(),
        vehicle_id,
        device_id,
        bay_id,
        starts_at,
        ends_at,
        service_ids,
        notes: d.notes.trim().to_string(),
    };
    let booking = bookings::create(conn, branch_id, &request, by).map_err(rename_slot)?;
    if d.typed("and_confirm") == "1" {
        return bookings::transition(
            conn,
            branch_id,
            booking.id,
            BookingStatus::Confirmed,
            None,
            by,
        );
    }
    Ok(booking)
}

/// The inline new customer's fields as the customer form's draft.
fn new_customer_draft(d: &BookingDraft) -> CustomerDraft {
    let typed = |f: &str| d.typed(f).to_string();
    let mut draft = CustomerDraft {
        kind: "person".into(),
        segment: "retail".into(),
        name: typed("new_name"),
        phone: typed("new_phone"),
        email: typed("new_email"),
        plate: typed("new_plate"),
        make: typed("new_make"),
        model: typed("new_model"),
        ..Default::default()
    };
    for f in [
        "device_kind",
        "device_brand",
        "device_model",
        "device_serial",
    ] {
        draft.extra.insert(f.into(), typed(&format!("new_{f}")));
    }
    draft
}

fn rename_repo(e: RepoError, prefix: &str) -> RepoError {
    match e {
        RepoError::Validation(e) => RepoError::Validation(e.renamed("", prefix)),
        e => e,
    }
}

fn rename_slot(e: RepoError) -> RepoError {
    match e {
        RepoError::Validation(e) => RepoError::Validation(rename_fields(e)),
        e => e,
    }
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
