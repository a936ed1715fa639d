//! A draft's lines: added priced on the server (units by tag or serial, stock, services,
//! labour, fees, discounts) and taken off, with the draft's totals written under its lock.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::{draft_only, lock, lock_draft, not_negative, store_totals, totals_of};
use crate::domain::asset::AssetStatus;
use crate::domain::invoice::{LineKind, WarrantyTier, line_amounts};
use crate::domain::money::cents;
use crate::domain::validation::FieldErrors;
use crate::models::invoice::Invoice;
use crate::models::stock::Asset;
use crate::repo::{RepoError, assets};
use crate::schema::{invoice_lines, invoices, product_models, services, stock_items};

/// A line to add to a draft.
#[derive(Debug, Clone)]
pub enum NewLine {
    /// A unit, by asset tag or serial; price defaults to its model's price for its grade.
    Asset {
        /// Tag or serial as scanned.
        code: String,
        /// Price override.
        price: Option<BigDecimal>,
        /// Warranty tier (standard unless premium is chosen).
        tier: Option<WarrantyTier>,
    },
    /// A quantity of a stock item; price defaults to the item's.
    Stock {
        /// The item.
        stock_item_id: i64,
        /// Whole pieces.
        quantity: i32,
        /// Price override.
        price: Option<BigDecimal>,
        /// Warranty tier, if any.
        tier: Option<WarrantyTier>,
    },
    /// A catalogue service; price defaults to the catalogue's.
    Service {
        /// The service.
        service_id: i64,
        /// Price override.
        price: Option<BigDecimal>,
    },
    /// Labour hours at a rate.
    Labour {
        /// What was done.
        description: String,
        /// Hours (up to two decimals).
        hours: BigDecimal,
        /// Rate per hour.
        rate: BigDecimal,
    },
    /// A fee.
    Fee {
        /// What for.
        description: String,
        /// Amount.
        amount: BigDecimal,
    },
    /// A discount off the other lines.
    Discount {
        /// Why.
        description: String,
        /// Amount (positive; it is taken off).
        amount: BigDecimal,
    },
}

/// Finds a unit of the branch by asset tag or serial.
fn find_unit(conn: &mut PgConnection, branch_id: i64, code: &str) -> Result<Asset, RepoError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Err(FieldErrors::single("code", "Scan or type the asset tag or serial.").into());
    }
    assets::find_by_code(conn, branch_id, &code)?.ok_or_else(|| {
        FieldErrors::single(
            "code",
            format!("No unit at this branch has the tag or serial {code}."),
        )
        .into()
    })
}

fn sellable(a: &Asset) -> Result<(), String> {
    match a.status() {
        AssetStatus::ReadyForSale | AssetStatus::Reserved => Ok(()),
        s => Err(format!(
            "Unit {} is {}; only units ready for sale or reserved can be sold.",
            a.asset_tag,
            s.label()
        )),
    }
}

fn non_negative(price: &BigDecimal, field: &str) -> Result<(), RepoError> {
    if price.sign() == bigdecimal::num_bigint::Sign::Minus {
        return Err(FieldErrors::single(field, "A price cannot be negative.").into());
    }
    Ok(())
}

struct Priced {
    kind: LineKind,
    asset_id: Option<i64>,
    stock_item_id: Option<i64>,
    service_id: Option<i64>,
    description: String,
    quantity: BigDecimal,
    unit_price: BigDecimal,
    unit_cost: Option<BigDecimal>,
    tier: Option<WarrantyTier>,
}

/// What a line read in the statement that locked its draft.
enum Read {
    /// Nothing.
    Nothing,
    /// The service's name and price, if it is active.
    Service(Option<(String, BigDecimal)>),
    /// The stock item, if it is active.
    Stock(Option<ItemHere>),
}

/// A stock item as a line sells it here.
struct ItemHere {
    sku: String,
    name: String,
    cost: BigDecimal,
    price: BigDecimal,
    /// On hand at this branch.
    on_hand: i32,
    /// On this invoice already.
    already: BigDecimal,
}

