//! The demo's two branches and one account per role.

use anyhow::Result;
use diesel::{Connection, PgConnection};

use super::{DEMO_PASSWORD, branch, find_or_create_branch, logins};
use crate::domain::staff::StaffInput;
use crate::repo::{self, By};

pub(super) fn load_staff(conn: &mut PgConnection) -> Result<bool> {
    if repo::settings::get(conn, repo::settings::DEMO_LOADED)?.is_some() {
        return Ok(false);
    }
    let hash = crate::passwords::hash_blocking(DEMO_PASSWORD)?;
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let westlands = find_or_create_branch(
            conn,
            branch(
                "Westlands",
                "Africa/Nairobi",
                "WL-",
                16,
                "Waiyaki Way 12, Nairobi",
            ),
            &by,
        )?;
        find_or_create_branch(
            conn,
            branch(
                "Mombasa Road",
                "Africa/Nairobi",
                "MR-",
                16,
                "Mombasa Road 210, Nairobi",
            ),
            &by,
        )?;
        for login in logins() {
            if repo::staff::find_by_username(conn, login.username)?.is_some() {
                continue;
            }
            let input = StaffInput {
                username: login.username.into(),
                full_name: login.full_name.into(),
                role: login.role,
                home_branch_id: westlands,
                active: true,
            };
            repo::staff::create(
                conn,
                &input,
                hash.clone(),
                false,
                &repo::staff::Steward::admin(),
                &by,
            )?;
        }
        repo::settings::set(
            conn,
            repo::settings::DEMO_LOADED,
            &chrono::Utc::now().to_rfc3339(),
        )?;
        Ok(())
    })?;
    Ok(true)
}
