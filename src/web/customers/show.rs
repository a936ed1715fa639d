//! `GET /customers/{id}`: the customer with their vehicles, this branch's bookings and tickets.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::domain::customer::CustomerDraft;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::{Contact, Customer, Device, HistoryRow, Vehicle};
use crate::repo::customers;
use crate::web::access::Staff;
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html};

/// The customer page.
#[derive(Template)]
#[template(path = "customers/show.html")]
pub struct CustomerPage {
    /// Shared context.
    pub page: PageCtx,
    pub customer: Customer,
    pub vehicles: Vec<Vehicle>,
    pub devices: Vec<Device>,
    /// Contact people (business customers).
    pub contacts: Vec<Contact>,
    /// One page of their history at the branches the reader sees.
    pub history: Vec<HistoryRow>,
    pub pager: Pager,
    /// The kind of history shown (empty: everything).
    pub kind: String,
    /// Their latest messages, newest first.
    pub messages: Vec<crate::repo::messages::Sent>,
    /// The add-vehicle form as typed.
    pub draft: CustomerDraft,
    /// Its messages.
    pub errors: FieldErrors,
}

impl CustomerPage {
    /// The history's filters: (kind, label).
    fn kinds(&self) -> [(&'static str, &'static str); 6] {
        [
            ("booking", "Bookings"),
            ("ticket", "Tickets"),
            ("invoice", "Invoices"),
            ("payment", "Payments"),
            ("warranty", "Warranties"),
            ("preorder", "Preorders"),
        ]
    }
    /// Page `page` of the history as shown.
    fn history_link(&self, page: i64) -> String {
        let kind = if self.kind.is_empty() {
            String::new()
        } else {
            format!("kind={}&", self.kind)
        };
        format!("/customers/{}?{kind}page={page}#history", self.customer.id)
    }
    /// Whether the walk-in form's "For" picker has `value` (`v12`, `d7`) chosen: as typed, or,
    /// before anything is typed, when it is the customer's only vehicle or device.
    fn walk_in_for(&self, value: impl AsRef<str>) -> bool {
        let typed = self.draft.typed("walkin_subject");
        if !typed.is_empty() {
            return typed == value.as_ref();
        }
        match (self.vehicles.as_slice(), self.devices.as_slice()) {
            ([v], []) => value.as_ref() == format!("v{}", v.id),
            ([], [d]) => value.as_ref() == format!("d{}", d.id),
            _ => false,
        }
    }
}

/// Rows of history a page shows.
const HISTORY_PAGE: i64 = 15;

/// Which part of the history is shown: `?kind=ticket&page=2`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    kind: String,
    page: Option<i64>,
}

/// Loads everything the customer page shows (the first page of the history, when the page is
/// shown again after a form).
pub async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    draft: CustomerDraft,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_with(
        req,
        staff,
        state,
        id,
        (draft, errors, status),
        HistoryQuery::default(),
    )
    .await
}

async fn render_with(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    (draft, errors, status): (CustomerDraft, FieldErrors, StatusCode),
    q: HistoryQuery,
) -> Result<HttpResponse, AppError> {
    let branches: Vec<i64> = staff.branches.iter().map(|b| b.id).collect();
    let kind = customers::KINDS
        .into_iter()
        .find(|k| *k == q.kind)
        .unwrap_or_default()
        .to_string();
    let mut pager = Pager::new(q.page, HISTORY_PAGE);
    let (k, offset) = (kind.clone(), pager.offset());
    let (customer, vehicles, (history, total)) = db(&state.pool, &staff.actor(), move |conn| {
        let kind = Some(k.as_str()).filter(|k| !k.is_empty());
        Ok((
            customers::get(conn, id)?,
            customers::vehicles_of(conn, id)?,
            customers::history(conn, id, &branches, kind, offset, HISTORY_PAGE)?,
        ))
    })
    .await?;
    pager.settle(total);
    let (devices, contacts, messages) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            customers::devices_of(conn, id)?,
            customers::contacts_of(conn, id)?,
            crate::repo::messages::of_customer(conn, id, 10)?,
        ))
    })
    .await?;
    let page = CustomerPage {
        page: PageCtx::for_request(req),
        customer,
        vehicles,
        devices,
        contacts,
        history,
        pager,
        messages,
        kind,
        draft,
        errors,
    };
    html(status, &page)
}

/// Shows the customer.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // A merged duplicate's links land on the customer it was merged into.
    let survivor = db(&state.pool, &staff.actor(), move |conn| {
        customers::merged_into(conn, id)
    })
    .await?;
    if let Some(into) = survivor {
        let said = format!("Customer #{id} was merged into this customer.");
        crate::web::page::push_flash(&req, crate::web::page::Flash::info(said));
        return Ok(crate::web::see_other(&format!("/customers/{into}")));
    }
    let shown = (CustomerDraft::default(), FieldErrors::new(), StatusCode::OK);
    render_with(&req, &staff, &state, id, shown, query.into_inner()).await
}
