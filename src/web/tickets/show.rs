//! `GET /tickets/{id}`: the whole ticket (customer, what is worked on, estimate lines, time,
//! events) with a form for everything done to it; each of those posts to its own route in this
//! folder. The tablet's job page (`/floor/{id}`) reads the same data through `load`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::invoice::InvoiceStatus;
use crate::domain::ticket::{self, Outcome, TicketStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::models::invoice::TicketInvoice;
use crate::models::ticket::{Ticket, TicketLine};
use crate::repo::customers;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::tickets;
use crate::repo::time_clock::{self, TimeRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// Everything a ticket page shows.
pub struct TicketData {
    pub ticket: Ticket,
    pub customer: Customer,
    /// Vehicle, device or unit.
    pub subject: Option<String>,
    /// Estimate lines and parts.
    pub lines: Vec<TicketLine>,
    /// Time entries.
    pub time: Vec<TimeRow>,
    pub events: Vec<EventRow>,
    /// Who can take it.
    pub technicians: Vec<(i64, String)>,
    /// The viewer's running clock: (ticket id, since).
    pub clock: Option<(i64, chrono::DateTime<chrono::Utc>)>,
    /// The ticket's invoice (not void), if it has one.
    pub invoice: Option<TicketInvoice>,
    /// The unlock code, when the viewer may read it (the assigned technician, managers).
    pub unlock_code: Option<String>,
    /// Whether there is one on file at all.
    pub has_unlock_code: bool,
    /// Whether the customer signed at intake.
    pub has_signature: bool,
    /// Deposits held against the ticket.
    pub deposits: Vec<tickets::Deposit>,
    /// Whether the job is past its promised date at the branch today.
    pub late: bool,
    /// The approval link the customer can still use: id and expiry.
    pub approval_link: Option<(i64, chrono::DateTime<chrono::Utc>)>,
    /// The live status link: id and expiry.
    pub status_link: Option<(i64, chrono::DateTime<chrono::Utc>)>,
    /// Parts the job waits for (and those that arrived).
    pub waits: Vec<tickets::PartWait>,
}

impl TicketData {
    /// The job's catalogue services, which a part can be used for (asked when there is more
    /// than one).
    pub fn services(&self) -> Vec<(i64, &str)> {
        let mut found: Vec<(i64, &str)> = Vec::new();
        for l in &self.lines {
            if let (true, Some(id)) = (l.kind == "labour", l.service_id)
                && !found.iter().any(|(f, _)| *f == id)
            {
                found.push((id, l.description.as_str()));
            }
        }
        found
    }
    /// Statuses a person may move the ticket to from here (approval moves come from answers).
    pub fn next_steps(&self) -> Vec<TicketStatus> {
        let from = self.ticket.state();
        TicketStatus::ALL
            .iter()
            .copied()
            .filter(|to| {
                ticket::edge_exists(from, *to)
                    && *to != TicketStatus::Cancelled
                    && *to != TicketStatus::AwaitingApproval
                    && from != TicketStatus::AwaitingApproval
            })
            .collect()
    }
    /// The estimate's total.
    pub fn estimate(&self) -> BigDecimal {
        self.lines.iter().map(TicketLine::total).sum()
    }
    /// Whether the viewer's clock runs on this ticket.
    pub fn clock_here(&self) -> bool {
        self.clock.is_some_and(|(t, _)| t == self.ticket.id)
    }
    /// Whether the counter can hand the job over and close it in one step: it is ready and its
    /// invoice is paid.
    pub fn hand_over(&self) -> bool {
        self.ticket.state() == TicketStatus::Ready
            && self
                .invoice
                .as_ref()
                .is_some_and(|i| i.status == InvoiceStatus::Paid)
    }
    /// A deposit's method as people read it.
    pub fn method_label(&self, method: &str) -> &'static str {
        crate::domain::invoice::PaymentMethod::label_of(method)
    }
    /// What the deposits held add up to.
    pub fn deposit_total(&self) -> BigDecimal {
        self.deposits.iter().map(|d| &d.1).sum()
    }
    /// The assignee's name.
    pub fn assignee(&self) -> Option<&str> {
        let id = self.ticket.assigned_to?;
        self.technicians
            .iter()
            .find(|t| t.0 == id)
            .map(|t| t.1.as_str())
    }
}

/// Loads a ticket page's data.
pub async fn load(state: &AppState, staff: &Staff, id: i64) -> Result<TicketData, AppError> {
    let (branch, me, role, today) = (staff.branch.id, staff.id, staff.role, staff.today());
    db(&state.pool, &staff.actor(), move |conn| {
        let ticket = tickets::get(conn, branch, id)?;
        Ok(TicketData {
            unlock_code: tickets::unlock_code(conn, &ticket, me, role)?,
            has_unlock_code: tickets::has_unlock_code(conn, id)?,
            has_signature: tickets::has_signature(conn, id)?,
            late: ticket.is_late(today),
            deposits: tickets::deposits_of(conn, id)?,
            customer: customers::get(conn, ticket.customer_id)?,
            subject: tickets::subject(conn, &ticket)?,
            lines: tickets::lines(conn, id)?,
            time: time_clock::time_of(conn, id)?,
            events: events::read(conn, Trail::Ticket(id))?,
            technicians: tickets::technicians(conn, branch)?,
            clock: time_clock::running_clock(conn, me)?,
            invoice: crate::repo::invoices::of_ticket(conn, id)?,
            approval_link: tickets::live_approval_link(conn, id)?,
            status_link: tickets::status_link(conn, id)?,
            waits: tickets::part_waits(conn, id)?,
            ticket,
        })
    })
    .await
}

/// The ticket page.
#[derive(Template)]
#[template(path = "tickets/show.html")]
pub struct TicketPage {
    page: PageCtx,
    d: TicketData,
    share: Share,
    confirm_cancel: bool,
    form: TicketForm,
    errors: FieldErrors,
}

impl TicketPage {
    fn label(s: &TicketStatus) -> String {
        s.label()
    }
    fn outcomes(&self) -> &'static [Outcome] {
        Outcome::ALL
    }
    fn tech_selected(&self, id: &i64) -> bool {
        self.d.ticket.assigned_to == Some(*id)
    }
    fn kind_is(&self, k: &str) -> bool {
        self.form.kind == k || (self.form.kind.is_empty() && k == "labour")
    }
}

