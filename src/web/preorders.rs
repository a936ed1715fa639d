//! Preorders at the counter: `/preorders` (with the SLA view `?sla=1`: days left or overdue),
//! `/preorders/new` (customer, model, price, deposit taken now), `/preorders/{id}` (deposits,
//! each next step with what it needs, history).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::form;
use crate::domain::invoice::PaymentMethod;
use crate::domain::preorder::{self, PreorderStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::RepoError;
use crate::repo::events::{self, EventRow, Trail};
use crate::repo::preorders::{self as repo, MoveInput, NewPreorder, PreorderRow};
use crate::repo::{PAGE_SIZE, customers, stock};
use crate::web::access::{Staff, encode_component};
use crate::web::answer::{self, Acting, Next};
use crate::web::page::{PageCtx, Pager};
use crate::web::{AppState, html, see_other};

/// The list (and SLA view).
#[derive(Template)]
#[template(path = "preorders/list.html")]
pub struct ListPage {
    page: PageCtx,
    q: String,
    status: String,
    sla: bool,
    rows: Vec<PreorderRow>,
    pager: Pager,
    today: chrono::NaiveDate,
}

impl ListPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/preorders?q={}&status={}&sla={}&page={page}",
            encode_component(&self.q),
            self.status,
            if self.sla { "1" } else { "" }
        )
    }
    fn statuses(&self) -> &'static [PreorderStatus] {
        PreorderStatus::ALL
    }
    fn label(s: &PreorderStatus) -> String {
        s.label()
    }
    fn sla_text(&self, p: &PreorderRow) -> String {
        match p.days_left(self.today) {
            Some(d) if d < 0 => format!("overdue by {} days", -d),
            Some(0) => "due today".to_string(),
            Some(d) => format!("{d} days left"),
            None => String::new(),
        }
    }
    fn overdue(&self, p: &PreorderRow) -> bool {
        p.days_left(self.today).is_some_and(|d| d < 0)
    }
}

/// Query string of the list.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sla: String,
    page: Option<i64>,
}

/// `GET /preorders`.
pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let ListQuery {
        q,
        status,
        sla,
        page,
    } = query.into_inner();
    let wanted = status.parse::<PreorderStatus>().ok();
    let sla = !sla.is_empty();
    let mut pager = Pager::new(page, PAGE_SIZE);
    let (branch, search, offset) = (staff.branch.id, q.clone(), pager.offset());
    let (rows, total) = db(&state.pool, &staff.actor(), move |conn| {
        repo::list(conn, branch, wanted, &search, sla, offset, PAGE_SIZE)
    })
    .await?;
    pager.settle(total);
    html(
        StatusCode::OK,
        &ListPage {
            page: PageCtx::for_request(&req),
            q,
            status: wanted.map(|s| s.as_str().to_string()).unwrap_or_default(),
            sla,
            rows,
            pager,
            today: staff.today(),
        },
    )
}

/// The new-preorder form.
#[derive(Template)]
#[template(path = "preorders/new.html")]
pub struct NewPage {
    page: PageCtx,
    q: String,
    found: Vec<Customer>,
    chosen: Option<Customer>,
    models: Vec<(i64, String)>,
    form: NewForm,
    errors: FieldErrors,
}

impl NewPage {
    fn model_selected(&self, id: &i64) -> bool {
        self.form.product_model_id == id.to_string()
    }
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    product_model_id: String,
    #[serde(default)]
    specs: String,
    #[serde(default)]
    agreed_price: String,
    #[serde(default)]
    deposit_required: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
}

/// Query string of the form.
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
    customer_id: Option<i64>,
}

async fn render_new(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    q: String,
    form: NewForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let search = q.clone();
    let chosen_id = form.customer_id.parse::<i64>().ok();
    let (found, chosen, models) = db(&state.pool, &staff.actor(), move |conn| {
        let found = if search.trim().is_empty() {
            Vec::new()
        } else {
            customers::search(conn, &search, 0, 10)?.0
        };
        let chosen = chosen_id.and_then(|id| customers::get(conn, id).ok());
        Ok((found, chosen, stock::model_choices(conn)?))
    })
    .await?;
    html(
        code,
        &NewPage {
            page: PageCtx::for_request(req),
            q,
            found,
            chosen,
            models,
            form,
            errors,
        },
    )
}

