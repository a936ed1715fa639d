//! `/invoices/new`: find the customer (or sell to a walk-in), then a draft is started.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::invoices::{self, NewInvoice};
use crate::repo::{customers, staff};
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html, see_other};

/// The page.
#[derive(Template)]
#[template(path = "invoices/new.html")]
pub struct NewInvoicePage {
    page: PageCtx,
    q: String,
    found: Vec<Customer>,
    chosen: Option<Customer>,
    lead_sources: Vec<(i64, String)>,
    people: Vec<(i64, String)>,
    form: DraftForm,
    errors: FieldErrors,
}

impl NewInvoicePage {
    fn person_selected(&self, id: &i64) -> bool {
        self.form.sales_person_id == id.to_string()
    }
    fn source_selected(&self, name: &str) -> bool {
        self.form.lead_source == name
    }
}

/// The draft's header as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    walk_in_name: String,
    #[serde(default)]
    lead_source: String,
    #[serde(default)]
    sales_person_id: String,
    #[serde(default)]
    note: String,
}

/// Query string: a search, or a customer chosen already.
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    customer_id: Option<i64>,
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    q: String,
    form: DraftForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let search = q.clone();
    let country = staff.branch.country.clone();
    let chosen_id = form.customer_id.parse::<i64>().ok();
    let (found, chosen, lead_sources, people) = db(&state.pool, &staff.actor(), move |conn| {
        let found = if search.trim().is_empty() {
            Vec::new()
        } else {
            customers::search(conn, &search, &country, 0, 10)?.0
        };
        let chosen = match chosen_id {
            Some(id) => customers::get(conn, id).ok(),
            None => None,
        };
        Ok((
            found,
            chosen,
            customers::lead_sources(conn)?,
            staff::choices_at(conn, branch)?,
        ))
    })
    .await?;
    html(
        code,
        &NewInvoicePage {
            page: PageCtx::for_request(req),
            q,
            found,
            chosen,
            lead_sources,
            people,
            form,
            errors,
        },
    )
}

/// `GET /invoices/new`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let NewQuery { q, customer_id } = query.into_inner();
    let form = DraftForm {
        customer_id: customer_id.map(|c| c.to_string()).unwrap_or_default(),
        sales_person_id: staff.id.to_string(),
        ..Default::default()
    };
    render(
        &req,
        &staff,
        &state,
        q,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /invoices/new`: starts the draft and opens it.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<DraftForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = NewInvoice {
        customer_id: form.customer_id.parse().ok(),
        walk_in_name: form.walk_in_name.clone(),
        lead_source: form.lead_source.clone(),
        sales_person_id: form.sales_person_id.parse().ok(),
        note: form.note.clone(),
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        invoices::create_draft(conn, branch, &input, &by)
    })
    .await;
    let next = |id| Next::quietly(format!("/invoices/{id}"));
    answer::then(&req, result, FORM, next, |errors, status| {
        render(&req, &staff, &state, String::new(), form, errors, status)
    })
    .await
}

/// `POST /tickets/{id}/invoice`: the ticket's draft invoice (started with its lines, or the one
/// already started).
pub async fn from_ticket(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, by, ticket) = (staff.branch.id, staff.by(), id.into_inner());
    let invoice = db(&state.pool, &staff.actor(), move |conn| {
        invoices::draft_from_ticket(conn, branch, ticket, &by)
    })
    .await?;
    Ok(see_other(&format!("/invoices/{invoice}")))
}
