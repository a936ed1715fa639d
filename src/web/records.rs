//! `GET`/`POST /records/{kind}/{id}`: the one edit form of every master record (`domain::records`
//! names the kinds and their fields). A refusal keeps what was typed with a message beside each
//! field; a form opened before someone else's save is refused with what they changed and shown
//! again over their version; a save writes an audit row.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;

use crate::db::db;
use crate::domain::records::{Editors, FieldKind, Owner, Spec, Values, spec};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::records::{self, Record, Saved};
use crate::web::access::{Access, Staff};
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// A field as the form draws it.
pub struct FieldView {
    pub col: &'static str,
    pub label: &'static str,
    /// `text`, `textarea`, `checkbox`, `select`, `amount` or `number`.
    pub widget: &'static str,
    pub value: String,
    /// What the record held when the form was opened (sent back to say what someone else
    /// changed meanwhile).
    pub was: String,
    /// The choices of a select: value and words (an empty value first when it is optional).
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
}

/// The edit form.
#[derive(Template)]
#[template(path = "records/edit.html")]
pub struct EditPage {
    page: PageCtx,
    title: String,
    kind: &'static str,
    id: i64,
    version: i32,
    fields: Vec<FieldView>,
    back: String,
    /// Someone else's save, told at the top.
    stale: Option<String>,
    errors: FieldErrors,
}

fn access(spec: &Spec) -> Access {
    match spec.editors {
        Editors::FrontDesk => Access::FRONT_DESK,
        Editors::Management => Access::MANAGEMENT,
        Editors::Purchasing => Access::PURCHASING,
    }
}

/// The kind named in the address, if this person may edit it.
fn kind_for(staff: &Staff, kind: &str) -> Result<&'static Spec, AppError> {
    let spec = spec(kind).ok_or(AppError::NotFound)?;
    if !access(spec).allows(staff.role) {
        return Err(AppError::forbidden(format!(
            "{} may not edit {kind} records",
            staff.role
        )));
    }
    Ok(spec)
}