/// `GET /preorders/new`.
pub async fn new_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let NewQuery { q, customer_id } = query.into_inner();
    let form = NewForm {
        customer_id: customer_id.map(|c| c.to_string()).unwrap_or_default(),
        deposit_required: "500.00".into(),
        amount: "500.00".into(),
        method: "cash".into(),
        ..Default::default()
    };
    render_new(
        &req,
        &staff,
        &state,
        q,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /preorders/new`.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let customer_id = form.customer_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("customer_id", "Choose the customer first.");
        0
    });
    let product_model_id = form.product_model_id.parse::<i64>().unwrap_or_else(|_| {
        errors.add("product_model_id", "Choose the model.");
        0
    });
    let agreed_price = form::amount(&form.agreed_price, "agreed_price", &mut errors);
    let deposit_required = form::amount(&form.deposit_required, "deposit_required", &mut errors);
    let deposit = match form.amount.trim() {
        "" | "0" | "0.00" => None,
        raw => {
            let amount = form::amount(raw, "amount", &mut errors);
            let method = form.method.parse::<PaymentMethod>().unwrap_or_else(|_| {
                errors.add("method", "Choose how the deposit is paid.");
                PaymentMethod::Other
            });
            Some((method, amount, form.reference.clone()))
        }
    };
    if !errors.is_empty() {
        return render_new(
            &req,
            &staff,
            &state,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = NewPreorder {
        customer_id,
        product_model_id,
        specs: form.specs.clone(),
        agreed_price,
        deposit_required,
        deposit,
    };
    let (branch, by) = (staff.branch.id, staff.by());
    match db(&state.pool, &staff.actor(), move |conn| {
        repo::create(conn, branch, &input, &by)
    })
    .await
    {
        Ok(id) => Ok(see_other(&format!("/preorders/{id}"))),
        Err(AppError::Validation(errors)) => {
            render_new(
                &req,
                &staff,
                &state,
                String::new(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// One preorder.
#[derive(Template)]
#[template(path = "preorders/show.html")]
pub struct ShowPage {
    page: PageCtx,
    p: PreorderRow,
    state: PreorderStatus,
    events: Vec<EventRow>,
    deposits: Vec<crate::repo::preorders::DepositRow>,
    form: ActForm,
    errors: FieldErrors,
    today: chrono::NaiveDate,
}

impl ShowPage {
    fn next_steps(&self) -> Vec<PreorderStatus> {
        PreorderStatus::ALL
            .iter()
            .copied()
            .filter(|to| preorder::edge_exists(self.state, *to))
            .collect()
    }
    fn label(s: &PreorderStatus) -> String {
        s.label()
    }
    fn methods(&self) -> &'static [PaymentMethod] {
        PaymentMethod::COUNTER
    }
    fn method_label(m: &str) -> &'static str {
        m.parse::<PaymentMethod>()
            .map(|m| m.label())
            .unwrap_or("Other")
    }
    fn sla_text(&self) -> String {
        match self.p.days_left(self.today) {
            Some(d) if d < 0 => format!("overdue by {} days", -d),
            Some(d) => format!("{d} days left"),
            None => String::new(),
        }
    }
}

/// The forms of the preorder page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    asset_code: String,
    #[serde(default)]
    resale_invoice: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
}

async fn render_show(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    id: i64,
    form: ActForm,
    errors: FieldErrors,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let branch = staff.branch.id;
    let (p, events, deposits) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            repo::get(conn, branch, id)?,
            events::read(conn, Trail::Preorder(id))?,
            repo::deposits(conn, id)?,
        ))
    })
    .await?;
    html(
        code,
        &ShowPage {
            page: PageCtx::for_request(req),
            state: p.state(),
            p,
            events,
            deposits,
            form,
            errors,
            today: staff.today(),
        },
    )
}

/// `GET /preorders/{id}`.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_show(
        &req,
        &staff,
        &state,
        id.into_inner(),
        ActForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Runs one of the preorder page's actions and answers: its message and back to the preorder,
/// or the page again with what was typed and why it was refused.
async fn answer<W>(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: i64,
    form: ActForm,
    work: W,
) -> Result<HttpResponse, AppError>
where
    W: FnOnce(&mut diesel::PgConnection, &Acting, &ActForm) -> Result<String, RepoError>
        + Send
        + 'static,
{
    let result = answer::run(&staff, &state, &form, work).await;
    let next = |message| Next::saying(message, format!("/preorders/{id}"));
    answer::then(&req, result, "preorder", next, |errors, code| {
        render_show(&req, &staff, &state, id, form, errors, code)
    })
    .await
}

/// `POST /preorders/{id}/deposit`: a deposit paid towards the preorder.
pub async fn take_deposit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let mut errors = FieldErrors::new();
            let amount = form::amount(&f.amount, "amount", &mut errors);
            let method = f.method.parse::<PaymentMethod>().unwrap_or_else(|_| {
                errors.add("method", "Choose how the deposit is paid.");
                PaymentMethod::Other
            });
            errors.into_result()?;
            repo::pay_deposit(conn, a.branch, id, method, &amount, &f.reference, &a.by)?;
            Ok(format!("Deposit of {amount:.2} received."))
        },
    )
    .await
}

/// `POST /preorders/{id}/status`: the next step, with what it needs (a unit on arrival, the
/// resale invoice when resold).
pub async fn move_preorder(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    answer(
        req,
        staff,
        state,
        id,
        form.into_inner(),
        move |conn, a, f| {
            let to: PreorderStatus =
                f.to.parse()
                    .map_err(|_| FieldErrors::single("to", "Choose the next step."))?;
            let input = MoveInput {
                asset_code: f.asset_code.clone(),
                resale_invoice: f.resale_invoice.clone(),
                note: f.note.clone(),
            };
            repo::transition(conn, a.branch, id, f.from.parse().ok(), to, &input, &a.by)?;
            Ok(format!("Preorder is now {}.", to.label()))
        },
    )
    .await
}
