//! Staff accounts: creating, editing, disabling and passwords, each change audited in the same
//! transaction. Disabling an account or resetting its password ends its sessions at once.

use diesel::prelude::*;

use super::audit::escape_like;
use super::{By, RepoError, sessions, unique_violation};
use crate::domain::role::Role;
use crate::domain::staff::StaffInput;
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::models::staff::{NewStaffUser, StaffUser, StaffUserChanges};
use crate::schema::{branches, staff_users};

/// One account.
pub fn get(conn: &mut PgConnection, id: i64) -> Result<StaffUser, RepoError> {
    Ok(staff_users::table
        .find(id)
        .select(StaffUser::as_select())
        .first(conn)?)
}

/// The account with this (already normalised) username.
pub fn find_by_username(
    conn: &mut PgConnection,
    username: &str,
) -> Result<Option<StaffUser>, RepoError> {
    Ok(staff_users::table
        .filter(staff_users::username.eq(username))
        .select(StaffUser::as_select())
        .first(conn)
        .optional()?)
}

/// Filters for the staff list.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    /// Substring of username or full name.
    pub q: Option<String>,
    /// Only this home branch.
    pub branch_id: Option<i64>,
    /// Only the accounts this steward manages.
    pub steward: Option<Steward>,
}

/// Who manages accounts, and so whose: an administrator manages every account; a manager the
/// accounts of their branches with roles below manager (only administrators make managers and
/// administrators). An account a manager may not manage is not there for them.
#[derive(Debug, Clone)]
pub struct Steward {
    pub role: Role,
    /// The branches a manager manages.
    pub branches: Vec<i64>,
}

impl Steward {
    /// An administrator.
    pub fn admin() -> Self {
        Self {
            role: Role::Admin,
            branches: Vec::new(),
        }
    }

    fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The roles this steward may give.
    pub fn roles(&self) -> Vec<Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(|r| self.is_admin() || !matches!(r, Role::Manager | Role::Admin))
            .collect()
    }

    /// Refuses an account as it would be after the change: a role or branch not this steward's
    /// to give.
    fn may_make(&self, role: Role, branch: i64) -> Result<(), RepoError> {
        if self.is_admin() {
            return Ok(());
        }
        let mut errors = FieldErrors::new();
        if !self.roles().contains(&role) {
            errors.add(
                "role",
                "Only an administrator can give the manager or administrator role.",
            );
        }
        if !self.branches.contains(&branch) {
            errors.add("home_branch_id", "Choose one of your branches.");
        }
        errors.into_result().map_err(RepoError::from)
    }

    /// Refuses an existing account this steward does not manage (as not found).
    fn manages(&self, user: &StaffUser) -> Result<(), RepoError> {
        let ok = self.is_admin()
            || (self.roles().contains(&user.role())
                && self.branches.contains(&user.home_branch_id));
        if ok { Ok(()) } else { Err(RepoError::NotFound) }
    }
}

/// The account `id`, if `steward` manages it.
pub fn get_managed(
    conn: &mut PgConnection,
    id: i64,
    steward: &Steward,
) -> Result<StaffUser, RepoError> {
    let user = get(conn, id)?;
    steward.manages(&user)?;
    Ok(user)
}

