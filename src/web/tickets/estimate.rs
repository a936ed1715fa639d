//! `POST /tickets/{id}/estimate`: send the estimate for the customer's approval. The ticket page
//! then shows the signed link once, valid for seven days.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::PgConnection;

use super::answer::{self, Done};
use super::show::TicketForm;
use crate::error::AppError;
use crate::repo::{RepoError, tickets};
use crate::web::AppState;
use crate::web::access::Staff;
use crate::web::answer::Acting;

/// How long the customer's approval link works.
const LINK_DAYS: i64 = 7;

/// Sends ticket `id`'s estimate; the tablet uses it too. The link's token comes back for the
/// page to show.
pub(crate) fn send(
    conn: &mut PgConnection,
    w: &Acting,
    id: i64,
    f: &TicketForm,
    key: &[u8],
    tz: &str,
    base: &str,
) -> Result<Done, RepoError> {
    let days = chrono::Duration::days(LINK_DAYS);
    let url = |link, expires| {
        let token = crate::domain::approval_link::sign(key, link, expires);
        format!("{base}/approve/{token}")
    };
    let (link, expires, to) = tickets::send_estimate(
        conn,
        w.branch,
        id,
        f.shown_status(),
        &f.findings,
        days,
        Some(&url),
        &w.by,
    )?;
    let until = crate::domain::time::local_date(tz, expires);
    Ok(Done {
        message: match to {
            Some(to) => {
                format!("Estimate sent for approval to {to}; the link works until {until}.")
            }
            None => format!(
                "Estimate ready for approval; the link works until {until}. The customer has no \
                 email or phone on file: share the link or its QR code."
            ),
        },
        link: Some(crate::domain::approval_link::sign(key, link, expires)),
    })
}

/// `POST /tickets/{id}/estimate`.
pub async fn send_estimate(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (key, tz) = (state.link_key.clone(), staff.branch.timezone.clone());
    let base = super::show::base_url(&req);
    answer::desk(
        &req,
        &staff,
        &state,
        id,
        form.into_inner(),
        move |c, w, f| send(c, w, id, f, &key, &tz, &base),
    )
    .await
}
