//! Preorders. Every change locks the preorder row, checks the table (`domain::preorder`), does
//! what goes with the move (reserve the unit, write the outbox message, issue the invoice with
//! the deposit) and writes a preorder event, in one transaction.

use bigdecimal::{BigDecimal, Zero};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::invoices::{self, NewInvoice, NewLine};
use super::{By, RepoError, assets, outbox};
use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::{PreorderStatus, check, sla_due};
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{
    assets as assets_t, customers, invoice_lines, invoices as invoices_t, preorder_deposits,
    preorders, product_models,
};

/// A preorder as shown.
#[derive(Debug, Clone, Queryable)]
#[allow(missing_docs)]
pub struct PreorderRow {
    pub id: i64,
    pub status: String,
    pub customer_id: i64,
    pub customer: String,
    pub product_model_id: i64,
    pub brand: String,
    pub model: String,
    pub specs: String,
    pub agreed_price: BigDecimal,
    pub deposit_required: BigDecimal,
    pub deposit_paid: BigDecimal,
    pub ordered_on: Option<NaiveDate>,
    pub sla_due_on: Option<NaiveDate>,
    pub asset_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub resale_invoice_id: Option<i64>,
    pub recovery: Option<BigDecimal>,
    pub created_at: DateTime<Utc>,
}

impl PreorderRow {
    /// The typed status.
    pub fn state(&self) -> PreorderStatus {
        self.status
            .parse()
            .unwrap_or(PreorderStatus::DepositPending)
    }
    /// Days until the SLA date (negative when overdue), while the clock runs.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.sla_due_on
            .filter(|_| self.state().on_the_clock())
            .map(|due| (due - today).num_days())
    }
    /// What the customer owes after a resale.
    pub fn shortfall(&self) -> Option<BigDecimal> {
        self.recovery
            .as_ref()
            .map(|r| crate::domain::preorder::shortfall(&self.agreed_price, r, &self.deposit_paid))
    }
    /// Deposit still to take before ordering.
    pub fn deposit_due(&self) -> BigDecimal {
        let due = &self.deposit_required - &self.deposit_paid;
        if due < BigDecimal::zero() {
            BigDecimal::zero()
        } else {
            due
        }
    }
}

type RowColumns = (
    preorders::id,
    preorders::status,
    preorders::customer_id,
    customers::name,
    preorders::product_model_id,
    product_models::brand,
    product_models::model,
    preorders::specs,
    preorders::agreed_price,
    preorders::deposit_required,
    preorders::deposit_paid,
    preorders::ordered_on,
    preorders::sla_due_on,
    preorders::asset_id,
    preorders::invoice_id,
    preorders::resale_invoice_id,
    preorders::recovery,
    preorders::created_at,
);

const COLUMNS: RowColumns = (
    preorders::id,
    preorders::status,
    preorders::customer_id,
    customers::name,
    preorders::product_model_id,
    product_models::brand,
    product_models::model,
    preorders::specs,
    preorders::agreed_price,
    preorders::deposit_required,
    preorders::deposit_paid,
    preorders::ordered_on,
    preorders::sla_due_on,
    preorders::asset_id,
    preorders::invoice_id,
    preorders::resale_invoice_id,
    preorders::recovery,
    preorders::created_at,
);

/// A new preorder, with the deposit taken now (if any).
#[derive(Debug, Clone)]
pub struct NewPreorder {
    /// Who orders.
    pub customer_id: i64,
    /// What they want.
    pub product_model_id: i64,
    /// Specs, colour, storage…
    pub specs: String,
    /// The price agreed.
    pub agreed_price: BigDecimal,
    /// The deposit asked for (500.00 unless changed).
    pub deposit_required: BigDecimal,
    /// Money taken now: method, amount, reference.
    pub deposit: Option<(PaymentMethod, BigDecimal, String)>,
}

fn event(
    conn: &mut PgConnection,
    id: i64,
    from: Option<PreorderStatus>,
    to: PreorderStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(
        conn,
        Trail::Preorder(id),
        &Event::moved(from.map(|s| s.as_str()), to.as_str(), note),
        by,
    )?;
    Ok(())
}

