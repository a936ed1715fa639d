//! Money helpers: amounts are `BigDecimal` with two decimals, rounded half-up to cents.

use bigdecimal::{BigDecimal, RoundingMode, Zero};

/// An amount of money as typed: 0 or more, at most two decimals.
pub fn parse_amount(raw: &str) -> Result<BigDecimal, &'static str> {
    match raw.trim().parse::<BigDecimal>() {
        Ok(v) if v >= BigDecimal::zero() && v.fractional_digit_count() <= 2 => Ok(v),
        _ => Err("Enter an amount of 0 or more, e.g. 1250.00."),
    }
}

/// A number as typed with its grouping and decimal marks read: `1,000.50`, `1 000,50`,
/// `1.000,50`, `1000,5` and `1,000` all read as the plain decimal they mean (`1000.50`, …, `1000`);
/// spaces and apostrophes group thousands; when both a comma and a point appear the last is the
/// decimal mark; a lone comma followed by exactly three digits groups thousands (money has at
/// most two decimals), otherwise it is the decimal mark. `Err` with what to write instead when the
/// marks do not read one way (`1,00,0`, `1.000.5`).
pub fn plain_decimal(raw: &str) -> Result<String, String> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let (sign, body) = match compact.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", compact.as_str()),
    };
    let unclear = || {
        Err(format!(
            "{} does not read as one number: write it as 1250.50 or 1,250.50.",
            raw.trim()
        ))
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return unclear();
    }
    let (last_comma, last_point) = (body.rfind(','), body.rfind('.'));
    let decimal_mark = match (last_comma, last_point) {
        (Some(c), Some(p)) => Some(if c > p { ',' } else { '.' }),
        (Some(c), None) => {
            let after = body.len() - c - 1;
            (body.matches(',').count() == 1 && after != 3).then_some(',')
        }
        (None, Some(_)) => (body.matches('.').count() == 1).then_some('.'),
        (None, None) => None,
    };
    let (whole, fraction) = match decimal_mark {
        Some(mark) => {
            let at = body.rfind(mark).unwrap_or(body.len());
            (&body[..at], Some(&body[at + 1..]))
        }
        None => (body, None),
    };
    // What is left of the whole part is digits grouped in threes by one kind of mark.
    let groups: Vec<&str> = whole.split([',', '.']).collect();
    let marks: std::collections::BTreeSet<char> =
        whole.chars().filter(|c| !c.is_ascii_digit()).collect();
    let grouped_right = groups.len() == 1
        || (marks.len() == 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3));
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    if whole.is_empty() || !grouped_right || !fraction_ok {
        return unclear();
    }
    let digits: String = groups.concat();
    Ok(match fraction {
        Some(f) => format!("{sign}{digits}.{f}"),
        None => format!("{sign}{digits}"),
    })
}

/// Anything that is an amount, however many references deep a template holds it.
pub trait Amount {
    fn decimal(&self) -> &BigDecimal;
}

impl Amount for BigDecimal {
    fn decimal(&self) -> &BigDecimal {
        self
    }
}

impl<T: Amount + ?Sized> Amount for &T {
    fn decimal(&self) -> &BigDecimal {
        (**self).decimal()
    }
}

/// An amount as people read it: thousands grouped with commas, two decimals (`12,345.50`,
/// `-0.50`). Tables show amounts this way under a heading that names the currency.
pub fn grouped(v: &BigDecimal) -> String {
    let text = format!("{:.2}", cents(v));
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    format!("{sign}{}.{fraction}", group_digits(whole))
}

