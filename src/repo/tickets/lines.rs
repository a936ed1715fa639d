//! Estimate lines and parts used: a part by SKU takes stock out, a serial links the unit.

use bigdecimal::{BigDecimal, ToPrimitive};
use diesel::prelude::*;

use super::{event, live, lock};
use crate::domain::validation::FieldErrors;
use crate::models::ticket::TicketLine;
use crate::repo::stock::{self, Posting};
use crate::repo::{By, RepoError};
use crate::schema::{stock_items, ticket_lines, tickets};

/// A line to add to a ticket's estimate (or a part used during the repair).
#[derive(Debug, Clone, Default)]
pub struct NewTicketLine {
    /// `labour`, `part` or `fee`.
    pub kind: String,
    /// What it is (taken from the item for a scanned part when left empty).
    pub description: String,
    /// Hours or pieces.
    pub quantity: BigDecimal,
    /// Price each; for a scanned stock part, empty means the item's price.
    pub unit_price: Option<BigDecimal>,
    /// For a part: its SKU or a unit's serial or tag, as scanned.
    pub code: String,
    /// For a part: the catalogue service (one of the ticket's) it was used for; none means the
    /// ticket's only service when it has exactly one, else its other work.
    pub for_service_id: Option<i64>,
}

/// The catalogue service a part is for: the one asked for, which must be among the ticket's
/// labour lines, or the ticket's one service when it has exactly one.
fn service_for_part(
    conn: &mut PgConnection,
    ticket_id: i64,
    asked: Option<i64>,
) -> Result<Option<i64>, RepoError> {
    let services: Vec<i64> = ticket_lines::table
        .filter(ticket_lines::ticket_id.eq(ticket_id))
        .filter(ticket_lines::kind.eq("labour"))
        .filter(ticket_lines::service_id.is_not_null())
        .select(ticket_lines::service_id.assume_not_null())
        .distinct()
        .load(conn)?;
    match asked {
        Some(id) if services.contains(&id) => Ok(Some(id)),
        Some(_) => Err(FieldErrors::single(
            "for_service_id",
            "Choose one of this job's services, or none.",
        )
        .into()),
        None if services.len() == 1 => Ok(services.first().copied()),
        None => Ok(None),
    }
}

