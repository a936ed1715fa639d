//! The demo's sales, spread back over the past weeks.

use anyhow::Result;
use bigdecimal::BigDecimal;
use diesel::{Connection, PgConnection};

use crate::repo::{self, By};

/// Marks that the demo's invoices are there.
const DEMO_INVOICES_LOADED: &str = "demo_invoices_loaded";

/// The note every demo sale carries, so [`backdate_invoices`] can find them.
const DEMO_SALE_NOTE: &str = "Demo sale";

/// About three weeks of counter sales at the first branch: units, stock and services, paid by
/// cash, card, mobile money or a mix; a few left part-paid, one voided, one refunded.
pub(super) fn load_invoices(conn: &mut PgConnection) -> Result<bool> {
    use crate::domain::asset::AssetStatus;
    use crate::domain::invoice::{PaymentMethod, WarrantyTier};
    use crate::repo::invoices::{self, NewInvoice, NewLine, RefundRequest};

    if repo::settings::get(conn, DEMO_INVOICES_LOADED)?.is_some() {
        return Ok(false);
    }
    conn.transaction(|conn| -> Result<()> {
        let Some(branch) = repo::branches::active(conn)?.into_iter().next() else {
            return Ok(());
        };
        let by = By::default();
        let mut ready: Vec<String> =
            repo::assets::list(conn, branch.id, Some(AssetStatus::ReadyForSale), "", 0, 100)?
                .0
                .into_iter()
                .map(|(a, _, _)| a.asset_tag)
                .collect();
        let items = repo::stock::item_choices(conn)?;
        let services = repo::catalogue::active_services(conn)?;
        let customers = repo::customers::search(conn, "", "", 0, 40)?.0;
        let sources = [
            "Walk-in",
            "Instagram",
            "Referral",
            "WhatsApp",
            "Online Search",
        ];
        let money = |v: &str| -> Result<BigDecimal> { Ok(v.parse()?) };
        for n in 0..36usize {
            let input = NewInvoice {
                customer_id: (n % 3 != 0)
                    .then(|| customers.get(n % customers.len().max(1)).map(|c| c.id))
                    .flatten(),
                walk_in_name: String::new(),
                lead_source: sources[n % sources.len()].to_string(),
                sales_person_id: None,
                note: format!("{DEMO_SALE_NOTE} {}", n + 1),
            };
            let id = invoices::create_draft(conn, branch.id, &input, &by)?;
            if n % 4 == 0
                && let Some(tag) = ready.pop()
            {
                let tier = if n % 8 == 0 {
                    WarrantyTier::Premium
                } else {
                    WarrantyTier::Standard
                };
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Asset {
                        code: tag,
                        price: Some(money(&format!("{}", 21000 + n * 250))?),
                        tier: Some(tier),
                    },
                )?;
            }
            if let Some((item, _)) = items.get(n % items.len().max(1)) {
                let line = NewLine::Stock {
                    stock_item_id: *item,
                    quantity: 1,
                    price: None,
                    tier: None,
                };
                // Stock that ran out is simply left off this sale.
                let _ = conn.transaction(|c| invoices::add_line(c, branch.id, id, &line));
            }
            if let Some(service) = services.get(n % services.len().max(1))
                && n % 2 == 1
            {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Service {
                        service_id: service.id,
                        price: None,
                    },
                )?;
            }
            if n % 5 == 2 {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Labour {
                        description: "Diagnosis".into(),
                        hours: money("0.5")?,
                        rate: money("1500.00")?,
                    },
                )?;
            }
            if n % 9 == 4 {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Discount {
                        description: "returning customer".into(),
                        amount: money("200.00")?,
                    },
                )?;
            }
            let added = invoices::view(conn, branch.id, id)?;
            if added.lines.is_empty() {
                invoices::add_line(
                    conn,
                    branch.id,
                    id,
                    &NewLine::Fee {
                        description: "Data transfer".into(),
                        amount: money("800.00")?,
                    },
                )?;
            }
            if n == 35 {
                continue; // one draft still open at the counter
            }
            invoices::issue(conn, branch.id, id, &by)?;
            let total = invoices::view(conn, branch.id, id)?.invoice.total;
            if n == 7 {
                invoices::void(conn, branch.id, id, "Entered on the wrong customer", &by)?;
                continue;
            }
            match n % 6 {
                0 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::Cash,
                        &(crate::domain::money::cents(&(&total / BigDecimal::from(100)))
                            * BigDecimal::from(100)
                            + BigDecimal::from(100)),
                        "",
                        &by,
                    )?;
                }
                1 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::Card,
                        &total,
                        &format!("AUTH{:05}", 31000 + n),
                        &by,
                    )?;
                }
                2 | 3 => {
                    let part = crate::domain::money::cents(&(&total / BigDecimal::from(2)));
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::MobileMoney,
                        &part,
                        &format!("QK{n:02}H2M1X"),
                        &by,
                    )?;
                    if n % 6 == 2 {
                        let rest = &total - &part;
                        invoices::pay(conn, branch.id, id, PaymentMethod::Cash, &rest, "", &by)?;
                    }
                }
                4 => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::BankTransfer,
                        &total,
                        &format!("EFT-{n:04}"),
                        &by,
                    )?;
                }
                _ => {
                    invoices::pay(
                        conn,
                        branch.id,
                        id,
                        PaymentMethod::MobileMoney,
                        &total,
                        &format!("QM{n:02}X7Y"),
                        &by,
                    )?;
                }
            }
            if n == 13 {
                let v = invoices::view(conn, branch.id, id)?;
                if let Some(line) = v.lines.iter().find(|l| l.stock_item_id.is_some()) {
                    invoices::refund(
                        conn,
                        branch.id,
                        id,
                        &RefundRequest {
                            lines: vec![(line.id, line.quantity.clone())],
                            reason: "Wrong part ordered".into(),
                            method: PaymentMethod::Cash,
                            reference: String::new(),
                        },
                        &by,
                    )?;
                }
            }
        }
        repo::settings::set(conn, DEMO_INVOICES_LOADED, &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    })?;
    Ok(true)
}

