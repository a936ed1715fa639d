//! The context every page template gets: who is signed in, the active branch, flash messages
//! and the CSRF token for its forms.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest};
use serde::{Deserialize, Serialize};

use crate::web::access::{Access, BranchRef, Staff};
use crate::web::csrf;
pub use crate::web::flash::push_flash;
use crate::web::flash::take_flash;

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// `success`, `info` or `error` (the CSS class).
    pub kind: String,
    pub text: String,
}

impl Flash {
    /// Something worked.
    pub fn success(text: impl Into<String>) -> Self {
        Self {
            kind: "success".into(),
            text: text.into(),
        }
    }
    /// Something to know.
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            kind: "info".into(),
            text: text.into(),
        }
    }
    /// Something went wrong.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            kind: "error".into(),
            text: text.into(),
        }
    }
}

/// The most flash messages kept for the next page. A client that posts without ever showing a
/// page (a script, a tab that never follows the redirect) would otherwise grow the session, and
/// every later request that writes it, without bound.
pub const MAX_FLASH: usize = 5;

/// The shared page context.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    /// The signed-in user, if any.
    pub user: Option<Staff>,
    /// Messages from the previous request.
    pub flash: Vec<Flash>,
    /// The token every form posts back as `csrf_token`.
    pub csrf_token: String,
    /// The request path, to mark the current navigation entry.
    pub path: String,
}

impl PageCtx {
    /// Builds the context for this request.
    pub fn for_request(req: &HttpRequest) -> Self {
        // first: the token may note a new nonce in the request's extensions
        let csrf_token = csrf::token_for(req);
        let user = req.extensions().get::<Staff>().cloned();
        Self {
            user,
            flash: take_flash(req),
            csrf_token,
            path: req.path().to_string(),
        }
    }

    /// A context with no user and no forms (error pages).
    pub fn bare(path: &str) -> Self {
        Self {
            path: path.to_string(),
            ..Self::default()
        }
    }

    /// Whether the signed-in user may use the routes `access` guards: the navigation and the
    /// buttons that lead to those routes read the same table as the guard.
    pub fn may(&self, access: Access) -> bool {
        self.user.as_ref().is_some_and(|u| access.allows(u.role))
    }

    /// A moment as read at the active branch: `2026-03-11 01:00` in its timezone.
    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let tz = self
            .user
            .as_ref()
            .map_or("UTC", |u| u.branch.timezone.as_str());
        crate::domain::time::show(at, tz)
    }

    /// A moment as a busy screen reads it: the time of day when it is today at the active branch
    /// (`14:05`), the date and time when it is not (`2026-03-11 01:30`).
    pub fn recent(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let Some(user) = self.user.as_ref() else {
            return self.when(at);
        };
        let tz = crate::domain::time::zone(&user.branch.timezone);
        if at.with_timezone(&tz).date_naive() == user.now.with_timezone(&tz).date_naive() {
            self.time_of_day(at)
        } else {
            self.when(at)
        }
    }

    /// The date of a moment at the active branch: `2026-03-11`.
    pub fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let tz = self
            .user
            .as_ref()
            .map_or("UTC", |u| u.branch.timezone.as_str());
        crate::domain::time::show_day(at, tz)
    }

    /// The time of day of a moment at the active branch: `01:00`.
    pub fn time_of_day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let tz = self
            .user
            .as_ref()
            .map_or("UTC", |u| u.branch.timezone.as_str());
        at.with_timezone(&crate::domain::time::zone(tz))
            .format("%H:%M")
            .to_string()
    }

    /// The active branch's currency code (`KES`).
    pub fn currency(&self) -> &str {
        self.user
            .as_ref()
            .map_or("", |u| u.branch.currency.as_str())
    }

    /// An amount as it is shown on its own: `KES 1,250.00` (see `domain::money::show`).
    pub fn money(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::show(v.decimal(), self.currency())
    }

    /// An amount in a table column whose heading names the currency: `1,250.00`.
    pub fn amount(&self, v: impl crate::domain::money::Amount) -> String {
        crate::domain::money::grouped(v.decimal())
    }

    /// Whether the user clocks jobs on the shop floor (the navigation's "My jobs"): technicians.
    /// The counter reaches the same jobs through Tickets.
    pub fn works_the_floor(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::role::Role::Technician)
    }

    /// Whether the signed-in user may see cost prices and margins.
    pub fn sees_costs(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.sees_costs())
    }

    /// Whether the signed-in user is an admin.
    pub fn is_admin(&self) -> bool {
        self.may(Access::ADMIN)
    }

    /// Whether the user may switch between branches (and there is more than one).
    pub fn can_switch_branch(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role.spans_branches() && u.branches.len() > 1)
    }

    /// The branches the user may switch to.
    pub fn branches(&self) -> &[BranchRef] {
        self.user
            .as_ref()
            .map(|u| u.branches.as_slice())
            .unwrap_or(&[])
    }

    /// Whether `prefix` is the current section (for the navigation).
    pub fn in_section(&self, prefix: &str) -> bool {
        if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        }
    }
}

impl FromRequest for PageCtx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Self::for_request(req)))
    }
}

/// Pagination state shared by every list page.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based page number.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// Rows in all pages.
    pub total: i64,
}

impl Pager {
    /// Page `page` (clamped to at least 1) of `per_page` rows.
    pub fn new(page: Option<i64>, per_page: i64) -> Self {
        let last = (crate::repo::COUNT_CAP / per_page.max(1)).max(1);
        Self {
            page: page.unwrap_or(1).clamp(1, last),
            per_page,
            total: 0,
        }
    }
    /// Records the total and, when the page asked for lies past the end, moves to the last page
    /// (for lists whose repository answers such a request with the last page).
    pub fn settle(&mut self, total: i64) {
        self.total = total;
        self.page = self.page.min(self.pages());
    }
    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    /// Number of pages (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    /// "123 in all", or "more than 10,000" when the count stopped at the cap.
    pub fn total_label(&self) -> String {
        if self.total >= crate::repo::COUNT_CAP {
            format!(
                "more than {} — narrow the search to see the rest",
                crate::repo::COUNT_CAP
            )
        } else {
            format!("{} in all", self.total)
        }
    }
    /// Whether there is a previous page.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    /// Whether there is a next page.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}
