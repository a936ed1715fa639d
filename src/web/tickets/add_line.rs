//! `POST /tickets/{id}/line`: an estimate line (labour, part, fee) or a part by scanning its SKU
//! or serial.

use actix_web::{HttpRequest, HttpResponse, web};
use bigdecimal::BigDecimal;
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::domain::form;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::tickets::{self, NewTicketLine};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// Adds the posted line (a part when no kind is given); the tablet uses it too.
pub(crate) fn add_line(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
) -> Result<Done, RepoError> {
    let mut errors = FieldErrors::new();
    let quantity = match f.quantity.trim() {
        "" => BigDecimal::from(1),
        q => form::decimal(q).unwrap_or_else(|| {
            errors.add("quantity", "Enter a quantity above zero.");
            BigDecimal::from(0)
        }),
    };
    let unit_price = match f.unit_price.trim() {
        "" => None,
        p => form::optional_amount(p, "unit_price", &mut errors),
    };
    errors.into_result()?;
    let kind = if f.kind.is_empty() { "part" } else { &f.kind };
    let line = NewTicketLine {
        kind: kind.to_string(),
        description: f.description.clone(),
        quantity,
        unit_price,
        code: f.code.clone(),
        for_service_id: f.for_service_id.trim().parse().ok(),
    };
    Ok(match tickets::add_line(conn, w.branch, id, &line, &w.by)? {
        tickets::Added::Line {
            description,
            quantity,
            more: false,
        } => Done::said(format!("{description} ×{} added.", quantity.normalized())),
        tickets::Added::Line {
            description,
            quantity,
            more: true,
        } => Done::said(format!(
            "One more {description} added: ×{} on the job.",
            quantity.normalized()
        )),
        tickets::Added::Device(label) => {
            Done::said(format!("The ticket is for the customer's {label}."))
        }
    })
}

/// `POST /tickets/{id}/line`.
pub async fn add_ticket_line(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, f| add_line(c, w, id, f),
    )
    .await
}