/// Accounts matching the filter with their home branch's name, by name, one page at a time.
pub fn search(
    conn: &mut PgConnection,
    filter: &StaffFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(StaffUser, String)>, i64), RepoError> {
    let filtered = || {
        let mut query = staff_users::table.inner_join(branches::table).into_boxed();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", escape_like(q));
            query = query.filter(
                staff_users::username
                    .ilike(pattern.clone())
                    .or(staff_users::full_name.ilike(pattern)),
            );
        }
        if let Some(branch) = filter.branch_id {
            query = query.filter(staff_users::home_branch_id.eq(branch));
        }
        if let Some(s) = filter.steward.as_ref().filter(|s| !s.is_admin()) {
            let roles: Vec<&str> = s.roles().iter().map(|r| r.as_str()).collect();
            query = query
                .filter(staff_users::home_branch_id.eq_any(s.branches.clone()))
                .filter(staff_users::role.eq_any(roles));
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(staff_users::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
    let rows = filtered()
        .select((StaffUser::as_select(), branches::name))
        .order((staff_users::full_name.asc(), staff_users::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Creates an account with an already computed password hash.
pub fn create(
    conn: &mut PgConnection,
    input: &StaffInput,
    password_hash: String,
    must_change_password: bool,
    steward: &Steward,
    by: &By,
) -> Result<StaffUser, RepoError> {
    steward.may_make(input.role, input.home_branch_id)?;
    super::tx(conn, |conn| {
        ensure_branch(conn, input.home_branch_id)?;
        let user: StaffUser = diesel::insert_into(staff_users::table)
            .values(NewStaffUser {
                username: input.username.clone(),
                full_name: input.full_name.clone(),
                role: input.role.as_str().to_string(),
                home_branch_id: input.home_branch_id,
                password_hash,
                must_change_password,
                active: input.active,
            })
            .returning(StaffUser::as_returning())
            .get_result(conn)
            .map_err(map_unique)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("user.create", "staff_user", Some(user.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, Some(user.audit_json())),
        )?;
        Ok(user)
    })
}

/// Edits an account's name, username, role and home branch.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    input: &StaffInput,
    steward: &Steward,
    by: &By,
) -> Result<StaffUser, RepoError> {
    super::tx(conn, |conn| {
        let before = lock(conn, id)?;
        steward.manages(&before)?;
        steward.may_make(input.role, input.home_branch_id)?;
        if by.user_id == Some(id) && input.role != before.role() {
            return Err(RepoError::Conflict(
                "You cannot change your own role.".into(),
            ));
        }
        ensure_branch(conn, input.home_branch_id)?;
        let after: StaffUser = diesel::update(staff_users::table.find(id))
            .set((
                StaffUserChanges {
                    username: input.username.clone(),
                    full_name: input.full_name.clone(),
                    role: input.role.as_str().to_string(),
                    home_branch_id: input.home_branch_id,
                },
                staff_users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(StaffUser::as_returning())
            .get_result(conn)
            .map_err(map_unique)?;
        // Sessions carry no role or branch (the guard reads them fresh), so they can stay.
        super::audit::record(
            conn,
            NewAuditEntry::new("user.update", "staff_user", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(Some(before.audit_json()), Some(after.audit_json())),
        )?;
        Ok(after)
    })
}

/// Disables or re-enables an account. Disabling ends its sessions in the same transaction.
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    active: bool,
    steward: &Steward,
    by: &By,
) -> Result<StaffUser, RepoError> {
    super::tx(conn, |conn| {
        let before = lock(conn, id)?;
        steward.manages(&before)?;
        if by.user_id == Some(id) && !active {
            return Err(RepoError::Conflict(
                "You cannot disable your own account.".into(),
            ));
        }
        if before.active == active {
            return Ok(before);
        }
        let after: StaffUser = diesel::update(staff_users::table.find(id))
            .set((
                staff_users::active.eq(active),
                staff_users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(StaffUser::as_returning())
            .get_result(conn)?;
        if !active {
            sessions::delete_for_user(conn, id)?;
        }
        let action = if active {
            "user.enable"
        } else {
            "user.disable"
        };
        super::audit::record(
            conn,
            NewAuditEntry::new(action, "staff_user", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(Some(before.audit_json()), Some(after.audit_json())),
        )?;
        Ok(after)
    })
}

/// An admin sets a new password; the user must change it at next sign-in and every open
/// session of theirs ends.
pub fn reset_password(
    conn: &mut PgConnection,
    id: i64,
    password_hash: String,
    steward: &Steward,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        steward.manages(&lock(conn, id)?)?;
        set_password(conn, id, password_hash, true, "user.password_reset", by)
    })
}

/// A user changed their own password: every session of theirs ends (the caller renews its own).
pub fn change_own_password(
    conn: &mut PgConnection,
    id: i64,
    password_hash: String,
    client_addr: Option<&str>,
) -> Result<(), RepoError> {
    let by = By {
        user_id: Some(id),
        client_addr: client_addr.map(str::to_string),
        ..By::system()
    };
    set_password(conn, id, password_hash, false, "user.password_change", &by)
}

/// Stores a new hash, ends every session of the account and audits `action`.
fn set_password(
    conn: &mut PgConnection,
    id: i64,
    password_hash: String,
    must_change_password: bool,
    action: &str,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        lock(conn, id)?;
        diesel::update(staff_users::table.find(id))
            .set((
                staff_users::password_hash.eq(password_hash),
                staff_users::must_change_password.eq(must_change_password),
                staff_users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        sessions::delete_for_user(conn, id)?;
        super::audit::record(
            conn,
            NewAuditEntry::new(action, "staff_user", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(())
    })
}

fn lock(conn: &mut PgConnection, id: i64) -> Result<StaffUser, RepoError> {
    Ok(staff_users::table
        .find(id)
        .select(StaffUser::as_select())
        .for_update()
        .first(conn)?)
}

fn ensure_branch(conn: &mut PgConnection, id: i64) -> Result<(), RepoError> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(branches::table.find(id))).get_result(conn)?;
    if exists {
        Ok(())
    } else {
        Err(FieldErrors::single("home_branch_id", "That branch does not exist.").into())
    }
}

fn map_unique(e: diesel::result::Error) -> RepoError {
    match unique_violation(&e) {
        Some("staff_users_username_key") => {
            FieldErrors::single("username", "This username is taken.").into()
        }
        _ => e.into(),
    }
}

/// Active staff of a branch as (id, full name), for choosing a sales person.
pub fn choices_at(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    use crate::schema::staff_users;
    Ok(staff_users::table
        .filter(staff_users::home_branch_id.eq(branch_id))
        .filter(staff_users::active.eq(true))
        .select((staff_users::id, staff_users::full_name))
        .order(staff_users::full_name)
        .load(conn)?)
}
