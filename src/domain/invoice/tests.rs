//! Invoice arithmetic and the payment rules, case by case.

#[test]
fn returned_goods_share_the_discounts_and_the_stated_tax() {
    // 1000 + 100 less a 110 discount at 16% per line: 990 + 158.40.
    let basis = RefundBasis::new(
        &d("990.00"),
        &d("158.40"),
        [
            (LineKind::Asset, &d("1000.00"), &d("160.00")),
            (LineKind::Fee, &d("100.00"), &d("16.00")),
            (LineKind::Discount, &d("-110.00"), &d("-17.60")),
        ],
    );
    assert_eq!(
        basis.share(&d("1000.00"), &d("160.00")),
        (d("900.00"), d("144.00"))
    );
    // No discount and tax per line: a portion's own amounts.
    let plain = RefundBasis::new(
        &d("430.00"),
        &d("0"),
        [
            (LineKind::Asset, &d("400.00"), &d("0")),
            (LineKind::Stock, &d("30.00"), &d("0")),
        ],
    );
    assert_eq!(plain.share(&d("15"), &d("0")), (d("15.00"), d("0.00")));
    // Nothing to share in: nothing back.
    let empty = RefundBasis::new(&d("0"), &d("0"), []);
    assert_eq!(empty.share(&d("5"), &d("1")), (d("0"), d("0")));
}

use super::*;

fn d(s: &str) -> BigDecimal {
    s.parse().unwrap()
}

#[test]
fn three_times_three_thirty_three_at_twelve_and_a_half_percent() {
    let (net, tax) = line_amounts(LineKind::Stock, &d("3"), &d("3.33"), &d("12.5"));
    assert_eq!(
        (net.clone(), tax.clone()),
        (d("9.99"), d("1.25")),
        "1.24875 rounds up"
    );
    let (s, t, total) = totals(&[(net, tax)], &d("12.5"), false);
    assert_eq!((s, t, total), (d("9.99"), d("1.25"), d("11.24")));
}

#[test]
fn per_line_and_per_invoice_tax_can_differ_by_rounding() {
    // Three lines of 0.10 at 5%: 0.005 each rounds to 0.01 per line, 0.015 → 0.02 once.
    let lines: Vec<_> = (0..3)
        .map(|_| line_amounts(LineKind::Fee, &d("1"), &d("0.10"), &d("5")))
        .collect();
    assert_eq!(totals(&lines, &d("5"), false).1, d("0.03"));
    assert_eq!(totals(&lines, &d("5"), true).1, d("0.02"));
}

#[test]
fn a_discount_is_negative_and_lowers_the_tax() {
    let (net, tax) = line_amounts(LineKind::Discount, &d("1"), &d("10.00"), &d("16"));
    assert_eq!((net, tax), (d("-10.00"), d("-1.60")));
    let (net, tax) = line_amounts(LineKind::Discount, &d("1"), &d("0.03"), &d("50"));
    assert_eq!((net, tax), (d("-0.03"), d("-0.02")), "half away from zero");
}

#[test]
fn cash_above_the_balance_gives_change_other_methods_are_refused() {
    let a = apply_payment(PaymentMethod::Cash, &d("1000.00"), &d("812.50")).unwrap();
    assert_eq!(a.amount, d("812.50"));
    assert_eq!(a.change, d("187.50"));
    assert_eq!(a.tendered, Some(d("1000.00")));
    let err = apply_payment(PaymentMethod::Card, &d("1000.00"), &d("812.50")).unwrap_err();
    assert!(err.contains("card payment cannot be more than the balance of 812.50"));
    let part = apply_payment(PaymentMethod::MobileMoney, &d("300"), &d("812.50")).unwrap();
    assert_eq!((part.amount, part.tendered), (d("300"), None));
    assert!(apply_payment(PaymentMethod::Cash, &d("0"), &d("1")).is_err());
    assert!(apply_payment(PaymentMethod::Cash, &d("-5"), &d("1")).is_err());
    assert!(
        apply_payment(PaymentMethod::Cash, &d("5"), &d("0"))
            .unwrap_err()
            .contains("paid in full")
    );
}

#[test]
fn the_table_allows_void_only_before_payments_and_refunds_only_after() {
    use InvoiceStatus::*;
    assert!(
        edge_exists(Issued, Void) && !edge_exists(PartiallyPaid, Void) && !edge_exists(Paid, Void)
    );
    assert!(!edge_exists(Issued, Refunded) && edge_exists(Paid, Refunded));
    assert!(!edge_exists(Draft, Paid) && !edge_exists(Void, Issued));
    assert_eq!(after_payment(&d("10"), &d("10")), Paid);
    assert_eq!(after_payment(&d("10"), &d("9.99")), PartiallyPaid);
}
