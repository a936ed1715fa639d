//! `GET /`: the Today page, the home of every role but the technicians (who land on My jobs).
//! The counter sees today's arrivals, jobs ready for pickup, estimates with the customer, unpaid
//! invoices and preorders to act on; managers also see how the branch stands.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use bigdecimal::BigDecimal;
use chrono::{Datelike, Duration};

use crate::db::db;
use crate::domain::branch::DAYS;
use crate::domain::role::Role;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::models::dashboard::OverduePreorder;
use crate::repo::today::{self, BranchDay, CounterDay, Day, TakingsWindows};
use crate::repo::{branches, dashboards};
use crate::web::access::{Access, Staff};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The Today page.
#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayPage {
    page: PageCtx,
    branch_name: String,
    /// "Monday 7 December 2026".
    date: String,
    today_hours: String,
    /// The counter's lists (front-desk roles), unpaid invoices for every invoicing role.
    counter: Option<CounterDay>,
    unpaid: Option<Vec<today::UnpaidInvoice>>,
    /// Takings against last week (the roles that see figures).
    takings: Option<today::Takings>,
    /// How the branch stands (managers and admins; low stock also for the warehouse).
    branch: Option<BranchDay>,
    overdue_preorders: Vec<OverduePreorder>,
}

impl TodayPage {
    /// Live tickets per status in workflow order, for the bar of counts.
    fn jobs_by_status(&self) -> Vec<(TicketStatus, i64)> {
        let counts = self.branch.as_ref().map_or(&[][..], |b| &b.by_status[..]);
        TicketStatus::BOARD
            .iter()
            .map(|s| {
                let n = counts
                    .iter()
                    .find(|c| c.status == s.as_str())
                    .map_or(0, |c| c.count);
                (*s, n)
            })
            .collect()
    }

    /// Today's takings against the same time last week, as "+12%" / "−5%" (none without a base).
    fn takings_change(&self) -> Option<String> {
        let t = self.takings.as_ref()?;
        let zero = BigDecimal::from(0);
        if t.last_week_so_far <= zero {
            return None;
        }
        let pct = ((&t.today - &t.last_week_so_far) * BigDecimal::from(100) / &t.last_week_so_far)
            .round(0);
        Some(if pct < zero {
            format!("−{}%", pct.abs())
        } else {
            format!("+{pct}%")
        })
    }

    fn takings_up(&self) -> bool {
        self.takings
            .as_ref()
            .is_some_and(|t| t.today >= t.last_week_so_far)
    }
}

/// The Today page, or My jobs for a technician.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if staff.role == Role::Technician {
        return Ok(HttpResponse::SeeOther()
            .insert_header(("Location", "/floor"))
            .finish());
    }
    let role = staff.role;
    let (branch_id, now, date) = (staff.branch.id, staff.now, staff.today());
    let tz = staff.branch.timezone.clone();
    let day = local_day(&tz, date)?;
    let last_week = local_day(&tz, date - Duration::days(7))?;
    let wants = Wants::of(role);
    let (branch, counter, unpaid, takings, branch_day, overdue) =
        db(&state.pool, &staff.actor(), move |conn| {
            let branch = branches::get(conn, branch_id)?;
            let counter = if wants.counter {
                Some(today::counter_day(conn, branch_id, day)?)
            } else {
                None
            };
            let unpaid = if wants.unpaid && counter.is_none() {
                Some(today::unpaid_invoices(conn, branch_id)?)
            } else {
                None
            };
            let windows = TakingsWindows {
                today: day,
                now,
                last_week,
            };
            let takings = if wants.takings {
                Some(today::takings(conn, branch_id, windows)?)
            } else {
                None
            };
            let branch_day = if wants.branch {
                Some(today::branch_day(conn, branch_id, wants.management, date)?)
            } else {
                None
            };
            let overdue = if wants.management {
                dashboards::overdue_preorders(conn, &[branch_id], now)?
            } else {
                Vec::new()
            };
            Ok((branch, counter, unpaid, takings, branch_day, overdue))
        })
        .await?;
    let local = now.with_timezone(&crate::domain::time::zone(&tz));
    let weekday = DAYS[local.weekday().num_days_from_monday() as usize].0;
    let today_hours = match branch.hours().day(weekday) {
        Some((open, close)) => format!("Open {}–{}", open.format("%H:%M"), close.format("%H:%M")),
        None => "Closed today".to_string(),
    };
    let unpaid = unpaid.or_else(|| counter.as_ref().map(|c| c.unpaid.clone()));
    let page = TodayPage {
        page: PageCtx::for_request(&req),
        branch_name: branch.name,
        date: local.format("%A %-d %B %Y").to_string(),
        today_hours,
        counter,
        unpaid,
        takings,
        branch: branch_day,
        overdue_preorders: overdue,
    };
    html(StatusCode::OK, &page)
}

/// Which parts of the page a role sees (each asks the route table's `Access` for the screens it
/// links to).
#[derive(Debug, Clone, Copy)]
struct Wants {
    counter: bool,
    unpaid: bool,
    takings: bool,
    branch: bool,
    management: bool,
}

impl Wants {
    fn of(role: Role) -> Wants {
        let management = Access::MANAGEMENT.allows(role);
        Wants {
            counter: Access::FRONT_DESK.allows(role),
            unpaid: Access::INVOICING.allows(role),
            takings: Access::FIGURES.allows(role),
            branch: management || Access::PURCHASING.allows(role),
            management,
        }
    }
}

fn local_day(tz: &str, date: chrono::NaiveDate) -> Result<Day, AppError> {
    let (from, to) = crate::domain::time::day_bounds(tz, date)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no local day {date} in {tz}")))?;
    Ok(Day { from, to, date })
}
