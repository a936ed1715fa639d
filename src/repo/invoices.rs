//! Invoices. Drafts take lines (units, stock, services, labour, fees, discounts) priced on the
//! server; issuing takes the branch's next number under its counter row lock, marks units sold,
//! writes the stock ledger and creates warranties in one transaction; payments, voids and credit
//! notes each lock the invoice row, check the table (`domain::invoice`) and write their event row.

use bigdecimal::{BigDecimal, ToPrimitive, Zero};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::stock::{self, Posting};
use super::submissions::{self, Claimed, Once};
use super::{By, RepoError, assets, unique_violation};
use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::invoice::{
    self as rules, InvoiceStatus, LineKind, PaymentMethod, RefundBasis, WarrantyTier, line_amounts,
};
use crate::domain::money::cents;
use crate::domain::validation::FieldErrors;
use crate::models::invoice::{Invoice, InvoiceLine, Payment};
use crate::models::stock::Asset;
use crate::schema::{
    assets as assets_t, branches, credit_note_lines, credit_notes, customers, invoice_events,
    invoice_lines, invoices, payments, product_models, refund_payments, services, staff_users,
    stock_items, ticket_lines, tickets, time_entries, warranties, warranty_events, warranty_terms,
};

/// A new draft's header.
#[derive(Debug, Clone, Default)]
pub struct NewInvoice {
    /// The customer, or none for a walk-in.
    pub customer_id: Option<i64>,
    /// A walk-in's name (optional).
    pub walk_in_name: String,
    /// Where the sale came from.
    pub lead_source: String,
    /// Who made the sale.
    pub sales_person_id: Option<i64>,
    /// Free text printed on the invoice.
    pub note: String,
}

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

