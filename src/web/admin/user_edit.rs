//! `/admin/users/{id}`: edit an account, disable or enable it (with a confirmation page), and
//! reset its password (with a confirmation page).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::user_form::{UserFormPage, branches_for, draft_of, steward};
use crate::db::db;
use crate::domain::staff::{StaffDraft, StaffInput, check_password};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::staff::StaffUser;
use crate::passwords;
use crate::repo::staff;
use crate::web::access::Staff;
use crate::web::answer::{self, Next, flash_back};
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The form filled with the stored account.
pub async fn form(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let s = steward(&admin);
    let roles = s.roles();
    let (user, branches) = db(&state.pool, &admin.actor(), move |conn| {
        Ok((staff::get_managed(conn, id, &s)?, branches_for(conn, &s)?))
    })
    .await?;
    let page = UserFormPage {
        page: PageCtx::for_request(&req),
        id: Some(id),
        active: user.active,
        draft: draft_of(&user),
        errors: FieldErrors::new(),
        branches,
        roles,
    };
    html(StatusCode::OK, &page)
}

/// Saves the account, or shows the form again with messages.
pub async fn submit(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StaffDraft>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let draft = form.into_inner();
    let result = match StaffInput::parse(&draft, false) {
        Ok(input) => {
            let (by, s) = (admin.by(), steward(&admin));
            db(&state.pool, &admin.actor(), move |conn| {
                staff::update(conn, id, &input, &s, &by)
            })
            .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let next =
        |user: StaffUser| Next::saying(format!("Account {} saved.", user.username), "/admin/users");
    // A refusal of the change as a whole (your own role) shows beside the role.
    let (r, st, admin_ref) = (&req, &state, &admin);
    answer::then(&req, result, "role", next, |errors, status| async move {
        let s = steward(admin_ref);
        let roles = s.roles();
        let (user, branches) = db(&st.pool, &admin_ref.actor(), move |conn| {
            Ok((staff::get_managed(conn, id, &s)?, branches_for(conn, &s)?))
        })
        .await?;
        let page = UserFormPage {
            page: PageCtx::for_request(r),
            id: Some(id),
            active: user.active,
            draft,
            errors,
            branches,
            roles,
        };
        html(status, &page)
    })
    .await
}

/// The confirmation page for disabling or enabling, and for resetting a password.
#[derive(Template)]
#[template(path = "admin/user_confirm.html")]
pub struct ConfirmPage {
    page: PageCtx,
    user: StaffUser,
    /// `status` or `password`.
    action: &'static str,
    errors: FieldErrors,
}

/// `GET /admin/users/{id}/status`: "Disable Amina? Her open sessions end at once."
pub async fn confirm_status(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    confirm(req, admin, state, id.into_inner(), "status").await
}

/// `GET /admin/users/{id}/password`: the reset question with its password field.
pub async fn reset_form(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    confirm(req, admin, state, id.into_inner(), "password").await
}

async fn confirm(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: i64,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let s = steward(&admin);
    let user = db(&state.pool, &admin.actor(), move |conn| {
        staff::get_managed(conn, id, &s)
    })
    .await?;
    let page = ConfirmPage {
        page: PageCtx::for_request(&req),
        user,
        action,
        errors: FieldErrors::new(),
    };
    html(StatusCode::OK, &page)
}

/// The status form as posted.
#[derive(Deserialize)]
pub struct StatusForm {
    active: String,
}

/// `POST /admin/users/{id}/status`.
pub async fn set_status(
    admin: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let active = form.active == "true";
    let (by, s) = (admin.by(), steward(&admin));
    let result = db(&state.pool, &admin.actor(), move |conn| {
        staff::set_active(conn, id, active, &s, &by)
    })
    .await;
    let page = format!("/admin/users/{id}");
    flash_back(&req, result, &page, |user| {
        let what = if user.active {
            "enabled"
        } else {
            "disabled; their sessions have ended"
        };
        Next::saying(format!("Account {} {what}.", user.username), &page)
    })
}

/// The reset form as posted.
#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/users/{id}/password`: sets a temporary password the user must change.
pub async fn reset_submit(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let s = steward(&admin);
    let user = db(&state.pool, &admin.actor(), move |conn| {
        staff::get_managed(conn, id, &s)
    })
    .await?;
    let password = form.into_inner().password;
    if let Err(message) = check_password(&user.username, &password) {
        let errors = FieldErrors::single("password", message);
        let page = ConfirmPage {
            page: PageCtx::for_request(&req),
            user,
            action: "password",
            errors,
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = passwords::hash(password).await?;
    let (by, s) = (admin.by(), steward(&admin));
    db(&state.pool, &admin.actor(), move |conn| {
        staff::reset_password(conn, id, hash, &s, &by)
    })
    .await?;
    push_flash(
        &req,
        Flash::success(format!(
            "Password of {} reset. They must choose a new one when they next sign in.",
            user.username
        )),
    );
    Ok(see_other(&format!("/admin/users/{id}")))
}
