//! `POST /tickets/{id}/approval`: the customer's answer to the estimate, taken at the counter or
//! on the phone.

use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::tickets;
use crate::web::AppState;
use crate::web::access::Staff;

/// `POST /tickets/{id}/approval`.
pub async fn record_approval(
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
        move |c, w, f| {
            let approved = match f.decision.as_str() {
                "approved" => true,
                "declined" => false,
                _ => {
                    return Err(
                        FieldErrors::single("decision", "Choose approved or declined.").into(),
                    );
                }
            };
            let (who, how) = (&f.approval_by, &f.approval_method);
            tickets::record_approval(c, w.branch, id, approved, who, how, &w.by)?;
            Ok(Done::said(if approved {
                "Approved: the ticket is in repair."
            } else {
                "Declined: the ticket is ready to return unrepaired."
            }))
        },
    )
    .await
}
