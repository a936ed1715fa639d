//! `POST /customers/{id}/walk-in`: a customer without a booking; open their ticket now.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::db;
use crate::domain::vehicle::parse_mileage;
use crate::error::AppError;
use crate::repo::tickets::{self, CheckIn};
use crate::repo::{RepoError, customers};
use crate::web::access::Staff;
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// The form as posted.
#[derive(Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    vehicle_id: String,
    #[serde(default)]
    mileage: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    damage_notes: String,
}

/// Opens the ticket and goes to it.
pub async fn submit(
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<WalkInForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.into_inner();
    let back = format!("/customers/{id}");
    let mileage = match parse_mileage(&f.mileage) {
        Ok(m) => m,
        Err(message) => {
            push_flash(&session, Flash::error(message));
            return Ok(see_other(&back));
        }
    };
    if f.problem.trim().is_empty() {
        push_flash(
            &session,
            Flash::error("Write down what the customer reports."),
        );
        return Ok(see_other(&back));
    }
    let vehicle_id = f.vehicle_id.parse::<i64>().ok();
    let input = CheckIn {
        mileage,
        problem: f.problem,
        damage_notes: f.damage_notes,
    };
    let (branch, by) = (staff.branch.id, staff.by());
    let ticket = db(&state.pool, &staff.actor(), move |conn| {
        let owned = customers::vehicles_of(conn, id)?
            .iter()
            .any(|x| Some(x.id) == vehicle_id);
        if vehicle_id.is_some() && !owned {
            return Err(RepoError::Conflict(
                "That vehicle is not this customer's.".into(),
            ));
        }
        tickets::open_walk_in(conn, branch, id, vehicle_id, &input, &by)
    })
    .await;
    match ticket {
        Ok(t) => {
            push_flash(
                &session,
                Flash::success(format!("Walk-in ticket #{} opened.", t.number)),
            );
            Ok(see_other(&format!("/tickets/{}", t.id)))
        }
        Err(AppError::Conflict(message)) => {
            push_flash(&session, Flash::error(message));
            Ok(see_other(&back))
        }
        Err(e) => Err(e),
    }
}
