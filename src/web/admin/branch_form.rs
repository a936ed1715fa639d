//! The branch form page, shared by "new branch" and "edit branch".

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::domain::branch::{BranchDraft, BranchInput, DAYS};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::answer::{self, FORM, Next};
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The branch form.
#[derive(Template)]
#[template(path = "admin/branch_form.html")]
pub struct BranchFormPage {
    /// Shared context.
    pub page: PageCtx,
    /// `None` when creating.
    pub id: Option<i64>,
    /// The values shown.
    pub draft: BranchDraft,
    /// Messages per field.
    pub errors: FieldErrors,
    /// Whether the branch has a logo for its customers' pages.
    pub has_logo: bool,
}

impl BranchFormPage {
    /// Day keys and names for the hours table.
    pub fn days(&self) -> &'static [(&'static str, &'static str)] {
        &DAYS
    }

    /// Every IANA timezone name, for the datalist.
    pub fn timezones(&self) -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// The countries a branch can take phone numbers in.
    pub fn countries(&self) -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
        crate::domain::phone::COUNTRIES
    }

    /// The form action.
    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/admin/branches/{id}"),
            None => "/admin/branches/new".into(),
        }
    }
}

/// The form filled from a stored branch.
pub fn draft_of(b: &Branch) -> BranchDraft {
    BranchDraft {
        name: b.name.clone(),
        timezone: b.timezone.clone(),
        invoice_prefix: b.invoice_prefix.clone(),
        tax_rate: b.tax_rate.to_string(),
        tax_rounding: b.tax_rounding.clone(),
        labour_rate: b.labour_rate.to_string(),
        labour_cost_rate: b.labour_cost_rate.to_string(),
        address: b.address.clone(),
        phone: b.phone.clone(),
        currency: b.currency.clone(),
        tax_registration: b.tax_registration.clone(),
        country: b.country.clone(),
        active: b.active.then(|| "on".into()),
        hours: b.hours().to_form_fields(),
        version: branches::version_of(b),
    }
}

/// Creates (`id` is `None`) or updates the branch from the posted form; on bad input shows the
/// form again with a message beside each field and everything as typed.
pub async fn save(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: Option<i64>,
    draft: BranchDraft,
) -> Result<HttpResponse, AppError> {
    let draft_version = draft.version.clone();
    let result = match BranchInput::parse(&draft) {
        Ok(input) => {
            let by = staff.by();
            db(&state.pool, &staff.actor(), move |conn| match id {
                Some(id) => branches::update(conn, id, &input, Some(&draft_version), &by),
                None => branches::create(conn, &input, &by),
            })
            .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let next = |branch: Branch| {
        let verb = if id.is_some() { "saved" } else { "created" };
        Next::saying(format!("Branch {} {verb}.", branch.name), "/admin/branches")
    };
    let (r, st, staff_ref) = (&req, &state, &staff);
    answer::then(&req, result, FORM, next, |errors, status| async move {
        let (has_logo, now) = match id {
            Some(id) => {
                db(&st.pool, &staff_ref.actor(), move |conn| {
                    Ok((
                        branches::has_logo(conn, id)?,
                        Some(branches::get(conn, id)?),
                    ))
                })
                .await?
            }
            None => (false, None),
        };
        let mut draft = draft;
        // told what someone else changed, a second save keeps what this form holds
        if errors.get("stale").is_some()
            && let Some(now) = now
        {
            draft.version = branches::version_of(&now);
        }
        let page = BranchFormPage {
            page: PageCtx::for_request(r),
            id,
            draft,
            errors,
            has_logo,
        };
        html(status, &page)
    })
    .await
}
