//! The one permission guard. Every route is registered in `web/routes.rs` with an [`Access`]
//! naming the roles that may use it (deny by default: a role not named gets 403), or as public.
//! Handlers get the signed-in user only as a [`Staff`] the guard put on the request, so a route
//! without a guard cannot act as anybody.
//!
//! Over 300 lines: the guard, the table of who may do what, and the `Staff` it hands to handlers
//! belong together.

use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};

use crate::db::Actor;
use crate::domain::role::Role;
use crate::domain::time;
use crate::error::AppError;
use crate::repo::By;
use crate::session::store::SESSION_ACCOUNT;
use crate::web::page::{Flash, push_flash};

/// Session keys.
pub const SESSION_USER: &str = "user_id";
/// The branch a manager or admin switched to.
pub const SESSION_BRANCH: &str = "branch_id";

/// Which roles may use a route, and whether it works within the active branch.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    roles: &'static [Role],
    branch_scoped: bool,
}

impl Access {
    /// Any signed-in staff user, within their active branch.
    pub const SIGNED_IN: Access = Access {
        roles: &Role::ALL,
        branch_scoped: true,
    };
    /// Administrators only, across all branches.
    pub const ADMIN: Access = Access {
        roles: &[Role::Admin],
        branch_scoped: false,
    };

    /// The counter: receptionists, managers and admins, within the active branch.
    pub const FRONT_DESK: Access = Access {
        roles: &[Role::Receptionist, Role::Manager, Role::Admin],
        branch_scoped: true,
    };
    /// Who works on tickets: the counter and the technicians.
    pub const WORKSHOP: Access = Access {
        roles: &[
            Role::Receptionist,
            Role::Technician,
            Role::Manager,
            Role::Admin,
        ],
        branch_scoped: true,
    };
    /// Stock work: warehouse staff, technicians, managers and admins.
    pub const STOCK: Access = Access {
        roles: &[
            Role::Warehouse,
            Role::Technician,
            Role::Manager,
            Role::Admin,
        ],
        branch_scoped: true,
    };
    /// Invoices and payments: the counter, finance, managers and admins.
    pub const INVOICING: Access = Access {
        roles: &[
            Role::Receptionist,
            Role::Finance,
            Role::Manager,
            Role::Admin,
        ],
        branch_scoped: true,
    };
    /// Dashboards and their exports: finance, managers and admins, over every branch they may see.
    pub const FIGURES: Access = Access {
        roles: &[Role::Finance, Role::Manager, Role::Admin],
        branch_scoped: false,
    };
    /// The dashboards: everyone but technicians (cost and margin figures within them only for
    /// the roles that see costs), across the user's branches.
    pub const DASHBOARDS: Access = Access {
        roles: &[
            Role::Receptionist,
            Role::Warehouse,
            Role::Finance,
            Role::Manager,
            Role::Admin,
        ],
        branch_scoped: false,
    };
    /// Purchase orders and transfers: warehouse staff, managers and admins.
    pub const PURCHASING: Access = Access {
        roles: &[Role::Warehouse, Role::Manager, Role::Admin],
        branch_scoped: true,
    };
    /// Managers and admins (catalogue, bays).
    pub const MANAGEMENT: Access = Access {
        roles: &[Role::Manager, Role::Admin],
        branch_scoped: true,
    };

    /// The named roles, within the active branch.
    pub const fn roles(roles: &'static [Role]) -> Access {
        Access {
            roles,
            branch_scoped: true,
        }
    }

    /// The same roles, for a route that is not about one branch's records.
    pub const fn across_branches(self) -> Access {
        Access {
            roles: self.roles,
            branch_scoped: false,
        }
    }

