//! HTTP: one module per area, one handler (or GET/POST pair) per file.

pub mod access;
pub mod admin;
pub mod approve;
pub mod auth;
pub mod bookings;
pub mod calendar;
pub mod csrf;
pub mod customers;
pub mod dashboards;
pub mod flash;
pub mod floor;
pub mod health;
pub mod home;
pub mod invoices;
pub mod metrics;
pub mod observe;
pub mod page;
pub mod preorders;
pub mod session_gate;
pub mod session_store;
pub mod static_files;
pub mod stock;
pub mod tickets;
pub mod warranties;

use std::sync::Arc;

use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{Resource, web};

use crate::config::Settings;
use crate::db::Pool;
use access::Access;

/// Shared state of the running application.
pub struct AppState {
    /// The application role's pool.
    pub pool: Pool,
    /// The settings the server was built with.
    pub settings: Arc<Settings>,
    /// Request counters.
    pub metrics: metrics::Metrics,
    /// Signs customers' approval links (derived from the cookie key).
    pub link_key: Vec<u8>,
    /// The latest snapshot of customers' sales, for ranking date ranges (taken with the
    /// dashboard figures).
    pub ledger: Arc<crate::domain::ranking::LedgerShelf>,
}

/// How a refused action is shown again on its page: field errors as 422, a conflict as one
/// message under `key` as 409; anything else is not a refusal and goes on as an error.
pub fn refusal(
    e: crate::error::AppError,
    key: &str,
) -> Result<
    (
        crate::domain::validation::FieldErrors,
        actix_web::http::StatusCode,
    ),
    crate::error::AppError,
> {
    use crate::domain::validation::FieldErrors;
    use crate::error::AppError;
    use actix_web::http::StatusCode;
    match e {
        AppError::Validation(errors) => Ok((errors, StatusCode::UNPROCESSABLE_ENTITY)),
        AppError::Conflict(message) => {
            Ok((FieldErrors::single(key, message), StatusCode::CONFLICT))
        }
        other => Err(other),
    }
}

/// Registers a route that anybody may reach (sign-in, health, static files).
fn public(cfg: &mut web::ServiceConfig, path: &str, build: impl FnOnce(Resource) -> Resource) {
    cfg.service(build(web::resource(path)));
}