/// Adds a line to a draft, priced on the server, and recomputes the totals.
pub fn add_line(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    line: &NewLine,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        // A service or stock line reads its item in the statement that locks the draft: one
        // round trip fewer for the lines a counter adds most.
        let (inv, read) = match line {
            NewLine::Service { service_id, .. } => {
                let service = || {
                    services::table
                        .find(service_id)
                        .filter(services::active.eq(true))
                };
                let (inv, name, price): (Invoice, Option<String>, Option<BigDecimal>) =
                    invoices::table
                        .find(invoice_id)
                        .filter(invoices::branch_id.eq(branch_id))
                        .select((
                            Invoice::as_select(),
                            service().select(services::name).single_value(),
                            service().select(services::price).single_value(),
                        ))
                        .for_update()
                        .first(conn)?;
                (inv, Read::Service(name.zip(price)))
            }
            NewLine::Stock { stock_item_id, .. } => {
                use crate::schema::stock_levels;
                let item = || {
                    stock_items::table
                        .find(stock_item_id)
                        .filter(stock_items::active.eq(true))
                };
                type Locked = (
                    Invoice,
                    Option<String>,
                    Option<String>,
                    Option<BigDecimal>,
                    Option<BigDecimal>,
                    Option<i32>,
                    Option<BigDecimal>,
                );
                // The item, its on-hand here and how many this invoice already holds.
                let (inv, sku, name, cost, price, on_hand, already): Locked = invoices::table
                    .find(invoice_id)
                    .filter(invoices::branch_id.eq(branch_id))
                    .select((
                        Invoice::as_select(),
                        item().select(stock_items::sku).single_value(),
                        item().select(stock_items::name).single_value(),
                        item().select(stock_items::unit_cost).single_value(),
                        item().select(stock_items::unit_price).single_value(),
                        stock_levels::table
                            .filter(stock_levels::stock_item_id.eq(stock_item_id))
                            .filter(stock_levels::branch_id.eq(branch_id))
                            .select(stock_levels::on_hand)
                            .single_value(),
                        invoice_lines::table
                            .filter(invoice_lines::invoice_id.eq(invoice_id))
                            .filter(invoice_lines::stock_item_id.eq(stock_item_id))
                            .select(diesel::dsl::sum(invoice_lines::quantity))
                            .single_value(),
                    ))
                    .for_update()
                    .first(conn)?;
                let item = match (sku, name, cost, price) {
                    (Some(sku), Some(name), Some(cost), Some(price)) => Some(ItemHere {
                        sku,
                        name,
                        cost,
                        price,
                        on_hand: on_hand.unwrap_or(0),
                        already: already.unwrap_or_default(),
                    }),
                    _ => None,
                };
                (inv, Read::Stock(item))
            }
            _ => (lock(conn, branch_id, invoice_id)?, Read::Nothing),
        };
        let inv = draft_only(inv.scaled())?;
        let priced = match line {
            NewLine::Asset { code, price, tier } => {
                let unit = find_unit(conn, branch_id, code)?;
                sellable(&unit).map_err(|m| FieldErrors::single("code", m))?;
                let on_this: bool = diesel::select(diesel::dsl::exists(
                    invoice_lines::table
                        .filter(invoice_lines::invoice_id.eq(invoice_id))
                        .filter(invoice_lines::asset_id.eq(unit.id)),
                ))
                .get_result(conn)?;
                if on_this {
                    return Err(FieldErrors::single(
                        "code",
                        format!("Unit {} is on this invoice already.", unit.asset_tag),
                    )
                    .into());
                }
                let (brand, model, a, b, c): (String, String, BigDecimal, BigDecimal, BigDecimal) =
                    product_models::table
                        .find(unit.product_model_id)
                        .select((
                            product_models::brand,
                            product_models::model,
                            product_models::price_grade_a,
                            product_models::price_grade_b,
                            product_models::price_grade_c,
                        ))
                        .first(conn)?;
                let default = match unit.grade.as_deref() {
                    Some("A") => a,
                    Some("C") => c,
                    _ => b,
                };
                let price = price.clone().unwrap_or(default);
                non_negative(&price, "price")?;
                Priced {
                    kind: LineKind::Asset,
                    asset_id: Some(unit.id),
                    stock_item_id: None,
                    service_id: None,
                    description: format!(
                        "{brand} {model}{} · {} · {}",
                        unit.grade
                            .as_deref()
                            .map(|g| format!(" (grade {g})"))
                            .unwrap_or_default(),
                        unit.serial,
                        unit.asset_tag
                    ),
                    quantity: BigDecimal::from(1),
                    unit_price: price,
                    unit_cost: Some(unit.landed_cost.clone()),
                    tier: Some(tier.unwrap_or(WarrantyTier::Standard)),
                }
            }
            NewLine::Stock {
                stock_item_id,
                quantity,
                price,
                tier,
            } => {
                if *quantity <= 0 {
                    return Err(
                        FieldErrors::single("quantity", "Enter how many (1 or more).").into(),
                    );
                }
                let Read::Stock(Some(ItemHere {
                    sku,
                    name,
                    cost,
                    price: default,
                    on_hand,
                    already,
                })) = read
                else {
                    return Err(
                        FieldErrors::single("stock_item_id", "Choose the stock item.").into(),
                    );
                };
                if BigDecimal::from(*quantity) + &already > on_hand {
                    return Err(FieldErrors::single(
                        "quantity",
                        format!(
                            "Only {on_hand} of {sku} in stock here{}.",
                            if already.is_zero() {
                                String::new()
                            } else {
                                format!(" and {} are on this invoice already", already.normalized())
                            }
                        ),
                    )
                    .into());
                }
                let price = price.clone().unwrap_or(default);
                non_negative(&price, "stock_price")?;
                Priced {
                    kind: LineKind::Stock,
                    asset_id: None,
                    stock_item_id: Some(*stock_item_id),
                    service_id: None,
                    description: format!("{name} ({sku})"),
                    quantity: BigDecimal::from(*quantity),
                    unit_price: price,
                    unit_cost: Some(cost),
                    tier: *tier,
                }
            }
            NewLine::Service { service_id, price } => {
                let Read::Service(Some((name, default))) = read else {
                    return Err(FieldErrors::single("service_id", "Choose the service.").into());
                };
                let price = price.clone().unwrap_or(default);
                non_negative(&price, "service_price")?;
                Priced {
                    kind: LineKind::Service,
                    asset_id: None,
                    stock_item_id: None,
                    service_id: Some(*service_id),
                    description: name,
                    quantity: BigDecimal::from(1),
                    unit_price: price,
                    unit_cost: None,
                    tier: None,
                }
            }
            NewLine::Labour {
                description,
                hours,
                rate,
            } => {
                let mut errors = FieldErrors::new();
                if description.trim().is_empty() {
                    errors.add("labour_description", "Say what the labour was for.");
                }
                if *hours <= BigDecimal::zero() || *hours > 999 {
                    errors.add("hours", "Enter the hours, more than 0 (up to 999).");
                }
                if rate.sign() == bigdecimal::num_bigint::Sign::Minus {
                    errors.add("rate", "A rate cannot be negative.");
                }
                errors.into_result()?;
                Priced {
                    kind: LineKind::Labour,
                    asset_id: None,
                    stock_item_id: None,
                    service_id: None,
                    description: format!("Labour: {}", description.trim()),
                    quantity: hours.clone(),
                    unit_price: rate.clone(),
                    unit_cost: None,
                    tier: None,
                }
            }
            NewLine::Fee {
                description,
                amount,
            } => {
                let mut errors = FieldErrors::new();
                if description.trim().is_empty() {
                    errors.add("fee_description", "Say what the fee is for.");
                }
                if amount.sign() == bigdecimal::num_bigint::Sign::Minus {
                    errors.add("fee_amount", "A fee cannot be negative.");
                }
                errors.into_result()?;
                Priced {
                    kind: LineKind::Fee,
                    asset_id: None,
                    stock_item_id: None,
                    service_id: None,
                    description: description.trim().to_string(),
                    quantity: BigDecimal::from(1),
                    unit_price: amount.clone(),
                    unit_cost: None,
                    tier: None,
                }
            }
            NewLine::Discount {
                description,
                amount,
            } => {
                if *amount <= BigDecimal::zero() {
                    return Err(FieldErrors::single(
                        "discount_amount",
                        "Enter the discount, above zero.",
                    )
                    .into());
                }
                // The draft's stored subtotal: its lines' nets, stored with every change of them.
                let subtotal = &inv.subtotal;
                if amount > subtotal {
                    return Err(FieldErrors::single(
                        "discount_amount",
                        format!(
                            "A discount cannot be more than the total of the lines, {subtotal}."
                        ),
                    )
                    .into());
                }
                Priced {
                    kind: LineKind::Discount,
                    asset_id: None,
                    stock_item_id: None,
                    service_id: None,
                    description: match description.trim() {
                        "" => "Discount".to_string(),
                        d => format!("Discount: {d}"),
                    },
                    quantity: BigDecimal::from(1),
                    unit_price: amount.clone(),
                    unit_cost: None,
                    tier: None,
                }
            }
        };
        let (net, tax) = line_amounts(
            priced.kind,
            &priced.quantity,
            &priced.unit_price,
            &inv.tax_rate,
        );
        // The draft's stored totals are its lines' (every change of its lines stores them, under
        // this lock), so the totals with the new line are those and the line's own amounts:
        // per line, the sums of nets and of rounded taxes; per invoice, the tax of the summed
        // nets. The line goes in and the totals are stored in one statement.
        let totals = not_negative(totals_of(
            &inv,
            &[
                (inv.subtotal.clone(), inv.tax_total.clone()),
                (net.clone(), tax.clone()),
            ],
        ))?;
        use diesel::sql_types::{BigInt, Nullable, Numeric, Text};
        crate::repo::prepared::prepared(
            "WITH ins AS ( \
               INSERT INTO invoice_lines (invoice_id, kind, asset_id, stock_item_id, service_id, description, \
                                          quantity, unit_price, unit_cost, net, tax, warranty_tier) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)) \
             UPDATE invoices SET subtotal = $13, tax_total = $14, total = $15, updated_at = now() WHERE id = $1",
        )
        .bind::<BigInt, _>(invoice_id)
        .bind::<Text, _>(priced.kind.as_str())
        .bind::<Nullable<BigInt>, _>(priced.asset_id)
        .bind::<Nullable<BigInt>, _>(priced.stock_item_id)
        .bind::<Nullable<BigInt>, _>(priced.service_id)
        .bind::<Text, _>(&priced.description)
        .bind::<Numeric, _>(&priced.quantity)
        .bind::<Numeric, _>(cents(&priced.unit_price))
        .bind::<Nullable<Numeric>, _>(&priced.unit_cost)
        .bind::<Numeric, _>(net)
        .bind::<Numeric, _>(tax)
        .bind::<Nullable<Text>, _>(priced.tier.map(|t| t.as_str()))
        .bind::<Numeric, _>(totals.0)
        .bind::<Numeric, _>(totals.1)
        .bind::<Numeric, _>(totals.2)
        .execute(conn)?;
        Ok(())
    })
}

/// Takes a line off a draft.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    line_id: i64,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let inv = lock_draft(conn, branch_id, invoice_id)?;
        diesel::delete(
            invoice_lines::table
                .find(line_id)
                .filter(invoice_lines::invoice_id.eq(invoice_id)),
        )
        .execute(conn)?;
        store_totals(conn, &inv)
    })
}
