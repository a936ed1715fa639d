//! `/tickets/{id}`: the whole ticket (customer, what is worked on, estimate lines, time, events)
//! and everything done to it: move it along, assign it, add lines or parts, send the estimate,
//! record the customer's answer, the clock. The technician's tablet page (`/floor/{id}`) posts
//! to the same actions and comes back to itself.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use serde::Deserialize;

use crate::db::db;
use crate::domain::ticket::{self, Outcome, TicketStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::models::ticket::{Ticket, TicketLine};
use crate::repo::workshop::{self, EventRow, NewTicketLine, TimeRow};
use crate::repo::{customers, tickets};
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, refusal, see_other};

/// Everything a ticket page shows.
pub struct TicketData {
    /// The ticket.
    pub ticket: Ticket,
    /// Its customer.
    pub customer: Customer,
    /// Vehicle, device or unit.
    pub subject: Option<String>,
    /// Estimate lines and parts.
    pub lines: Vec<TicketLine>,
    /// Time entries.
    pub time: Vec<TimeRow>,
    /// History.
    pub events: Vec<EventRow>,
    /// Who can take it.
    pub technicians: Vec<(i64, String)>,
    /// The viewer's running clock: (ticket id, since).
    pub clock: Option<(i64, chrono::DateTime<chrono::Utc>)>,
}

impl TicketData {
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
    let (branch, me) = (staff.branch.id, staff.id);
    db(&state.pool, &staff.actor(), move |conn| {
        let ticket = tickets::get(conn, branch, id)?;
        Ok(TicketData {
            customer: customers::get(conn, ticket.customer_id)?,
            subject: workshop::subject(conn, &ticket)?,
            lines: tickets::lines(conn, id)?,
            time: workshop::time_of(conn, id)?,
            events: workshop::events(conn, id)?,
            technicians: workshop::technicians(conn, branch)?,
            clock: workshop::running_clock(conn, me)?,
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
    link: Option<String>,
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
    fn when(at: &chrono::DateTime<chrono::Utc>) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
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
    #[serde(default)]
    pub(crate) decision: String,
    #[serde(default)]
    pub(crate) approval_by: String,
    #[serde(default)]
    pub(crate) approval_method: String,
    /// `floor` when the tablet page posted.
    #[serde(default)]
    pub(crate) back: String,
}

/// Query string of the ticket page.
#[derive(Deserialize)]
pub struct ShowQuery {
    cancel: Option<String>,
    link: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    link: Option<String>,
    confirm_cancel: bool,
    form: TicketForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    if form.back == "floor" {
        return crate::web::floor::render_job(req, staff, state, id, form, errors, code).await;
    }
    let d = load(state, staff, id).await?;
    html(
        code,
        &TicketPage {
            page: PageCtx::for_request(req),
            d,
            link,
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
    let link = query
        .link
        .as_ref()
        .map(|token| format!("{}/approve/{token}", base_url(&req)));
    render(
        &req,
        &staff,
        &state,
        id.into_inner(),
        link,
        query.cancel.is_some(),
        TicketForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// What an action did: a message and where to go.
type Done = (String, Option<String>);

/// `POST /tickets/{id}/{action}`: status, assign, line, remove, estimate, approval, clock.
pub async fn act(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let form = form.into_inner();
    let f = form.clone();
    let (branch, by) = (staff.branch.id, staff.by());
    let key = state.link_key.clone();
    let result: Result<Done, AppError> = db(&state.pool, &staff.actor(), move |conn| {
        let expected = f.from.parse::<TicketStatus>().ok();
        Ok(match action.as_str() {
            "status" => {
                let to: TicketStatus =
                    f.to.parse()
                        .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
                let outcome = f.outcome.parse::<Outcome>().ok();
                workshop::transition(conn, branch, id, expected, to, outcome, &f.note, &by)?;
                (format!("Ticket is now {}.", to.label()), None)
            }
            "assign" => {
                let tech = f.assigned_to.parse::<i64>().ok();
                workshop::assign(conn, branch, id, tech, &by)?;
                ("Assignment saved.".to_string(), None)
            }
            "line" => {
                let mut errors = FieldErrors::new();
                let quantity = match f.quantity.trim() {
                    "" => BigDecimal::from(1),
                    q => q.parse::<BigDecimal>().unwrap_or_else(|_| {
                        errors.add("quantity", "Enter a quantity above zero.");
                        BigDecimal::from(0)
                    }),
                };
                let unit_price = match f.unit_price.trim() {
                    "" => None,
                    p => match crate::domain::money::parse_amount(p) {
                        Ok(v) => Some(v),
                        Err(m) => {
                            errors.add("unit_price", m);
                            None
                        }
                    },
                };
                errors.into_result()?;
                let kind = if f.kind.is_empty() {
                    "part".to_string()
                } else {
                    f.kind.clone()
                };
                let line = NewTicketLine {
                    kind,
                    description: f.description.clone(),
                    quantity,
                    unit_price,
                    code: f.code.clone(),
                };
                workshop::add_line(conn, branch, id, &line, &by)?;
                ("Line added.".to_string(), None)
            }
            "note" => {
                workshop::add_note(conn, branch, id, &f.note, &by)?;
                ("Note added.".to_string(), None)
            }
            "remove" => {
                workshop::remove_line(conn, branch, id, f.line_id.parse().unwrap_or(0), &by)?;
                ("Line removed.".to_string(), None)
            }
            "estimate" => {
                let (link, expires) = workshop::send_estimate(
                    conn,
                    branch,
                    id,
                    expected,
                    chrono::Duration::days(7),
                    &by,
                )?;
                let token = crate::web::approve::sign(&key, link, expires);
                (
                    format!(
                        "Estimate sent for approval; the link works until {}.",
                        expires.format("%Y-%m-%d")
                    ),
                    Some(token),
                )
            }
            "approval" => {
                let approved = match f.decision.as_str() {
                    "approved" => true,
                    "declined" => false,
                    _ => {
                        return Err(FieldErrors::single(
                            "decision",
                            "Choose approved or declined.",
                        )
                        .into());
                    }
                };
                workshop::record_approval(
                    conn,
                    branch,
                    id,
                    approved,
                    &f.approval_by,
                    &f.approval_method,
                    &by,
                )?;
                (
                    if approved {
                        "Approved: the ticket is in repair.".to_string()
                    } else {
                        "Declined: the ticket is ready to return unrepaired.".to_string()
                    },
                    None,
                )
            }
            "clock" => {
                if f.to == "stop" {
                    workshop::clock_stop(conn, &by)?;
                    ("Clock stopped.".to_string(), None)
                } else {
                    workshop::clock_start(conn, branch, id, &by)?;
                    ("Clock started.".to_string(), None)
                }
            }
            _ => return Err(crate::repo::RepoError::NotFound),
        })
    })
    .await;
    let back = if form.back == "floor" {
        format!("/floor/{id}")
    } else {
        format!("/tickets/{id}")
    };
    match result {
        Ok((message, token)) => {
            push_flash(&req, Flash::success(message));
            Ok(see_other(&match token {
                Some(t) if form.back != "floor" => format!("{back}?link={t}"),
                _ => back,
            }))
        }
        Err(e) => {
            let (errors, code) = refusal(e, "ticket")?;
            let mut form = form;
            if errors.get("code").is_some() {
                form.code.clear();
            }
            render(&req, &staff, &state, id, None, false, form, errors, code).await
        }
    }
}
