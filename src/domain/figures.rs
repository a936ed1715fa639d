//! What the dashboards' figures mean, in one place: margin, a share in percent, technicians'
//! efficiency, stock turnover, the average sale and "loses money at volume". Each takes the
//! summed amounts a query read and returns the figure, or `None` where it has no meaning (a
//! share of nothing); pages show `None` as a dash.

use bigdecimal::{BigDecimal, RoundingMode, Zero};

use super::money::cents;

/// What is left of revenue after the goods' cost and the labour's cost.
pub fn margin(
    revenue: &BigDecimal,
    goods_cost: &BigDecimal,
    labour_cost: &BigDecimal,
) -> BigDecimal {
    revenue - goods_cost - labour_cost
}

/// `part` as a percentage of `whole`, half up to `places` decimals.
pub fn share(part: &BigDecimal, whole: &BigDecimal, places: i64) -> Option<BigDecimal> {
    if *whole == 0 {
        return None;
    }
    Some((part * BigDecimal::from(100) / whole).with_scale_round(places, RoundingMode::HalfUp))
}

/// Hours billed as a percentage of hours clocked, to the whole percent.
pub fn efficiency(billed: &BigDecimal, clocked: &BigDecimal) -> Option<BigDecimal> {
    share(billed, clocked, 0)
}

/// What a period sold at cost, as a multiple of the stock held now at cost, to two decimals.
pub fn turnover(sold_at_cost: &BigDecimal, held_at_cost: &BigDecimal) -> Option<BigDecimal> {
    if *held_at_cost == 0 {
        return None;
    }
    Some((sold_at_cost / held_at_cost).with_scale_round(2, RoundingMode::HalfUp))
}

/// Revenue per sale, in cents.
pub fn average_sale(revenue: &BigDecimal, sales: i64) -> Option<BigDecimal> {
    (sales != 0).then(|| cents(&(revenue / BigDecimal::from(sales))))
}

/// A service loses money at volume when its profit is below zero and it sold at least as often
/// as the median service of the same range (`all_sold`: how often each service sold, itself
/// included).
pub fn loses_at_volume(profit: &BigDecimal, sold: &BigDecimal, all_sold: &[&BigDecimal]) -> bool {
    if *profit >= 0 || all_sold.is_empty() {
        return false;
    }
    let mut counts = all_sold.to_vec();
    counts.sort();
    sold >= counts[(counts.len() - 1) / 2]
}

/// A figure as a page shows it: with `suffix` (`%`), or a dash where it has no meaning.
pub fn shown(figure: Option<BigDecimal>, suffix: &str) -> String {
    figure.map_or_else(|| "—".to_string(), |f| format!("{f}{suffix}"))
}

/// A figure's change against the period of the same length before it, as a manager reads it:
/// (`up`, `down` or `flat`, "▲ 12.5% on the previous 30 days"); nothing before reads "none in
/// the previous 30 days".
pub fn change(now: &BigDecimal, before: &BigDecimal, days: i64) -> (&'static str, String) {
    let span = if days == 1 {
        "the day before".to_string()
    } else {
        format!("the previous {days} days")
    };
    if before.is_zero() {
        return if now.is_zero() {
            ("flat", format!("as in {span}"))
        } else {
            ("up", format!("none in {span}"))
        };
    }
    let pct = ((now - before) * BigDecimal::from(100) / before.abs())
        .with_scale_round(1, RoundingMode::HalfUp);
    if pct.is_zero() {
        ("flat", format!("same as {span}"))
    } else if pct.sign() == bigdecimal::num_bigint::Sign::Plus {
        ("up", format!("▲ {pct}% on {span}"))
    } else {
        ("down", format!("▼ {}% on {span}", pct.abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_change_is_against_the_period_before_of_the_same_length() {
        assert_eq!(
            change(&d("1125"), &d("1000"), 30),
            ("up", "▲ 12.5% on the previous 30 days".to_string())
        );
        assert_eq!(
            change(&d("970"), &d("1000"), 7),
            ("down", "▼ 3.0% on the previous 7 days".to_string())
        );
        assert_eq!(change(&d("5"), &d("0"), 1).1, "none in the day before");
        assert_eq!(change(&d("0"), &d("0"), 7).0, "flat");
        // A loss shrinking is a rise.
        assert_eq!(change(&d("-50"), &d("-100"), 7).0, "up");
    }

    #[test]
    fn margin_is_revenue_less_goods_and_labour() {
        assert_eq!(margin(&d("1000"), &d("400"), &d("250.50")), d("349.50"));
    }

    #[test]
    fn a_share_of_nothing_has_no_meaning_and_shares_round_half_up() {
        assert_eq!(share(&d("1"), &d("0"), 1), None);
        assert_eq!(share(&d("1"), &d("8"), 1), Some(d("12.5")));
        assert_eq!(share(&d("2"), &d("3"), 1), Some(d("66.7")));
        assert_eq!(shown(share(&d("-1"), &d("3"), 1), "%"), "-33.3%");
        assert_eq!(shown(None, "%"), "—");
    }

    #[test]
    fn efficiency_is_billed_over_clocked_to_the_whole_percent() {
        assert_eq!(efficiency(&d("7.5"), &d("8")), Some(d("94")));
        assert_eq!(efficiency(&d("3"), &d("0")), None);
    }

    #[test]
    fn turnover_and_the_average_sale() {
        assert_eq!(turnover(&d("1000"), &d("3000")), Some(d("0.33")));
        assert_eq!(turnover(&d("1000"), &d("0")), None);
        assert_eq!(average_sale(&d("100"), 3), Some(d("33.33")));
        assert_eq!(average_sale(&d("100"), 0), None);
    }

    #[test]
    fn only_a_loss_maker_selling_at_least_the_median_loses_money_at_volume() {
        let sold = [d("1"), d("5"), d("9")];
        let all: Vec<&BigDecimal> = sold.iter().collect();
        assert!(loses_at_volume(&d("-10"), &d("5"), &all), "at the median");
        assert!(
            !loses_at_volume(&d("-10"), &d("1"), &all),
            "below the median"
        );
        assert!(!loses_at_volume(&d("0"), &d("9"), &all), "no loss");
        let even = [d("2"), d("4")];
        let all: Vec<&BigDecimal> = even.iter().collect();
        assert!(
            loses_at_volume(&d("-1"), &d("2"), &all),
            "the lower middle of an even count"
        );
    }
}

/// A count as people read it, thousands grouped: `1,000`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn counts_group_thousands() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1,000");
        assert_eq!(super::count(-1234567), "-1,234,567");
    }
}
