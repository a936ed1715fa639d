//! The one parser of numbers typed into forms. Each function reads one field as typed, records a
//! message under the field's name when it does not parse, and returns a placeholder so the rest
//! of the form is still checked; the handler then shows every message at once. A decimal longer
//! than [`MAX_DECIMAL_CHARS`] or written with an exponent is refused before it is parsed, so no
//! input makes the server work hard.

use bigdecimal::BigDecimal;

use super::money::{parse_amount, plain_decimal};
use super::validation::FieldErrors;

/// The longest decimal a form may hold ("9999999999.99" and a sign fit easily).
pub const MAX_DECIMAL_CHARS: usize = 20;

/// A decimal as typed, its grouping and decimal marks read (`1,250.50`, `1 250,50`: see
/// [`plain_decimal`]); an optional leading minus.
pub fn decimal(raw: &str) -> Option<BigDecimal> {
    read_decimal(raw).ok()
}

/// [`decimal`], or why it does not read: the marks message of [`plain_decimal`] when they are what
/// is unclear, `None` when the input is just not a number.
fn read_decimal(raw: &str) -> Result<BigDecimal, Option<String>> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_DECIMAL_CHARS {
        return Err(None);
    }
    match plain_decimal(raw) {
        Ok(plain) => plain.parse().map_err(|_| None),
        Err(said) if raw.chars().any(|c| matches!(c, ',' | '.' | ' ' | '\'')) => Err(Some(said)),
        Err(_) => Err(None),
    }
}

/// What a field that is not an amount is told.
pub const NOT_AN_AMOUNT: &str = "Enter an amount of 0 or more, e.g. 1250.00.";

/// An amount of money (0 or more, at most two decimals); 0 with a message when it is not one.
pub fn amount(raw: &str, field: &str, errors: &mut FieldErrors) -> BigDecimal {
    amount_or_say(raw, field, NOT_AN_AMOUNT, errors)
}

/// An amount, read as [`decimal`] reads it: `Err` with `message`, or with what is unclear about
/// its marks.
fn read_amount(raw: &str, message: &str) -> Result<BigDecimal, String> {
    match read_decimal(raw) {
        Ok(v) => parse_amount(&v.to_string()).map_err(|_| message.to_string()),
        Err(Some(said)) => Err(said),
        Err(None) => Err(message.to_string()),
    }
}

/// An amount, with the field's own `message` when it is not one.
pub fn amount_or_say(
    raw: &str,
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> BigDecimal {
    read_amount(raw, message).unwrap_or_else(|said| {
        errors.add(field, said);
        BigDecimal::from(0)
    })
}

/// An amount that may be left empty (then 0).
pub fn amount_or_zero(raw: &str, field: &str, errors: &mut FieldErrors) -> BigDecimal {
    optional_amount(raw, field, errors).unwrap_or_default()
}

/// An amount that may be left empty (then `None`).
pub fn optional_amount(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<BigDecimal> {
    if raw.trim().is_empty() {
        return None;
    }
    match read_amount(raw, NOT_AN_AMOUNT) {
        Ok(v) => Some(v),
        Err(said) => {
            errors.add(field, said);
            None
        }
    }
}

/// A whole number from `min` to `max`; `min` with `message` when not.
pub fn whole(
    raw: &str,
    (min, max): (i32, i32),
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> i32 {
    match raw.trim().trim_start_matches('+').parse::<i32>() {
        Ok(v) if (min..=max).contains(&v) => v,
        _ => {
            errors.add(field, message);
            min
        }
    }
}

/// A whole number that may be left empty.
pub fn optional_whole(
    raw: &str,
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<i32> {
    match raw.trim() {
        "" => None,
        v => v.parse().map_err(|_| errors.add(field, message)).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn only_short_decimals_are_read_with_their_marks() {
        assert_eq!(decimal(" 12.50 "), Some(d("12.50")));
        assert_eq!(decimal("-3"), Some(d("-3")));
        assert_eq!(decimal("12,5"), Some(d("12.5")));
        assert_eq!(decimal("1 000"), Some(d("1000")));
        assert_eq!(decimal("1,000.50"), Some(d("1000.50")));
        for bad in ["", ".", "1e9", "1E-999999999", "1.2.3", "abc", "1,00,0"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
        assert_eq!(decimal(&"9".repeat(MAX_DECIMAL_CHARS + 1)), None);
    }

    #[test]
    fn amounts_are_zero_or_more_with_two_decimals_and_say_what_is_wrong() {
        let mut errors = FieldErrors::new();
        assert_eq!(amount("1250.00", "price", &mut errors), d("1250.00"));
        assert_eq!(amount("1.005", "fee", &mut errors), d("0"));
        assert_eq!(amount("-1", "rate", &mut errors), d("0"));
        assert_eq!(amount("9e9", "big", &mut errors), d("0"));
        assert_eq!(optional_amount(" ", "tip", &mut errors), None);
        assert_eq!(amount_or_zero("", "duty", &mut errors), d("0"));
        assert!(errors.get("price").is_none() && errors.get("tip").is_none());
        for field in ["fee", "rate", "big"] {
            assert_eq!(
                errors.get(field),
                Some("Enter an amount of 0 or more, e.g. 1250.00.")
            );
        }
        // Grouped as people write them, or told what to write when the marks are unclear.
        assert_eq!(amount("1 000,50", "deposit", &mut errors), d("1000.50"));
        assert_eq!(amount("40,000", "price", &mut errors), d("40000"));
        assert_eq!(amount("1,00,0", "odd", &mut errors), d("0"));
        assert_eq!(
            errors.get("odd"),
            Some("1,00,0 does not read as one number: write it as 1250.50 or 1,250.50.")
        );
    }

    #[test]
    fn whole_numbers_keep_to_their_bounds() {
        let mut errors = FieldErrors::new();
        assert_eq!(whole("+5", (0, 100), "days", "Days?", &mut errors), 5);
        assert_eq!(whole("-1", (0, 100), "negative", "Days?", &mut errors), 0);
        assert_eq!(optional_whole("", "cycles", "Whole?", &mut errors), None);
        assert_eq!(optional_whole("x", "health", "Whole?", &mut errors), None);
        let failed: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(failed, ["health", "negative"]);
    }
}