fn event(
    conn: &mut PgConnection,
    invoice: i64,
    from: Option<InvoiceStatus>,
    to: InvoiceStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::insert_into(invoice_events::table)
        .values((
            invoice_events::invoice_id.eq(invoice),
            invoice_events::from_status.eq(from.map(|s| s.as_str())),
            invoice_events::to_status.eq(to.as_str()),
            invoice_events::note.eq(note),
            invoice_events::actor_user_id.eq(by.user_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Starts a draft at the branch (with the branch's tax settings); returns its id.
pub fn create_draft(
    conn: &mut PgConnection,
    branch_id: i64,
    input: &NewInvoice,
    by: &By,
) -> Result<i64, RepoError> {
    // The branch's tax settings are copied, the customer is checked and the `draft` event
    // written in the same statement; no row back means the customer is gone.
    use diesel::sql_types::{BigInt, Nullable, Text};
    let started: Option<super::prepared::Id> = super::prepared::prepared(
        "WITH i AS ( \
           INSERT INTO invoices (branch_id, customer_id, walk_in_name, lead_source, sales_person_id, note, \
                                 tax_rate, tax_rounding, created_by) \
           SELECT $1, $2, $3, $4, $5, $6, b.tax_rate, b.tax_rounding, $7 FROM branches b \
           WHERE b.id = $1 AND ($2 IS NULL OR EXISTS ( \
             SELECT 1 FROM customers c WHERE c.id = $2 AND c.archived_at IS NULL)) \
           RETURNING id), \
         e AS ( \
           INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
           SELECT id, NULL, $8, '', $7 FROM i) \
         SELECT id FROM i",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<Nullable<BigInt>, _>(input.customer_id)
    .bind::<Text, _>(input.walk_in_name.trim())
    .bind::<Text, _>(input.lead_source.trim())
    .bind::<Nullable<BigInt>, _>(input.sales_person_id.or(by.user_id))
    .bind::<Text, _>(input.note.trim())
    .bind::<Nullable<BigInt>, _>(by.user_id)
    .bind::<Text, _>(InvoiceStatus::Draft.as_str())
    .get_result(conn)
    .optional()?;
    match started {
        Some(s) => Ok(s.id),
        None => Err(FieldErrors::single("customer_id", "Choose the customer again.").into()),
    }
}

/// The ticket's draft invoice: the one already started, or a new one for the ticket's customer
/// with the ticket's lines copied (labour at its hours and rate, parts and fees as fees).
pub fn draft_from_ticket(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    by: &By,
) -> Result<i64, RepoError> {
    super::tx(conn, |conn| {
        let (customer, number): (i64, i32) = tickets::table
            .find(ticket_id)
            .filter(tickets::branch_id.eq(branch_id))
            .select((tickets::customer_id, tickets::number))
            .for_update()
            .first(conn)?;
        let existing: Option<i64> = invoices::table
            .filter(invoices::ticket_id.eq(ticket_id))
            .filter(invoices::status.eq("draft"))
            .select(invoices::id)
            .first(conn)
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let id = create_draft(
            conn,
            branch_id,
            &NewInvoice {
                customer_id: Some(customer),
                note: format!("Ticket #{number}"),
                ..Default::default()
            },
            by,
        )?;
        diesel::update(invoices::table.find(id))
            .set(invoices::ticket_id.eq(ticket_id))
            .execute(conn)?;
        let lines: Vec<(String, Option<i64>, String, BigDecimal, BigDecimal)> = ticket_lines::table
            .filter(ticket_lines::ticket_id.eq(ticket_id))
            .select((
                ticket_lines::kind,
                ticket_lines::service_id,
                ticket_lines::description,
                ticket_lines::quantity,
                ticket_lines::unit_price,
            ))
            .order(ticket_lines::id)
            .load(conn)?;
        for (kind, service, description, quantity, unit_price) in lines {
            let line = match (kind.as_str(), service) {
                ("labour", Some(service_id)) if quantity == 1 => NewLine::Service {
                    service_id,
                    price: Some(unit_price),
                },
                ("labour", _) => NewLine::Labour {
                    description,
                    hours: quantity,
                    rate: unit_price,
                },
                _ => NewLine::Fee {
                    description: if quantity == 1 {
                        description
                    } else {
                        format!("{description} × {}", quantity.normalized())
                    },
                    amount: cents(&(&quantity * &unit_price)),
                },
            };
            add_line(conn, branch_id, id, &line)?;
        }
        // Approved, billable clocked time not billed yet, at the branch's labour rate.
        let entries: Vec<(i64, Option<BigDecimal>)> = time_entries::table
            .filter(time_entries::ticket_id.eq(ticket_id))
            .filter(time_entries::approved_at.is_not_null())
            .filter(time_entries::billable.eq(true))
            .filter(time_entries::invoice_id.is_null())
            .select((time_entries::id, time_entries::hours))
            .for_update()
            .load(conn)?;
        let hours: BigDecimal = entries.iter().filter_map(|e| e.1.clone()).sum();
        if hours > BigDecimal::zero() {
            let rate: BigDecimal = branches::table
                .find(branch_id)
                .select(branches::labour_rate)
                .first(conn)?;
            add_line(
                conn,
                branch_id,
                id,
                &NewLine::Labour {
                    description: "time clocked on the job".into(),
                    hours: hours.with_scale_round(2, bigdecimal::RoundingMode::HalfUp),
                    rate,
                },
            )?;
            let ids: Vec<i64> = entries.iter().map(|e| e.0).collect();
            diesel::update(time_entries::table.filter(time_entries::id.eq_any(ids)))
                .set(time_entries::invoice_id.eq(id))
                .execute(conn)?;
        }
        Ok(id)
    })
}

fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Invoice, RepoError> {
    Ok(invoices::table
        .find(id)
        .filter(invoices::branch_id.eq(branch_id))
        .select(Invoice::as_select())
        .for_update()
        .first::<Invoice>(conn)?
        .scaled())
}

fn lock_draft(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Invoice, RepoError> {
    draft_only(lock(conn, branch_id, id)?)
}

/// The invoice, refused unless it is a draft.
fn draft_only(inv: Invoice) -> Result<Invoice, RepoError> {
    if inv.state() != InvoiceStatus::Draft {
        return Err(RepoError::Conflict(format!(
            "{} is {}; its lines can no longer be changed.",
            inv.label(),
            inv.state().label()
        )));
    }
    Ok(inv)
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
    super::tx(conn, |conn| {
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
        super::prepared::prepared(
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
    super::tx(conn, |conn| {
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

fn current_totals(
    conn: &mut PgConnection,
    inv: &Invoice,
) -> Result<(BigDecimal, BigDecimal, BigDecimal), RepoError> {
    let amounts: Vec<(BigDecimal, BigDecimal)> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(inv.id))
        .select((invoice_lines::net, invoice_lines::tax))
        .load(conn)?;
    Ok(totals_of(inv, &amounts))
}

/// Subtotal, tax and total of the invoice's line amounts (net, tax) under its tax rounding.
fn totals_of(
    inv: &Invoice,
    amounts: &[(BigDecimal, BigDecimal)],
) -> (BigDecimal, BigDecimal, BigDecimal) {
    rules::totals(amounts, &inv.tax_rate, inv.tax_rounding == "per_invoice")
}

/// The totals, refused when the discounts outweigh the other lines.
fn not_negative(
    totals: (BigDecimal, BigDecimal, BigDecimal),
) -> Result<(BigDecimal, BigDecimal, BigDecimal), RepoError> {
    if totals.2 < BigDecimal::zero() {
        return Err(RepoError::Conflict(
            "The discounts are more than the other lines; remove a discount first.".into(),
        ));
    }
    Ok(totals)
}

fn store_totals(conn: &mut PgConnection, inv: &Invoice) -> Result<(), RepoError> {
    let totals = not_negative(current_totals(conn, inv)?)?;
    write_totals(conn, inv.id, totals)
}

fn write_totals(
    conn: &mut PgConnection,
    invoice_id: i64,
    (subtotal, tax, total): (BigDecimal, BigDecimal, BigDecimal),
) -> Result<(), RepoError> {
    use diesel::sql_types::{BigInt, Numeric};
    super::prepared::prepared(
        "UPDATE invoices SET subtotal = $1, tax_total = $2, total = $3, updated_at = now() WHERE id = $4",
    )
    .bind::<Numeric, _>(subtotal)
    .bind::<Numeric, _>(tax)
    .bind::<Numeric, _>(total)
    .bind::<BigInt, _>(invoice_id)
    .execute(conn)?;
    Ok(())
}

/// Warranty length in days for a line: the model's own standard length (units) or the
/// category's; premium from the category's terms.
fn warranty_days(
    conn: &mut PgConnection,
    line: &InvoiceLine,
    tier: WarrantyTier,
) -> Result<i32, RepoError> {
    let (category, model_days): (String, Option<i32>) = match (line.asset_id, line.stock_item_id) {
        (Some(asset), _) => product_models::table
            .inner_join(assets_t::table)
            .filter(assets_t::id.eq(asset))
            .select((
                product_models::category,
                product_models::warranty_days.nullable(),
            ))
            .first(conn)?,
        (_, Some(item)) => (
            stock_items::table
                .find(item)
                .select(stock_items::category)
                .first(conn)?,
            None,
        ),
        _ => return Ok(0),
    };
    let terms: Option<(i32, i32)> = warranty_terms::table
        .find(&category)
        .select((warranty_terms::standard_days, warranty_terms::premium_days))
        .first(conn)
        .optional()?;
    let (standard, premium) = terms.unwrap_or((30, 90));
    Ok(match tier {
        WarrantyTier::Standard => model_days.filter(|d| *d > 0).unwrap_or(standard),
        WarrantyTier::Premium => premium.max(model_days.unwrap_or(0)),
    })
}

/// What issuing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The number given.
    pub number: String,
}

fn line_ref(position: usize, line: &InvoiceLine) -> String {
    format!("Line {} ({})", position + 1, line.description)
}

/// Issues a draft: every unit sold, every stock line out of the ledger, warranties created, the
/// branch's next number taken — all in this transaction, or nothing, with a message naming the
/// line that blocked it.
pub fn issue(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    by: &By,
) -> Result<Issued, RepoError> {
    super::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        issue_locked(conn, inv, by)
    })
}

/// [`issue`] once per submission id (see `submissions`): the statement that locks the invoice
/// also claims the id, storing `shown_at` as where its result is shown.
pub fn issue_once(
    conn: &mut PgConnection,
    submission: uuid::Uuid,
    user_id: Option<i64>,
    shown_at: &str,
    (branch_id, invoice_id): (i64, i64),
    by: &By,
) -> Result<Once<Issued>, RepoError> {
    use diesel::sql_types::{BigInt, Nullable, Text, Uuid};
    submissions::once_claiming(conn, submission, |conn| {
        let query = super::prepared::prepared(concat!(
            "WITH ",
            crate::claim_showing_cte!(),
            " SELECT (SELECT result FROM claim) AS claimed, i.* FROM invoices i \
             WHERE i.id = $4 AND i.branch_id = $5 FOR UPDATE OF i"
        ))
        .bind::<Uuid, _>(submission)
        .bind::<Nullable<BigInt>, _>(user_id)
        .bind::<Text, _>(shown_at)
        .bind::<BigInt, _>(invoice_id)
        .bind::<BigInt, _>(branch_id);
        let Some((shown_at, inv)) = ClaimedInvoice::lock(conn, query)? else {
            return Ok(Claimed::Taken);
        };
        let issued = issue_locked(conn, inv, by)?;
        Ok(Claimed::Done(issued, shown_at))
    })
}

/// Issues the invoice `inv`, whose row this transaction has locked.
fn issue_locked(conn: &mut PgConnection, inv: Invoice, by: &By) -> Result<Issued, RepoError> {
    let (branch_id, invoice_id) = (inv.branch_id, inv.id);
    if inv.state() != InvoiceStatus::Draft {
        return Err(RepoError::Conflict(format!(
            "{} is {} already.",
            inv.label(),
            inv.state().label()
        )));
    }
    // The branch's next number is taken in the statement that reads the lines, so that every
    // reference below can name it; the counter row stays locked until this transaction
    // ends, so numbers are consecutive and, as a failed issue (no lines, say) rolls the
    // increment back, gapless.
    #[derive(QueryableByName)]
    struct Numbered {
        #[diesel(embed)]
        line: InvoiceLine,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        next_seq: i32,
        #[diesel(sql_type = diesel::sql_types::Text)]
        next_prefix: String,
    }
    let numbered: Vec<Numbered> = super::prepared::prepared(
        "WITH n AS ( \
           INSERT INTO invoice_counters AS c (branch_id, last_number) VALUES ($1, 1) \
           ON CONFLICT (branch_id) DO UPDATE SET last_number = c.last_number + 1 \
           RETURNING c.last_number AS next_seq, \
                     (SELECT invoice_prefix FROM branches WHERE id = $1) AS next_prefix) \
         SELECT l.*, n.next_seq, n.next_prefix FROM n, invoice_lines l \
         WHERE l.invoice_id = $2 ORDER BY l.id",
    )
    .bind::<diesel::sql_types::BigInt, _>(branch_id)
    .bind::<diesel::sql_types::BigInt, _>(invoice_id)
    .load(conn)?;
    let Some((seq, prefix)) = numbered
        .first()
        .map(|n| (n.next_seq, n.next_prefix.clone()))
    else {
        return Err(RepoError::Conflict(
            "Add at least one line before issuing.".into(),
        ));
    };
    let lines: Vec<InvoiceLine> = numbered.into_iter().map(|n| n.line).collect();
    // The totals as the lines stand, from the lines just read; stored with the status below.
    let amounts: Vec<_> = lines
        .iter()
        .map(|l| (l.net.clone(), l.tax.clone()))
        .collect();
    let (subtotal, tax_total, total) = not_negative(totals_of(&inv, &amounts))?;
    let number = format!("{prefix}{seq:06}");
    let reference = format!("invoice {number}");
    let today = by.today;
    for (i, line) in lines.iter().enumerate() {
        match line.line_kind() {
            LineKind::Asset => {
                let asset_id = line.asset_id.unwrap_or_default();
                let before = assets::get(conn, branch_id, asset_id).map_err(|e| match e {
                    RepoError::NotFound => RepoError::Conflict(format!(
                        "{}: the unit is no longer at this branch.",
                        line_ref(i, line)
                    )),
                    other => other,
                })?;
                assets::transition(conn, branch_id, asset_id, AssetStatus::Sold, Cause::Invoice, &reference, by)
                    .map_err(|e| match e {
                        RepoError::Conflict(_) => RepoError::Conflict(format!(
                            "{}: unit {} is {}; only units ready for sale or reserved can be sold. Nothing was issued.",
                            line_ref(i, line),
                            before.asset_tag,
                            current_status(conn, asset_id).unwrap_or_else(|| before.status().label())
                        )),
                        other => other,
                    })?;
                diesel::update(invoice_lines::table.find(line.id))
                    .set(invoice_lines::asset_status_before.eq(&before.status))
                    .execute(conn)?;
            }
            LineKind::Stock => {
                let quantity = line.quantity.to_i32().unwrap_or(0);
                let p = Posting {
                    stock_item_id: line.stock_item_id.unwrap_or_default(),
                    branch_id,
                    kind: "sale",
                    quantity: -quantity,
                    unit_cost: line.unit_cost.clone(),
                    reason: "",
                    reference: &reference,
                };
                stock::post(conn, &p, by).map_err(|e| match e {
                    RepoError::Validation(errors) => RepoError::Conflict(format!(
                        "{}: {} Nothing was issued.",
                        line_ref(i, line),
                        errors
                            .iter()
                            .map(|(_, m)| m.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                    other => other,
                })?;
            }
            _ => {}
        }
    }
    // The invoice is issued: from here its lines are frozen but for their bookkeeping. Its
    // new status and totals, its lines going live and the `issued` event are one statement.
    {
        use diesel::sql_types::{BigInt, Integer, Nullable, Numeric, Text};
        super::prepared::prepared(
            "WITH i AS ( \
               UPDATE invoices SET status = $2, number = $3, seq = $4, issued_by = $5, issued_at = now(), \
                      subtotal = $6, tax_total = $7, total = $8, issued_cents = ($6 * 100)::bigint, \
                      updated_at = now() \
               WHERE id = $1), \
             l AS (UPDATE invoice_lines SET live = true WHERE invoice_id = $1) \
             INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
             VALUES ($1, $9, $2, $3, $5)",
        )
        .bind::<BigInt, _>(invoice_id)
        .bind::<Text, _>(InvoiceStatus::Issued.as_str())
        .bind::<Text, _>(&number)
        .bind::<Integer, _>(seq)
        .bind::<Nullable<BigInt>, _>(by.user_id)
        .bind::<Numeric, _>(&subtotal)
        .bind::<Numeric, _>(&tax_total)
        .bind::<Numeric, _>(&total)
        .bind::<Text, _>(InvoiceStatus::Draft.as_str())
        .execute(conn)
        .map_err(|e| match unique_violation(&e) {
            Some("invoice_lines_live_asset_key") => RepoError::Conflict(
                "A unit on this invoice was sold on another invoice a moment ago. Nothing was issued.".into(),
            ),
            _ => e.into(),
        })?;
    }
    for line in &lines {
        let Some(tier) = line
            .warranty_tier
            .as_deref()
            .and_then(|t| t.parse::<WarrantyTier>().ok())
        else {
            continue;
        };
        let days = warranty_days(conn, line, tier)?;
        if days <= 0 {
            continue;
        }
        let warranty: i64 = diesel::insert_into(warranties::table)
            .values((
                warranties::invoice_line_id.eq(line.id),
                warranties::invoice_id.eq(invoice_id),
                warranties::branch_id.eq(branch_id),
                warranties::customer_id.eq(inv.customer_id),
                warranties::asset_id.eq(line.asset_id),
                warranties::stock_item_id.eq(line.stock_item_id),
                warranties::tier.eq(tier.as_str()),
                warranties::starts_on.eq(today),
                warranties::ends_on.eq(today + chrono::Duration::days(i64::from(days))),
            ))
            .returning(warranties::id)
            .get_result(conn)?;
        warranty_event(conn, warranty, None, "active", &reference, by)?;
    }
    Ok(Issued { number })
}

fn current_status(conn: &mut PgConnection, asset_id: i64) -> Option<String> {
    assets_t::table
        .find(asset_id)
        .select(assets_t::status)
        .first::<String>(conn)
        .ok()
        .map(|s| s.replace('_', " "))
}

fn warranty_event(
    conn: &mut PgConnection,
    warranty: i64,
    from: Option<&str>,
    to: &str,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::insert_into(warranty_events::table)
        .values((
            warranty_events::warranty_id.eq(warranty),
            warranty_events::from_status.eq(from),
            warranty_events::to_status.eq(to),
            warranty_events::note.eq(note),
            warranty_events::actor_user_id.eq(by.user_id),
        ))
        .execute(conn)?;
    Ok(())
}

fn void_warranties(
    conn: &mut PgConnection,
    line_ids: &[i64],
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    let live: Vec<(i64, String)> = warranties::table
        .filter(warranties::invoice_line_id.eq_any(line_ids))
        .filter(warranties::status.ne("void"))
        .select((warranties::id, warranties::status))
        .for_update()
        .load(conn)?;
    for (id, status) in live {
        diesel::update(warranties::table.find(id))
            .set(warranties::status.eq("void"))
            .execute(conn)?;
        warranty_event(conn, id, Some(&status), "void", note, by)?;
    }
    Ok(())
}

/// What a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    /// The payment row.
    pub payment_id: i64,
    /// Applied to the invoice.
    pub amount: BigDecimal,
    /// Change handed back.
    pub change: BigDecimal,
    /// The invoice's status after it.
    pub status: InvoiceStatus,
}

/// The sequence payments take their ids from (a receipt's address names its payment, so
/// [`pay_once`] takes the id with the submission's claim).
pub const PAYMENT_IDS: &str = "payments_id_seq";

/// How a payment is offered at the counter.
#[derive(Debug, Clone, Copy)]
pub struct Tender<'a> {
    /// How the customer pays.
    pub method: PaymentMethod,
    /// The amount handed over.
    pub offered: &'a BigDecimal,
    /// The reference typed (a transaction code), or empty.
    pub reference: &'a str,
}

/// Takes a payment. Under the invoice's row lock: the invoice must take payments, the amount is
/// above zero and never takes the paid total above the total (cash above the balance pays the
/// balance and records the change).
pub fn pay(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    method: PaymentMethod,
    offered: &BigDecimal,
    reference: &str,
    by: &By,
) -> Result<Paid, RepoError> {
    let tender = Tender {
        method,
        offered,
        reference,
    };
    super::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        pay_locked(conn, None, inv, tender, by)
    })
}

/// An invoice locked by the statement that claimed a submission: the claim's `result` (`None`
/// when the submission was taken before) and the invoice's row.
#[derive(QueryableByName)]
struct ClaimedInvoice {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    claimed: Option<String>,
    #[diesel(embed)]
    invoice: Invoice,
}

impl ClaimedInvoice {
    /// Runs `query`, a claim and the invoice's lock (selecting `claimed` and `i.*`): where the
    /// claim stores the result, and the locked invoice; `None` when the submission was taken
    /// before. No row: the invoice is not at this branch.
    fn lock(
        conn: &mut PgConnection,
        query: super::prepared::Prepared<'_>,
    ) -> Result<Option<(String, Invoice)>, RepoError> {
        let row: Self = query
            .get_result(conn)
            .optional()?
            .ok_or(RepoError::NotFound)?;
        Ok(row.claimed.map(|shown_at| (shown_at, row.invoice.scaled())))
    }
}

/// [`pay`] once per submission id (see `submissions`): the statement that locks the invoice also
/// claims the id and takes the payment's id, so the receipt's address, `receipt` followed by the
/// payment id, is stored with the claim.
pub fn pay_once(
    conn: &mut PgConnection,
    submission: uuid::Uuid,
    user_id: Option<i64>,
    receipt: &str,
    (branch_id, invoice_id): (i64, i64),
    tender: Tender<'_>,
    by: &By,
) -> Result<Once<Paid>, RepoError> {
    use diesel::sql_types::{BigInt, Nullable, Text, Uuid};
    submissions::once_claiming(conn, submission, |conn| {
        let query = super::prepared::prepared(concat!(
            "WITH ",
            crate::claim_numbered_cte!(),
            " SELECT (SELECT result FROM claim) AS claimed, i.* FROM invoices i \
             WHERE i.id = $5 AND i.branch_id = $6 FOR UPDATE OF i"
        ))
        .bind::<Uuid, _>(submission)
        .bind::<Nullable<BigInt>, _>(user_id)
        .bind::<Text, _>(receipt)
        .bind::<Text, _>(PAYMENT_IDS)
        .bind::<BigInt, _>(invoice_id)
        .bind::<BigInt, _>(branch_id);
        let Some((shown_at, inv)) = ClaimedInvoice::lock(conn, query)? else {
            return Ok(Claimed::Taken);
        };
        let payment_id = shown_at
            .strip_prefix(receipt)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| RepoError::Internal(anyhow::anyhow!("claimed {shown_at:?}")))?;
        let paid = pay_locked(conn, Some(payment_id), inv, tender, by)?;
        Ok(Claimed::Done(paid, shown_at))
    })
}

/// Takes the payment on the invoice `inv`, whose row this transaction has locked.
fn pay_locked(
    conn: &mut PgConnection,
    payment_id: Option<i64>,
    inv: Invoice,
    tender: Tender<'_>,
    by: &By,
) -> Result<Paid, RepoError> {
    let Tender {
        method,
        offered,
        reference,
    } = tender;
    let (branch_id, invoice_id) = (inv.branch_id, inv.id);
    let state = inv.state();
    if !state.takes_payments() {
        return Err(RepoError::Conflict(match state {
            InvoiceStatus::Draft => "A draft takes no payments; issue it first.".to_string(),
            InvoiceStatus::Paid => format!("{} is paid in full.", inv.label()),
            other => format!(
                "{} is {}; it takes no payments.",
                inv.label(),
                other.label()
            ),
        }));
    }
    let applied = rules::apply_payment(method, offered, &inv.balance())
        .map_err(|m| FieldErrors::single("amount", m))?;
    let paid = &inv.paid_total + &applied.amount;
    let status = rules::after_payment(&inv.total, &paid);
    // The payment, the invoice's paid total and status, and the event when the status
    // changes: one statement under the lock taken above.
    use diesel::sql_types::{BigInt, Bool, Nullable, Numeric, Text};
    let payment_id = super::prepared::prepared(
        "WITH p AS ( \
           INSERT INTO payments (id, invoice_id, branch_id, method, amount, tendered, change_given, reference, received_by) \
           VALUES (COALESCE($14, nextval($15::regclass)), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id), \
         u AS (UPDATE invoices SET paid_total = $9, status = $10, updated_at = now() WHERE id = $1), \
         e AS ( \
           INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
           SELECT $1, $11, $10, $12, $8 WHERE $13) \
         SELECT id FROM p",
    )
    .bind::<BigInt, _>(invoice_id)
    .bind::<BigInt, _>(branch_id)
    .bind::<Text, _>(method.as_str())
    .bind::<Numeric, _>(&applied.amount)
    .bind::<Nullable<Numeric>, _>(&applied.tendered)
    .bind::<Numeric, _>(&applied.change)
    .bind::<Text, _>(reference.trim())
    .bind::<Nullable<BigInt>, _>(by.user_id)
    .bind::<Numeric, _>(&paid)
    .bind::<Text, _>(status.as_str())
    .bind::<Text, _>(state.as_str())
    .bind::<Text, _>(format!("{} {}", method.label(), applied.amount))
    .bind::<Bool, _>(status != state)
    .bind::<Nullable<BigInt>, _>(payment_id)
    .bind::<Text, _>(PAYMENT_IDS)
    .get_result::<super::prepared::Id>(conn)?
    .id;
    Ok(Paid {
        payment_id,
        amount: applied.amount,
        change: applied.change,
        status,
    })
}

/// Voids an issued invoice that has no payments: units back on sale, stock back into the
/// ledger, warranties void. The number stays used (and shown as void).
pub fn void(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    reason: &str,
    by: &By,
) -> Result<(), RepoError> {
    if reason.trim().is_empty() {
        return Err(FieldErrors::single("reason", "Say why the invoice is voided.").into());
    }
    super::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        let state = inv.state();
        if !rules::edge_exists(state, InvoiceStatus::Void) || !inv.paid_total.is_zero() {
            return Err(RepoError::Conflict(match state {
                InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid | InvoiceStatus::Refunded => {
                    format!(
                        "{} has payments; it cannot be voided. Raise a refund instead.",
                        inv.label()
                    )
                }
                InvoiceStatus::Draft => "A draft is not issued; remove its lines instead.".into(),
                _ => format!("{} is {} already.", inv.label(), state.label()),
            }));
        }
        let reference = format!("void {}", inv.label());
        let lines: Vec<InvoiceLine> = invoice_lines::table
            .filter(invoice_lines::invoice_id.eq(invoice_id))
            .select(InvoiceLine::as_select())
            .order(invoice_lines::id)
            .load(conn)?;
        for line in &lines {
            give_back(
                conn,
                branch_id,
                line,
                &line.quantity,
                Cause::Void,
                &reference,
                by,
            )?;
        }
        let ids: Vec<i64> = lines.iter().map(|l| l.id).collect();
        diesel::update(invoice_lines::table.filter(invoice_lines::id.eq_any(&ids)))
            .set(invoice_lines::live.eq(false))
            .execute(conn)?;
        void_warranties(conn, &ids, &reference, by)?;
        diesel::update(invoices::table.find(invoice_id))
            .set((
                invoices::status.eq(InvoiceStatus::Void.as_str()),
                invoices::void_reason.eq(reason.trim()),
                invoices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(
            conn,
            invoice_id,
            Some(state),
            InvoiceStatus::Void,
            reason.trim(),
            by,
        )
    })
}

/// Puts a line's goods back: a unit goes back on sale (void) or to `returned` (refund); stock
/// goes back into the ledger.
fn give_back(
    conn: &mut PgConnection,
    branch_id: i64,
    line: &InvoiceLine,
    quantity: &BigDecimal,
    cause: Cause,
    reference: &str,
    by: &By,
) -> Result<(), RepoError> {
    match line.line_kind() {
        LineKind::Asset => {
            let to = if cause == Cause::Refund {
                AssetStatus::Returned
            } else {
                AssetStatus::ReadyForSale
            };
            assets::transition(
                conn,
                branch_id,
                line.asset_id.unwrap_or_default(),
                to,
                cause,
                reference,
                by,
            )?;
        }
        LineKind::Stock => {
            let pieces = quantity.to_i32().unwrap_or(0);
            if pieces > 0 {
                let p = Posting {
                    stock_item_id: line.stock_item_id.unwrap_or_default(),
                    branch_id,
                    kind: "return",
                    quantity: pieces,
                    unit_cost: line.unit_cost.clone(),
                    reason: "",
                    reference,
                };
                stock::post(conn, &p, by)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A refund request: which lines, how many of each, why, and how the money goes back.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// (invoice line id, quantity) pairs.
    pub lines: Vec<(i64, BigDecimal)>,
    /// Why.
    pub reason: String,
    /// How the money goes back.
    pub method: PaymentMethod,
    /// Its reference.
    pub reference: String,
}

/// Raises a credit note against chosen lines of a (partly) paid invoice, with its refund
/// payment: refunded units become `returned`, refunded stock goes back into the ledger,
/// warranties of wholly refunded lines are void. Each portion gives back its share of the
/// invoice's discounts and stated tax ([`RefundBasis`]); the refund that returns the last of the
/// goods gives back exactly what the invoice still stands at. Never more than was paid, less
/// refunds before.
pub fn refund(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    req: &RefundRequest,
    by: &By,
) -> Result<i64, RepoError> {
    let mut errors = FieldErrors::new();
    if req.reason.trim().is_empty() {
        errors.add("reason", "Say why the money goes back.");
    }
    if req.lines.is_empty() {
        errors.add("lines", "Choose what is being returned.");
    }
    if req.method == PaymentMethod::Deposit {
        errors.add(
            "method",
            "Refunds go back by cash, card, mobile money, bank transfer, store credit or other.",
        );
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        let state = inv.state();
        if !state.refundable() {
            return Err(RepoError::Conflict(format!(
                "{} is {}; only paid or partly paid invoices can be refunded.",
                inv.label(),
                state.label()
            )));
        }
        let reference = format!("refund on {}", inv.label());
        // Every line (the whole invoice decides each one's share), locked against a refund
        // running alongside.
        let lines: Vec<InvoiceLine> = invoice_lines::table
            .filter(invoice_lines::invoice_id.eq(invoice_id))
            .select(InvoiceLine::as_select())
            .order(invoice_lines::id)
            .for_update()
            .load(conn)?;
        let basis = RefundBasis::new(
            &inv.subtotal,
            &inv.tax_total,
            lines.iter().map(|l| (l.line_kind(), &l.net, &l.tax)),
        );
        let mut left_after: std::collections::HashMap<i64, BigDecimal> = lines
            .iter()
            .filter(|l| l.line_kind() != LineKind::Discount)
            .map(|l| (l.id, l.refundable_quantity()))
            .collect();
        // (line, quantity, net back, tax back) per returned line.
        let mut chosen: Vec<(&InvoiceLine, BigDecimal, BigDecimal, BigDecimal)> = Vec::new();
        let (mut subtotal, mut tax) = (BigDecimal::zero(), BigDecimal::zero());
        for (line_id, quantity) in &req.lines {
            let Some(line) = lines.iter().find(|l| l.id == *line_id) else {
                return Err(RepoError::NotFound);
            };
            if line.line_kind() == LineKind::Discount {
                continue;
            }
            if chosen.iter().any(|c| c.0.id == line.id) {
                return Err(FieldErrors::single(
                    "lines",
                    format!("{}: say how many once.", line.description),
                )
                .into());
            }
            let left = line.refundable_quantity();
            if *quantity <= BigDecimal::zero() || *quantity > left {
                return Err(FieldErrors::single(
                    "lines",
                    format!(
                        "{}: between 0 and {} can still be refunded.",
                        line.description,
                        left.normalized()
                    ),
                )
                .into());
            }
            let (net, line_tax) = basis.share(
                &(&line.net * quantity / &line.quantity),
                &(&line.tax * quantity / &line.quantity),
            );
            subtotal += &net;
            tax += &line_tax;
            left_after.insert(line.id, &left - quantity);
            chosen.push((line, quantity.clone(), net, line_tax));
        }
        // The refund that returns the last of the goods gives back exactly what the invoice
        // still stands at, so the shares' rounding never leaves a cent behind or takes one
        // too many; the difference goes on its last line.
        if !chosen.is_empty() && left_after.values().all(|q| q.is_zero()) {
            let (before_net, before_tax): (Option<BigDecimal>, Option<BigDecimal>) =
                credit_notes::table
                    .filter(credit_notes::invoice_id.eq(invoice_id))
                    .select((
                        diesel::dsl::sum(credit_notes::subtotal),
                        diesel::dsl::sum(credit_notes::tax_total),
                    ))
                    .first(conn)?;
            let rest_net = &inv.subtotal - before_net.unwrap_or_default();
            let rest_tax = &inv.tax_total - before_tax.unwrap_or_default();
            if let Some(last) = chosen.last_mut() {
                last.2 += &rest_net - &subtotal;
                last.3 += &rest_tax - &tax;
            }
            (subtotal, tax) = (rest_net, rest_tax);
        }
        let total = &subtotal + &tax;
        if total <= BigDecimal::zero() {
            return Err(FieldErrors::single("lines", "Choose what is being returned.").into());
        }
        let refundable = &inv.paid_total - &inv.refunded_total;
        if total > refundable {
            return Err(FieldErrors::single(
                "lines",
                format!(
                    "A refund cannot be more than what was paid: {:.2} paid, {:.2} refunded already, this refund is {:.2}.",
                    inv.paid_total, inv.refunded_total, total
                ),
            )
            .into());
        }
        let note: i64 = diesel::insert_into(credit_notes::table)
            .values((
                credit_notes::invoice_id.eq(invoice_id),
                credit_notes::branch_id.eq(branch_id),
                credit_notes::reason.eq(req.reason.trim()),
                credit_notes::subtotal.eq(&subtotal),
                credit_notes::tax_total.eq(&tax),
                credit_notes::total.eq(&total),
                credit_notes::created_by.eq(by.user_id),
            ))
            .returning(credit_notes::id)
            .get_result(conn)?;
        let mut finished = Vec::new();
        for (line, quantity, net, line_tax) in &chosen {
            diesel::insert_into(credit_note_lines::table)
                .values((
                    credit_note_lines::credit_note_id.eq(note),
                    credit_note_lines::invoice_line_id.eq(line.id),
                    credit_note_lines::quantity.eq(quantity),
                    credit_note_lines::net.eq(net),
                    credit_note_lines::tax.eq(line_tax),
                ))
                .execute(conn)?;
            give_back(
                conn,
                branch_id,
                line,
                quantity,
                Cause::Refund,
                &reference,
                by,
            )?;
            let refunded = &line.refunded_quantity + quantity;
            let whole = refunded == line.quantity;
            diesel::update(invoice_lines::table.find(line.id))
                .set((
                    invoice_lines::refunded_quantity.eq(&refunded),
                    invoice_lines::live.eq(line.live && !whole),
                ))
                .execute(conn)?;
            if whole {
                finished.push(line.id);
            }
        }
        void_warranties(conn, &finished, &reference, by)?;
        diesel::insert_into(refund_payments::table)
            .values((
                refund_payments::credit_note_id.eq(note),
                refund_payments::branch_id.eq(branch_id),
                refund_payments::method.eq(req.method.as_str()),
                refund_payments::amount.eq(&total),
                refund_payments::reference.eq(req.reference.trim()),
                refund_payments::paid_by.eq(by.user_id),
            ))
            .execute(conn)?;
        diesel::update(invoices::table.find(invoice_id))
            .set((
                invoices::refunded_total.eq(&inv.refunded_total + &total),
                invoices::status.eq(InvoiceStatus::Refunded.as_str()),
                invoices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(
            conn,
            invoice_id,
            Some(state),
            InvoiceStatus::Refunded,
            &format!("credit note CN-{note}: {total}, {}", req.reason.trim()),
            by,
        )?;
        Ok(note)
    })
}

/// A credit note as shown: (id, at, reason, total, refund method).
pub type CreditNoteRow = (i64, DateTime<Utc>, String, BigDecimal, Option<String>);
/// An event as shown: (at, from, to, note, who).
pub type EventRow = (
    DateTime<Utc>,
    Option<String>,
    String,
    String,
    Option<String>,
);

/// An invoice with everything its page shows.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    /// The header.
    pub invoice: Invoice,
    /// Customer name (or the walk-in's).
    pub customer: String,
    /// Customer phone.
    pub customer_phone: String,
    /// The sales person's name.
    pub sales_person: Option<String>,
    /// Lines in order.
    pub lines: Vec<InvoiceLine>,
    /// Payments in order.
    pub payments: Vec<Payment>,
    /// Credit notes: (id, at, reason, total, refund method).
    pub credit_notes: Vec<CreditNoteRow>,
    /// Warranties: (line id, tier, ends on, status).
    pub warranties: Vec<(i64, String, NaiveDate, String)>,
    /// History: (at, from, to, note, who).
    pub events: Vec<EventRow>,
}

/// One invoice of the branch with its lines, payments, credit notes, warranties and history.
pub fn view(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<InvoiceView, RepoError> {
    let invoice: Invoice = invoices::table
        .find(id)
        .filter(invoices::branch_id.eq(branch_id))
        .select(Invoice::as_select())
        .first::<Invoice>(conn)?
        .scaled();
    let (customer, customer_phone) = match invoice.customer_id {
        Some(c) => customers::table
            .find(c)
            .select((customers::name, customers::phone))
            .first(conn)?,
        None => (
            if invoice.walk_in_name.is_empty() {
                "Walk-in customer".to_string()
            } else {
                invoice.walk_in_name.clone()
            },
            String::new(),
        ),
    };
    let sales_person = match invoice.sales_person_id {
        Some(s) => staff_users::table
            .find(s)
            .select(staff_users::full_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .select(InvoiceLine::as_select())
        .order(invoice_lines::id)
        .load::<InvoiceLine>(conn)?
        .into_iter()
        .map(InvoiceLine::scaled)
        .collect();
    let payments = payments::table
        .filter(payments::invoice_id.eq(id))
        .select(Payment::as_select())
        .order(payments::id)
        .load::<Payment>(conn)?
        .into_iter()
        .map(Payment::scaled)
        .collect();
    let credit_notes = credit_notes::table
        .left_join(refund_payments::table)
        .filter(credit_notes::invoice_id.eq(id))
        .select((
            credit_notes::id,
            credit_notes::at,
            credit_notes::reason,
            credit_notes::total,
            refund_payments::method.nullable(),
        ))
        .order(credit_notes::id)
        .load(conn)?;
    let warranties = warranties::table
        .filter(warranties::invoice_id.eq(id))
        .select((
            warranties::invoice_line_id,
            warranties::tier,
            warranties::ends_on,
            warranties::status,
        ))
        .load(conn)?;
    let events = invoice_events::table
        .left_join(staff_users::table)
        .filter(invoice_events::invoice_id.eq(id))
        .select((
            invoice_events::at,
            invoice_events::from_status,
            invoice_events::to_status,
            invoice_events::note,
            staff_users::full_name.nullable(),
        ))
        .order(invoice_events::id)
        .load(conn)?;
    Ok(InvoiceView {
        invoice,
        customer,
        customer_phone,
        sales_person,
        lines,
        payments,
        credit_notes,
        warranties,
        events,
    })
}

/// An invoice in a list: header and customer name.
pub type ListRow = (Invoice, Option<String>);

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Number, customer name or walk-in name contains this.
    pub q: String,
    /// One status.
    pub status: Option<InvoiceStatus>,
    /// Created on or after (branch-local date bounds, as UTC instants).
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
}

/// The branch's invoices, newest first; one page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    f: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListRow>, i64), RepoError> {
    let q = f.q.trim();
    let pattern = format!("%{}%", super::audit::escape_like(q));
    // Customers whose name matches, fetched first (at most 500) so the invoice filter is an
    // `= ANY` that an index answers, beside the trigram indexes on number and walk-in name.
    let named: Vec<i64> = if q.is_empty() {
        Vec::new()
    } else {
        customers::table
            .filter(customers::name.ilike(&pattern))
            .select(customers::id)
            .limit(500)
            .load(conn)?
    };
    let filtered = || {
        let mut query = invoices::table
            .filter(invoices::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = f.status {
            query = query.filter(invoices::status.eq(s.as_str()));
        }
        if let Some(from) = f.from {
            query = query.filter(invoices::created_at.ge(from));
        }
        if let Some(to) = f.to {
            query = query.filter(invoices::created_at.lt(to));
        }
        if !q.is_empty() {
            query = query.filter(
                invoices::number
                    .ilike(pattern.clone())
                    .or(invoices::customer_id.eq_any(named.clone()))
                    .or(invoices::walk_in_name.ilike(pattern.clone())),
            );
        }
        query
    };
    // One walk of the matches in list order gives the bounded count and the page's ids; then
    // only the page's rows are read, with their customers.
    let all: Vec<i64> = filtered()
        .select(invoices::id)
        .order(invoices::id.desc())
        .limit(super::COUNT_CAP)
        .load(conn)?;
    let ids = super::page_of(&all, offset, limit);
    let total = super::bounded_total(all);
    let rows = invoices::table
        .left_join(customers::table)
        .filter(invoices::id.eq_any(&ids))
        .select((Invoice::as_select(), customers::name.nullable()))
        .order(invoices::id.desc())
        .load::<ListRow>(conn)?
        .into_iter()
        .map(|(i, c)| (i.scaled(), c))
        .collect();
    Ok((rows, total))
}

/// The cash-up sheet: per method, money taken and money refunded in `[from, to)` at the branch.
pub fn takings(
    conn: &mut PgConnection,
    branch_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, BigDecimal, BigDecimal, i64)>, RepoError> {
    let taken: Vec<(String, Option<BigDecimal>, i64)> = payments::table
        .filter(payments::branch_id.eq(branch_id))
        .filter(payments::at.ge(from))
        .filter(payments::at.lt(to))
        .group_by(payments::method)
        .select((
            payments::method,
            diesel::dsl::sum(payments::amount),
            diesel::dsl::count(payments::id),
        ))
        .load(conn)?;
    let refunded: Vec<(String, Option<BigDecimal>)> = refund_payments::table
        .filter(refund_payments::branch_id.eq(branch_id))
        .filter(refund_payments::at.ge(from))
        .filter(refund_payments::at.lt(to))
        .group_by(refund_payments::method)
        .select((
            refund_payments::method,
            diesel::dsl::sum(refund_payments::amount),
        ))
        .load(conn)?;
    // Deposits count when they are taken (on the preorder), not again when applied to the
    // final invoice.
    let deposits: Vec<(String, Option<BigDecimal>, i64)> = crate::schema::preorder_deposits::table
        .filter(crate::schema::preorder_deposits::branch_id.eq(branch_id))
        .filter(crate::schema::preorder_deposits::at.ge(from))
        .filter(crate::schema::preorder_deposits::at.lt(to))
        .group_by(crate::schema::preorder_deposits::method)
        .select((
            crate::schema::preorder_deposits::method,
            diesel::dsl::sum(crate::schema::preorder_deposits::amount),
            diesel::dsl::count(crate::schema::preorder_deposits::id),
        ))
        .load(conn)?;
    let mut taken = taken;
    for (method, amount, n) in deposits {
        match taken.iter_mut().find(|t| t.0 == method) {
            Some(t) => {
                t.1 = Some(t.1.clone().unwrap_or_default() + amount.unwrap_or_default());
                t.2 += n;
            }
            None => taken.push((method, amount, n)),
        }
    }
    let mut rows = Vec::new();
    for m in PaymentMethod::ALL
        .iter()
        .filter(|m| **m != PaymentMethod::Deposit)
    {
        let t = taken.iter().find(|r| r.0 == m.as_str());
        let r = refunded.iter().find(|r| r.0 == m.as_str());
        if t.is_none() && r.is_none() {
            continue;
        }
        rows.push((
            m.as_str().to_string(),
            t.and_then(|t| t.1.clone())
                .unwrap_or_default()
                .with_scale(2),
            r.and_then(|r| r.1.clone())
                .unwrap_or_default()
                .with_scale(2),
            t.map(|t| t.2).unwrap_or(0),
        ));
    }
    Ok(rows)
}

/// The warranty terms printed with an invoice: (category, terms) of its warrantied lines.
pub fn warranty_terms_of(
    conn: &mut PgConnection,
    invoice_id: i64,
) -> Result<Vec<(String, String)>, RepoError> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        category: String,
        #[diesel(sql_type = Text)]
        terms: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT DISTINCT t.category, t.terms FROM warranties w \
         LEFT JOIN assets a ON a.id = w.asset_id \
         LEFT JOIN product_models m ON m.id = a.product_model_id \
         LEFT JOIN stock_items s ON s.id = w.stock_item_id \
         JOIN warranty_terms t ON t.category = COALESCE(m.category, s.category) \
         WHERE w.invoice_id = $1 AND w.status <> 'void' ORDER BY t.category",
    )
    .bind::<BigInt, _>(invoice_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.category, r.terms)).collect())
}