/// Takes the preorder: status `deposit_pending`, with the deposit received now if given.
pub fn create(
    conn: &mut PgConnection,
    branch_id: i64,
    p: &NewPreorder,
    by: &By,
) -> Result<i64, RepoError> {
    let mut errors = FieldErrors::new();
    if p.agreed_price <= BigDecimal::zero() {
        errors.add("agreed_price", "Enter the agreed price.");
    }
    if p.deposit_required.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("deposit_required", "The deposit cannot be negative.");
    }
    if p.deposit_required > p.agreed_price {
        errors.add(
            "deposit_required",
            "The deposit cannot be more than the price.",
        );
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let model_ok: bool = diesel::select(diesel::dsl::exists(
            product_models::table.find(p.product_model_id),
        ))
        .get_result(conn)?;
        if !model_ok {
            return Err(FieldErrors::single("product_model_id", "Choose the model.").into());
        }
        super::customers::get(conn, p.customer_id)
            .map_err(|_| FieldErrors::single("customer_id", "Choose the customer."))?;
        let id: i64 = diesel::insert_into(preorders::table)
            .values((
                preorders::branch_id.eq(branch_id),
                preorders::customer_id.eq(p.customer_id),
                preorders::product_model_id.eq(p.product_model_id),
                preorders::specs.eq(p.specs.trim()),
                preorders::agreed_price.eq(&p.agreed_price),
                preorders::deposit_required.eq(&p.deposit_required),
                preorders::created_by.eq(by.user_id),
            ))
            .returning(preorders::id)
            .get_result(conn)?;
        event(conn, id, None, PreorderStatus::DepositPending, "", by)?;
        if let Some((method, amount, reference)) = &p.deposit {
            pay_deposit(conn, branch_id, id, *method, amount, reference, by)?;
        }
        Ok(id)
    })
}

fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<PreorderRow, RepoError> {
    // Lock the row first, then read it with its names.
    let _: i64 = preorders::table
        .find(id)
        .filter(preorders::branch_id.eq(branch_id))
        .select(preorders::id)
        .for_update()
        .first(conn)?;
    get(conn, branch_id, id)
}

