//! `workbay demo`: a small demo shop (two branches, one user per role). Loading it twice changes
//! nothing. The login page lists these logins only once the demo has been loaded.

mod counter;
mod history;
mod invoices;
mod purchasing;
mod staff;
mod stock;
mod workshop;

pub use invoices::*;

use anyhow::Result;
use bigdecimal::BigDecimal;
use diesel::PgConnection;

use self::counter::load_counter;
use self::history::load_history;
use self::purchasing::load_purchasing;
use self::staff::load_staff;
use self::stock::load_stock;
use self::workshop::load_workshop;
use crate::domain::branch::{BranchInput, OpeningHours};
use crate::domain::role::Role;
use crate::repo::{self, By};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "workbay-demo";

/// A demo login, shown on the login page.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub full_name: &'static str,
    pub role: Role,
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
        // Shillings an hour: billed to the customer, and what a technician's hour costs.
        labour_rate: BigDecimal::from(2500).with_scale(2),
        labour_cost_rate: BigDecimal::from(900).with_scale(2),
        address: address.into(),
        phone: "+254 700 000 000".into(),
        opening_hours: OpeningHours::standard(),
        active: true,
        currency: "KES".into(),
        tax_registration: format!("P05{:07}X", 1000 + tax * 100 + prefix.len() as i32),
        country: "KE".into(),
    }
}

/// Loads the demo shop unless it is there already. Returns whether anything was loaded.
pub fn load(conn: &mut PgConnection) -> Result<bool> {
    let staff = load_staff(conn)?;
    let counter = load_counter(conn)?;
    let stock = load_stock(conn)?;
    let purchasing = load_purchasing(conn)?;
    let sales = load_invoices(conn)?;
    let workshop = load_workshop(conn)?;
    let history = load_history(conn)?;
    Ok(staff || counter || stock || purchasing || sales || workshop || history)
}

fn find_or_create_branch(conn: &mut PgConnection, input: BranchInput, by: &By) -> Result<i64> {
    match repo::branches::find_by_prefix(conn, &input.invoice_prefix)? {
        Some(branch) => Ok(branch.id),
        None => Ok(repo::branches::create(conn, &input, by)?.id),
    }
}
