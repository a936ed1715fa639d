//! Money helpers: amounts are `BigDecimal` with two decimals, rounded half-up to cents.

use bigdecimal::{BigDecimal, RoundingMode, Zero};

/// An amount of money as typed: 0 or more, at most two decimals.
pub fn parse_amount(raw: &str) -> Result<BigDecimal, &'static str> {
    match raw.trim().parse::<BigDecimal>() {
        Ok(v) if v >= BigDecimal::zero() && v.fractional_digit_count() <= 2 => Ok(v),
        _ => Err("Enter an amount of 0 or more, e.g. 1250.00."),
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
