//! Invoices (DESIGN.md): `draft → issued → partially_paid → paid`; `issued → void` (no payments
//! yet); `paid|partially_paid → refunded` through a credit note. Line and tax arithmetic, and the
//! rules of a payment, as pure functions.

mod pricing;

pub use pricing::{LineFacts, PricedLine, StockFacts, UnitFacts, price_line};

use bigdecimal::{BigDecimal, Zero};

use super::asset::named_enum;
use super::money::cents;

named_enum!(
    /// Where an invoice stands.
    InvoiceStatus {
        Draft => "draft",
        Issued => "issued",
        PartiallyPaid => "partially_paid",
        Paid => "paid",
        Void => "void",
        Refunded => "refunded",
    }
);

named_enum!(
    /// What an invoice line is.
    LineKind {
        Asset => "asset",
        Stock => "stock",
        Service => "service",
        Labour => "labour",
        Fee => "fee",
        Discount => "discount",
    }
);

named_enum!(
    /// How money changed hands.
    PaymentMethod {
        Cash => "cash",
        Card => "card",
        MobileMoney => "mobile_money",
        BankTransfer => "bank_transfer",
        StoreCredit => "store_credit",
        Deposit => "deposit",
        Other => "other",
    }
);

named_enum!(
    /// Warranty tier of a line.
    WarrantyTier {
        Standard => "standard",
        Premium => "premium",
    }
);

impl InvoiceStatus {
    /// The words people read.
    pub fn label(self) -> String {
        self.as_str().replace('_', " ")
    }
    /// Whether payments may be taken.
    pub fn takes_payments(self) -> bool {
        matches!(self, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
    }
    /// Whether a credit note may be raised.
    pub fn refundable(self) -> bool {
        matches!(
            self,
            InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid | InvoiceStatus::Refunded
        )
    }
}

impl PaymentMethod {
    /// The words people read.
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Card => "Card",
            PaymentMethod::MobileMoney => "Mobile money",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::StoreCredit => "Store credit",
            PaymentMethod::Deposit => "Deposit",
            PaymentMethod::Other => "Other",
        }
    }
    /// Methods offered at the counter (deposits come from preorders).
    pub const COUNTER: &'static [PaymentMethod] = &[
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::MobileMoney,
        PaymentMethod::BankTransfer,
        PaymentMethod::StoreCredit,
        PaymentMethod::Other,
    ];
}

/// Whether the table has the edge.
pub fn edge_exists(from: InvoiceStatus, to: InvoiceStatus) -> bool {
    use InvoiceStatus::*;
    matches!(
        (from, to),
        (Draft, Issued)
            | (Issued, PartiallyPaid)
            | (Issued, Paid)
            | (PartiallyPaid, PartiallyPaid)
            | (PartiallyPaid, Paid)
            | (Issued, Void)
            | (PartiallyPaid, Refunded)
            | (Paid, Refunded)
            | (Refunded, Refunded)
    )
}

/// A line's net (quantity × unit price, negative for a discount) and its tax at `rate` percent,
/// each rounded half-up to cents.
pub fn line_amounts(
    kind: LineKind,
    quantity: &BigDecimal,
    unit_price: &BigDecimal,
    rate: &BigDecimal,
) -> (BigDecimal, BigDecimal) {
    let mut net = cents(&(quantity * unit_price));
    if kind == LineKind::Discount {
        net = -net;
    }
    let tax = tax_on(&net, rate);
    (net, tax)
}

/// Tax on an amount at `rate` percent, half-up (away from zero) to cents.
pub fn tax_on(amount: &BigDecimal, rate: &BigDecimal) -> BigDecimal {
    cents(&(amount * rate / BigDecimal::from(100)))
}

/// Invoice totals from its lines' (net, tax): per line, tax is the sum of the lines' rounded
/// taxes; per invoice, it is the subtotal's tax rounded once. Returns (subtotal, tax, total).
pub fn totals(
    lines: &[(BigDecimal, BigDecimal)],
    rate: &BigDecimal,
    per_invoice: bool,
) -> (BigDecimal, BigDecimal, BigDecimal) {
    let subtotal: BigDecimal = lines.iter().map(|l| &l.0).sum();
    let tax = if per_invoice {
        tax_on(&subtotal, rate)
    } else {
        lines.iter().map(|l| &l.1).sum()
    };
    let subtotal = cents(&subtotal);
    let tax = cents(&tax);
    let total = &subtotal + &tax;
    (subtotal, tax, total)
}

