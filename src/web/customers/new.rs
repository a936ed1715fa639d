//! `GET/POST /customers/new`: a new customer with an optional first vehicle. Likely duplicates
//! (same phone or email) are shown before saving; the receptionist confirms or picks the match.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::domain::customer::{CustomerDraft, CustomerInput};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::customers;
use crate::web::access::Staff;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The new-customer form.
#[derive(Template)]
#[template(path = "customers/new.html")]
pub struct NewCustomerPage {
    page: PageCtx,
    draft: CustomerDraft,
    errors: FieldErrors,
    lead_sources: Vec<(i64, String)>,
    duplicates: Vec<Customer>,
}

impl NewCustomerPage {
    fn is_lead(&self, id: &i64) -> bool {
        self.draft.lead_source_id == id.to_string()
    }
}

/// An empty form.
pub async fn form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lead_sources = db(&state.pool, &staff.actor(), customers::lead_sources).await?;
    let draft = CustomerDraft {
        kind: "person".into(),
        segment: "retail".into(),
        ..Default::default()
    };
    let page = NewCustomerPage {
        page: PageCtx::for_request(&req),
        draft,
        errors: FieldErrors::new(),
        lead_sources,
        duplicates: Vec::new(),
    };
    html(StatusCode::OK, &page)
}

/// Saves the customer, or shows the form again (with messages, or with the likely duplicates).
pub async fn submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<CustomerDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = form.into_inner();
    let input = CustomerInput::parse(&draft);
    let confirmed = draft.confirm_duplicate.is_some();
    let (by, branch_id, country) = (staff.by(), staff.branch.id, staff.branch.country.clone());
    let outcome = db(&state.pool, &staff.actor(), move |conn| {
        let input = match input {
            Ok(input) => input,
            Err(errors) => return Ok(Err((errors, Vec::new()))),
        };
        if !confirmed {
            let (name, phone, email) = (&input.name, &input.phone, &input.email);
            let dups = customers::likely_duplicates(conn, name, phone, email, &country)?;
            if !dups.is_empty() {
                return Ok(Err((FieldErrors::new(), dups)));
            }
        }
        match customers::create(conn, &input, branch_id, &by) {
            Ok(c) => Ok(Ok(c)),
            Err(crate::repo::RepoError::Validation(errors)) => Ok(Err((errors, Vec::new()))),
            Err(e) => Err(e),
        }
    })
    .await?;
    match outcome {
        Ok(customer) => {
            push_flash(
                &req,
                Flash::success(format!("Customer {} saved.", customer.name)),
            );
            Ok(see_other(&format!("/customers/{}", customer.id)))
        }
        Err((errors, duplicates)) => {
            let lead_sources = db(&state.pool, &staff.actor(), customers::lead_sources).await?;
            let page = NewCustomerPage {
                page: PageCtx::for_request(&req),
                draft,
                errors,
                lead_sources,
                duplicates,
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
