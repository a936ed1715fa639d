//! The demo's tickets, time, preorders and warranty claims.

use anyhow::Result;
use bigdecimal::BigDecimal;
use diesel::PgConnection;

use crate::repo::{self, By};

/// Marks that the demo's workshop (tickets, preorders, a claim) is there.
const DEMO_WORKSHOP_LOADED: &str = "demo_workshop_loaded";

/// Tickets in every status (most assigned to brian), preorders in several states with one
/// overdue, and a warranty claim waiting for a decision.
pub(super) fn load_workshop(conn: &mut PgConnection) -> Result<bool> {
    use diesel::prelude::*;

    use crate::domain::invoice::PaymentMethod;
    use crate::domain::preorder::PreorderStatus;
    use crate::domain::ticket::{Outcome, TicketStatus};
    use crate::repo::preorders::{self, MoveInput, NewPreorder};
    use crate::repo::tickets::CheckIn;
    use crate::repo::tickets::{self, NewTicketLine};

    if repo::settings::get(conn, DEMO_WORKSHOP_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        // At the technician's own branch, so the jobs can be his.
        let brian = repo::staff::find_by_username(conn, "brian")?;
        let branch = match &brian {
            Some(b) => repo::branches::get(conn, b.home_branch_id)?,
            None => match repo::branches::active(conn)?.into_iter().next() {
                Some(b) => b,
                None => return Ok(()),
            },
        };
        let brian: Option<i64> = brian.map(|u| u.id);
        let by = By::default();
        let customers = repo::customers::search(conn, "", "", 0, 30)?.0;
        if customers.is_empty() {
            return Ok(());
        }
        use TicketStatus::*;
        let roads: [(&str, &[TicketStatus]); 9] = [
            ("Laptop will not power on", &[]),
            ("Cracked screen, touch works", &[Diagnosing]),
            (
                "Engine light on, rough idle",
                &[Diagnosing, AwaitingApproval],
            ),
            ("Brake pads worn, squeal", &[Diagnosing, InRepair]),
            ("Battery swelling", &[Diagnosing, InRepair, WaitingForParts]),
            (
                "Water damage, keyboard",
                &[Diagnosing, InRepair, QualityCheck],
            ),
            (
                "Full service, 40,000 km",
                &[Diagnosing, InRepair, QualityCheck, Ready],
            ),
            (
                "Charging port loose",
                &[Diagnosing, InRepair, QualityCheck, Ready, Closed],
            ),
            ("Customer changed mind", &[Cancelled]),
        ];
        for (n, (problem, road)) in roads.iter().enumerate() {
            let customer = customers[n % customers.len()].id;
            let input = CheckIn {
                problem: problem.to_string(),
                ..Default::default()
            };
            let t = repo::tickets::open_walk_in(
                conn,
                branch.id,
                customer,
                Default::default(),
                &input,
                &by,
            )?
            .id;
            if n % 4 != 0 {
                tickets::assign(conn, branch.id, t, brian, &by)?;
            }
            let line = NewTicketLine {
                kind: "labour".into(),
                description: "Diagnosis and repair".into(),
                quantity: "1.5".parse()?,
                unit_price: Some("1500.00".parse()?),
                code: String::new(),
                for_service_id: None,
            };
            tickets::add_line(conn, branch.id, t, &line, &by)?;
            for to in road.iter() {
                tickets::transition(
                    conn,
                    branch.id,
                    t,
                    None,
                    *to,
                    Some(Outcome::Repaired),
                    "",
                    &by,
                )?;
            }
            // the swollen battery waits for a new one (told when a delivery brings it)
            if road.last() == Some(&WaitingForParts) {
                let asked = By {
                    user_id: brian,
                    ..By::default()
                };
                tickets::wait_for_part(conn, branch.id, t, "BAT-IP11", 1, &asked)?;
            }
        }
        // Preorders: waiting for the deposit, ordered (one overdue), arrived and notified.
        let models = repo::stock::model_choices(conn)?;
        let Some((model, _)) = models
            .iter()
            .find(|(_, n)| n.contains("iPhone"))
            .or(models.first())
            .cloned()
        else {
            return Ok(());
        };
        let take = |conn: &mut PgConnection, customer: i64, deposit: &str| -> Result<i64> {
            let amount: BigDecimal = deposit.parse()?;
            let p = NewPreorder {
                customer_id: customer,
                product_model_id: model,
                specs: "128 GB, any colour, grade A".into(),
                agreed_price: "42000.00".parse()?,
                deposit_required: "500.00".parse()?,
                deposit: (amount > 0)
                    .then(|| (PaymentMethod::MobileMoney, amount, "QDEMO".to_string())),
            };
            Ok(preorders::create(conn, branch.id, &p, &By::default())?)
        };
        take(conn, customers[0].id, "200.00")?;
        let on_time = take(conn, customers[1 % customers.len()].id, "500.00")?;
        preorders::transition(
            conn,
            branch.id,
            on_time,
            None,
            PreorderStatus::Ordered,
            &MoveInput::default(),
            &by,
        )?;
        let late = take(conn, customers[2 % customers.len()].id, "500.00")?;
        preorders::transition(
            conn,
            branch.id,
            late,
            None,
            PreorderStatus::Ordered,
            &MoveInput::default(),
            &by,
        )?;
        preorders::transition(
            conn,
            branch.id,
            late,
            None,
            PreorderStatus::InTransit,
            &MoveInput::default(),
            &by,
        )?;
        let today = chrono::Utc::now().date_naive();
        diesel::update(crate::schema::preorders::table.find(late))
            .set((
                crate::schema::preorders::ordered_on.eq(today - chrono::Duration::days(26)),
                crate::schema::preorders::sla_due_on.eq(today - chrono::Duration::days(5)),
            ))
            .execute(conn)?;
        // A claim on a sold unit's warranty, waiting for a decision.
        let warranty: Option<(i64, i64)> = crate::schema::warranties::table
            .filter(crate::schema::warranties::status.eq("active"))
            .filter(crate::schema::warranties::customer_id.is_not_null())
            .filter(crate::schema::warranties::asset_id.is_not_null())
            .select((
                crate::schema::warranties::id,
                crate::schema::warranties::branch_id,
            ))
            .first(conn)
            .optional()?;
        if let Some((w, at)) = warranty {
            repo::claims::submit(conn, at, w, "Trackpad clicks stop registering", &by)?;
        }
        repo::settings::set(conn, DEMO_WORKSHOP_LOADED, &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}
