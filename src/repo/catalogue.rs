//! The service catalogue and the bays of each branch.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{By, RepoError};
use crate::models::audit::NewAuditEntry;
use crate::models::booking::{Bay, Service};
use crate::schema::{bays, services};

/// Active services by category and name.
pub fn active_services(conn: &mut PgConnection) -> Result<Vec<Service>, RepoError> {
    Ok(services::table
        .filter(services::active.eq(true))
        .select(Service::as_select())
        .order((services::category.asc(), services::name.asc()))
        .load(conn)?)
}

/// The given services (any state), for validating a booking.
pub fn services_by_id(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<Service>, RepoError> {
    Ok(services::table
        .filter(services::id.eq_any(ids))
        .select(Service::as_select())
        .load(conn)?)
}

/// Adds a service to the catalogue.
pub fn create_service(
    conn: &mut PgConnection,
    name: &str,
    category: &str,
    labour_hours: BigDecimal,
    price: BigDecimal,
    by: &By,
) -> Result<Service, RepoError> {
    super::tx(conn, |conn| {
        let service: Service = diesel::insert_into(services::table)
            .values((
                services::name.eq(name),
                services::category.eq(category),
                services::labour_hours.eq(labour_hours),
                services::price.eq(price),
            ))
            .returning(Service::as_returning())
            .get_result(conn)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("service.create", "service", Some(service.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(service)
    })
}

/// Active bays of a branch, by name.
pub fn bays_of(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<Bay>, RepoError> {
    Ok(bays::table
        .filter(bays::branch_id.eq(branch_id))
        .filter(bays::active.eq(true))
        .select(Bay::as_select())
        .order(bays::name.asc())
        .load(conn)?)
}

/// Every bay of a branch, retired ones too (after the ones in use), by name.
pub fn all_bays_of(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<Bay>, RepoError> {
    Ok(bays::table
        .filter(bays::branch_id.eq(branch_id))
        .select(Bay::as_select())
        .order((bays::active.desc(), bays::name.asc()))
        .load(conn)?)
}

/// Adds a bay to a branch.
pub fn create_bay(
    conn: &mut PgConnection,
    branch_id: i64,
    name: &str,
    categories: &[String],
    by: &By,
) -> Result<Bay, RepoError> {
    super::tx(conn, |conn| {
        let bay: Bay = diesel::insert_into(bays::table)
            .values((
                bays::branch_id.eq(branch_id),
                bays::name.eq(name),
                bays::categories.eq(categories.iter().cloned().map(Some).collect::<Vec<_>>()),
            ))
            .returning(Bay::as_returning())
            .get_result(conn)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("bay.create", "bay", Some(bay.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(bay)
    })
}

/// Every service, active first, by category and name (the catalogue page).
pub fn all_services(conn: &mut PgConnection) -> Result<Vec<Service>, RepoError> {
    Ok(services::table
        .select(Service::as_select())
        .order((
            services::active.desc(),
            services::category.asc(),
            services::name.asc(),
        ))
        .load(conn)?)
}

/// Offers or withdraws a service; withdrawn services cannot be booked, nothing is deleted.
pub fn set_service_active(
    conn: &mut PgConnection,
    id: i64,
    active: bool,
    by: &By,
) -> Result<Service, RepoError> {
    super::tx(conn, |conn| {
        services::table
            .find(id)
            .select(services::id)
            .for_update()
            .first::<i64>(conn)?;
        let service: Service = diesel::update(services::table.find(id))
            .set((
                services::active.eq(active),
                services::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Service::as_returning())
            .get_result(conn)?;
        let action = if active {
            "service.activate"
        } else {
            "service.deactivate"
        };
        super::audit::record(
            conn,
            NewAuditEntry::new(action, "service", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(service)
    })
}
