//! `POST /logout`: ends the session (its row is deleted, so the old cookie is worthless).

use actix_session::Session;
use actix_web::{HttpResponse, web};

use crate::db::db;
use crate::error::AppError;
use crate::models::audit::NewAuditEntry;
use crate::repo::audit;
use crate::web::access::Staff;
use crate::web::{AppState, see_other};

/// Signs the user out.
pub async fn submit(
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, addr) = (staff.id, staff.client_addr.clone());
    db(&state.pool, &staff.actor(), move |conn| {
        audit::record(
            conn,
            NewAuditEntry::new("logout", "staff_user", Some(id.to_string()))
                .by(Some(id), addr.as_deref()),
        )
    })
    .await?;
    session.purge();
    Ok(see_other("/login?signed_out=1"))
}
