//! `GET /customers/duplicates`: likely pairs of duplicate customers; `GET /customers/merge`: two
//! customers side by side, a choice per field of whose value stays, and what each has;
//! `POST /customers/merge`: the merge, in one transaction (managers and admins).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

use crate::db::db;
use crate::error::AppError;
use crate::models::customer::Customer;
use crate::repo::customers::{self, LikelyPair, MERGE_FIELDS, MergePlan};
use crate::web::access::Staff;
use crate::web::answer::refusal;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

const PAGE_SIZE: i64 = 25;

/// The duplicate finder.
#[derive(Template)]
#[template(path = "customers/duplicates.html")]
pub struct DuplicatesPage {
    page: PageCtx,
    pairs: Vec<LikelyPair>,
    page_no: i64,
    more: bool,
    /// When the pairs were worked out.
    as_of: Option<chrono::DateTime<chrono::Utc>>,
}

/// Query of the finder.
#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

/// `GET /customers/duplicates`.
pub async fn duplicates(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page_no = query.page.unwrap_or(1).max(1);
    let offset = (page_no - 1) * PAGE_SIZE;
    let (pairs, more, as_of) = db(&state.pool, &staff.actor(), move |conn| {
        customers::duplicate_pairs(conn, offset, PAGE_SIZE)
    })
    .await?;
    let page = PageCtx::for_request(&req);
    html(
        StatusCode::OK,
        &DuplicatesPage {
            page,
            pairs,
            page_no,
            more,
            as_of,
        },
    )
}

/// One field side by side: its words, each customer's value, and whether the duplicate's is
/// chosen.
pub struct Side {
    pub col: &'static str,
    pub label: &'static str,
    pub keep: String,
    pub drop: String,
    pub take: bool,
}

/// The merge page.
#[derive(Template)]
#[template(path = "customers/merge.html")]
pub struct MergePage {
    page: PageCtx,
    keep: Customer,
    drop: Customer,
    sides: Vec<Side>,
    /// What each has: (table's words, the survivor's count, the duplicate's count).
    records: Vec<(&'static str, i64, i64)>,
    refusal: Option<String>,
}

/// Which two customers.
#[derive(Deserialize)]
pub struct Pair {
    keep: i64,
    drop: i64,
}

fn shown(c: &Customer, col: &str, sources: &[(i64, String)]) -> String {
    match col {
        "name" => c.name.clone(),
        "kind" => if c.kind == "business" {
            "Business"
        } else {
            "Person"
        }
        .into(),
        "segment" => if c.segment == "wholesale" {
            "Wholesale"
        } else {
            "Retail"
        }
        .into(),
        "phone" => c.phone.clone(),
        "email" => c.email.clone(),
        "address" => c.address.clone(),
        "lead_source_id" => c
            .lead_source_id
            .and_then(|id| sources.iter().find(|(s, _)| *s == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
        "marketing_consent" => if c.marketing_consent {
            "agreed"
        } else {
            "not agreed"
        }
        .into(),
        "notes" => c.notes.clone(),
        _ => String::new(),
    }
}

async fn render(
    req: &HttpRequest,
    staff: &Staff,
    state: &AppState,
    pair: Pair,
    chosen: Option<&HashMap<String, String>>,
    refusal: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (keep_id, drop_id) = (pair.keep, pair.drop);
    let (keep, drop, sources, records) = db(&state.pool, &staff.actor(), move |conn| {
        let keep = customers::get(conn, keep_id)?;
        let drop = customers::get(conn, drop_id)?;
        let records = customers::record_counts(conn, keep_id, drop_id)?;
        Ok((keep, drop, customers::lead_sources(conn)?, records))
    })
    .await?;
    let sides = MERGE_FIELDS
        .iter()
        .map(|(col, label)| {
            let (k, d) = (shown(&keep, col, &sources), shown(&drop, col, &sources));
            // what was chosen before a refusal; else the duplicate's where the survivor has none
            let take = match chosen {
                Some(f) => f.get(&format!("take_{col}")).is_some_and(|v| v == "drop"),
                None => k.is_empty() && !d.is_empty(),
            };
            Side {
                col,
                label,
                keep: k,
                drop: d,
                take,
            }
        })
        .collect();
    let page = MergePage {
        page: PageCtx::for_request(req),
        keep,
        drop,
        sides,
        records,
        refusal,
    };
    html(status, &page)
}

/// `GET /customers/merge?keep=&drop=`.
pub async fn merge_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    pair: web::Query<Pair>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &staff,
        &state,
        pair.into_inner(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /customers/merge`: `keep`, `drop`, their versions, and `take_{field}` = `drop` for
/// each field whose value comes from the duplicate.
pub async fn merge_submit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let number = |k: &str| {
        f.get(k)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0)
    };
    let plan = MergePlan {
        keep: number("keep"),
        drop: number("drop"),
        keep_version: number("keep_version") as i32,
        drop_version: number("drop_version") as i32,
        take: MERGE_FIELDS
            .iter()
            .filter(|(col, _)| f.get(&format!("take_{col}")).is_some_and(|v| v == "drop"))
            .map(|(col, _)| col.to_string())
            .collect(),
    };
    let by = staff.by();
    let p = plan.clone();
    let result = db(&state.pool, &staff.actor(), move |conn| {
        customers::merge(conn, &p, &by)
    })
    .await;
    match result {
        Ok(moved) => {
            let words = customers::record_words();
            let what: Vec<String> = moved
                .iter()
                .zip(words)
                .filter(|((_, n), _)| *n > 0)
                .map(|((_, n), w)| format!("{} {n}", w.to_lowercase()))
                .collect();
            push_flash(
                &req,
                Flash::success(format!(
                    "Customer #{} was merged into this one{}.",
                    plan.drop,
                    match what.is_empty() {
                        true => String::new(),
                        false => format!("; moved: {}", what.join(", ")),
                    }
                )),
            );
            Ok(see_other(&format!("/customers/{}", plan.keep)))
        }
        Err(e) => {
            let (errors, code) = refusal(e, "form")?;
            let said: Vec<String> = errors.iter().map(|(_, m)| m.to_string()).collect();
            let pair = Pair {
                keep: plan.keep,
                drop: plan.drop,
            };
            render(
                &req,
                &staff,
                &state,
                pair,
                Some(&f),
                Some(said.join(" ")),
                code,
            )
            .await
        }
    }
}
