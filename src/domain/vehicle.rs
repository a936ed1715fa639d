//! Vehicle identification numbers.

/// Checks a VIN: 17 characters, letters and digits only, never I, O or Q (ISO 3779).
/// Returns it upper-cased, or the message for the form.
pub fn normalise_vin(raw: &str) -> Result<String, String> {
    let vin: String = raw.trim().to_uppercase();
    if vin.chars().count() != 17 {
        return Err(format!(
            "A VIN has 17 characters; this one has {}.",
            vin.chars().count()
        ));
    }
    if let Some(bad) = vin.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!("A VIN has only letters and digits, not “{bad}”."));
    }
    if let Some(bad) = vin.chars().find(|c| matches!(c, 'I' | 'O' | 'Q')) {
        return Err(format!(
            "A VIN never contains the letter {bad} (it would read as 1 or 0)."
        ));
    }
    Ok(vin)
}

/// A number plate as stored: upper-case, without spaces or dashes (so searches match however
/// it was typed).
pub fn normalise_plate(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_uppercase()
}

/// An odometer reading as typed ("81,200", "81 200" or empty). The message is for the form.
pub fn parse_mileage(raw: &str) -> Result<Option<i32>, &'static str> {
    match raw.trim().replace([',', ' '], "").as_str() {
        "" => Ok(None),
        m => match m.parse::<i32>() {
            Ok(m) if m >= 0 => Ok(Some(m)),
            _ => Err("Enter the mileage as a whole number."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_vin_is_upper_cased() {
        assert_eq!(
            normalise_vin(" 1hgcm82633a004352 ").unwrap(),
            "1HGCM82633A004352"
        );
    }

    #[test]
    fn wrong_length_forbidden_letters_and_symbols_are_refused() {
        assert!(
            normalise_vin("1HGCM82633A00435")
                .unwrap_err()
                .contains("17 characters")
        );
        assert!(
            normalise_vin("1HGCM82633A0O4352")
                .unwrap_err()
                .contains("letter O")
        );
        assert!(
            normalise_vin("1HGCM82633A0I4352")
                .unwrap_err()
                .contains("letter I")
        );
        assert!(
            normalise_vin("1HGCM82633A0Q4352")
                .unwrap_err()
                .contains("letter Q")
        );
        assert!(
            normalise_vin("1HGCM82633A-04352")
                .unwrap_err()
                .contains("only letters and digits")
        );
    }

    #[test]
    fn mileage_takes_separators_and_refuses_nonsense() {
        assert_eq!(parse_mileage(" 81,200 "), Ok(Some(81_200)));
        assert_eq!(parse_mileage(""), Ok(None));
        assert!(parse_mileage("-5").is_err());
        assert!(parse_mileage("lots").is_err());
    }

    #[test]
    fn plates_match_however_typed() {
        assert_eq!(normalise_plate("kdA 123-b"), "KDA123B");
    }
}
