//! HTTP: one module per area, one handler (or GET/POST pair) per file.

pub mod access;
pub mod admin;
pub mod answer;
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

pub use answer::refusal;

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
    guarded(cfg, "/tickets/{id}/status", Access::WORKSHOP, |r| {
        r.post(tickets::move_on::move_ticket)
    });
    guarded(cfg, "/tickets/{id}/assign", Access::WORKSHOP, |r| {
        r.post(tickets::assign::assign_ticket)
    });
    guarded(cfg, "/tickets/{id}/line", Access::WORKSHOP, |r| {
        r.post(tickets::add_line::add_ticket_line)
    });
    guarded(cfg, "/tickets/{id}/remove", Access::WORKSHOP, |r| {
        r.post(tickets::remove_line::remove_ticket_line)
    });
    guarded(cfg, "/tickets/{id}/note", Access::WORKSHOP, |r| {
        r.post(tickets::note::add_note)
    });
    guarded(cfg, "/tickets/{id}/estimate", Access::WORKSHOP, |r| {
        r.post(tickets::estimate::send_estimate)
    });
    guarded(cfg, "/tickets/{id}/approval", Access::WORKSHOP, |r| {
        r.post(tickets::approval::record_approval)
    });
    guarded(cfg, "/tickets/{id}/clock", Access::WORKSHOP, |r| {
        r.post(tickets::clock::start_clock)
    });
    guarded(cfg, "/tickets/{id}/clock/stop", Access::WORKSHOP, |r| {
        r.post(tickets::clock::stop_clock)
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
    guarded(cfg, "/preorders/{id}/deposit", Access::FRONT_DESK, |r| {
        r.post(preorders::take_deposit)
    });
    guarded(cfg, "/preorders/{id}/status", Access::FRONT_DESK, |r| {
        r.post(preorders::move_preorder)
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
    guarded(cfg, "/claims/{id}/approve", Access::FRONT_DESK, |r| {
        r.post(warranties::approve_claim)
    });
    guarded(cfg, "/claims/{id}/deny", Access::FRONT_DESK, |r| {
        r.post(warranties::deny_claim)
    });
    guarded(cfg, "/claims/{id}/complete", Access::FRONT_DESK, |r| {
        r.post(warranties::complete_claim)
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
    guarded(cfg, "/floor", Access::WORKSHOP, |r| {
        r.get(floor::jobs::show)
    });
    guarded(cfg, "/floor/{id}", Access::WORKSHOP, |r| {
        r.get(floor::job::show)
    });
    guarded(cfg, "/floor/{id}/status", Access::WORKSHOP, |r| {
        r.post(floor::move_on::move_job)
    });
    guarded(cfg, "/floor/{id}/part", Access::WORKSHOP, |r| {
        r.post(floor::part::add_part)
    });
    guarded(cfg, "/floor/{id}/note", Access::WORKSHOP, |r| {
        r.post(floor::note::add_note)
    });
    guarded(cfg, "/floor/{id}/clock", Access::WORKSHOP, |r| {
        r.post(floor::clock::start_clock)
    });
    guarded(cfg, "/floor/{id}/clock/stop", Access::WORKSHOP, |r| {
        r.post(floor::clock::stop_clock)
    });
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
    guarded(cfg, "/invoices/{id}/lines/asset", Access::INVOICING, |r| {
        r.post(invoices::lines::add_unit_line)
    });
    guarded(cfg, "/invoices/{id}/lines/stock", Access::INVOICING, |r| {
        r.post(invoices::lines::add_stock_line)
    });
    guarded(
        cfg,
        "/invoices/{id}/lines/service",
        Access::INVOICING,
        |r| r.post(invoices::lines::add_service_line),
    );
    guarded(cfg, "/invoices/{id}/lines/labour", Access::INVOICING, |r| {
        r.post(invoices::lines::add_labour_line)
    });
    guarded(cfg, "/invoices/{id}/lines/fee", Access::INVOICING, |r| {
        r.post(invoices::lines::add_fee_line)
    });
    guarded(
        cfg,
        "/invoices/{id}/lines/discount",
        Access::INVOICING,
        |r| r.post(invoices::lines::add_discount_line),
    );
    guarded(cfg, "/invoices/{id}/remove", Access::INVOICING, |r| {
        r.post(invoices::lines::remove_line)
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
    guarded(cfg, "/invoices/{id}/issue", Access::INVOICING, |r| {
        r.post(invoices::money::issue_invoice)
    });
    guarded(cfg, "/invoices/{id}/payments", Access::INVOICING, |r| {
        r.post(invoices::money::record_payment)
    });
    guarded(cfg, "/invoices/{id}/void", Access::INVOICING, |r| {
        r.post(invoices::money::void_invoice)
    });
    guarded(cfg, "/stock", Access::STOCK, |r| r.get(stock::items::show));
    guarded(cfg, "/stock/assets", Access::STOCK, |r| {
        r.get(stock::assets::show)
    });
    guarded(cfg, "/stock/catalogue", Access::STOCK, |r| {
        r.get(stock::catalogue::show)
    });
    guarded(cfg, "/stock/catalogue/model", Access::STOCK, |r| {
        r.post(stock::catalogue::add_model)
    });
    guarded(cfg, "/stock/catalogue/item", Access::STOCK, |r| {
        r.post(stock::catalogue::add_item)
    });
    guarded(cfg, "/stock/catalogue/vendor", Access::STOCK, |r| {
        r.post(stock::catalogue::add_vendor)
    });
    guarded(cfg, "/stock/intake", Access::STOCK, |r| {
        r.get(stock::intake::show)
    });
    guarded(cfg, "/stock/intake/scan", Access::STOCK, |r| {
        r.post(stock::intake::scan_unit)
    });
    guarded(cfg, "/stock/intake/bulk", Access::STOCK, |r| {
        r.post(stock::intake::add_bulk)
    });
    guarded(cfg, "/stock/intake/costs", Access::STOCK, |r| {
        r.post(stock::intake::set_costs)
    });
    guarded(cfg, "/stock/intake/remove", Access::STOCK, |r| {
        r.post(stock::intake::remove_intake_line)
    });
    guarded(cfg, "/stock/intake/attach", Access::STOCK, |r| {
        r.post(stock::intake::attach_order)
    });
    guarded(cfg, "/stock/intake/commit", Access::STOCK, |r| {
        r.post(stock::intake::commit_delivery)
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
    guarded(cfg, "/stock/orders/{id}/line", Access::PURCHASING, |r| {
        r.post(stock::orders::add_order_line)
    });
    guarded(cfg, "/stock/orders/{id}/remove", Access::PURCHASING, |r| {
        r.post(stock::orders::remove_order_line)
    });
    guarded(cfg, "/stock/orders/{id}/place", Access::PURCHASING, |r| {
        r.post(stock::orders::place_order)
    });
    guarded(cfg, "/stock/orders/{id}/cancel", Access::PURCHASING, |r| {
        r.post(stock::orders::cancel_order)
    });
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
    guarded(cfg, "/stock/assets/{id}/status", Access::STOCK, |r| {
        r.post(stock::asset::move_asset)
    });
    guarded(cfg, "/stock/assets/{id}/diagnostics", Access::STOCK, |r| {
        r.post(stock::asset::record_diagnostics)
    });
    guarded(cfg, "/stock/assets/{id}/wipe", Access::STOCK, |r| {
        r.post(stock::asset::record_wipe)
    });
    guarded(cfg, "/stock/assets/{id}/grade", Access::STOCK, |r| {
        r.post(stock::asset::grade_asset)
    });
    guarded(cfg, "/stock/assets/{id}/location", Access::STOCK, |r| {
        r.post(stock::asset::relocate_asset)
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