/// Receives (part of) the deposit. Never more than the agreed price in all.
pub fn pay_deposit(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    method: PaymentMethod,
    amount: &BigDecimal,
    reference: &str,
    by: &By,
) -> Result<(), RepoError> {
    if *amount <= BigDecimal::zero() {
        return Err(FieldErrors::single("amount", "Enter an amount above zero.").into());
    }
    if method == PaymentMethod::Deposit {
        return Err(FieldErrors::single("method", "Choose how the deposit is paid.").into());
    }
    super::tx(conn, |conn| {
        let p = lock(conn, branch_id, id)?;
        if !matches!(
            p.state(),
            PreorderStatus::DepositPending
                | PreorderStatus::Ordered
                | PreorderStatus::InTransit
                | PreorderStatus::Arrived
                | PreorderStatus::CustomerNotified
        ) {
            return Err(RepoError::Conflict(format!(
                "This preorder is {}; it takes no more deposit.",
                p.state().label()
            )));
        }
        let paid = &p.deposit_paid + amount;
        if paid > p.agreed_price {
            return Err(FieldErrors::single(
                "amount",
                format!(
                    "The deposits cannot pass the agreed price of {:.2}.",
                    p.agreed_price
                ),
            )
            .into());
        }
        diesel::insert_into(preorder_deposits::table)
            .values((
                preorder_deposits::preorder_id.eq(id),
                preorder_deposits::branch_id.eq(branch_id),
                preorder_deposits::method.eq(method.as_str()),
                preorder_deposits::amount.eq(amount),
                preorder_deposits::reference.eq(reference.trim()),
                preorder_deposits::received_by.eq(by.user_id),
            ))
            .execute(conn)?;
        diesel::update(preorders::table.find(id))
            .set((
                preorders::deposit_paid.eq(&paid),
                preorders::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// What some moves need from the person.
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    /// `arrived`: the unit's tag or serial.
    pub asset_code: String,
    /// `resold`: the resale invoice's number.
    pub resale_invoice: String,
    /// Free text for the event.
    pub note: String,
}

/// Moves a preorder. `expected` is the status the person saw.
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    expected: Option<PreorderStatus>,
    to: PreorderStatus,
    input: &MoveInput,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let p = lock(conn, branch_id, id)?;
        let from = p.state();
        if let Some(seen) = expected
            && seen != from
        {
            return Err(RepoError::Conflict(format!(
                "Someone else moved this preorder to {} a moment ago; nothing was changed.",
                from.label()
            )));
        }
        check(from, to, &p.deposit_paid, &p.deposit_required).map_err(RepoError::Conflict)?;
        let mut note = input.note.trim().to_string();
        match to {
            PreorderStatus::Ordered => {
                let today = by.today;
                diesel::update(preorders::table.find(id))
                    .set((
                        preorders::ordered_on.eq(today),
                        preorders::sla_due_on.eq(sla_due(today)),
                    ))
                    .execute(conn)?;
                note = join(&note, &format!("due by {}", sla_due(today)));
            }
            PreorderStatus::Arrived => {
                let unit = find_unit(conn, branch_id, &input.asset_code)?;
                if unit.product_model_id != p.product_model_id {
                    return Err(FieldErrors::single(
                        "asset_code",
                        format!(
                            "Unit {} is another model than the one ordered.",
                            unit.asset_tag
                        ),
                    )
                    .into());
                }
                assets::transition(
                    conn,
                    branch_id,
                    unit.id,
                    AssetStatus::Reserved,
                    Cause::Manual,
                    &format!("preorder #{id}"),
                    by,
                )
                .map_err(|e| match e {
                    RepoError::Conflict(m) => RepoError::from(FieldErrors::single("asset_code", m)),
                    other => other,
                })?;
                diesel::update(preorders::table.find(id))
                    .set(preorders::asset_id.eq(unit.id))
                    .execute(conn)?;
                note = join(&note, &format!("unit {} reserved", unit.asset_tag));
            }
            PreorderStatus::CustomerNotified => {
                if let Some(to) = outbox::recipient_of(conn, p.customer_id)? {
                    let message = outbox::Message {
                        branch_id,
                        template: "preorder_arrived",
                        customer_id: p.customer_id,
                        about: outbox::About::Customer,
                        due_at: by.at,
                        payload: serde_json::json!({
                            "customer": p.customer,
                            "item": format!("{} {}", p.brand, p.model),
                            "preorder": id,
                            "balance": format!("{:.2}", &p.agreed_price - &p.deposit_paid),
                        }),
                    };
                    outbox::queue(conn, &message, &to)?;
                }
            }
            PreorderStatus::PickedUp => {
                let Some(asset) = p.asset_id else {
                    return Err(RepoError::Conflict(
                        "No unit is linked to this preorder.".into(),
                    ));
                };
                let tag: String = assets_t::table
                    .find(asset)
                    .select(assets_t::asset_tag)
                    .first(conn)?;
                let invoice = invoices::create_draft(
                    conn,
                    branch_id,
                    &NewInvoice {
                        customer_id: Some(p.customer_id),
                        note: format!("Preorder #{id}"),
                        ..Default::default()
                    },
                    by,
                )?;
                invoices::add_line(
                    conn,
                    branch_id,
                    invoice,
                    &NewLine::Asset {
                        code: tag,
                        price: Some(p.agreed_price.clone()),
                        tier: None,
                    },
                )?;
                let issued = invoices::issue(conn, branch_id, invoice, by)?;
                if p.deposit_paid > BigDecimal::zero() {
                    let total: BigDecimal = invoices_t::table
                        .find(invoice)
                        .select(invoices_t::total)
                        .first(conn)?;
                    let applied = if p.deposit_paid < total {
                        p.deposit_paid.clone()
                    } else {
                        total
                    };
                    invoices::pay(
                        conn,
                        branch_id,
                        invoice,
                        PaymentMethod::Deposit,
                        &applied,
                        &format!("preorder #{id}"),
                        by,
                    )?;
                }
                diesel::update(preorders::table.find(id))
                    .set(preorders::invoice_id.eq(invoice))
                    .execute(conn)?;
                note = join(
                    &note,
                    &format!("invoice {} with the deposit applied", issued.number),
                );
            }
            PreorderStatus::Rejected => {
                if let Some(asset) = p.asset_id {
                    assets::transition(
                        conn,
                        branch_id,
                        asset,
                        AssetStatus::ReadyForSale,
                        Cause::Manual,
                        &format!("preorder #{id} rejected"),
                        by,
                    )?;
                }
            }
            PreorderStatus::Resold => {
                let number = input.resale_invoice.trim().to_uppercase();
                let found: Option<(i64, String)> = invoices_t::table
                    .filter(invoices_t::branch_id.eq(branch_id))
                    .filter(invoices_t::number.eq(&number))
                    .select((invoices_t::id, invoices_t::status))
                    .first(conn)
                    .optional()?;
                let Some((invoice, status)) = found.filter(|f| f.1 != "void" && f.1 != "draft")
                else {
                    return Err(FieldErrors::single(
                        "resale_invoice",
                        "Enter the number of the issued invoice that resold the unit.",
                    )
                    .into());
                };
                let _ = status;
                let recovery: Option<BigDecimal> = invoice_lines::table
                    .filter(invoice_lines::invoice_id.eq(invoice))
                    .filter(invoice_lines::asset_id.eq(p.asset_id.unwrap_or(-1)))
                    .select(invoice_lines::net)
                    .first(conn)
                    .optional()?;
                let Some(recovery) = recovery else {
                    return Err(FieldErrors::single(
                        "resale_invoice",
                        format!("Invoice {number} does not sell this preorder's unit."),
                    )
                    .into());
                };
                diesel::update(preorders::table.find(id))
                    .set((
                        preorders::resale_invoice_id.eq(invoice),
                        preorders::recovery.eq(&recovery),
                    ))
                    .execute(conn)?;
                let owed =
                    crate::domain::preorder::shortfall(&p.agreed_price, &recovery, &p.deposit_paid);
                note = join(
                    &note,
                    &format!("resold on {number} for {recovery:.2}; the customer owes {owed:.2}"),
                );
            }
            _ => {}
        }
        diesel::update(preorders::table.find(id))
            .set((
                preorders::status.eq(to.as_str()),
                preorders::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(conn, id, Some(from), to, &note, by)
    })
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

fn find_unit(conn: &mut PgConnection, branch_id: i64, code: &str) -> Result<Asset, RepoError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Err(FieldErrors::single("asset_code", "Scan the unit's tag or serial.").into());
    }
    assets::find_by_code(conn, branch_id, &code)?.ok_or_else(|| {
        FieldErrors::single(
            "asset_code",
            format!("No unit here has the tag or serial {code}."),
        )
        .into()
    })
}

/// One preorder of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<PreorderRow, RepoError> {
    Ok(preorders::table
        .inner_join(customers::table)
        .inner_join(product_models::table)
        .filter(preorders::id.eq(id))
        .filter(preorders::branch_id.eq(branch_id))
        .select(COLUMNS)
        .first(conn)?)
}

/// The branch's preorders, by status and customer name; with `sla_only`, the open ones on the
/// supplier's clock, most urgent first. One page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    status: Option<PreorderStatus>,
    q: &str,
    sla_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PreorderRow>, i64), RepoError> {
    let q = q.trim();
    let filtered = || {
        let mut query = preorders::table
            .inner_join(customers::table)
            .inner_join(product_models::table)
            .filter(preorders::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(preorders::status.eq(s.as_str()));
        }
        if sla_only {
            query = query.filter(preorders::status.eq_any(["ordered", "in_transit"]));
        }
        if !q.is_empty() {
            let pattern = format!("%{}%", super::audit::escape_like(q));
            query = query.filter(
                customers::name
                    .ilike(pattern.clone())
                    .or(product_models::model.ilike(pattern)),
            );
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(preorders::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
    let mut query = filtered().select(COLUMNS).offset(offset).limit(limit);
    query = if sla_only {
        query.order((preorders::sla_due_on.asc(), preorders::id.asc()))
    } else {
        query.order(preorders::id.desc())
    };
    Ok((query.load(conn)?, total))
}

/// A deposit as shown: (at, method, amount, reference).
pub type DepositRow = (DateTime<Utc>, String, BigDecimal, String);

/// The deposits taken: (at, method, amount, reference).
pub fn deposits(conn: &mut PgConnection, id: i64) -> Result<Vec<DepositRow>, RepoError> {
    Ok(preorder_deposits::table
        .filter(preorder_deposits::preorder_id.eq(id))
        .select((
            preorder_deposits::at,
            preorder_deposits::method,
            preorder_deposits::amount,
            preorder_deposits::reference,
        ))
        .order(preorder_deposits::id)
        .load(conn)?)
}