/// Registers a route behind the permission guard.
fn guarded(
    cfg: &mut web::ServiceConfig,
    path: &str,
    access: Access,
    build: impl FnOnce(Resource) -> Resource,
) {
    cfg.service(
        build(web::resource(path))
            .wrap(from_fn(move |req, next| access::require(access, req, next))),
    );
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use admin::{audit_list, branch_edit, branch_list, branch_new, user_edit, user_list, user_new};
    use auth::{branch_switch, login, logout, password};

    public(cfg, "/login", |r| r.get(login::form).post(login::submit));
    public(cfg, "/healthz", |r| r.get(health::check));
    public(cfg, "/metrics", |r| r.get(metrics::show));
    public(cfg, "/static/{file}", |r| r.get(static_files::serve));
    public(cfg, "/approve/{token}", |r| {
        r.get(approve::show).post(approve::answer)
    });

    guarded(cfg, "/", Access::SIGNED_IN, |r| r.get(home::show));
    guarded(cfg, "/logout", Access::SIGNED_IN.across_branches(), |r| {
        r.post(logout::submit)
    });
    guarded(
        cfg,
        "/account/password",
        Access::SIGNED_IN.across_branches(),
        |r| r.get(password::form).post(password::submit),
    );
    guarded(cfg, "/branch", Access::SIGNED_IN.across_branches(), |r| {
        r.post(branch_switch::submit)
    });

    guarded(cfg, "/admin/branches", Access::ADMIN, |r| {
        r.get(branch_list::show)
    });
    guarded(cfg, "/admin/branches/new", Access::ADMIN, |r| {
        r.get(branch_new::form).post(branch_new::submit)
    });
    guarded(cfg, "/admin/branches/{id}", Access::ADMIN, |r| {
        r.get(branch_edit::form).post(branch_edit::submit)
    });
    guarded(cfg, "/admin/users", Access::ADMIN, |r| {
        r.get(user_list::show)
    });
    guarded(cfg, "/admin/users/new", Access::ADMIN, |r| {
        r.get(user_new::form).post(user_new::submit)
    });
    guarded(cfg, "/admin/users/{id}", Access::ADMIN, |r| {
        r.get(user_edit::form).post(user_edit::submit)
    });
    guarded(cfg, "/admin/users/{id}/status", Access::ADMIN, |r| {
        r.get(user_edit::confirm_status).post(user_edit::set_status)
    });
    guarded(cfg, "/admin/users/{id}/password", Access::ADMIN, |r| {
        r.get(user_edit::reset_form).post(user_edit::reset_submit)
    });
    guarded(cfg, "/admin/audit", Access::ADMIN, |r| {
        r.get(audit_list::show)
    });

    guarded(cfg, "/customers", Access::FRONT_DESK, |r| {
        r.get(customers::list::show)
    });
    guarded(cfg, "/customers/new", Access::FRONT_DESK, |r| {
        r.get(customers::new::form).post(customers::new::submit)
    });
    guarded(cfg, "/customers/{id}", Access::FRONT_DESK, |r| {
        r.get(customers::show::show)
    });
    guarded(cfg, "/customers/{id}/vehicles", Access::FRONT_DESK, |r| {
        r.post(customers::vehicle_add::submit)
    });
    guarded(cfg, "/customers/{id}/devices", Access::FRONT_DESK, |r| {
        r.post(customers::extras::add_device)
    });
    guarded(cfg, "/customers/{id}/contacts", Access::FRONT_DESK, |r| {
        r.post(customers::extras::add_contact)
    });
    guarded(cfg, "/customers/{id}/archive", Access::FRONT_DESK, |r| {
        r.get(customers::archive::confirm_archive)
            .post(customers::archive::archive)
    });
    guarded(cfg, "/customers/{id}/erase", Access::ADMIN, |r| {
        r.get(customers::archive::confirm_erase)
            .post(customers::archive::erase)
    });
    guarded(cfg, "/customers/{id}/walk-in", Access::FRONT_DESK, |r| {
        r.post(customers::walk_in::submit)
    });
    guarded(cfg, "/calendar", Access::FRONT_DESK, |r| {
        r.get(calendar::day)
    });
    guarded(cfg, "/calendar/week", Access::FRONT_DESK, |r| {
        r.get(calendar::week)
    });
    guarded(cfg, "/bookings/new", Access::FRONT_DESK, |r| {
        r.get(bookings::new::form).post(bookings::new::submit)
    });
    guarded(cfg, "/bookings/{id}", Access::FRONT_DESK, |r| {
        r.get(bookings::show::show)
    });
    guarded(cfg, "/bookings/{id}/status", Access::FRONT_DESK, |r| {
        r.post(bookings::status::submit)
    });
    guarded(cfg, "/bookings/{id}/reschedule", Access::FRONT_DESK, |r| {
        r.post(bookings::reschedule::submit)
    });
    guarded(cfg, "/bookings/{id}/check-in", Access::FRONT_DESK, |r| {
        r.post(bookings::check_in::submit)
    });
    guarded(cfg, "/tickets", Access::WORKSHOP, |r| {
        r.get(tickets::board::show)
    });
    guarded(cfg, "/tickets/all", Access::WORKSHOP, |r| {
        r.get(tickets::list::show)
    });
    guarded(cfg, "/tickets/{id}", Access::WORKSHOP, |r| {
        r.get(tickets::show::show)
    });
    guarded(cfg, "/tickets/{id}/invoice", Access::INVOICING, |r| {
        r.post(invoices::new::from_ticket)
    });
    guarded(cfg, "/tickets/{id}/{action}", Access::WORKSHOP, |r| {
        r.post(tickets::show::act)
    });
    guarded(cfg, "/preorders", Access::FRONT_DESK, |r| {
        r.get(preorders::list)
    });
    guarded(cfg, "/preorders/new", Access::FRONT_DESK, |r| {
        r.get(preorders::new_form).post(preorders::create)
    });
    guarded(cfg, "/preorders/{id}", Access::FRONT_DESK, |r| {
        r.get(preorders::show)
    });
    guarded(cfg, "/preorders/{id}/{action}", Access::FRONT_DESK, |r| {
        r.post(preorders::act)
    });
    guarded(cfg, "/warranties", Access::FRONT_DESK, |r| {
        r.get(warranties::find)
    });
    guarded(cfg, "/warranties/{id}", Access::FRONT_DESK, |r| {
        r.get(warranties::show)
    });
    guarded(cfg, "/warranties/{id}/claim", Access::FRONT_DESK, |r| {
        r.post(warranties::submit)
    });
    guarded(cfg, "/claims/{id}", Access::FRONT_DESK, |r| {
        r.get(warranties::claim)
    });
    guarded(cfg, "/claims/{id}/{action}", Access::FRONT_DESK, |r| {
        r.post(warranties::act)
    });
    guarded(cfg, "/dashboards/sales", Access::DASHBOARDS, |r| {
        r.get(dashboards::sales)
    });
    guarded(cfg, "/dashboards/sales.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::sales_csv)
    });
    guarded(cfg, "/dashboards/customers", Access::DASHBOARDS, |r| {
        r.get(dashboards::customers)
    });
    guarded(cfg, "/dashboards/customers.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::customers_csv)
    });
    guarded(cfg, "/dashboards/inventory", Access::DASHBOARDS, |r| {
        r.get(dashboards::inventory)
    });
    guarded(cfg, "/dashboards/inventory.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::inventory_csv)
    });
    guarded(cfg, "/dashboards/technicians", Access::DASHBOARDS, |r| {
        r.get(dashboards::technicians)
    });
    guarded(
        cfg,
        "/dashboards/technicians.csv",
        Access::DASHBOARDS,
        |r| r.get(dashboards::technicians_csv),
    );
    guarded(cfg, "/dashboards/preorders", Access::DASHBOARDS, |r| {
        r.get(dashboards::preorders)
    });
    guarded(cfg, "/dashboards/preorders.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::preorders_csv)
    });
    guarded(cfg, "/dashboards/services", Access::DASHBOARDS, |r| {
        r.get(dashboards::services)
    });
    guarded(cfg, "/dashboards/services.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::services_csv)
    });
    guarded(cfg, "/dashboards/branches", Access::DASHBOARDS, |r| {
        r.get(dashboards::branches_page)
    });
    guarded(cfg, "/dashboards/branches.csv", Access::DASHBOARDS, |r| {
        r.get(dashboards::branches_csv)
    });
    guarded(cfg, "/dashboards/refresh", Access::FIGURES, |r| {
        r.post(dashboards::refresh)
    });
    guarded(cfg, "/floor", Access::WORKSHOP, |r| r.get(floor::jobs));
    guarded(cfg, "/floor/{id}", Access::WORKSHOP, |r| r.get(floor::job));
    guarded(cfg, "/time", Access::MANAGEMENT, |r| {
        r.get(tickets::time::show)
    });
    guarded(cfg, "/time/{id}/approve", Access::MANAGEMENT, |r| {
        r.post(tickets::time::approve)
    });
    guarded(cfg, "/invoices", Access::INVOICING, |r| {
        r.get(invoices::list::show)
    });
    guarded(cfg, "/invoices/cash-up", Access::INVOICING, |r| {
        r.get(invoices::list::cash_up)
    });
    guarded(cfg, "/invoices/new", Access::INVOICING, |r| {
        r.get(invoices::new::show).post(invoices::new::create)
    });
    guarded(cfg, "/invoices/{id}", Access::INVOICING, |r| {
        r.get(invoices::show::show)
    });
    guarded(cfg, "/invoices/{id}/lines/{kind}", Access::INVOICING, |r| {
        r.post(invoices::show::add_line)
    });
    guarded(cfg, "/invoices/{id}/remove", Access::INVOICING, |r| {
        r.post(invoices::show::remove_line)
    });
    guarded(cfg, "/invoices/{id}/refund", Access::INVOICING, |r| {
        r.get(invoices::refund::show).post(invoices::refund::submit)
    });
    guarded(cfg, "/invoices/{id}/print", Access::INVOICING, |r| {
        r.get(invoices::print::a4)
    });
    guarded(cfg, "/invoices/{id}/receipt", Access::INVOICING, |r| {
        r.get(invoices::print::receipt)
    });
    guarded(cfg, "/invoices/{id}/{action}", Access::INVOICING, |r| {
        r.post(invoices::show::money)
    });
    guarded(cfg, "/stock", Access::STOCK, |r| r.get(stock::items::show));
    guarded(cfg, "/stock/assets", Access::STOCK, |r| {
        r.get(stock::assets::show)
    });
    guarded(cfg, "/stock/catalogue", Access::STOCK, |r| {
        r.get(stock::catalogue::show)
    });
    guarded(cfg, "/stock/catalogue/{what}", Access::STOCK, |r| {
        r.post(stock::catalogue::add)
    });
    guarded(cfg, "/stock/intake", Access::STOCK, |r| {
        r.get(stock::intake::show)
    });
    guarded(cfg, "/stock/intake/{action}", Access::STOCK, |r| {
        r.post(stock::intake::act)
    });
    guarded(cfg, "/stock/orders", Access::PURCHASING, |r| {
        r.get(stock::orders::list)
    });
    guarded(cfg, "/stock/orders/new", Access::PURCHASING, |r| {
        r.get(stock::orders::new_form).post(stock::orders::create)
    });
    guarded(cfg, "/stock/orders/{id}", Access::PURCHASING, |r| {
        r.get(stock::orders::show)
    });
    guarded(
        cfg,
        "/stock/orders/{id}/{action}",
        Access::PURCHASING,
        |r| r.post(stock::orders::act),
    );
    guarded(cfg, "/stock/transfers", Access::PURCHASING, |r| {
        r.get(stock::transfers::list)
    });
    guarded(cfg, "/stock/transfers/new", Access::PURCHASING, |r| {
        r.get(stock::transfers::new_form)
            .post(stock::transfers::create)
    });
    guarded(cfg, "/stock/transfers/{id}", Access::PURCHASING, |r| {
        r.get(stock::transfers::show)
    });
    guarded(
        cfg,
        "/stock/transfers/{id}/receive",
        Access::PURCHASING,
        |r| r.post(stock::transfers::receive),
    );
    guarded(cfg, "/stock/aging", Access::STOCK, |r| {
        r.get(stock::reports::aging)
    });
    guarded(cfg, "/stock/labels", Access::STOCK, |r| {
        r.get(stock::reports::labels)
    });
    guarded(cfg, "/stock/assets/{id}", Access::STOCK, |r| {
        r.get(stock::asset::show)
    });
    guarded(cfg, "/stock/assets/{id}/{action}", Access::STOCK, |r| {
        r.post(stock::asset::act)
    });
    guarded(cfg, "/stock/items/{id}", Access::STOCK, |r| {
        r.get(stock::item::show)
    });
    guarded(cfg, "/stock/items/{id}/adjust", Access::STOCK, |r| {
        r.post(stock::item::adjust)
    });
    guarded(cfg, "/admin/catalogue", Access::MANAGEMENT, |r| {
        r.get(admin::catalogue::show)
    });
    guarded(cfg, "/admin/catalogue/services", Access::MANAGEMENT, |r| {
        r.post(admin::catalogue::add_service)
    });
    guarded(
        cfg,
        "/admin/catalogue/services/{id}/active",
        Access::MANAGEMENT,
        |r| r.post(admin::catalogue::set_service_active),
    );
    guarded(cfg, "/admin/catalogue/bays", Access::MANAGEMENT, |r| {
        r.post(admin::catalogue::add_bay)
    });
}

/// Security headers on every response, error pages included. The policy allows no inline
/// script and no framing.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"))
}

/// `303 See Other` to `location`: the answer to every successful form post.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header(("Location", location.to_string()))
        .finish()
}

/// A rendered page with `status` (forms shown again with messages use 422).
pub fn html(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}
