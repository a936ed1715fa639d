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
    /// The words people read, one way everywhere (`domain::status::title`).
    pub fn label(self) -> String {
        crate::domain::status::title(self.as_str())
    }
    /// The same words inside a sentence: "The ticket is in repair already."
    pub fn words(self) -> String {
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
    /// The words for a stored method ("Mobile money"); "Other" for one this code does not know.
    pub fn label_of(stored: &str) -> &'static str {
        stored
            .parse::<PaymentMethod>()
            .map_or("Other", |m| m.label())
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
    /// Methods a ticket's deposit may be paid by (money that comes in, not credit).
    pub const TAKES_DEPOSITS: &'static [PaymentMethod] = &[
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::MobileMoney,
        PaymentMethod::BankTransfer,
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

/// What a ticket's estimate of `lines` (quantity, unit price) comes to on the invoice made from
/// it, at `rate` percent with the tax per line or per invoice as the branch sets it: (subtotal,
/// tax, total). Invoicing the ticket copies each line as its quantity × price in cents, so the
/// customer approves the figure the invoice will carry.
pub fn estimate_totals(
    lines: &[(BigDecimal, BigDecimal)],
    rate: &BigDecimal,
    per_invoice: bool,
) -> (BigDecimal, BigDecimal, BigDecimal) {
    let amounts: Vec<_> = lines
        .iter()
        .map(|(quantity, price)| line_amounts(LineKind::Fee, quantity, price, rate))
        .collect();
    totals(&amounts, rate, per_invoice)
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
mod tests;