/// Spreads the demo sales over the last three weeks (run with the owner's connection: payments
/// and events are append-only for the application). Ledger and movement rows keep today's date.
pub fn backdate_invoices(owner: &mut PgConnection) -> Result<()> {
    use diesel::RunQueryDsl;
    owner.transaction(|conn| -> Result<()> {
        diesel::sql_query(format!(
            "CREATE TEMP TABLE demo_days ON COMMIT DROP AS \
             SELECT id, ((row_number() OVER (ORDER BY id DESC) - 1) * 21 / count(*) OVER ())::int AS days \
             FROM invoices WHERE note LIKE '{DEMO_SALE_NOTE} %' AND created_at > now() - interval '1 hour'"
        ))
        .execute(conn)?;
        for sql in [
            "UPDATE invoices i SET created_at = i.created_at - make_interval(days => d.days), \
                 issued_at = i.issued_at - make_interval(days => d.days), \
                 updated_at = i.updated_at - make_interval(days => d.days) FROM demo_days d WHERE d.id = i.id",
            "UPDATE payments p SET at = p.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = p.invoice_id",
            "UPDATE invoice_events e SET at = e.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = e.invoice_id",
            "UPDATE credit_notes n SET at = n.at - make_interval(days => d.days) FROM demo_days d WHERE d.id = n.invoice_id",
            "UPDATE refund_payments r SET at = r.at - make_interval(days => d.days) \
                 FROM credit_notes n JOIN demo_days d ON d.id = n.invoice_id WHERE r.credit_note_id = n.id",
            "UPDATE warranties w SET starts_on = w.starts_on - d.days, ends_on = w.ends_on - d.days \
                 FROM demo_days d WHERE d.id = w.invoice_id",
        ] {
            diesel::sql_query(sql).execute(conn)?;
        }
        Ok(())
    })
}