/// Where the record is seen: its customer's page, or the catalogue it is kept in.
fn back_to(spec: &Spec, r: &Record) -> String {
    match (spec.owner, spec.kind) {
        (Owner::Customer, _) => format!("/customers/{}", r.id),
        (Owner::OfCustomer, _) => format!("/customers/{}", r.customer_id.unwrap_or(0)),
        (_, "service" | "bay") => "/admin/catalogue".into(),
        (_, "stock_item") => format!("/stock/items/{}", r.id),
        _ => "/stock/catalogue".into(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    spec: &'static Spec,
    record: Record,
    shown: Values,
    opened: &Values,
    stale: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let selects: Vec<FieldKind> = spec
        .fields
        .iter()
        .map(|f| f.kind)
        .filter(|k| matches!(k, FieldKind::Vendor | FieldKind::LeadSource))
        .collect();
    let mut lists: HashMap<&'static str, Vec<(i64, String)>> = HashMap::new();
    if !selects.is_empty() {
        let found = db(&state.pool, &staff.actor(), move |conn| {
            selects
                .into_iter()
                .map(|k| Ok((k, records::choices(conn, k)?)))
                .collect::<Result<Vec<_>, crate::repo::RepoError>>()
        })
        .await?;
        for (k, list) in found {
            let col = spec
                .fields
                .iter()
                .find(|f| f.kind == k)
                .map_or("", |f| f.col);
            lists.insert(col, list);
        }
    }
    let get = |v: &Values, col: &str| {
        v.iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let fields = spec
        .fields
        .iter()
        .map(|f| {
            let (widget, options) = match f.kind {
                FieldKind::Flag => ("checkbox", Vec::new()),
                FieldKind::Choice(o) => (
                    "select",
                    o.iter()
                        .map(|(v, w)| (v.to_string(), w.to_string()))
                        .collect(),
                ),
                FieldKind::Vendor | FieldKind::LeadSource => {
                    let mut o = vec![(String::new(), "— none —".to_string())];
                    o.extend(
                        lists
                            .get(f.col)
                            .into_iter()
                            .flatten()
                            .map(|(id, n)| (id.to_string(), n.clone())),
                    );
                    ("select", o)
                }
                FieldKind::Money | FieldKind::Hours => ("amount", Vec::new()),
                FieldKind::Count { .. } | FieldKind::OptCount { .. } => ("number", Vec::new()),
                FieldKind::Text { max, .. } if max > 300 => ("textarea", Vec::new()),
                _ => ("text", Vec::new()),
            };
            FieldView {
                col: f.col,
                label: f.label,
                widget,
                value: get(&shown, f.col),
                was: get(opened, f.col),
                options,
                error: errors.get(f.col).map(str::to_string),
            }
        })
        .collect();
    let page = EditPage {
        page: PageCtx::for_request(req),
        title: format!("Edit {} {}", spec.title, record.name()),
        kind: spec.kind,
        id: record.id,
        version: record.version,
        back: back_to(spec, &record),
        fields,
        stale,
        errors,
    };
    html(status, &page)
}

/// `GET /records/{kind}/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    let spec = kind_for(&staff, &kind)?;
    let branch = staff.branch.id;
    let record = db(&state.pool, &staff.actor(), move |conn| {
        records::get(conn, spec, id, branch)
    })
    .await?;
    let values = record.values.clone();
    let (errors, ok) = (FieldErrors::new(), StatusCode::OK);
    render(
        &req,
        &staff,
        &state,
        spec,
        record,
        values.clone(),
        &values,
        None,
        errors,
        ok,
    )
    .await
}

/// `POST /records/{kind}/{id}`: the form, with `version` and each field's `was__` value.
pub async fn edit_submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (kind, id) = path.into_inner();
    let spec = kind_for(&staff, &kind)?;
    let form = form.into_inner();
    let typed = |col: &str| form.get(col).cloned().unwrap_or_default();
    let opened: Values = spec
        .fields
        .iter()
        .map(|f| (f.col, form.get(&format!("was__{}", f.col)).cloned()))
        .collect();
    let version: i32 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (branch, country, by) = (staff.branch.id, staff.branch.country.clone(), staff.by());
    let as_typed: Values = spec
        .fields
        .iter()
        .map(|f| (f.col, Some(typed(f.col))))
        .collect();
    let values = match spec.read(&typed) {
        Ok(v) => v,
        Err(errors) => {
            let record = db(&state.pool, &staff.actor(), move |conn| {
                records::get(conn, spec, id, branch)
            })
            .await?;
            let record = Record { version, ..record };
            let code = StatusCode::UNPROCESSABLE_ENTITY;
            return render(
                &req, &staff, &state, spec, record, as_typed, &opened, None, errors, code,
            )
            .await;
        }
    };
    let (o, v) = (opened.clone(), values.clone());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        let saved = records::save(conn, spec, id, branch, version, &o, &v, &country, &by)?;
        let record = records::get(conn, spec, id, branch)?;
        Ok((saved, record))
    })
    .await;
    match result {
        Ok((Saved::Done(changed), record)) => {
            let said = match changed.len() {
                0 => "Nothing was changed.".to_string(),
                _ => format!("Saved the {} {}.", spec.title, record.name()),
            };
            push_flash(&req, Flash::success(said));
            Ok(see_other(&back_to(spec, &record)))
        }
        Ok((Saved::Stale(stale), _)) => {
            // Shown over their version: the next save is a deliberate one.
            let now = stale.now.values.clone();
            let code = StatusCode::CONFLICT;
            let (message, record) = (stale.message, stale.now);
            let errors = FieldErrors::new();
            render(
                &req,
                &staff,
                &state,
                spec,
                record,
                as_typed,
                &now,
                Some(message),
                errors,
                code,
            )
            .await
        }
        Err(e) => {
            let (errors, code) = crate::web::answer::refusal(e, "form")?;
            let record = db(&state.pool, &staff.actor(), move |conn| {
                records::get(conn, spec, id, branch)
            })
            .await?;
            let record = Record { version, ..record };
            render(
                &req, &staff, &state, spec, record, as_typed, &opened, None, errors, code,
            )
            .await
        }
    }
}
