//! Customers and their vehicles: create (pointing out likely duplicates first), search,
//! archive. Each change is audited in the same transaction.

use chrono::Utc;
use diesel::prelude::*;

use super::audit::escape_like;
use super::{By, RepoError, unique_violation};
use crate::domain::customer::{CustomerInput, VehicleInput};
use crate::domain::validation::FieldErrors;
use crate::domain::vehicle::normalise_plate;
use crate::models::audit::NewAuditEntry;
use crate::models::customer::{Customer, NewCustomer, NewVehicle, Vehicle};
use crate::schema::{customers, lead_sources, vehicles};

diesel::define_sql_function! {
    /// PostgreSQL's `lower`, as the customers' `search_text` was folded.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// One customer.
pub fn get(conn: &mut PgConnection, id: i64) -> Result<Customer, RepoError> {
    Ok(customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)?)
}

/// Active lead sources as (id, name).
pub fn lead_sources(conn: &mut PgConnection) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(lead_sources::table
        .filter(lead_sources::active.eq(true))
        .select((lead_sources::id, lead_sources::name))
        .order(lead_sources::id)
        .load(conn)?)
}

/// Customers with the same phone digits or email (the "is this the same person?" check).
pub fn likely_duplicates(
    conn: &mut PgConnection,
    phone: &str,
    email: &str,
) -> Result<Vec<Customer>, RepoError> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() && email.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = customers::table
        .filter(customers::erased_at.is_null())
        .into_boxed();
    q = match (digits.is_empty(), email.is_empty()) {
        (false, false) => q.filter(
            customers::phone_digits
                .eq(digits)
                .or(customers::email.eq(email.to_lowercase())),
        ),
        (false, true) => q.filter(customers::phone_digits.eq(digits)),
        _ => q.filter(customers::email.eq(email.to_lowercase())),
    };
    Ok(q.select(Customer::as_select())
        .order(customers::id)
        .limit(5)
        .load(conn)?)
}