/// A run of digits with its thousands grouped by commas: `12345` as `12,345`.
pub fn group_digits(whole: &str) -> String {
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount with its currency, the one way an amount is shown on its own: `KES 12,345.50`.
pub fn show(v: &BigDecimal, currency: &str) -> String {
    if currency.is_empty() {
        grouped(v)
    } else {
        format!("{currency} {}", grouped(v))
    }
}

/// Rounds half-up to cents.
pub fn cents(v: &BigDecimal) -> BigDecimal {
    v.with_scale_round(2, RoundingMode::HalfUp)
}

/// Whole cents as an amount with two decimals ("1234.05", "-0.50"), without going through
/// `BigDecimal` (a CSV export formats tens of thousands of them).
pub fn cents_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Spreads `extra` (shipping plus duty) over lines in proportion to their `weights` (their
/// purchase value), each share rounded to cents; the rounding remainder goes to the heaviest
/// line so the shares add up to `extra` exactly. Equal shares when every weight is zero.
pub fn spread(extra: &BigDecimal, weights: &[BigDecimal]) -> Vec<BigDecimal> {
    if weights.is_empty() {
        return Vec::new();
    }
    let total: BigDecimal = weights.iter().sum();
    let weights: Vec<BigDecimal> = if total.is_zero() {
        vec![BigDecimal::from(1); weights.len()]
    } else {
        weights.to_vec()
    };
    let total: BigDecimal = weights.iter().sum();
    let mut shares: Vec<BigDecimal> = weights
        .iter()
        .map(|w| cents(&(extra * w / &total)))
        .collect();
    let given: BigDecimal = shares.iter().sum();
    let max = weights.iter().max();
    let heaviest = weights.iter().position(|w| Some(w) == max).unwrap_or(0);
    shares[heaviest] = &shares[heaviest] + (cents(extra) - given);
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_the_marks_people_type() {
        for (typed, plain) in [
            ("1250.50", "1250.50"),
            ("1,000.50", "1000.50"),
            ("1 000,50", "1000.50"),
            ("1.000,50", "1000.50"),
            ("1000,5", "1000.5"),
            ("12,34", "12.34"),
            ("1,000", "1000"),
            ("12,345,678.90", "12345678.90"),
            ("1.000.000", "1000000"),
            ("1'000.25", "1000.25"),
            ("-2,500", "-2500"),
            (" 15 ", "15"),
        ] {
            assert_eq!(plain_decimal(typed).as_deref(), Ok(plain), "{typed}");
        }
        for unclear in ["1,00,0", "1.000.5", "1,,0", "abc", "", "1,000.5.0", ","] {
            let said = plain_decimal(unclear).unwrap_err();
            assert!(said.contains("write it as 1250.50"), "{unclear}: {said}");
        }
    }

    #[test]
    fn amounts_show_grouped_with_two_decimals_and_their_currency() {
        assert_eq!(grouped(&d("0")), "0.00");
        assert_eq!(grouped(&d("999.5")), "999.50");
        assert_eq!(grouped(&d("1000")), "1,000.00");
        assert_eq!(grouped(&d("1234567.891")), "1,234,567.89");
        assert_eq!(grouped(&d("-12345.5")), "-12,345.50");
        assert_eq!(show(&d("40000"), "KES"), "KES 40,000.00");
        assert_eq!(show(&d("5"), ""), "5.00");
    }

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn cents_read_as_the_amount_they_are() {
        for (c, text) in [
            (0, "0.00"),
            (5, "0.05"),
            (-50, "-0.50"),
            (123405, "1234.05"),
            (-123400, "-1234.00"),
            (i64::MIN, "-92233720368547758.08"),
        ] {
            assert_eq!(cents_text(c), text);
            assert_eq!(
                cents_text(c),
                format!("{:.2}", BigDecimal::new(c.into(), 2))
            );
        }
    }

    #[test]
    fn shares_follow_value_and_add_up_exactly() {
        let shares = spread(&d("100.00"), &[d("1"), d("1"), d("1")]);
        assert_eq!(shares.iter().sum::<BigDecimal>(), d("100.00"));
        assert_eq!(shares, vec![d("33.34"), d("33.33"), d("33.33")]);
        let shares = spread(&d("90.00"), &[d("200"), d("100")]);
        assert_eq!(shares, vec![d("60.00"), d("30.00")]);
    }

    #[test]
    fn free_lines_share_evenly_and_nothing_to_spread_gives_zeroes() {
        assert_eq!(
            spread(&d("10.00"), &[d("0"), d("0")]),
            vec![d("5.00"), d("5.00")]
        );
        assert_eq!(
            spread(&d("0"), &[d("5"), d("7")]),
            vec![d("0.00"), d("0.00")]
        );
        assert!(spread(&d("1"), &[]).is_empty());
    }

    #[test]
    fn amounts_are_non_negative_with_at_most_cents() {
        assert_eq!(parse_amount(" 1250.5 "), Ok(d("1250.5")));
        assert!(parse_amount("-1").is_err());
        assert!(parse_amount("1.234").is_err());
        assert!(parse_amount("").is_err());
    }

    #[test]
    fn half_cents_round_up() {
        assert_eq!(cents(&d("0.005")), d("0.01"));
        assert_eq!(cents(&d("2.344")), d("2.34"));
    }
}
