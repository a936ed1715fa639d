//! `POST /invoices/{id}/lines/{kind}`, one route per kind of line, and
//! `POST /invoices/{id}/remove`: a draft's lines, priced on the server. A scan comes back with
//! the code field empty and focused.

use actix_web::{HttpRequest, HttpResponse, web};
use bigdecimal::BigDecimal;

use crate::db::db;
use crate::domain::form;
use crate::domain::invoice::WarrantyTier;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::invoices::{self, NewLine};
use crate::web::AppState;
use crate::web::access::Staff;

use super::show::{InvoiceForm, refused_or};

pub(super) fn tier(raw: &str) -> Option<WarrantyTier> {
    raw.parse().ok()
}

/// Adds the line `build` makes of the form to the draft, or shows the page again with what is
/// wrong. A scan comes back with the code field empty and focused.
async fn add_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: InvoiceForm,
    build: fn(&InvoiceForm, &mut FieldErrors) -> NewLine,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let line = build(&form, &mut errors);
    let result = match errors.into_result() {
        Err(errors) => Err(AppError::Validation(errors)),
        Ok(()) => {
            let branch = staff.branch.id;
            db(&state.pool, &staff.actor(), move |conn| {
                invoices::add_line(conn, branch, id, &line)
            })
            .await
        }
    };
    refused_or(
        &req,
        &staff,
        &state,
        id,
        form,
        result,
        format!("/invoices/{id}"),
    )
    .await
}

/// One handler per kind of line: `POST /invoices/{id}/lines/<kind>` adds the line its builder
/// makes of the form.
macro_rules! line_handler {
    ($(#[$doc:meta])* $name:ident => $build:ident) => {
        $(#[$doc])*
        pub async fn $name(
            req: HttpRequest,
            staff: Staff,
            state: web::Data<AppState>,
            id: web::Path<i64>,
            form: web::Form<InvoiceForm>,
        ) -> Result<HttpResponse, AppError> {
            add_line(req, staff, state, id.into_inner(), form.into_inner(), $build).await
        }
    };
}

line_handler!(
    /// `POST /invoices/{id}/lines/asset`: a unit by its tag or serial (the price from its grade unless typed).
    add_unit_line => unit_line
);

line_handler!(
    /// `POST /invoices/{id}/lines/stock`: a stock item by quantity.
    add_stock_line => stock_line
);

line_handler!(
    /// `POST /invoices/{id}/lines/service`: a service from the catalogue.
    add_service_line => service_line
);

line_handler!(
    /// `POST /invoices/{id}/lines/labour`: labour hours at a rate.
    add_labour_line => labour_line
);

line_handler!(
    /// `POST /invoices/{id}/lines/fee`: a fee.
    add_fee_line => fee_line
);

line_handler!(
    /// `POST /invoices/{id}/lines/discount`: a discount off the invoice.
    add_discount_line => discount_line
);

fn unit_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Asset {
        code: f.code.clone(),
        price: form::optional_amount(&f.price, "price", errors),
        tier: tier(&f.tier),
    }
}

fn stock_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Stock {
        stock_item_id: f.stock_item_id.parse().unwrap_or(0),
        quantity: f.quantity.trim().parse().unwrap_or_else(|_| {
            errors.add("quantity", "Enter how many (1 or more).");
            0
        }),
        price: form::optional_amount(&f.stock_price, "stock_price", errors),
        tier: tier(&f.stock_tier),
    }
}

fn service_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Service {
        service_id: f.service_id.parse().unwrap_or(0),
        price: form::optional_amount(&f.service_price, "service_price", errors),
    }
}

fn labour_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Labour {
        description: f.labour_description.clone(),
        hours: form::decimal(&f.hours).unwrap_or_else(|| {
            errors.add("hours", "Enter the hours, more than 0 (up to 999).");
            BigDecimal::from(0)
        }),
        rate: form::amount(&f.rate, "rate", errors),
    }
}

fn fee_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Fee {
        description: f.fee_description.clone(),
        amount: form::amount(&f.fee_amount, "fee_amount", errors),
    }
}

fn discount_line(f: &InvoiceForm, errors: &mut FieldErrors) -> NewLine {
    NewLine::Discount {
        description: f.discount_description.clone(),
        amount: form::amount(&f.discount_amount, "discount_amount", errors),
    }
}

/// `POST /invoices/{id}/remove`: takes a line off the draft.
pub async fn remove_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<InvoiceForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let (branch, line) = (staff.branch.id, form.line_id.parse().unwrap_or(0));
    let result = db(&state.pool, &staff.actor(), move |conn| {
        invoices::remove_line(conn, branch, id, line)
    })
    .await;
    refused_or(
        &req,
        &staff,
        &state,
        id,
        form,
        result,
        format!("/invoices/{id}"),
    )
    .await
}
