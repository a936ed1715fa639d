//! A customer's vehicles, devices and business contacts.

use diesel::prelude::*;

use super::queries::get;
use crate::domain::customer::VehicleInput;
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::models::customer::{NewVehicle, Vehicle};
use crate::repo::{By, RepoError, unique_violation};
use crate::schema::vehicles;

/// Adds a vehicle to a customer.
pub fn add_vehicle(
    conn: &mut PgConnection,
    customer_id: i64,
    input: &VehicleInput,
    by: &By,
) -> Result<Vehicle, RepoError> {
    crate::repo::tx(conn, |conn| {
        get(conn, customer_id)?;
        add_vehicle_in_tx(conn, customer_id, input, by)
    })
}

pub(super) fn add_vehicle_in_tx(
    conn: &mut PgConnection,
    customer_id: i64,
    v: &VehicleInput,
    by: &By,
) -> Result<Vehicle, RepoError> {
    let vehicle: Vehicle = diesel::insert_into(vehicles::table)
        .values(NewVehicle {
            customer_id,
            vin: v.vin.clone(),
            plate: v.plate.clone(),
            make: v.make.clone(),
            model: v.model.clone(),
            year: v.year,
            mileage: v.mileage,
        })
        .returning(Vehicle::as_returning())
        .get_result(conn)
        .map_err(|e| match unique_violation(&e) {
            Some("vehicles_vin_key") => RepoError::from(FieldErrors::single(
                "vin",
                "A vehicle with this VIN is already on file.",
            )),
            _ => e.into(),
        })?;
    crate::repo::audit::record(
        conn,
        NewAuditEntry::new("vehicle.create", "vehicle", Some(vehicle.id.to_string()))
            .by(by.user_id, by.client_addr.as_deref())
            .change(
                None,
                Some(serde_json::json!({ "customer_id": customer_id })),
            ),
    )?;
    Ok(vehicle)
}

/// The customer's vehicles, newest first.
pub fn vehicles_of(conn: &mut PgConnection, customer_id: i64) -> Result<Vec<Vehicle>, RepoError> {
    Ok(vehicles::table
        .filter(vehicles::customer_id.eq(customer_id))
        .select(Vehicle::as_select())
        .order(vehicles::id.desc())
        .load(conn)?)
}

/// The customer's devices, newest first.
pub fn devices_of(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<Vec<crate::models::customer::Device>, RepoError> {
    use crate::schema::devices;
    Ok(devices::table
        .filter(devices::customer_id.eq(customer_id))
        .select(crate::models::customer::Device::as_select())
        .order(devices::id.desc())
        .load(conn)?)
}

/// Adds a device (kind, brand, model, serial/IMEI) to a customer.
pub fn add_device(
    conn: &mut PgConnection,
    customer_id: i64,
    fields: [&str; 4],
    by: &By,
) -> Result<crate::models::customer::Device, RepoError> {
    use crate::schema::devices;
    let [kind, brand, model, serial] = fields.map(str::trim);
    if kind.is_empty() && brand.is_empty() && model.is_empty() {
        return Err(FieldErrors::single(
            "device_kind",
            "Say what the device is, e.g. Phone, Samsung A52.",
        )
        .into());
    }
    crate::repo::tx(conn, |conn| {
        get(conn, customer_id)?;
        let device = diesel::insert_into(devices::table)
            .values((
                devices::customer_id.eq(customer_id),
                devices::kind.eq(kind),
                devices::brand.eq(brand),
                devices::model.eq(model),
                devices::serial.eq(serial.to_uppercase()),
            ))
            .returning(crate::models::customer::Device::as_returning())
            .get_result(conn)?;
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("device.create", "device", Some(device.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(
                    None,
                    Some(serde_json::json!({ "customer_id": customer_id })),
                ),
        )?;
        Ok(device)
    })
}

/// The contact people of a business customer.
pub fn contacts_of(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<Vec<crate::models::customer::Contact>, RepoError> {
    use crate::schema::customer_contacts;
    Ok(customer_contacts::table
        .filter(customer_contacts::customer_id.eq(customer_id))
        .select(crate::models::customer::Contact::as_select())
        .order(customer_contacts::id)
        .load(conn)?)
}

/// Adds a contact person to a business customer.
pub fn add_contact(
    conn: &mut PgConnection,
    customer_id: i64,
    fields: [&str; 4],
    by: &By,
) -> Result<(), RepoError> {
    use crate::schema::customer_contacts;
    let [name, position, phone, email] = fields.map(str::trim);
    let mut errors = FieldErrors::new();
    if name.is_empty() {
        errors.add("contact_name", "Enter the contact's name.");
    }
    if phone.is_empty() && email.is_empty() {
        errors.add("contact_phone", "Enter a phone number or an email address.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        let customer = get(conn, customer_id)?;
        if customer.kind != "business" {
            return Err(RepoError::Conflict(
                "Contacts are for business customers.".into(),
            ));
        }
        diesel::insert_into(customer_contacts::table)
            .values((
                customer_contacts::customer_id.eq(customer_id),
                customer_contacts::name.eq(name),
                customer_contacts::position.eq(position),
                customer_contacts::phone.eq(phone),
                customer_contacts::email.eq(email.to_lowercase()),
            ))
            .execute(conn)?;
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("contact.create", "customer", Some(customer_id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(())
    })
}
