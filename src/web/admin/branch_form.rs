//! The branch form page, shared by "new branch" and "edit branch".

use askama::Template;

use crate::domain::branch::{BranchDraft, DAYS};
use crate::domain::validation::FieldErrors;
use crate::models::branch::Branch;
use crate::web::page::PageCtx;

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
        address: b.address.clone(),
        phone: b.phone.clone(),
        active: b.active.then(|| "on".into()),
        hours: b.hours().to_form_fields(),
    }
}
