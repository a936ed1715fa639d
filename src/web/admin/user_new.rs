//! `GET/POST /admin/users/new`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::user_form::{UserFormPage, branches_for, steward};
use crate::db::db;
use crate::domain::staff::{StaffDraft, StaffInput};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::staff::StaffUser;
use crate::passwords;
use crate::repo::staff;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// An empty form; the admin's active branch is the default home branch.
pub async fn form(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let s = steward(&admin);
    let roles = s.roles();
    let branches = db(&state.pool, &admin.actor(), move |conn| {
        branches_for(conn, &s)
    })
    .await?;
    let draft = StaffDraft {
        role: "receptionist".into(),
        home_branch_id: admin.branch.id.to_string(),
        active: Some("on".into()),
        ..Default::default()
    };
    let page = UserFormPage {
        page: PageCtx::for_request(&req),
        id: None,
        active: true,
        draft,
        errors: FieldErrors::new(),
        branches,
        roles,
    };
    html(StatusCode::OK, &page)
}

/// Creates the account; the new user must choose their own password at first sign-in.
pub async fn submit(
    req: HttpRequest,
    admin: Staff,
    state: web::Data<AppState>,
    form: web::Form<StaffDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = form.into_inner();
    let result = match StaffInput::parse(&draft, true) {
        Ok(input) => {
            let hash = passwords::hash(draft.password.clone()).await?;
            let (by, s) = (admin.by(), steward(&admin));
            db(&state.pool, &admin.actor(), move |conn| {
                staff::create(conn, &input, hash, true, &s, &by)
            })
            .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let next = |user: StaffUser| {
        Next::saying(
            format!("Account {} created.", user.username),
            "/admin/users",
        )
    };
    let (r, st, admin_ref) = (&req, &state, &admin);
    answer::then(&req, result, FORM, next, |errors, status| async move {
        let s = steward(admin_ref);
        let roles = s.roles();
        let branches = db(&st.pool, &admin_ref.actor(), move |conn| {
            branches_for(conn, &s)
        })
        .await?;
        let mut draft = draft;
        draft.password.clear();
        let page = UserFormPage {
            page: PageCtx::for_request(r),
            id: None,
            active: true,
            draft,
            errors,
            branches,
            roles,
        };
        html(status, &page)
    })
    .await
}