/// How returned goods share an issued invoice's discounts and its stated tax: a portion of a
/// line gives back its part of the invoice's subtotal and tax in proportion to its own net and
/// tax among the goods (every line but the discounts). Without discounts, and with the tax
/// rounded per line, that is the portion's own amounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundBasis {
    /// The invoice's subtotal, as stated.
    pub subtotal: BigDecimal,
    /// Its tax, as stated.
    pub tax: BigDecimal,
    /// The goods' net, whole lines.
    pub goods_net: BigDecimal,
    /// The goods' tax, whole lines.
    pub goods_tax: BigDecimal,
}

impl RefundBasis {
    /// From the invoice's stated (subtotal, tax) and its lines' (kind, net, tax).
    pub fn new<'a>(
        subtotal: &BigDecimal,
        tax: &BigDecimal,
        lines: impl IntoIterator<Item = (LineKind, &'a BigDecimal, &'a BigDecimal)>,
    ) -> RefundBasis {
        let (mut goods_net, mut goods_tax) = (BigDecimal::zero(), BigDecimal::zero());
        for (kind, net, tax) in lines {
            if kind != LineKind::Discount {
                goods_net += net;
                goods_tax += tax;
            }
        }
        RefundBasis {
            subtotal: subtotal.clone(),
            tax: tax.clone(),
            goods_net,
            goods_tax,
        }
    }

    /// What a portion of a goods line whose own (unrounded) net and tax are `net` and `tax`
    /// gives back: (net, tax), each rounded half-up to cents.
    pub fn share(&self, net: &BigDecimal, tax: &BigDecimal) -> (BigDecimal, BigDecimal) {
        let part = |amount: &BigDecimal, of: &BigDecimal, whole: &BigDecimal| {
            if of.is_zero() {
                BigDecimal::zero()
            } else {
                cents(&(amount * whole / of))
            }
        };
        (
            part(net, &self.goods_net, &self.subtotal),
            part(tax, &self.goods_tax, &self.tax),
        )
    }
}

/// What a payment does: the amount applied to the invoice and the change handed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Goes to the invoice.
    pub amount: BigDecimal,
    /// Cash handed over (cash only).
    pub tendered: Option<BigDecimal>,
    /// Change given back (cash above the balance).
    pub change: BigDecimal,
}

/// Checks a payment of `offered` by `method` against the balance: more than zero; cash above the
/// balance pays the balance and the rest is change; any other method above the balance is refused.
pub fn apply_payment(
    method: PaymentMethod,
    offered: &BigDecimal,
    balance: &BigDecimal,
) -> Result<Applied, String> {
    if *offered <= BigDecimal::zero() {
        return Err("Enter an amount above zero.".into());
    }
    if *balance <= BigDecimal::zero() {
        return Err("This invoice is paid in full.".into());
    }
    if offered <= balance {
        return Ok(Applied {
            amount: offered.clone(),
            tendered: (method == PaymentMethod::Cash).then(|| offered.clone()),
            change: BigDecimal::zero().with_scale(2),
        });
    }
    if method == PaymentMethod::Cash {
        return Ok(Applied {
            amount: balance.clone(),
            tendered: Some(offered.clone()),
            change: offered - balance,
        });
    }
    Err(format!(
        "A {} payment cannot be more than the balance of {:.2}.",
        method.label().to_lowercase(),
        balance
    ))
}

/// The status after payments: paid in full or partly.
pub fn after_payment(total: &BigDecimal, paid: &BigDecimal) -> InvoiceStatus {
    if paid >= total {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::PartiallyPaid
    }
}

#[cfg(test)]
mod tests {
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
            edge_exists(Issued, Void)
                && !edge_exists(PartiallyPaid, Void)
                && !edge_exists(Paid, Void)
        );
        assert!(!edge_exists(Issued, Refunded) && edge_exists(Paid, Refunded));
        assert!(!edge_exists(Draft, Paid) && !edge_exists(Void, Issued));
        assert_eq!(after_payment(&d("10"), &d("10")), Paid);
        assert_eq!(after_payment(&d("10"), &d("9.99")), PartiallyPaid);
    }
}
