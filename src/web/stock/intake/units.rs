//! `POST /stock/intake/scan` and `/paste`: serialized units into the open batch. A scan is one
//! serial; a paste is a list (one per line, ranges such as `SN1000-SN1999`), or a scanner's
//! burst sent by the page's script. Each serial is checked as a single scan is; the good ones
//! go in and every refused one is named, with its line when the list was typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::answer::{Costs, again, back};
use super::show::{IntakeForm, Panel, render, wants_panel};
use crate::domain::intake::{BadLine, Listed, serial_list};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::intake::{self, Received};
use crate::web::access::Staff;
use crate::web::answer::{self, Next};
use crate::web::page::{Flash, push_flash};
use crate::web::{AppState, see_other};

/// `POST /stock/intake/scan`: one serialized unit of the chosen model at the unit cost.
pub async fn scan_unit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let serial = form.serial.trim().to_uppercase();
    let listed = match serial.is_empty() {
        true => Vec::new(),
        false => vec![Listed { line: 1, serial }],
    };
    units(req, staff, state, form, listed, Vec::new(), "serial").await
}

/// `POST /stock/intake/paste`: a list of serials of the chosen model at the unit cost.
pub async fn paste_units(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (listed, unread) = serial_list(&form.serials, form.literal != "1");
    units(req, staff, state, form, listed, unread, "serials").await
}

async fn units(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: IntakeForm,
    listed: Vec<Listed>,
    unread: Vec<BadLine>,
    field: &'static str,
) -> Result<HttpResponse, AppError> {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cost = match Costs::read(&form) {
        Ok(costs) => costs.unit,
        Err(errors) => return again(&req, &staff, &state, form, errors, unprocessable).await,
    };
    if listed.is_empty() && unread.is_empty() {
        let message = match field {
            "serial" => "Scan or type the serial number.",
            _ => "Paste or type at least one serial, one per line.",
        };
        let errors = FieldErrors::single(field, message);
        return again(&req, &staff, &state, form, errors, unprocessable).await;
    }
    let model = form.product_model_id.trim().parse::<i64>().unwrap_or(0);
    let result = answer::run(&staff, &state, &form, move |conn, a, _| {
        let batch = intake::open_batch(conn, a.branch, &a.by)?.0;
        if listed.is_empty() {
            return Ok(Received::default());
        }
        intake::add_units(conn, a.branch, batch, &listed, model, &cost, field)
    })
    .await;
    let mut done = match result {
        Ok(done) => done,
        Err(e) => {
            let (errors, code) = answer::refusal(e, "batch")?;
            let mut kept = form;
            if field == "serial" {
                kept.serial = match errors.get("product_model_id") {
                    Some(_) => kept.serial.trim().to_uppercase(),
                    None => String::new(),
                };
            }
            return again(&req, &staff, &state, kept, errors, code).await;
        }
    };
    done.refused.extend(unread);
    done.refused.sort_by_key(|b| b.line);
    let added = said(&done, field);
    if done.refused.is_empty() && !wants_panel(&req) {
        let Next { flash, to } = back(&form, added);
        if let Some(message) = flash.filter(|_| field == "serials") {
            push_flash(&req, Flash::success(message));
        }
        return Ok(see_other(&to));
    }
    let mut errors = FieldErrors::new();
    let mut kept = form;
    kept.serial.clear();
    let code = if done.refused.is_empty() {
        StatusCode::OK
    } else if field == "serial" {
        // one scan refused: its reason under the field, as before there were lists
        errors.add("serial", done.refused[0].reason.clone());
        unprocessable
    } else {
        // the refused lines stay in the box to be put right and sent again
        kept.serials = done
            .refused
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        unprocessable
    };
    let panel = Panel {
        added,
        numbered: kept.literal != "1",
        refused: match field {
            "serial" => Vec::new(),
            _ => done.refused,
        },
        ..Default::default()
    };
    render(&req, &staff, &state, kept, errors, panel, code).await
}

/// What a post added, in words: the serial for one scan, the count for a list.
fn said(done: &Received, field: &str) -> Option<String> {
    match (done.added.as_slice(), field) {
        ([], _) => None,
        ([one], "serial") => Some(format!("{one} added.")),
        (all, _) => Some(format!(
            "{} added{}.",
            match all.len() {
                1 => "1 serial".to_string(),
                n => format!("{} serials", crate::domain::figures::count(n as i64)),
            },
            match done.refused.len() {
                0 => String::new(),
                n => format!("; {n} refused"),
            }
        )),
    }
}
