//! Closing the till: what each payment method should hold at the end of a day and how far the
//! count is over or short. Cash expects the opening float on top of the day's net cash.

use bigdecimal::BigDecimal;

use super::invoice::PaymentMethod;

/// What `method` should hold: the day's `net` takings by it (taken less refunded), plus the
/// `float` the till opened with for cash.
pub fn expected(method: PaymentMethod, net: &BigDecimal, float: &BigDecimal) -> BigDecimal {
    if method == PaymentMethod::Cash {
        net + float
    } else {
        net.clone()
    }
}

/// Counted less expected: above zero the till is over, below zero it is short.
pub fn over_short(counted: &BigDecimal, expected: &BigDecimal) -> BigDecimal {
    counted - expected
}

/// "Over KES 50.00", "Short KES 20.00" or "Exact", for a difference in `currency`.
pub fn verdict(difference: &BigDecimal, currency: &str) -> String {
    use bigdecimal::Signed;
    let amount = super::money::show(&difference.abs(), currency);
    if difference.is_positive() {
        format!("Over {amount}")
    } else if difference.is_negative() {
        format!("Short {amount}")
    } else {
        "Exact".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn cash_expects_the_float_and_other_methods_do_not() {
        assert_eq!(
            expected(PaymentMethod::Cash, &d("1200.00"), &d("500.00")),
            d("1700.00")
        );
        assert_eq!(
            expected(PaymentMethod::Card, &d("800.00"), &d("500.00")),
            d("800.00")
        );
    }

    #[test]
    fn the_count_is_over_short_or_exact() {
        assert_eq!(
            verdict(&over_short(&d("1750"), &d("1700")), "KES"),
            "Over KES 50.00"
        );
        assert_eq!(
            verdict(&over_short(&d("1680"), &d("1700")), "KES"),
            "Short KES 20.00"
        );
        assert_eq!(
            verdict(&over_short(&d("1700"), &d("1700.00")), "KES"),
            "Exact"
        );
    }
}