/// Creates a customer (and a first vehicle, if given) at `branch_id`.
pub fn create(
    conn: &mut PgConnection,
    input: &CustomerInput,
    branch_id: i64,
    by: &By,
) -> Result<Customer, RepoError> {
    super::tx(conn, |conn| {
        let customer: Customer = diesel::insert_into(customers::table)
            .values(NewCustomer {
                kind: input.kind.clone(),
                segment: input.segment.clone(),
                name: input.name.clone(),
                phone: input.phone.clone(),
                email: input.email.clone(),
                address: input.address.clone(),
                lead_source_id: input.lead_source_id,
                marketing_consent: input.marketing_consent,
                marketing_consent_at: input.marketing_consent.then(Utc::now),
                notes: input.notes.clone(),
                created_branch_id: branch_id,
            })
            .returning(Customer::as_returning())
            .get_result(conn)?;
        if let Some(v) = &input.vehicle {
            add_vehicle_in_tx(conn, customer.id, v, by)?;
        }
        super::audit::record(
            conn,
            NewAuditEntry::new("customer.create", "customer", Some(customer.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                // No personal data: the audit log is append-only, and erasure must be possible.
                .change(
                    None,
                    Some(serde_json::json!({ "kind": customer.kind, "segment": customer.segment })),
                ),
        )?;
        Ok(customer)
    })
}

/// Adds a vehicle to a customer.
pub fn add_vehicle(
    conn: &mut PgConnection,
    customer_id: i64,
    input: &VehicleInput,
    by: &By,
) -> Result<Vehicle, RepoError> {
    super::tx(conn, |conn| {
        get(conn, customer_id)?;
        add_vehicle_in_tx(conn, customer_id, input, by)
    })
}

fn add_vehicle_in_tx(
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
    super::audit::record(
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

/// Customers matching what the receptionist typed: a name fragment, phone digits, an email, a
/// plate or a VIN. Archived and erased customers are left out. One page and the total.
pub fn search(
    conn: &mut PgConnection,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Customer>, i64), RepoError> {
    let q = q.trim();
    // Owners of a vehicle or device matching the search (at most 500), fetched first so the
    // customer filter is an `= ANY` an index answers beside the trigram indexes. Plates, VINs
    // and serials match from three characters: the trigram indexes need three, and shorter
    // fragments would read every vehicle and device.
    let plate = normalise_plate(q);
    let owners: Vec<i64> = if plate.chars().count() < 3 {
        Vec::new()
    } else {
        let plate = format!("%{}%", escape_like(&plate));
        let mut ids: Vec<i64> = vehicles::table
            .filter(
                vehicles::plate
                    .ilike(&plate)
                    .or(vehicles::vin.ilike(&plate)),
            )
            .select(vehicles::customer_id)
            .limit(500)
            .load(conn)?;
        ids.extend(
            crate::schema::devices::table
                .filter(crate::schema::devices::serial.ilike(&plate))
                .select(crate::schema::devices::customer_id)
                .limit(500)
                .load::<i64>(conn)?,
        );
        ids
    };
    let filtered = || {
        let mut query = customers::table
            .filter(customers::archived_at.is_null())
            .filter(customers::erased_at.is_null())
            .into_boxed();
        if !q.is_empty() {
            // `search_text` is the name and email folded to lower case when the row was
            // written (migration 000025): folded once here, the pattern needs no ILIKE.
            let text = format!("%{}%", escape_like(q));
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            let mut cond = Box::new(
                customers::search_text
                    .assume_not_null()
                    .like(lower(text))
                    .or(customers::id.eq_any(owners.clone())),
            )
                as Box<
                    dyn BoxableExpression<
                            customers::table,
                            diesel::pg::Pg,
                            SqlType = diesel::sql_types::Bool,
                        >,
                >;
            if digits.len() >= 3 {
                cond = Box::new(
                    cond.or(customers::phone_digits
                        .like(format!("%{digits}%"))
                        .assume_not_null()),
                );
            }
            query = query.filter(cond);
        }
        query
    };
    // One pass over the matches gives both the count and the page: the ids in list order (at
    // most COUNT_CAP of them), then the page's rows by primary key. A second filtered scan for
    // the page would test every match's name and email again.
    if !q.is_empty() {
        super::plan_for_these_values(conn)?;
    }
    let ids: Vec<i64> = filtered()
        .select(customers::id)
        .order((customers::name.asc(), customers::id.asc()))
        .limit(super::COUNT_CAP)
        .load(conn)?;
    let page = super::page_of(&ids, offset, limit);
    let rows = customers::table
        .filter(customers::id.eq_any(&page))
        .select(Customer::as_select())
        .order((customers::name.asc(), customers::id.asc()))
        .load(conn)?;
    Ok((rows, super::bounded_total(ids)))
}

/// Archives a customer (hidden from search, nothing removed) or restores them.
pub fn set_archived(
    conn: &mut PgConnection,
    id: i64,
    archived: bool,
    by: &By,
) -> Result<Customer, RepoError> {
    super::tx(conn, |conn| {
        let before: Customer = customers::table
            .find(id)
            .select(Customer::as_select())
            .for_update()
            .first(conn)?;
        if before.erased_at.is_some() {
            return Err(RepoError::Conflict(
                "This customer's personal data was erased.".into(),
            ));
        }
        let after: Customer = diesel::update(customers::table.find(id))
            .set((
                customers::archived_at.eq(archived.then(Utc::now)),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(Utc::now()),
            ))
            .returning(Customer::as_returning())
            .get_result(conn)?;
        let action = if archived {
            "customer.archive"
        } else {
            "customer.restore"
        };
        super::audit::record(
            conn,
            NewAuditEntry::new(action, "customer", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(after)
    })
}

/// Erases a customer's personal data (GDPR): name, phone, email, address, notes, contacts, VINs,
/// plates and device serials are blanked; the record, its bookings, tickets and money stay,
/// anonymous. Cannot be undone.
pub fn erase_personal_data(
    conn: &mut PgConnection,
    id: i64,
    by: &By,
) -> Result<Customer, RepoError> {
    use crate::schema::{customer_contacts, devices};
    super::tx(conn, |conn| {
        let before: Customer = customers::table
            .find(id)
            .select(Customer::as_select())
            .for_update()
            .first(conn)?;
        if before.erased_at.is_some() {
            return Ok(before);
        }
        let now = Utc::now();
        let after: Customer = diesel::update(customers::table.find(id))
            .set((
                customers::name.eq(format!("Erased customer #{id}")),
                customers::phone.eq(""),
                customers::email.eq(""),
                customers::address.eq(""),
                customers::notes.eq(""),
                customers::marketing_consent.eq(false),
                customers::marketing_consent_at.eq(None::<chrono::DateTime<Utc>>),
                customers::erased_at.eq(now),
                customers::archived_at.eq(before.archived_at.unwrap_or(now)),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(now),
            ))
            .returning(Customer::as_returning())
            .get_result(conn)?;
        diesel::update(customer_contacts::table.filter(customer_contacts::customer_id.eq(id)))
            .set((
                customer_contacts::name.eq("erased"),
                customer_contacts::position.eq(""),
                customer_contacts::phone.eq(""),
                customer_contacts::email.eq(""),
            ))
            .execute(conn)?;
        diesel::update(vehicles::table.filter(vehicles::customer_id.eq(id)))
            .set((vehicles::vin.eq(None::<String>), vehicles::plate.eq("")))
            .execute(conn)?;
        diesel::update(devices::table.filter(devices::customer_id.eq(id)))
            .set(devices::serial.eq(""))
            .execute(conn)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("customer.erase", "customer", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(after)
    })
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
    super::tx(conn, |conn| {
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
        super::audit::record(
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
    super::tx(conn, |conn| {
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
        super::audit::record(
            conn,
            NewAuditEntry::new("contact.create", "customer", Some(customer_id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(())
    })
}
