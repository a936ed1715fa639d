//! What a draft's line sells for, and whether it may be sold: the rules of a line, without the
//! database. The repository reads what the line is about (the unit, the stock item, the service,
//! the draft's subtotal) and asks [`price_line`]; the messages name the form field they belong to.
//!
//! Over 300 lines: one rule per kind of line, with its messages; apart they would repeat them.

use bigdecimal::num_bigint::Sign;
use bigdecimal::{BigDecimal, Zero};

use super::{LineKind, WarrantyTier};
use crate::domain::asset::AssetStatus;
use crate::domain::validation::FieldErrors;

/// A unit scanned onto the draft, as the database has it.
#[derive(Debug, Clone)]
pub struct UnitFacts {
    pub id: i64,
    pub asset_tag: String,
    pub serial: String,
    pub status: AssetStatus,
    /// `A`, `B` or `C` once graded.
    pub grade: Option<String>,
    pub brand: String,
    pub model: String,
    /// The model's prices for grades A, B and C.
    pub grade_prices: [BigDecimal; 3],
    pub landed_cost: BigDecimal,
    /// Whether a line of this draft holds the unit already.
    pub on_this_invoice: bool,
}

/// A stock item as a line sells it at the branch.
#[derive(Debug, Clone)]
pub struct StockFacts {
    pub sku: String,
    pub name: String,
    pub cost: BigDecimal,
    pub price: BigDecimal,
    /// On hand at the branch.
    pub on_hand: i32,
    /// Pieces of it on this draft already.
    pub already: BigDecimal,
}

/// A line as asked for, with what the database said about what it sells (`None`: no such
/// active item or service).
#[derive(Debug, Clone)]
pub enum LineFacts {
    Unit {
        unit: UnitFacts,
        price: Option<BigDecimal>,
        tier: Option<WarrantyTier>,
    },
    Stock {
        stock_item_id: i64,
        item: Option<StockFacts>,
        quantity: i32,
        price: Option<BigDecimal>,
        tier: Option<WarrantyTier>,
    },
    Service {
        service_id: i64,
        /// Its name and catalogue price.
        service: Option<(String, BigDecimal)>,
        price: Option<BigDecimal>,
    },
    Labour {
        description: String,
        hours: BigDecimal,
        rate: BigDecimal,
    },
    Fee {
        description: String,
        amount: BigDecimal,
    },
    Discount {
        description: String,
        amount: BigDecimal,
        /// The draft's subtotal before the discount.
        subtotal: BigDecimal,
    },
}

/// A line ready to be stored: what it sells, its description, quantity and prices.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine {
    pub kind: LineKind,
    pub asset_id: Option<i64>,
    pub stock_item_id: Option<i64>,
    pub service_id: Option<i64>,
    pub description: String,
    pub quantity: BigDecimal,
    pub unit_price: BigDecimal,
    /// What the goods cost us (units: landed cost; stock: the item's unit cost).
    pub unit_cost: Option<BigDecimal>,
    pub tier: Option<WarrantyTier>,
}

impl PricedLine {
    fn of(kind: LineKind, description: String, quantity: BigDecimal, price: BigDecimal) -> Self {
        Self {
            kind,
            asset_id: None,
            stock_item_id: None,
            service_id: None,
            description,
            quantity,
            unit_price: price,
            unit_cost: None,
            tier: None,
        }
    }
}

fn negative(amount: &BigDecimal) -> bool {
    amount.sign() == Sign::Minus
}

/// `price`, or `default` when none was typed; refused under `field` when negative.
fn price_or(
    price: Option<BigDecimal>,
    default: BigDecimal,
    field: &str,
) -> Result<BigDecimal, FieldErrors> {
    let price = price.unwrap_or(default);
    if negative(&price) {
        return Err(FieldErrors::single(field, "A price cannot be negative."));
    }
    Ok(price)
}

