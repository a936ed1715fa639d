//! The demo's service history: a few customers whose vehicles were last serviced months ago
//! (two visits each, so their mileage says how far they drive), some of them agreeing to
//! marketing, so "Campaigns → Vehicles due for a service" has someone to count.

use anyhow::Result;
use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::domain::customer::{CustomerInput, VehicleInput};
use crate::domain::ticket::{Outcome, TicketStatus};
use crate::repo::tickets::{self, CheckIn, Subject};
use crate::repo::{self, By};

const DEMO_HISTORY_LOADED: &str = "demo_history_loaded";

/// An owner: name, phone, email, consent, plate, make, model, and (months ago, km) of the two
/// visits.
type Owner = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static str,
    [(i64, i32); 2],
);

/// Loads it once; whether it did.
pub(super) fn load_history(conn: &mut PgConnection) -> Result<bool> {
    if repo::settings::get(conn, DEMO_HISTORY_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        // at the demo manager's branch, where "Campaigns" opens
        let branch = match repo::staff::find_by_username(conn, "emeka")? {
            Some(m) => repo::branches::get(conn, m.home_branch_id)?,
            None => match repo::branches::active(conn)?.into_iter().next() {
                Some(b) => b,
                None => return Ok(()),
            },
        };
        let by = By::default();
        let owners: [Owner; 5] = [
            ("Joseph Mutua", "+254 711 300 400", "joseph.mutua@example.com", true, "KCA 101A", "Toyota", "Probox", [(8, 96_000), (14, 84_000)]),
            ("Esther Wairimu", "+254 722 500 600", "", true, "KCB 202B", "Nissan", "X-Trail", [(3, 61_000), (13, 40_000)]),
            ("Samuel Otieno", "+254 733 700 800", "samuel.otieno@example.com", false, "KCC 303C", "Toyota", "Fielder", [(9, 120_000), (15, 111_000)]),
            ("Lucy Njeri", "+254 744 900 100", "lucy.njeri@example.com", true, "KCD 404D", "Honda", "CR-V", [(7, 52_000), (19, 38_000)]),
            ("Hassan Ali", "+254 755 110 220", "", true, "KCE 505E", "Mazda", "Axela", [(2, 30_500), (11, 29_000)]),
        ];
        let now = Utc::now();
        for (name, phone, email, consent, plate, make, model, visits) in owners {
            let input = CustomerInput {
                kind: "person".into(),
                segment: "retail".into(),
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
                address: String::new(),
                lead_source_id: None,
                marketing_consent: consent,
                notes: String::new(),
                vehicle: Some(VehicleInput {
                    vin: None,
                    plate: crate::domain::vehicle::normalise_plate(plate),
                    make: make.into(),
                    model: model.into(),
                    year: Some(2014),
                    mileage: Some(visits[0].1),
                }),
                device: None,
            };
            let customer = repo::customers::create(conn, &input, branch.id, &by)?;
            let Some(vehicle) = repo::customers::vehicles_of(conn, customer.id)?
                .first()
                .map(|v| v.id)
            else {
                continue;
            };
            for (months, km) in visits {
                let check_in = CheckIn {
                    mileage: Some(km),
                    problem: "Full service".into(),
                    ..Default::default()
                };
                let t = tickets::open_walk_in(
                    conn,
                    branch.id,
                    customer.id,
                    Subject::Vehicle(vehicle),
                    &check_in,
                    &by,
                )?
                .id;
                use TicketStatus::*;
                for to in [Diagnosing, InRepair, QualityCheck, Ready, Closed] {
                    tickets::transition(conn, branch.id, t, None, to, Some(Outcome::Repaired), "", &by)?;
                }
                // history: the visit happened months ago, and told the customer nothing today
                let at = now - Duration::days(30 * months);
                diesel::sql_query(
                    "UPDATE tickets SET created_at = $1, updated_at = $1, closed_at = $1 WHERE id = $2",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(at)
                .bind::<diesel::sql_types::BigInt, _>(t)
                .execute(conn)?;
                diesel::sql_query(
                    "UPDATE message_outbox SET status = 'cancelled' WHERE ticket_id = $1 AND status = 'pending'",
                )
                .bind::<diesel::sql_types::BigInt, _>(t)
                .execute(conn)?;
            }
        }
        repo::settings::set(conn, DEMO_HISTORY_LOADED, &now.to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}
