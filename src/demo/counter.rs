//! The demo's customers, vehicles, bays, services and bookings.

use anyhow::Result;
use diesel::{Connection, PgConnection};

use crate::repo::{self, By};

/// Marks that the counter's demo records (services, bays, customers, a week of bookings) exist.
const DEMO_COUNTER_LOADED: &str = "demo_counter_loaded";

/// Services, bays, customers with vehicles, and a week of bookings from today's next slot on.
pub(super) fn load_counter(conn: &mut PgConnection) -> Result<bool> {
    use chrono::{Datelike, Duration, Utc};

    use crate::domain::booking::{BookingStatus, local_to_utc};
    use crate::domain::customer::{CustomerInput, VehicleInput};
    use crate::repo::bookings::BookingRequest;

    if repo::settings::get(conn, DEMO_COUNTER_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let by = By::default();
        let services = [
            ("Oil and filter change", "Maintenance", "1.00", "3500.00"),
            ("Brake pads, front axle", "Brakes", "1.50", "6500.00"),
            ("Computer diagnostics", "Diagnostics", "0.50", "2000.00"),
            ("Wheel alignment", "Tyres", "1.00", "3000.00"),
            ("Phone screen replacement", "Devices", "1.00", "4500.00"),
        ]
        .map(|(name, cat, hours, price)| {
            repo::catalogue::create_service(
                conn,
                name,
                cat,
                hours.parse().unwrap_or_default(),
                price.parse().unwrap_or_default(),
                &by,
            )
            .map(|s| s.id)
        });
        let services: Vec<i64> = services.into_iter().collect::<Result<_, _>>()?;
        let branches = repo::branches::active(conn)?;
        let people = [
            (
                "Wanjiru Kamau",
                "+254 712 345 678",
                "KDA 123B",
                "Toyota",
                "Corolla",
            ),
            (
                "Otieno Garage Ltd",
                "+254 733 999 000",
                "KCB 456C",
                "Isuzu",
                "D-Max",
            ),
            (
                "Amani Mwangi",
                "+254 701 222 333",
                "KDE 789D",
                "Mazda",
                "Demio",
            ),
            (
                "Fatuma Hassan",
                "+254 722 444 555",
                "KDF 246E",
                "Nissan",
                "Note",
            ),
            (
                "Peter Njoroge",
                "+254 710 666 777",
                "KCZ 135F",
                "Subaru",
                "Forester",
            ),
            (
                "Grace Achieng",
                "+254 799 888 111",
                "KDG 864G",
                "Honda",
                "Fit",
            ),
        ];
        let mut customers = Vec::new();
        for (i, (name, phone, plate, make, model)) in people.into_iter().enumerate() {
            let input = CustomerInput {
                kind: if name.ends_with("Ltd") {
                    "business"
                } else {
                    "person"
                }
                .into(),
                segment: if name.ends_with("Ltd") {
                    "wholesale"
                } else {
                    "retail"
                }
                .into(),
                name: name.into(),
                phone: phone.into(),
                email: String::new(),
                address: String::new(),
                lead_source_id: Some(1 + (i as i64 % 8)),
                marketing_consent: i % 2 == 0,
                notes: String::new(),
                vehicle: Some(VehicleInput {
                    vin: None,
                    plate: crate::domain::vehicle::normalise_plate(plate),
                    make: make.into(),
                    model: model.into(),
                    year: Some(2010 + i as i32),
                    mileage: Some(40_000 + 9_000 * i as i32),
                }),
                device: None,
            };
            let branch = branches.first().map(|b| b.id).unwrap_or(1);
            let c = repo::customers::create(conn, &input, branch, &by)?;
            let v = repo::customers::vehicles_of(conn, c.id)?
                .first()
                .map(|v| v.id);
            customers.push((c.id, v));
        }
        let now = Utc::now();
        for branch in &branches {
            let bays: Vec<i64> = ["Lift 1", "Lift 2", "Alignment bay"]
                .into_iter()
                .map(|b| repo::catalogue::create_bay(conn, branch.id, b, &[], &by).map(|b| b.id))
                .collect::<Result<_, _>>()?;
            let tz = crate::domain::time::zone(&branch.timezone);
            let today = now.with_timezone(&tz).date_naive();
            let mut n = 0usize;
            for day in 0..=7 {
                let date = today + Duration::days(day);
                if date.weekday() == chrono::Weekday::Sun {
                    continue;
                }
                let slots: &[(&str, &str)] = if date.weekday() == chrono::Weekday::Sat {
                    &[("09:00", "10:00"), ("10:30", "12:00")]
                } else {
                    &[
                        ("08:00", "09:00"),
                        ("09:30", "11:00"),
                        ("11:00", "12:00"),
                        ("14:00", "15:30"),
                    ]
                };
                for (start, end) in slots {
                    let (customer, vehicle) = customers[n % customers.len()];
                    let date_s = date.format("%Y-%m-%d").to_string();
                    let (Some(starts_at), Some(ends_at)) = (
                        local_to_utc(tz, &date_s, start),
                        local_to_utc(tz, &date_s, end),
                    ) else {
                        continue;
                    };
                    if starts_at <= now {
                        continue;
                    }
                    let request = BookingRequest {
                        customer_id: customer,
                        vehicle_id: vehicle,
                        device_id: None,
                        bay_id: bays[n % bays.len()],
                        starts_at,
                        ends_at,
                        service_ids: vec![services[n % 4]],
                        notes: String::new(),
                    };
                    let booking = repo::bookings::create(conn, branch.id, &request, &by)?;
                    if n % 3 != 2 {
                        repo::bookings::transition(
                            conn,
                            branch.id,
                            booking.id,
                            BookingStatus::Confirmed,
                            None,
                            &by,
                        )?;
                    }
                    n += 1;
                }
            }
        }
        repo::settings::set(conn, DEMO_COUNTER_LOADED, &now.to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}