/// Prices the line, or says what is wrong with it.
pub fn price_line(facts: LineFacts) -> Result<PricedLine, FieldErrors> {
    match facts {
        LineFacts::Unit { unit, price, tier } => price_unit(unit, price, tier),
        LineFacts::Stock {
            stock_item_id,
            item,
            quantity,
            price,
            tier,
        } => {
            if quantity <= 0 {
                return Err(FieldErrors::single(
                    "quantity",
                    "Enter how many (1 or more).",
                ));
            }
            let Some(item) = item else {
                return Err(FieldErrors::single(
                    "stock_item_id",
                    "Choose the stock item.",
                ));
            };
            if BigDecimal::from(quantity) + &item.already > item.on_hand {
                let already = if item.already.is_zero() {
                    String::new()
                } else {
                    format!(
                        " and {} are on this invoice already",
                        item.already.normalized()
                    )
                };
                return Err(FieldErrors::single(
                    "quantity",
                    format!(
                        "Only {} of {} in stock here{already}.",
                        item.on_hand, item.sku
                    ),
                ));
            }
            let description = format!("{} ({})", item.name, item.sku);
            let price = price_or(price, item.price, "stock_price")?;
            Ok(PricedLine {
                stock_item_id: Some(stock_item_id),
                unit_cost: Some(item.cost),
                tier,
                ..PricedLine::of(LineKind::Stock, description, quantity.into(), price)
            })
        }
        LineFacts::Service {
            service_id,
            service,
            price,
        } => {
            let Some((name, default)) = service else {
                return Err(FieldErrors::single("service_id", "Choose the service."));
            };
            let price = price_or(price, default, "service_price")?;
            Ok(PricedLine {
                service_id: Some(service_id),
                ..PricedLine::of(LineKind::Service, name, BigDecimal::from(1), price)
            })
        }
        LineFacts::Labour {
            description,
            hours,
            rate,
        } => {
            let mut errors = FieldErrors::new();
            if description.trim().is_empty() {
                errors.add("labour_description", "Say what the labour was for.");
            }
            if hours <= BigDecimal::zero() || hours > 999 {
                errors.add("hours", "Enter the hours, more than 0 (up to 999).");
            }
            if negative(&rate) {
                errors.add("rate", "A rate cannot be negative.");
            }
            errors.into_result()?;
            let description = format!("Labour: {}", description.trim());
            Ok(PricedLine::of(LineKind::Labour, description, hours, rate))
        }
        LineFacts::Fee {
            description,
            amount,
        } => {
            let mut errors = FieldErrors::new();
            if description.trim().is_empty() {
                errors.add("fee_description", "Say what the fee is for.");
            }
            if negative(&amount) {
                errors.add("fee_amount", "A fee cannot be negative.");
            }
            errors.into_result()?;
            let description = description.trim().to_string();
            Ok(PricedLine::of(LineKind::Fee, description, 1.into(), amount))
        }
        LineFacts::Discount {
            description,
            amount,
            subtotal,
        } => {
            if amount <= BigDecimal::zero() {
                return Err(FieldErrors::single(
                    "discount_amount",
                    "Enter the discount, above zero.",
                ));
            }
            if amount > subtotal {
                return Err(FieldErrors::single(
                    "discount_amount",
                    format!("A discount cannot be more than the total of the lines, {subtotal}."),
                ));
            }
            let description = match description.trim() {
                "" => "Discount".to_string(),
                d => format!("Discount: {d}"),
            };
            Ok(PricedLine::of(
                LineKind::Discount,
                description,
                1.into(),
                amount,
            ))
        }
    }
}

/// A unit sells at its model's price for its grade (B when ungraded) unless a price is typed, and
/// only when it is ready for sale or reserved and not on the draft already.
fn price_unit(
    unit: UnitFacts,
    price: Option<BigDecimal>,
    tier: Option<WarrantyTier>,
) -> Result<PricedLine, FieldErrors> {
    if !matches!(
        unit.status,
        AssetStatus::ReadyForSale | AssetStatus::Reserved
    ) {
        return Err(FieldErrors::single(
            "code",
            format!(
                "Unit {} is {}; only units ready for sale or reserved can be sold.",
                unit.asset_tag,
                unit.status.words()
            ),
        ));
    }
    if unit.on_this_invoice {
        return Err(FieldErrors::single(
            "code",
            format!("Unit {} is on this invoice already.", unit.asset_tag),
        ));
    }
    let [a, b, c] = unit.grade_prices;
    let default = match unit.grade.as_deref() {
        Some("A") => a,
        Some("C") => c,
        _ => b,
    };
    let price = price_or(price, default, "price")?;
    let graded = unit
        .grade
        .as_deref()
        .map(|g| format!(" (grade {g})"))
        .unwrap_or_default();
    let description = format!(
        "{} {}{graded} · {} · {}",
        unit.brand, unit.model, unit.serial, unit.asset_tag
    );
    Ok(PricedLine {
        asset_id: Some(unit.id),
        unit_cost: Some(unit.landed_cost),
        tier: Some(tier.unwrap_or(WarrantyTier::Standard)),
        ..PricedLine::of(LineKind::Asset, description, 1.into(), price)
    })
}

#[cfg(test)]
#[path = "pricing_tests.rs"]
mod tests;
