//! `workbay demo`: a small demo shop (two branches, one user per role). Loading it twice changes
//! nothing. The login page lists these logins only once the demo has been loaded.

use anyhow::Result;
use bigdecimal::BigDecimal;
use diesel::{Connection, PgConnection};

use crate::domain::branch::{BranchInput, OpeningHours};
use crate::domain::role::Role;
use crate::domain::staff::StaffInput;
use crate::repo::{self, By};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "workbay-demo";

/// A demo login, shown on the login page.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Username.
    pub username: &'static str,
    /// Full name.
    pub full_name: &'static str,
    /// Role.
    pub role: Role,
    /// Password.
    pub password: &'static str,
}

/// The demo accounts, one per role.
pub fn logins() -> Vec<DemoLogin> {
    [
        ("amina", "Amina Njeri", Role::Receptionist),
        ("brian", "Brian Otieno", Role::Technician),
        ("chen", "Chen Wei", Role::Warehouse),
        ("dora", "Dora Mensah", Role::Finance),
        ("emeka", "Emeka Obi", Role::Manager),
        ("admin", "Grace Admin", Role::Admin),
    ]
    .into_iter()
    .map(|(username, full_name, role)| DemoLogin {
        username,
        full_name,
        role,
        password: DEMO_PASSWORD,
    })
    .collect()
}

fn branch(name: &str, timezone: &str, prefix: &str, tax: i32, address: &str) -> BranchInput {
    BranchInput {
        name: name.into(),
        timezone: timezone.into(),
        invoice_prefix: prefix.into(),
        tax_rate: BigDecimal::from(tax).with_scale(2),
        tax_rounding: "per_line".into(),
        address: address.into(),
        phone: "+254 700 000 000".into(),
        opening_hours: OpeningHours::standard(),
        active: true,
    }
}

/// Loads the demo shop unless it is there already. Returns whether anything was loaded.
pub fn load(conn: &mut PgConnection) -> Result<bool> {
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
            repo::staff::create(conn, &input, hash.clone(), false, &by)?;
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

fn find_or_create_branch(conn: &mut PgConnection, input: BranchInput, by: &By) -> Result<i64> {
    match repo::branches::find_by_prefix(conn, &input.invoice_prefix)? {
        Some(branch) => Ok(branch.id),
        None => Ok(repo::branches::create(conn, &input, by)?.id),
    }
}
