//! A draft's lines: added priced on the server (units by tag or serial, stock, services,
//! labour, fees, discounts) and taken off, with the draft's totals written under its lock.
//!
//! Over 300 lines: a line reads what it sells in the statement that locks the draft (one round
//! trip fewer for the lines a counter adds most), a read per kind of line.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{draft_only, lock, lock_draft, not_negative, store_totals, totals_of};
use crate::domain::invoice::{
    LineFacts, StockFacts, UnitFacts, WarrantyTier, line_amounts, price_line,
};
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
        amount: BigDecimal,
    },
    /// A part used on a ticket's job, copied from the ticket: priced as a fee, with what it cost
    /// and the service it was used for (for the service figures).
    Part {
        /// What it is (with the quantity when more than one).
        description: String,
        /// Quantity × price.
        amount: BigDecimal,
        /// Quantity × its cost, when known.
        cost: Option<BigDecimal>,
        /// The catalogue service it was used for.
        for_service_id: Option<i64>,
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

/// The unit scanned onto the draft `invoice_id`, with its model's grade prices.
fn unit_facts(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    code: &str,
) -> Result<UnitFacts, RepoError> {
    let unit = find_unit(conn, branch_id, code)?;
    let on_this_invoice: bool = diesel::select(diesel::dsl::exists(
        invoice_lines::table
            .filter(invoice_lines::invoice_id.eq(invoice_id))
            .filter(invoice_lines::asset_id.eq(unit.id)),
    ))
    .get_result(conn)?;
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
    Ok(UnitFacts {
        id: unit.id,
        status: unit.status(),
        asset_tag: unit.asset_tag,
        serial: unit.serial,
        grade: unit.grade,
        brand,
        model,
        grade_prices: [a, b, c],
        landed_cost: unit.landed_cost,
        on_this_invoice,
    })
}

/// What a line read in the statement that locked its draft.
enum Read {
    /// Nothing.
    Nothing,
    /// The service's name and price, if it is active.
    Service(Option<(String, BigDecimal)>),
    /// The stock item, if it is active.
    Stock(Option<StockFacts>),
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
                    (Some(sku), Some(name), Some(cost), Some(price)) => Some(StockFacts {
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
        let facts = match (line, read) {
            (NewLine::Asset { code, price, tier }, _) => LineFacts::Unit {
                unit: unit_facts(conn, branch_id, invoice_id, code)?,
                price: price.clone(),
                tier: *tier,
            },
            (
                NewLine::Stock {
                    stock_item_id,
                    quantity,
                    price,
                    tier,
                },
                read,
            ) => LineFacts::Stock {
                stock_item_id: *stock_item_id,
                item: match read {
                    Read::Stock(item) => item,
                    _ => None,
                },
                quantity: *quantity,
                price: price.clone(),
                tier: *tier,
            },
            (NewLine::Service { service_id, price }, read) => LineFacts::Service {
                service_id: *service_id,
                service: match read {
                    Read::Service(service) => service,
                    _ => None,
                },
                price: price.clone(),
            },
            (
                NewLine::Labour {
                    description,
                    hours,
                    rate,
                },
                _,
            ) => LineFacts::Labour {
                description: description.clone(),
                hours: hours.clone(),
                rate: rate.clone(),
            },
            (
                NewLine::Fee {
                    description,
                    amount,
                }
                | NewLine::Part {
                    description,
                    amount,
                    ..
                },
                _,
            ) => LineFacts::Fee {
                description: description.clone(),
                amount: amount.clone(),
            },
            // The draft's stored subtotal: its lines' nets, stored with every change of them.
            (
                NewLine::Discount {
                    description,
                    amount,
                },
                _,
            ) => LineFacts::Discount {
                description: description.clone(),
                amount: amount.clone(),
                subtotal: inv.subtotal.clone(),
            },
        };
        let mut priced = price_line(facts)?;
        let mut for_service = None;
        if let NewLine::Part {
            cost,
            for_service_id,
            ..
        } = line
        {
            priced.unit_cost = cost.as_ref().map(cents);
            for_service = *for_service_id;
        }
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
                                          quantity, unit_price, unit_cost, net, tax, warranty_tier, for_service_id) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $16)) \
             UPDATE invoices SET subtotal = $13, tax_total = $14, total = $15, updated_at = now() WHERE id = $1",
        )
        .bind::<BigInt, _>(invoice_id) // $1
        .bind::<Text, _>(priced.kind.as_str()) // $2
        .bind::<Nullable<BigInt>, _>(priced.asset_id) // $3
        .bind::<Nullable<BigInt>, _>(priced.stock_item_id) // $4
        .bind::<Nullable<BigInt>, _>(priced.service_id) // $5
        .bind::<Text, _>(&priced.description) // $6
        .bind::<Numeric, _>(&priced.quantity) // $7
        .bind::<Numeric, _>(cents(&priced.unit_price)) // $8
        .bind::<Nullable<Numeric>, _>(&priced.unit_cost) // $9
        .bind::<Numeric, _>(net) // $10
        .bind::<Numeric, _>(tax) // $11
        .bind::<Nullable<Text>, _>(priced.tier.map(|t| t.as_str())) // $12
        .bind::<Numeric, _>(totals.0) // $13
        .bind::<Numeric, _>(totals.1) // $14
        .bind::<Numeric, _>(totals.2) // $15
        .bind::<Nullable<BigInt>, _>(for_service) // $16
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