/// Adds a line. A part scanned by SKU comes out of this branch's stock (a `repair_use` ledger
/// row, refused when there is not enough); a part scanned by serial or tag links that unit.
pub fn add_line(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    line: &NewTicketLine,
    by: &By,
) -> Result<Added, RepoError> {
    let mut errors = FieldErrors::new();
    if !["labour", "part", "fee"].contains(&line.kind.as_str()) {
        errors.add("kind", "Choose labour, part or fee.");
    }
    if line.quantity <= 0 {
        errors.add("quantity", "Enter a quantity above zero.");
    }
    if line.kind == "labour" && line.quantity > 24 {
        errors.add("quantity", "Labour hours are at most 24 a line.");
    }
    if line
        .unit_price
        .as_ref()
        .is_some_and(|p| p.sign() == bigdecimal::num_bigint::Sign::Minus)
    {
        errors.add("unit_price", "A price cannot be negative.");
    }
    if line.kind == "part" && line.code.trim().is_empty() && line.description.trim().is_empty() {
        errors.add("code", "Scan the part's SKU or serial, or describe it.");
    }
    if line.kind != "part" && line.description.trim().is_empty() {
        errors.add("description", "Say what the line is for.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        let mut description = line.description.trim().to_string();
        let mut price = line.unit_price.clone();
        let (mut item, mut unit, mut cost) = (None, None, None);
        let code = line.code.trim().to_uppercase();
        if line.kind == "part" && !code.is_empty() {
            let found: Option<(i64, String, String, BigDecimal, BigDecimal)> = stock_items::table
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("upper(sku) = ")
                        .bind::<diesel::sql_types::Text, _>(code.clone()),
                )
                .filter(stock_items::active.eq(true))
                .select((
                    stock_items::id,
                    stock_items::sku,
                    stock_items::name,
                    stock_items::unit_price,
                    stock_items::unit_cost,
                ))
                .first(conn)
                .optional()?;
            if let Some((item_id, sku, name, list_price, item_cost)) = found {
                let pieces = line.quantity.to_i32().filter(|q| line.quantity == *q);
                let Some(pieces) = pieces else {
                    return Err(FieldErrors::single(
                        "quantity",
                        "Parts are counted in whole pieces.",
                    )
                    .into());
                };
                let p = Posting {
                    stock_item_id: item_id,
                    branch_id,
                    kind: "repair_use",
                    quantity: -pieces,
                    unit_cost: None,
                    reason: "",
                    reference: &format!("ticket #{}", t.number),
                };
                stock::post(conn, &p, by).map_err(|e| match e {
                    RepoError::Validation(errors) => RepoError::from(FieldErrors::single(
                        "code",
                        errors
                            .get("quantity")
                            .unwrap_or("Not enough in stock.")
                            .to_string(),
                    )),
                    other => other,
                })?;
                if description.is_empty() {
                    description = format!("{name} ({sku})");
                }
                price = price.or(Some(list_price));
                item = Some(item_id);
                cost = Some(item_cost);
            } else {
                // The customer's own device, scanned by its serial: the ticket is for it.
                if let Some(device) = customer_device(conn, t.customer_id, &code)? {
                    diesel::update(tickets::table.find(id))
                        .set(tickets::device_id.eq(device.id))
                        .execute(conn)?;
                    let label = device.label();
                    event(
                        conn,
                        id,
                        "note",
                        None,
                        None,
                        &format!("For the customer's {label}"),
                        by,
                    )?;
                    return Ok(Added::Device(label));
                }
                let found = crate::repo::assets::find_by_code(conn, branch_id, &code)?
                    .map(|a| (a.id, a.asset_tag, a.status, a.landed_cost));
                let Some((asset_id, tag, status, landed)) = found else {
                    return Err(FieldErrors::single(
                        "code",
                        format!("No stock item with SKU {code} and no unit with that serial or tag here."),
                    )
                    .into());
                };
                if matches!(
                    status.as_str(),
                    "sold" | "scrapped" | "in_transit" | "reserved"
                ) {
                    return Err(FieldErrors::single(
                        "code",
                        format!(
                            "Unit {tag} is {}; it cannot be used as a part.",
                            status.replace('_', " ")
                        ),
                    )
                    .into());
                }
                if description.is_empty() {
                    description = format!("Part: unit {tag}");
                }
                unit = Some(asset_id);
                cost = Some(landed);
            }
        }
        let service = if line.kind == "part" {
            service_for_part(conn, id, line.for_service_id)?
        } else {
            None
        };
        let price = price.unwrap_or_default();
        // The same item scanned again right after: the last line's quantity goes up (unless
        // that line went to the customer on the estimate, which stays as it was sent).
        if let Some(item) = item {
            let last: Option<TicketLine> = ticket_lines::table
                .filter(ticket_lines::ticket_id.eq(id))
                .order(ticket_lines::id.desc())
                .select(TicketLine::as_select())
                .first(conn)
                .optional()?;
            if let Some(last) = last.filter(|l| {
                l.kind == "part"
                    && l.stock_item_id == Some(item)
                    && l.unit_price == price
                    && l.service_id == service
                    && !t.line_was_sent(l)
            }) {
                let quantity = &last.quantity + &line.quantity;
                diesel::update(ticket_lines::table.find(last.id))
                    .set(ticket_lines::quantity.eq(&quantity))
                    .execute(conn)?;
                event(
                    conn,
                    id,
                    "line",
                    None,
                    None,
                    &format!("{} × {}", last.description, quantity.normalized()),
                    by,
                )?;
                return Ok(Added::Line {
                    description: last.description,
                    quantity,
                    more: true,
                });
            }
        }
        diesel::insert_into(ticket_lines::table)
            .values((
                ticket_lines::ticket_id.eq(id),
                ticket_lines::kind.eq(&line.kind),
                ticket_lines::description.eq(&description),
                ticket_lines::quantity.eq(&line.quantity),
                ticket_lines::unit_price.eq(&price),
                ticket_lines::stock_item_id.eq(item),
                ticket_lines::asset_id.eq(unit),
                ticket_lines::created_by.eq(by.user_id),
                ticket_lines::service_id.eq(service),
                ticket_lines::unit_cost.eq(cost),
            ))
            .execute(conn)?;
        event(
            conn,
            id,
            "line",
            None,
            None,
            &format!("{} × {}", description, line.quantity.normalized()),
            by,
        )?;
        Ok(Added::Line {
            description,
            quantity: line.quantity.clone(),
            more: false,
        })
    })
}

/// What scanning or typing a line did.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    /// A line on the estimate (or more of the last one): what it is and how many it now holds.
    Line {
        description: String,
        quantity: BigDecimal,
        /// Whether the scan raised the last line's quantity rather than adding a line.
        more: bool,
    },
    /// The code was the serial of one of the customer's devices: the ticket is now for it.
    Device(String),
}

/// The customer's device with this serial (as scanned: any case, spaces around).
fn customer_device(
    conn: &mut PgConnection,
    customer_id: i64,
    code: &str,
) -> Result<Option<crate::models::customer::Device>, RepoError> {
    use crate::schema::devices;
    Ok(devices::table
        .filter(devices::customer_id.eq(customer_id))
        .filter(crate::repo::customers::upper(devices::serial).eq(code))
        .select(crate::models::customer::Device::as_select())
        .first(conn)
        .optional()?)
}

/// Takes a line off (not one the customer was sent on the estimate); a stock part goes back on
/// the shelf. Returns the line taken off.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    line_id: i64,
    by: &By,
) -> Result<TicketLine, RepoError> {
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        let line: TicketLine = ticket_lines::table
            .find(line_id)
            .filter(ticket_lines::ticket_id.eq(id))
            .select(TicketLine::as_select())
            .first(conn)?;
        if t.line_was_sent(&line) {
            return Err(RepoError::Conflict(
                "The estimate went to the customer; its lines stay as they were sent.".into(),
            ));
        }
        if let Some(item) = line.stock_item_id {
            let pieces = line.quantity.to_i32().unwrap_or(0);
            if pieces > 0 {
                let p = Posting {
                    stock_item_id: item,
                    branch_id,
                    kind: "return",
                    quantity: pieces,
                    unit_cost: None,
                    reason: "",
                    reference: &format!("ticket #{} line removed", t.number),
                };
                stock::post(conn, &p, by)?;
            }
        }
        diesel::delete(ticket_lines::table.find(line_id)).execute(conn)?;
        event(conn, id, "line_removed", None, None, &line.description, by)?;
        Ok(line)
    })
}