    /// Whether `role` may use the route.
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A branch as shown in pickers: id and name, and its timezone for reading times typed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRef {
    pub id: i64,
    /// Branch name.
    pub name: String,
    /// IANA timezone name, as stored.
    pub timezone: String,
    /// ISO 4217 code its amounts are shown in.
    pub currency: String,
    /// ISO 3166 code its local phone numbers are read in.
    pub country: String,
}

/// The signed-in staff user, as the guard checked them for this request.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown on screens.
    pub full_name: String,
    pub role: Role,
    pub home_branch_id: i64,
    /// The branch this request works in.
    pub branch: BranchRef,
    /// Every branch this user may see (one, unless the role spans branches).
    pub branches: Vec<BranchRef>,
    /// Whether the route is about the active branch only.
    pub branch_scoped: bool,
    /// The client's address, for audit rows.
    pub client_addr: Option<String>,
    /// When the request came, by the shop's clock.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Staff {
    /// The actor written into each database transaction.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            branch_ids: self.branches.iter().map(|b| b.id).collect(),
        }
    }

    /// Who did it and when, for audit rows and the dates a change records.
    pub fn by(&self) -> By {
        By {
            user_id: Some(self.id),
            client_addr: self.client_addr.clone(),
            at: self.now,
            today: self.today(),
        }
    }

    /// Today at the active branch.
    pub fn today(&self) -> chrono::NaiveDate {
        time::local_date(&self.branch.timezone, self.now)
    }
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(req.extensions().get::<Staff>().cloned().ok_or_else(|| {
            tracing::error!(
                path = req.path(),
                "handler asked for Staff on a route without a guard"
            );
            AppError::forbidden("route has no access policy")
        }))
    }
}

/// The client's address as the socket saw it (a proxy in front would need its own rule).
pub fn client_addr(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// A signed-in account as the session store read it with the session ([`SESSION_ACCOUNT`]).
#[derive(Debug, serde::Deserialize)]
struct Account {
    id: i64,
    username: String,
    full_name: String,
    role: String,
    home_branch_id: i64,
    active: bool,
    must_change_password: bool,
    /// Every active branch and the home one, by name: id, name, timezone, currency, country.
    branches: Vec<(i64, String, String, String, String)>,
}

/// The guard itself: signs the user in from the session, checks the role, picks the branch.
pub async fn require(
    access: Access,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let session = req.get_session();
    let user_id = session.get::<i64>(SESSION_USER).ok().flatten();
    if user_id.is_none() {
        return Ok(redirect_to_login(req));
    }
    // The session store read the account in the same statement as the session.
    let Some(user) = session.get::<Account>(SESSION_ACCOUNT).ok().flatten() else {
        // The account is gone.
        session.purge();
        return Ok(redirect_to_login(req));
    };
    if !user.active {
        session.purge();
        return Ok(redirect_to_login(req));
    }
    let role: Role = user.role.parse().unwrap_or(Role::Technician);
    if !access.allows(role) {
        let reason = format!("{} may not use {}", role, req.path());
        return Ok(req.error_response(AppError::forbidden(reason)));
    }
    if user.must_change_password && req.path() != "/account/password" && req.path() != "/logout" {
        push_flash(
            req.request(),
            Flash::info("Please choose a new password before you go on."),
        );
        return Ok(see_other(req, "/account/password"));
    }
    // Managers and admins see every active branch (and their home one); the rest their home.
    let home = user.home_branch_id;
    let branches: Vec<BranchRef> = user
        .branches
        .into_iter()
        .filter(|(id, _, _, _, _)| role.spans_branches() || *id == home)
        .map(|(id, name, timezone, currency, country)| BranchRef {
            id,
            name,
            timezone,
            currency,
            country,
        })
        .collect();
    let chosen = if role.spans_branches() {
        session.get::<i64>(SESSION_BRANCH).ok().flatten()
    } else {
        None
    };
    let branch = chosen
        .and_then(|id| branches.iter().find(|b| b.id == id))
        .or_else(|| branches.iter().find(|b| b.id == user.home_branch_id))
        .or_else(|| branches.first())
        .cloned()
        .unwrap_or(BranchRef {
            id: user.home_branch_id,
            name: String::new(),
            timezone: String::new(),
            currency: String::new(),
            country: String::new(),
        });
    let staff = Staff {
        id: user.id,
        username: user.username,
        full_name: user.full_name,
        role,
        home_branch_id: user.home_branch_id,
        branch,
        branches,
        branch_scoped: access.branch_scoped,
        client_addr: client_addr(req.request()),
        now: req
            .app_data::<actix_web::web::Data<crate::web::AppState>>()
            .map_or_else(chrono::Utc::now, |state| state.settings.clock.now()),
    };
    req.extensions_mut().insert(staff);
    next.call(req).await
}

fn redirect_to_login(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    let target = if req.method() == actix_web::http::Method::GET {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        format!("/login?next={}", encode_component(next))
    } else {
        "/login".to_string()
    };
    see_other(req, &target)
}

fn see_other(req: ServiceRequest, location: &str) -> ServiceResponse<BoxBody> {
    req.into_response(
        HttpResponse::SeeOther()
            .insert_header(("Location", location.to_string()))
            .finish(),
    )
}

/// Percent-encodes a query component.
pub fn encode_component(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
