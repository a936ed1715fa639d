//! Transfers between branches: `/stock/transfers` (what went out, what is on its way in),
//! `/stock/transfers/new` (units scanned one per line, bulk items by quantity) and
//! `/stock/transfers/{id}` (lines; the destination receives it there).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::repo::PAGE_SIZE;
use crate::repo::transfers::{self as repo, LineView, Shipment, TransferRow};
use crate::repo::{branches, stock};
use crate::web::access::{Staff, encode_component};
use crate::web::answer::{Next, flash_back};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html, refusal, see_other};

/// How many bulk rows the form offers.
const BULK_ROWS: usize = 4;

/// The list.
#[derive(Template)]
#[template(path = "stock/transfers.html")]
pub struct TransferListPage {
    page: PageCtx,
    branch_id: i64,
    q: String,
    incoming: Vec<TransferRow>,
    rows: Vec<TransferRow>,
    pager: Pager,
}

impl TransferListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/stock/transfers?q={}&page={page}",
            encode_component(&self.q)
        )
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

/// `GET /stock/transfers`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, page } = query.into_inner();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (incoming, (rows, total)) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            repo::incoming(conn, branch)?,
            repo::list(conn, branch, &search, offset, PAGE_SIZE)?,
        ))
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &TransferListPage {
            page: PageCtx::for_request(&req),
            branch_id: branch,
            q,
            incoming,
            rows,
            pager,
        },
    )
}

/// The form to send stock.
#[derive(Template)]
#[template(path = "stock/transfer_new.html")]
pub struct NewTransferPage {
    page: PageCtx,
    destinations: Vec<(i64, String)>,
    items: Vec<(i64, String)>,
    form: TransferForm,
    errors: FieldErrors,
}

impl NewTransferPage {
    fn to_selected(&self, id: &i64) -> bool {
        self.form.to_branch_id == id.to_string()
    }
    fn bulk_rows(&self) -> Vec<(usize, String, String)> {
        (0..BULK_ROWS)
            .map(|i| {
                (
                    i,
                    self.form.item.get(i).cloned().unwrap_or_default(),
                    self.form.qty.get(i).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }
    fn item_selected(chosen: &str, id: &i64) -> bool {
        chosen == id.to_string()
    }
}

/// The form as typed. Bulk rows come as repeated `item` / `qty` fields.
#[derive(Debug, Clone, Default)]
pub struct TransferForm {
    to_branch_id: String,
    units: String,
    note: String,
    item: Vec<String>,
    qty: Vec<String>,
}

impl TransferForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "to_branch_id" => f.to_branch_id = v,
                "units" => f.units = v,
                "note" => f.note = v,
                "item" => f.item.push(v),
                "qty" => f.qty.push(v),
                _ => {}
            }
        }
        f
    }
}

async fn render_new(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    form: TransferForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let here = staff.branch.id;
    let (destinations, items) = db(&state.pool, &staff.actor(), move |conn| {
        let destinations = branches::active(conn)?
            .into_iter()
            .filter(|b| b.id != here)
            .map(|b| (b.id, b.name))
            .collect();
        Ok((destinations, stock::item_choices(conn)?))
    })
    .await?;
    html(
        status,
        &NewTransferPage {
            page: PageCtx::for_request(req),
            destinations,
            items,
            form,
            errors,
        },
    )
}

/// `GET /stock/transfers/new`.
pub async fn new_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render_new(
        &req,
        &staff,
        &state,
        TransferForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /stock/transfers/new`: ships and shows the transfer.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = TransferForm::from_pairs(form.into_inner());
    let mut errors = FieldErrors::new();
    let to = form.to_branch_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("to_branch_id", "Choose the branch to send to.");
        0
    });
    let mut bulk = Vec::new();
    for (item, qty) in form.item.iter().zip(&form.qty) {
        let (item, qty) = (item.trim(), qty.trim());
        if item.is_empty() && qty.is_empty() {
            continue;
        }
        match (item.parse::<i64>(), qty.parse::<i32>()) {
            (Ok(item), Ok(qty)) if qty > 0 => bulk.push((item, qty)),
            (Err(_), _) => errors.add("bulk", "Choose the stock item for each quantity."),
            _ => errors.add("bulk", "Quantities are whole numbers, 1 or more."),
        }
    }
    if !errors.is_empty() {
        return render_new(
            &req,
            &staff,
            &state,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let codes: Vec<String> = form
        .units
        .split(['\n', ',', ';'])
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let (branch, by, note) = (staff.branch.id, staff.by(), form.note.clone());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        let asset_ids = repo::resolve_units(conn, branch, &codes)?;
        repo::ship(conn, branch, to, &Shipment { asset_ids, bulk }, &note, &by)
    })
    .await;
    match result {
        Ok(id) => Ok(see_other(&format!("/stock/transfers/{id}"))),
        Err(e) => {
            let (errors, code) = refusal(e, "transfer")?;
            render_new(&req, &staff, &state, form, errors, code).await
        }
    }
}

/// One transfer.
#[derive(Template)]
#[template(path = "stock/transfer.html")]
pub struct TransferPage {
    page: PageCtx,
    branch_id: i64,
    transfer: TransferRow,
    lines: Vec<LineView>,
}

/// `GET /stock/transfers/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, id) = (staff.branch.id, id.into_inner());
    let (transfer, lines) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((repo::get(conn, branch, id)?, repo::lines(conn, id)?))
    })
    .await?;
    html(
        StatusCode::OK,
        &TransferPage {
            page: PageCtx::for_request(&req),
            branch_id: branch,
            transfer,
            lines,
        },
    )
}

/// `POST /stock/transfers/{id}/receive`: the destination takes it in.
pub async fn receive(
    staff: Staff,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch, id, by) = (staff.branch.id, id.into_inner(), staff.by());
    let result = db(&state.pool, &staff.actor(), move |conn| {
        repo::receive(conn, branch, id, &by)
    })
    .await;
    let page = format!("/stock/transfers/{id}");
    flash_back(&req, result, &page, |()| {
        Next::saying(
            format!("Transfer #{id} received into this branch's stock."),
            &page,
        )
    })
}
