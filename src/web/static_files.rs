//! Stylesheets and scripts, compiled into the binary so it runs from any directory.

use actix_web::{HttpResponse, web};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_str!("../../static/print.css"),
    ),
    (
        "page-a4.css",
        "text/css; charset=utf-8",
        include_str!("../../static/page-a4.css"),
    ),
    (
        "page-receipt.css",
        "text/css; charset=utf-8",
        include_str!("../../static/page-receipt.css"),
    ),
    (
        "labels.css",
        "text/css; charset=utf-8",
        include_str!("../../static/labels.css"),
    ),
    (
        "label-50x30.css",
        "text/css; charset=utf-8",
        include_str!("../../static/label-50x30.css"),
    ),
    (
        "label-dymo-11354.css",
        "text/css; charset=utf-8",
        include_str!("../../static/label-dymo-11354.css"),
    ),
    (
        "label-zebra-2x1.css",
        "text/css; charset=utf-8",
        include_str!("../../static/label-zebra-2x1.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    ),
];

/// `GET /static/{file}`.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, content_type, body) = FILES
        .iter()
        .find(|(name, _, _)| *name == file.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(*body))
}
