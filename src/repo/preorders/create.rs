//! Taking a preorder, and the deposits paid towards it.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::{NewPreorder, event, lock};
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::PreorderStatus;
use crate::domain::validation::FieldErrors;
use crate::repo::{By, RepoError};
use crate::schema::{preorder_deposits, preorders, product_models};

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
    crate::repo::tx(conn, |conn| {
        let model_ok: bool = diesel::select(diesel::dsl::exists(
            product_models::table.find(p.product_model_id),
        ))
        .get_result(conn)?;
        if !model_ok {
            return Err(FieldErrors::single("product_model_id", "Choose the model.").into());
        }
        crate::repo::customers::get(conn, p.customer_id)
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
    crate::repo::tx(conn, |conn| {
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
                p.state().words()
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
