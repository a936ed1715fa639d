//! What the counter records when an item is left for repair (at check-in or for a walk-in):
//! accessories, the date promised, the unlock code, a deposit and the customer's signature, read
//! from the form and checked. The terms the customer signs are here too, so the screen and the
//! printed job sheet say the same.

use bigdecimal::{BigDecimal, Zero};
use chrono::NaiveDate;

use super::form::optional_amount;
use super::invoice::PaymentMethod;
use super::validation::FieldErrors;

/// The largest signature accepted, as PNG bytes (a 600×200 drawing is well under it).
pub const MAX_SIGNATURE_BYTES: usize = 150_000;

/// What the customer agrees to by signing, printed on the job sheet above the signature.
pub const TERMS: &[&str] = &[
    "We diagnose the item and contact you with an estimate before any chargeable work; nothing \
     beyond the estimate is done without your approval.",
    "A deposit is held against this job and taken off its invoice.",
    "Back up your data: we are not liable for data lost during repair.",
    "Items not collected within 90 days of our notice that the job is ready may be disposed of \
     to cover costs.",
    "Bring this job sheet or claim tag to collect the item.",
];

/// The repair-intake fields, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepairIntake {
    /// Accessories left with the item ("charger, case").
    pub accessories: String,
    /// The date promised for the job to be ready.
    pub promised_on: Option<NaiveDate>,
    /// The unlock code or password (empty: none given).
    pub unlock_code: String,
    /// A deposit taken now: how, how much and its reference.
    pub deposit: Option<(PaymentMethod, BigDecimal, String)>,
    /// The customer's signature as PNG bytes.
    pub signature: Option<Vec<u8>>,
}

/// Reads the intake fields from `typed` (a form's value by field name): `accessories`,
/// `promised_on` (YYYY-MM-DD, not before `today`), `unlock_code`, `deposit_amount`,
/// `deposit_method`, `deposit_reference`, `signature` (a `data:image/png;base64,` URL).
pub fn parse<'a>(
    typed: impl Fn(&str) -> &'a str,
    today: NaiveDate,
) -> Result<RepairIntake, FieldErrors> {
    let mut errors = FieldErrors::new();
    let accessories = typed("accessories").trim().to_string();
    if accessories.chars().count() > 500 {
        errors.add("accessories", "Keep the accessories to 500 characters.");
    }
    let promised_on = match typed("promised_on").trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if d < today => {
                errors.add("promised_on", "The promised date cannot be in the past.");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("promised_on", "Enter the promised date as a date.");
                None
            }
        },
    };
    let unlock_code = typed("unlock_code").trim().to_string();
    if unlock_code.chars().count() > 64 {
        errors.add("unlock_code", "Keep the unlock code to 64 characters.");
    }
    let deposit = deposit(&typed, &mut errors);
    let signature = match typed("signature").trim() {
        "" => None,
        raw => match signature_png(raw) {
            Ok(png) => Some(png),
            Err(message) => {
                errors.add("signature", message);
                None
            }
        },
    };
    errors.into_result()?;
    Ok(RepairIntake {
        accessories,
        promised_on,
        unlock_code,
        deposit,
        signature,
    })
}

fn deposit<'a>(
    typed: &impl Fn(&str) -> &'a str,
    errors: &mut FieldErrors,
) -> Option<(PaymentMethod, BigDecimal, String)> {
    let amount = optional_amount(typed("deposit_amount"), "deposit_amount", errors)?;
    if amount.is_zero() {
        return None;
    }
    let method = typed("deposit_method")
        .parse::<PaymentMethod>()
        .ok()
        .filter(|m| PaymentMethod::TAKES_DEPOSITS.contains(m));
    let Some(method) = method else {
        errors.add("deposit_method", "Choose how the deposit is paid.");
        return None;
    };
    let reference = typed("deposit_reference").trim().to_string();
    Some((method, amount, reference))
}

/// The PNG bytes of a signature sent as a data URL by the signature pad.
pub fn signature_png(data_url: &str) -> Result<Vec<u8>, &'static str> {
    use base64::Engine;
    const PREFIX: &str = "data:image/png;base64,";
    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
    let unreadable = "The signature did not come through; ask the customer to sign again.";
    let encoded = data_url.strip_prefix(PREFIX).ok_or(unreadable)?;
    if encoded.len() > MAX_SIGNATURE_BYTES * 4 / 3 + 4 {
        return Err("The signature is too large; clear it and sign again.");
    }
    let png = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| unreadable)?;
    if !png.starts_with(PNG_MAGIC) || png.len() < 60 {
        return Err(unreadable);
    }
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&'static str, &'static str)]) -> impl Fn(&str) -> &'static str {
        let fields = fields.to_vec();
        move |name| {
            fields
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v)
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2030, 1, 7).unwrap()
    }

    #[test]
    fn an_empty_intake_is_nothing_and_valid() {
        assert_eq!(parse(form(&[]), today()).unwrap(), RepairIntake::default());
    }

    #[test]
    fn each_field_is_read_and_a_bad_one_is_told_beside_it() {
        let ok = parse(
            form(&[
                ("accessories", " charger, sleeve "),
                ("promised_on", "2030-01-09"),
                ("unlock_code", "1234"),
                ("deposit_amount", "1,500"),
                ("deposit_method", "mobile_money"),
                ("deposit_reference", "QK7"),
            ]),
            today(),
        )
        .unwrap();
        assert_eq!(ok.accessories, "charger, sleeve");
        assert_eq!(ok.promised_on, NaiveDate::from_ymd_opt(2030, 1, 9));
        let (method, amount, reference) = ok.deposit.unwrap();
        assert_eq!(
            (method, amount.to_string(), reference.as_str()),
            (PaymentMethod::MobileMoney, "1500".into(), "QK7")
        );

        let bad = parse(
            form(&[
                ("promised_on", "2030-01-06"),
                ("deposit_amount", "500"),
                ("deposit_method", "deposit"),
                ("signature", "data:image/png;base64,bm90IGEgcG5n"),
            ]),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            bad.get("promised_on"),
            Some("The promised date cannot be in the past.")
        );
        assert_eq!(
            bad.get("deposit_method"),
            Some("Choose how the deposit is paid.")
        );
        assert!(
            bad.get("signature")
                .is_some_and(|m| m.contains("sign again"))
        );
    }

    #[test]
    fn a_signature_must_be_a_png_data_url() {
        use base64::Engine;
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0u8; 80]);
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        assert_eq!(signature_png(&url).unwrap(), png);
        assert!(signature_png("data:image/jpeg;base64,AAAA").is_err());
        assert!(signature_png("data:image/png;base64,!!!").is_err());
    }
}
