//! The route table: every path, who may use it and the handler of each method, one line a path
//! and one handler per action. A guarded path names an [`Access`] (the roles that may use it and
//! whether it works within the active branch); anything else gets 403. A `PUBLIC` path needs no
//! sign-in. The navigation asks the same `Access` values (`PageCtx::may`). Routes match in order.

use actix_web::middleware::from_fn;
use actix_web::web;

use super::access::{self, Access};
use super::*;

/// `route!(cfg, PATH, ACCESS, method handler, …)`: registers PATH for the roles ACCESS names
/// (or `PUBLIC`), with the handler of each method.
macro_rules! route {
    ($cfg:ident, $path:literal, PUBLIC, $($method:ident $handler:path),+) => {
        $cfg.service(web::resource($path)$(.route(web::$method().to($handler)))+)
    };
    ($cfg:ident, $path:literal, $access:ident $(.$across:ident())?, $($method:ident $handler:path),+) => {
        $cfg.service(
            web::resource($path)
                $(.route(web::$method().to($handler)))+
                .wrap(from_fn(move |req, next| {
                    access::require(Access::$access$(.$across())?, req, next)
                })),
        )
    };
}

/// Every route of the application.
#[rustfmt::skip]
pub fn routes(cfg: &mut web::ServiceConfig) {
    use admin::{audit_list, branch_edit, branch_list, branch_logo, branch_new, user_edit, user_list, user_new};
    use auth::{branch_switch, login, logout, password};

    route!(cfg, "/login", PUBLIC, get login::form, post login::submit);
    route!(cfg, "/healthz", PUBLIC, get health::check);
    route!(cfg, "/metrics", PUBLIC, get metrics::show);
    route!(cfg, "/static/{file}", PUBLIC, get static_files::serve);
    route!(cfg, "/approve/{token}", PUBLIC, get approve::show, post approve::answer);
    route!(cfg, "/status/{token}", PUBLIC, get status_page::show);
    route!(cfg, "/unsubscribe/{token}", PUBLIC, get unsubscribe::show, post unsubscribe::submit);
    route!(cfg, "/receipt/{token}", PUBLIC, get invoices::print::public);
    route!(cfg, "/logo/{branch}", PUBLIC, get customer_view::logo);
    route!(cfg, "/", SIGNED_IN, get home::show);
    route!(cfg, "/logout", SIGNED_IN.across_branches(), post logout::submit);
    route!(cfg, "/account/password", SIGNED_IN.across_branches(), get password::form, post password::submit);
    route!(cfg, "/notifications", SIGNED_IN, get notifications::list);
    route!(cfg, "/notifications/unread", SIGNED_IN, get notifications::unread);
    route!(cfg, "/notifications/read", SIGNED_IN, post notifications::read_all);
    route!(cfg, "/notifications/{id}/open", SIGNED_IN, post notifications::open);
    route!(cfg, "/branch", SIGNED_IN.across_branches(), post branch_switch::submit);
    route!(cfg, "/admin/branches", ADMIN, get branch_list::show);
    route!(cfg, "/admin/branches/new", ADMIN, get branch_new::form, post branch_new::submit);
    route!(cfg, "/admin/branches/{id}", ADMIN, get branch_edit::form, post branch_edit::submit);
    route!(cfg, "/admin/branches/{id}/logo", ADMIN, post branch_logo::submit);
    route!(cfg, "/admin/users", MANAGEMENT, get user_list::show);
    route!(cfg, "/admin/users/new", MANAGEMENT, get user_new::form, post user_new::submit);
    route!(cfg, "/admin/users/{id}", MANAGEMENT, get user_edit::form, post user_edit::submit);
    route!(cfg, "/admin/users/{id}/status", MANAGEMENT, get user_edit::confirm_status, post user_edit::set_status);
    route!(cfg, "/admin/users/{id}/password", MANAGEMENT, get user_edit::reset_form, post user_edit::reset_submit);
    route!(cfg, "/admin/audit", MANAGEMENT, get audit_list::show);
    route!(cfg, "/search", SIGNED_IN, get search::show);
    route!(cfg, "/customers", FRONT_DESK, get customers::list::show);
    route!(cfg, "/customers/new", FRONT_DESK, get customers::new::form, post customers::new::submit);
    route!(cfg, "/exports", FIGURES, get exports::show);
    route!(cfg, "/exports/accounting.csv", FIGURES, get exports::accounting_csv);
    route!(cfg, "/exports/customers.csv", MANAGEMENT, get exports::customers_csv);
    route!(cfg, "/exports/stock.csv", FIGURES, get exports::stock_csv);
    route!(cfg, "/exports/units.csv", FIGURES, get exports::units_csv);
    route!(cfg, "/messages", MANAGEMENT, get messages::list);
    route!(cfg, "/admin/messages", MANAGEMENT, get admin::templates::list);
    route!(cfg, "/admin/messages/{event}", MANAGEMENT, get admin::templates::form, post admin::templates::submit);
    route!(cfg, "/messages/{id}/retry", MANAGEMENT, post messages::retry);
    route!(cfg, "/messages/{id}/cancel", MANAGEMENT, post messages::cancel);
    route!(cfg, "/campaigns", MANAGEMENT, get campaigns::list, post campaigns::send);
    route!(cfg, "/campaigns/new", MANAGEMENT, get campaigns::new);
    route!(cfg, "/imports", MANAGEMENT, get imports::list, post imports::upload);
    route!(cfg, "/imports/{id}", MANAGEMENT, get imports::show::show, post imports::show::submit);
    route!(cfg, "/imports/{id}/progress", MANAGEMENT, get imports::show::progress);
    route!(cfg, "/customers/duplicates", MANAGEMENT, get customers::merge::duplicates);
    route!(cfg, "/customers/merge", MANAGEMENT, get customers::merge::merge_form, post customers::merge::merge_submit);
    route!(cfg, "/customers/{id}", FRONT_DESK, get customers::show::show);
    route!(cfg, "/records/{kind:customer|vehicle|device|contact}/{id}", FRONT_DESK, get records::edit_form, post records::edit_submit);
    route!(cfg, "/records/{kind:service|bay|product_model|stock_item}/{id}", MANAGEMENT, get records::edit_form, post records::edit_submit);
    route!(cfg, "/records/{kind:vendor|location}/{id}", PURCHASING, get records::edit_form, post records::edit_submit);
    route!(cfg, "/customers/{id}/vehicles", FRONT_DESK, post customers::vehicle_add::submit);
    route!(cfg, "/customers/{id}/devices", FRONT_DESK, post customers::extras::add_device);
    route!(cfg, "/customers/{id}/contacts", FRONT_DESK, post customers::extras::add_contact);
    route!(cfg, "/customers/{id}/archive", FRONT_DESK, get customers::archive::confirm_archive, post customers::archive::archive);
    route!(cfg, "/customers/{id}/data.json", MANAGEMENT, get customers::data::bundle);
    route!(cfg, "/customers/{id}/erase", ADMIN, get customers::archive::confirm_erase, post customers::archive::erase);
    route!(cfg, "/customers/{id}/walk-in", FRONT_DESK, post customers::walk_in::submit);
    route!(cfg, "/customers/{id}/message", FRONT_DESK, get customers::message::form, post customers::message::send);
    route!(cfg, "/calendar", FRONT_DESK, get calendar::day);
    route!(cfg, "/calendar/week", FRONT_DESK, get calendar::week);
    route!(cfg, "/bookings/new", FRONT_DESK, get bookings::new::form, post bookings::new::submit);
    route!(cfg, "/bookings/{id}", FRONT_DESK, get bookings::show::show);
    route!(cfg, "/bookings/{id}/status", FRONT_DESK, post bookings::status::submit);
    route!(cfg, "/bookings/{id}/reschedule", FRONT_DESK, post bookings::reschedule::submit);
    route!(cfg, "/bookings/{id}/check-in", FRONT_DESK, post bookings::check_in::submit);
    route!(cfg, "/tickets", WORKSHOP, get tickets::board::show);
    route!(cfg, "/tickets/all", WORKSHOP, get tickets::list::show);
    route!(cfg, "/tickets/{id}", WORKSHOP, get tickets::show::show);
    route!(cfg, "/tickets/{id}/invoice", INVOICING, post invoices::new::from_ticket);
    route!(cfg, "/tickets/{id}/status", WORKSHOP, post tickets::move_on::move_ticket);
    route!(cfg, "/tickets/{id}/assign", WORKSHOP, post tickets::assign::assign_ticket);
    route!(cfg, "/tickets/{id}/line", WORKSHOP, post tickets::add_line::add_ticket_line);
    route!(cfg, "/tickets/{id}/remove", WORKSHOP, post tickets::remove_line::remove_ticket_line);
    route!(cfg, "/tickets/{id}/note", WORKSHOP, post tickets::note::add_note);
    route!(cfg, "/tickets/{id}/waits", WORKSHOP, post tickets::waits::add_wait);
    route!(cfg, "/tickets/{id}/waits/cancel", WORKSHOP, post tickets::waits::cancel_wait);
    route!(cfg, "/tickets/{id}/estimate", WORKSHOP, post tickets::estimate::send_estimate);
    route!(cfg, "/tickets/{id}/estimate/resend", WORKSHOP, post tickets::links::resend_estimate);
    route!(cfg, "/tickets/{id}/status-link", WORKSHOP, post tickets::links::make_status_link);
    route!(cfg, "/tickets/{id}/status-link/send", WORKSHOP, post tickets::links::send_status_link);
    route!(cfg, "/tickets/{id}/status-link/revoke", WORKSHOP, post tickets::links::revoke_status_link);
    route!(cfg, "/tickets/{id}/approval", WORKSHOP, post tickets::approval::record_approval);
    route!(cfg, "/tickets/{id}/clock", WORKSHOP, post tickets::clock::start_clock);
    route!(cfg, "/tickets/{id}/clock/stop", WORKSHOP, post tickets::clock::stop_clock);
    route!(cfg, "/tickets/{id}/job-sheet", WORKSHOP, get tickets::print::job_sheet);
    route!(cfg, "/tickets/{id}/claim-tag", WORKSHOP, get tickets::print::claim_tag);
    route!(cfg, "/tickets/{id}/estimate/print", WORKSHOP, get tickets::print::estimate);
    route!(cfg, "/tickets/{id}/signature.png", WORKSHOP, get tickets::print::signature);
    route!(cfg, "/preorders", FRONT_DESK, get preorders::list);
    route!(cfg, "/preorders/new", FRONT_DESK, get preorders::new_form, post preorders::create);
    route!(cfg, "/preorders/{id}", FRONT_DESK, get preorders::show);
    route!(cfg, "/preorders/{id}/deposit", FRONT_DESK, post preorders::take_deposit);
    route!(cfg, "/preorders/{id}/status", FRONT_DESK, post preorders::move_preorder);
    route!(cfg, "/warranties", FRONT_DESK, get warranties::find);
    route!(cfg, "/warranties/{id}", FRONT_DESK, get warranties::show);
    route!(cfg, "/warranties/{id}/claim", FRONT_DESK, post warranties::submit);
    route!(cfg, "/claims/{id}", FRONT_DESK, get warranties::claim);
    route!(cfg, "/claims/{id}/approve", FRONT_DESK, post warranties::approve_claim);
    route!(cfg, "/claims/{id}/deny", FRONT_DESK, post warranties::deny_claim);
    route!(cfg, "/claims/{id}/complete", FRONT_DESK, post warranties::complete_claim);
    route!(cfg, "/dashboards/sales", DASHBOARDS, get dashboards::sales);
    route!(cfg, "/dashboards/sales.csv", DASHBOARDS, get dashboards::sales_csv);
    route!(cfg, "/dashboards/customers", DASHBOARDS, get dashboards::customers);
    route!(cfg, "/dashboards/customers.csv", DASHBOARDS, get dashboards::customers_csv);
    route!(cfg, "/dashboards/inventory", DASHBOARDS, get dashboards::inventory);
    route!(cfg, "/dashboards/inventory.csv", DASHBOARDS, get dashboards::inventory_csv);
    route!(cfg, "/dashboards/technicians", DASHBOARDS, get dashboards::technicians);
    route!(cfg, "/dashboards/lead-sources", DASHBOARDS, get dashboards::lead_sources);
    route!(cfg, "/dashboards/lead-sources.csv", DASHBOARDS, get dashboards::lead_sources_csv);
    route!(cfg, "/dashboards/technicians.csv", DASHBOARDS, get dashboards::technicians_csv);
    route!(cfg, "/dashboards/preorders", DASHBOARDS, get dashboards::preorders);
    route!(cfg, "/dashboards/preorders.csv", DASHBOARDS, get dashboards::preorders_csv);
    route!(cfg, "/dashboards/services", DASHBOARDS, get dashboards::services);
    route!(cfg, "/dashboards/services.csv", DASHBOARDS, get dashboards::services_csv);
    route!(cfg, "/dashboards/branches", DASHBOARDS, get dashboards::branches_page);
    route!(cfg, "/dashboards/branches.csv", DASHBOARDS, get dashboards::branches_csv);
    route!(cfg, "/dashboards/refresh", FIGURES, post dashboards::refresh);
    route!(cfg, "/floor", WORKSHOP, get floor::jobs::show);
    route!(cfg, "/floor/{id}", WORKSHOP, get floor::job::show);
    route!(cfg, "/floor/{id}/status", WORKSHOP, post floor::move_on::move_job);
    route!(cfg, "/floor/{id}/part", WORKSHOP, post floor::part::add_part);
    route!(cfg, "/floor/{id}/note", WORKSHOP, post floor::note::add_note);
    route!(cfg, "/floor/{id}/waits", WORKSHOP, post floor::waits::add_wait);
    route!(cfg, "/floor/{id}/waits/cancel", WORKSHOP, post floor::waits::cancel_wait);
    route!(cfg, "/floor/{id}/undo", WORKSHOP, post floor::lines::undo_line);
    route!(cfg, "/floor/{id}/estimate", WORKSHOP, post floor::lines::send_estimate);
    route!(cfg, "/floor/{id}/clock", WORKSHOP, post floor::clock::start_clock);
    route!(cfg, "/floor/{id}/clock/stop", WORKSHOP, post floor::clock::stop_clock);
    route!(cfg, "/time", MANAGEMENT, get tickets::time::show);
    route!(cfg, "/time/{id}/approve", MANAGEMENT, post tickets::time::approve);
    route!(cfg, "/invoices", INVOICING, get invoices::list::show);
    route!(cfg, "/invoices/cash-up", INVOICING, get invoices::cash_up::show);
    route!(cfg, "/invoices/cash-up/close", INVOICING, post invoices::cash_up::close);
    route!(cfg, "/invoices/new", INVOICING, get invoices::new::show, post invoices::new::create);
    route!(cfg, "/invoices/{id}", INVOICING, get invoices::show::show);
    route!(cfg, "/invoices/{id}/lines/asset", INVOICING, post invoices::lines::add_unit_line);
    route!(cfg, "/invoices/{id}/lines/stock", INVOICING, post invoices::lines::add_stock_line);
    route!(cfg, "/invoices/{id}/lines/service", INVOICING, post invoices::lines::add_service_line);
    route!(cfg, "/invoices/{id}/lines/labour", INVOICING, post invoices::lines::add_labour_line);
    route!(cfg, "/invoices/{id}/lines/fee", INVOICING, post invoices::lines::add_fee_line);
    route!(cfg, "/invoices/{id}/lines/discount", INVOICING, post invoices::lines::add_discount_line);
    route!(cfg, "/invoices/{id}/remove", INVOICING, post invoices::lines::remove_line);
    route!(cfg, "/invoices/{id}/refund", INVOICING, get invoices::refund::show, post invoices::refund::submit);
    route!(cfg, "/invoices/{id}/print", INVOICING, get invoices::print::a4);
    route!(cfg, "/invoices/{id}/receipt", INVOICING, get invoices::print::receipt);
    route!(cfg, "/invoices/{id}/send-receipt", INVOICING, post invoices::print::send_receipt);
    route!(cfg, "/invoices/{id}/issue", INVOICING, post invoices::money::issue_invoice);
    route!(cfg, "/invoices/{id}/payments", INVOICING, post invoices::money::record_payment);
    route!(cfg, "/invoices/{id}/void", INVOICING, post invoices::money::void_invoice);
    route!(cfg, "/stock", STOCK, get stock::items::show);
    route!(cfg, "/stock/assets", STOCK, get stock::assets::show);
    route!(cfg, "/stock/catalogue", STOCK, get stock::catalogue::show);
    route!(cfg, "/stock/catalogue/model", STOCK, post stock::catalogue::add_model);
    route!(cfg, "/stock/catalogue/item", STOCK, post stock::catalogue::add_item);
    route!(cfg, "/stock/catalogue/vendor", STOCK, post stock::catalogue::add_vendor);
    route!(cfg, "/stock/intake", STOCK, get stock::intake::show);
    route!(cfg, "/stock/intake/scan", STOCK, post stock::intake::scan_unit);
    route!(cfg, "/stock/intake/paste", STOCK, post stock::intake::paste_units);
    route!(cfg, "/stock/intake/bulk", STOCK, post stock::intake::add_bulk);
    route!(cfg, "/stock/intake/costs", STOCK, post stock::intake::set_costs);
    route!(cfg, "/stock/intake/remove", STOCK, post stock::intake::remove_intake_line);
    route!(cfg, "/stock/intake/attach", STOCK, post stock::intake::attach_order);
    route!(cfg, "/stock/intake/commit", STOCK, post stock::intake::commit_delivery);
    route!(cfg, "/stock/intake/deliveries", STOCK, get stock::intake::deliveries);
    route!(cfg, "/stock/intake/deliveries/{id}", STOCK, get stock::intake::delivery);
    route!(cfg, "/stock/intake/deliveries/{id}/labels", STOCK, get stock::intake::delivery_labels);
    route!(cfg, "/stock/orders", PURCHASING, get stock::orders::list);
    route!(cfg, "/stock/orders/new", PURCHASING, get stock::orders::new_form, post stock::orders::create);
    route!(cfg, "/stock/orders/{id}", PURCHASING, get stock::orders::show);
    route!(cfg, "/stock/orders/{id}/line", PURCHASING, post stock::orders::add_order_line);
    route!(cfg, "/stock/orders/{id}/remove", PURCHASING, post stock::orders::remove_order_line);
    route!(cfg, "/stock/orders/{id}/place", PURCHASING, post stock::orders::place_order);
    route!(cfg, "/stock/orders/{id}/cancel", PURCHASING, post stock::orders::cancel_order);
    route!(cfg, "/stock/transfers", PURCHASING, get stock::transfers::list);
    route!(cfg, "/stock/transfers/new", PURCHASING, get stock::transfers::new_form, post stock::transfers::create);
    route!(cfg, "/stock/transfers/{id}", PURCHASING, get stock::transfers::show);
    route!(cfg, "/stock/transfers/{id}/receive", PURCHASING, post stock::transfers::receive);
    route!(cfg, "/stock/aging", STOCK, get stock::reports::aging);
    route!(cfg, "/stock/labels", STOCK, get stock::reports::labels);
    route!(cfg, "/stock/assets/{id}", STOCK, get stock::asset::show);
    route!(cfg, "/stock/assets/{id}/status", STOCK, post stock::asset::move_asset);
    route!(cfg, "/stock/assets/{id}/diagnostics", STOCK, post stock::asset::record_diagnostics);
    route!(cfg, "/stock/assets/{id}/wipe", STOCK, post stock::asset::record_wipe);
    route!(cfg, "/stock/assets/{id}/wipe-certificate", STOCK, get stock::asset::wipe_certificate);
    route!(cfg, "/stock/assets/{id}/grade", STOCK, post stock::asset::grade_asset);
    route!(cfg, "/stock/assets/{id}/location", STOCK, post stock::asset::relocate_asset);
    route!(cfg, "/stock/items/{id}", STOCK, get stock::item::show);
    route!(cfg, "/stock/items/{id}/adjust", STOCK, post stock::item::adjust);
    route!(cfg, "/admin/catalogue", MANAGEMENT, get admin::catalogue::show);
    route!(cfg, "/admin/catalogue/services", MANAGEMENT, post admin::catalogue::add_service);
    route!(cfg, "/admin/catalogue/services/{id}/active", MANAGEMENT, post admin::catalogue::set_service_active);
    route!(cfg, "/admin/catalogue/bays", MANAGEMENT, post admin::catalogue::add_bay);
}
