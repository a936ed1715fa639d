//! `GET /stock/assets/{id}/wipe-certificate`: the unit's data-wipe certificate, printable on A4
//! for the buyer or the device's previous owner: the shop, the device (model, serial, tag), the
//! method and the standard it follows, the wipe tool's report number, the technician and when.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::db;
use crate::error::AppError;
use crate::models::branch::Branch;
use crate::models::stock::Asset;
use crate::repo::assets::{self as repo, WipeCertificate};
use crate::repo::branches;
use crate::web::access::Staff;
use crate::web::{AppState, html};

/// The certificate.
#[derive(Template)]
#[template(path = "stock/wipe_certificate.html")]
pub struct CertificatePrint {
    branch: Branch,
    asset: Asset,
    model: String,
    cert: WipeCertificate,
    /// The shop's logo, when the branch has one.
    logo: bool,
}

impl CertificatePrint {
    fn when(&self) -> String {
        crate::domain::time::show(&self.cert.wiped_at, &self.branch.timezone)
    }
    fn method(&self) -> &str {
        self.cert
            .method()
            .map_or(self.cert.method.as_str(), |m| m.name())
    }
    fn standard(&self) -> &str {
        self.cert.method().map_or("", |m| m.standard())
    }
}

/// `GET /stock/assets/{id}/wipe-certificate` (404 while the unit has none).
pub async fn wipe_certificate(
    _req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (branch_id, id) = (staff.branch.id, id.into_inner());
    let (branch, asset, model, cert, logo) = db(&state.pool, &staff.actor(), move |conn| {
        let asset = repo::get(conn, branch_id, id)?;
        let cert = repo::wipe_certificate(conn, id)?.ok_or(crate::repo::RepoError::NotFound)?;
        let model = repo::model_name(conn, &asset)?;
        let logo = branches::has_logo(conn, branch_id)?;
        Ok((branches::get(conn, branch_id)?, asset, model, cert, logo))
    })
    .await?;
    html(
        StatusCode::OK,
        &CertificatePrint {
            branch,
            asset,
            model,
            cert,
            logo,
        },
    )
}