/// Every form of the ticket and tablet pages, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TicketForm {
    #[serde(default)]
    pub(crate) from: String,
    #[serde(default)]
    pub(crate) to: String,
    #[serde(default)]
    pub(crate) outcome: String,
    #[serde(default)]
    pub(crate) note: String,
    #[serde(default)]
    pub(crate) assigned_to: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) quantity: String,
    #[serde(default)]
    pub(crate) unit_price: String,
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) line_id: String,
    /// For a part: the service (id) it was used for, empty for none.
    #[serde(default)]
    pub(crate) for_service_id: String,
    /// With the estimate: what the technician found, for the customer.
    #[serde(default)]
    pub(crate) findings: String,
    #[serde(default)]
    pub(crate) decision: String,
    #[serde(default)]
    pub(crate) approval_by: String,
    #[serde(default)]
    pub(crate) approval_method: String,
    /// The part a ticket waits for: its SKU or name.
    #[serde(default)]
    pub(crate) wait_code: String,
    /// A wait to take back.
    #[serde(default)]
    pub(crate) wait_id: String,
    /// How many of the part it waits for (1 when left empty).
    #[serde(default)]
    pub(crate) wait_quantity: String,
}

impl TicketForm {
    /// The status the page showed when the form was sent (a stale form is refused).
    pub(crate) fn shown_status(&self) -> Option<TicketStatus> {
        self.from.parse().ok()
    }
}

/// Query string of the ticket page.
#[derive(Deserialize)]
pub struct ShowQuery {
    cancel: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    confirm_cancel: bool,
    form: TicketForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let d = load(state, staff, id).await?;
    let share = Share::of(&d, &state.link_key, &base_url(req), &staff.branch.timezone);
    html(
        code,
        &TicketPage {
            page: PageCtx::for_request(req),
            d,
            share,
            confirm_cancel,
            form,
            errors,
        },
    )
}

/// `GET /tickets/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        query.cancel.is_some(),
        TicketForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The customer's links of a ticket, ready to share from its page: the address, a QR code of
/// it, and (for the estimate) until when it works.
pub struct Share {
    /// The estimate's approval page: address, until when, QR code.
    pub approval: Option<(String, String, String)>,
    /// The repair's status page: address, QR code.
    pub status: Option<(String, String)>,
}

impl Share {
    fn of(d: &TicketData, key: &[u8], base: &str, tz: &str) -> Share {
        use crate::domain::approval_link::{sign, sign_status};
        use crate::domain::qr;
        Share {
            approval: d.approval_link.map(|(id, expires)| {
                let url = format!("{base}/approve/{}", sign(key, id, expires));
                let qr = qr::svg(&url, 148);
                (url, crate::domain::time::show(&expires, tz), qr)
            }),
            status: d.status_link.map(|(id, expires)| {
                let url = format!("{base}/status/{}", sign_status(key, id, expires));
                let qr = qr::svg(&url, 148);
                (url, qr)
            }),
        }
    }
}

/// The address customer links start with: the configured public URL (`--public-url`), else
/// the `Host` the counter's browser reached this server by. Never `X-Forwarded-Host` or
/// `Forwarded`: a header anyone can send must not make staff hand out a link to another site.
pub(crate) fn base_url(req: &HttpRequest) -> String {
    let configured = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.settings.public_url.clone());
    if let Some(url) = configured {
        return url.trim_end_matches('/').to_string();
    }
    let scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    };
    let host = req
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or_else(|| req.app_config().host());
    format!("{scheme}://{host}")
}
