//! The staff account form page, shared by "new user" and "edit user".

use askama::Template;

use crate::domain::role::Role;
use crate::domain::staff::StaffDraft;
use crate::domain::validation::FieldErrors;
use crate::models::branch::Branch;
use crate::models::staff::StaffUser;
use crate::web::page::PageCtx;

/// The user form.
#[derive(Template)]
#[template(path = "admin/user_form.html")]
pub struct UserFormPage {
    /// Shared context.
    pub page: PageCtx,
    /// `None` when creating.
    pub id: Option<i64>,
    /// Whether the account is active (edit only).
    pub active: bool,
    /// The values shown.
    pub draft: StaffDraft,
    /// Messages per field.
    pub errors: FieldErrors,
    /// Branches to choose from.
    pub branches: Vec<Branch>,
    /// Roles the signed-in person may give.
    pub roles: Vec<Role>,
}

impl UserFormPage {
    /// The form action.
    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/admin/users/{id}"),
            None => "/admin/users/new".into(),
        }
    }
}

/// The form filled from a stored account.
pub fn draft_of(u: &StaffUser) -> StaffDraft {
    StaffDraft {
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        role: u.role.clone(),
        home_branch_id: u.home_branch_id.to_string(),
        active: u.active.then(|| "on".into()),
        password: String::new(),
    }
}

/// Who manages accounts in this request: an administrator, or a manager for the staff of their
/// own branch (a manager sees every branch's work, but runs only their branch's people).
pub fn steward(s: &crate::web::access::Staff) -> crate::repo::staff::Steward {
    crate::repo::staff::Steward {
        role: s.role,
        branches: vec![s.home_branch_id],
    }
}

/// The branches a steward may put an account in.
pub fn branches_for(
    conn: &mut diesel::PgConnection,
    steward: &crate::repo::staff::Steward,
) -> Result<Vec<Branch>, crate::repo::RepoError> {
    let all = crate::repo::branches::active(conn)?;
    Ok(match steward.role {
        Role::Admin => all,
        _ => all
            .into_iter()
            .filter(|b| steward.branches.contains(&b.id))
            .collect(),
    })
}
