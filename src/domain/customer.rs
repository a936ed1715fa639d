//! Customer and vehicle input as typed into the counter forms.

use serde::{Deserialize, Serialize};

use super::validation::FieldErrors;
use super::vehicle::{normalise_plate, normalise_vin, parse_mileage};

/// The new-customer form as typed (with an optional first vehicle).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CustomerDraft {
    /// `person` or `business`.
    #[serde(default)]
    pub kind: String,
    /// `retail` or `wholesale`.
    #[serde(default)]
    pub segment: String,
    /// Full or business name.
    #[serde(default)]
    pub name: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Lead source id from the select.
    #[serde(default)]
    pub lead_source_id: String,
    /// Ticked when the customer agrees to marketing messages.
    #[serde(default)]
    pub marketing_consent: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: String,
    /// Ticked after the duplicates warning: save even though a match exists.
    #[serde(default)]
    pub confirm_duplicate: Option<String>,
    /// First vehicle: VIN (optional).
    #[serde(default)]
    pub vin: String,
    /// First vehicle: plate.
    #[serde(default)]
    pub plate: String,
    /// First vehicle: make.
    #[serde(default)]
    pub make: String,
    /// First vehicle: model.
    #[serde(default)]
    pub model: String,
    /// First vehicle: year.
    #[serde(default)]
    pub year: String,
    /// First vehicle: mileage.
    #[serde(default)]
    pub mileage: String,
    /// Other fields of the customer page's forms (device, contact), kept as typed.
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, String>,
}

impl CustomerDraft {
    /// The typed value of one of the other fields.
    pub fn typed(&self, field: &str) -> &str {
        self.extra.get(field).map(String::as_str).unwrap_or("")
    }
}

/// A valid customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerInput {
    /// `person` or `business`.
    pub kind: String,
    /// `retail` or `wholesale`.
    pub segment: String,
    pub name: String,
    /// Phone as typed (trimmed).
    pub phone: String,
    /// Email, lower-cased.
    pub email: String,
    pub address: String,
    pub lead_source_id: Option<i64>,
    pub marketing_consent: bool,
    pub notes: String,
    /// A first vehicle, when one was entered.
    pub vehicle: Option<VehicleInput>,
    /// A first device (kind, brand, model, serial), when one was entered.
    pub device: Option<[String; 4]>,
}

/// A valid vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleInput {
    /// Upper-case VIN, if given.
    pub vin: Option<String>,
    /// Normalised plate.
    pub plate: String,
    pub make: String,
    pub model: String,
    /// Model year.
    pub year: Option<i32>,
    /// Odometer reading.
    pub mileage: Option<i32>,
}

/// The vehicle fields of a form, checked; `None` when all are empty.
pub fn parse_vehicle(
    vin: &str,
    plate: &str,
    make: &str,
    model: &str,
    year: &str,
    mileage: &str,
    errors: &mut FieldErrors,
) -> Option<VehicleInput> {
    if [vin, plate, make, model, year, mileage]
        .iter()
        .all(|f| f.trim().is_empty())
    {
        return None;
    }
    let vin = match vin.trim() {
        "" => None,
        raw => normalise_vin(raw).map_err(|m| errors.add("vin", m)).ok(),
    };
    let plate = normalise_plate(plate);
    if plate.is_empty() && vin.is_none() {
        errors.add("plate", "Enter the plate or the VIN.");
    }
    let year = match year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Some(y),
            _ => {
                errors.add("year", "Enter a year such as 2016.");
                None
            }
        },
    };
    let mileage = parse_mileage(mileage).unwrap_or_else(|message| {
        errors.add("mileage", message);
        None
    });
    Some(VehicleInput {
        vin,
        plate,
        make: make.trim().to_string(),
        model: model.trim().to_string(),
        year,
        mileage,
    })
}

impl CustomerInput {
    /// Checks every field, collecting a message per bad field.
    pub fn parse(d: &CustomerDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = if d.kind == "business" {
            "business"
        } else {
            "person"
        }
        .to_string();
        let segment = if d.segment == "wholesale" {
            "wholesale"
        } else {
            "retail"
        }
        .to_string();
        let name = d.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Enter the customer's name.");
        } else if name.chars().count() > 160 {
            errors.add("name", "Keep the name to 160 characters.");
        }
        let phone = d.phone.trim().to_string();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty() && !(7..=15).contains(&digits) {
            errors.add("phone", "Enter a phone number of 7 to 15 digits.");
        }
        let email = d.email.trim().to_lowercase();
        if !email.is_empty() && !looks_like_email(&email) {
            errors.add("email", "Enter an email address such as name@example.com.");
        }
        if phone.is_empty() && email.is_empty() {
            errors.add(
                "phone",
                "Enter a phone number or an email address so we can reach them.",
            );
        }
        let lead_source_id = match d.lead_source_id.trim() {
            "" => None,
            s => s
                .parse::<i64>()
                .map_err(|_| errors.add("lead_source_id", "Choose a lead source."))
                .ok(),
        };
        let vehicle = parse_vehicle(
            &d.vin,
            &d.plate,
            &d.make,
            &d.model,
            &d.year,
            &d.mileage,
            &mut errors,
        );
        let device = [
            "device_kind",
            "device_brand",
            "device_model",
            "device_serial",
        ]
        .map(|f| d.typed(f).trim().to_string());
        let device = device.iter().any(|f| !f.is_empty()).then_some(device);
        errors.into_result()?;
        Ok(Self {
            kind,
            segment,
            name,
            phone,
            email,
            address: d.address.trim().to_string(),
            lead_source_id,
            marketing_consent: d.marketing_consent.is_some(),
            notes: d.notes.trim().to_string(),
            vehicle,
            device,
        })
    }
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(' ')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> CustomerDraft {
        CustomerDraft {
            name: "Wanjiru Kamau".into(),
            phone: "+254 712 345 678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_person_with_a_phone_is_enough() {
        let c = CustomerInput::parse(&draft()).unwrap();
        assert_eq!(c.kind, "person");
        assert!(c.vehicle.is_none());
    }

    #[test]
    fn a_customer_needs_a_way_to_be_reached() {
        let mut d = draft();
        d.phone.clear();
        assert!(CustomerInput::parse(&d).unwrap_err().get("phone").is_some());
    }

    #[test]
    fn a_bad_vin_is_reported_on_the_vin_field() {
        let mut d = draft();
        d.vin = "ABC".into();
        d.plate = "KDA 123B".into();
        let e = CustomerInput::parse(&d).unwrap_err();
        assert!(e.get("vin").unwrap().contains("17 characters"));
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        let mut d = draft();
        d.email = "Someone@Example.COM".into();
        assert_eq!(
            CustomerInput::parse(&d).unwrap().email,
            "someone@example.com"
        );
        d.email = "not-an-email".into();
        assert!(CustomerInput::parse(&d).unwrap_err().get("email").is_some());
    }
}
