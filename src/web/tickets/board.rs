//! `GET /tickets`: the branch's ticket board, a column per status, filtered by technician,
//! priority and age.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::db;
use crate::domain::ticket::{Priority, TicketStatus};
use crate::error::AppError;
use crate::repo::tickets::{self, BoardFilter, BoardRow};
use crate::web::access::Staff;
use crate::web::page::PageCtx;
use crate::web::{AppState, html};

/// The board.
#[derive(Template)]
#[template(path = "tickets/board.html")]
pub struct BoardPage {
    page: PageCtx,
    rows: Vec<BoardRow>,
    technicians: Vec<(i64, String)>,
    technician: String,
    priority: String,
    age: String,
    /// Today at the branch, for the jobs past their promised date.
    today: chrono::NaiveDate,
}

impl BoardPage {
    fn columns(&self) -> &'static [TicketStatus] {
        TicketStatus::BOARD
    }
    fn in_column(&self, s: &TicketStatus) -> Vec<&BoardRow> {
        self.rows.iter().filter(|r| r.0.state() == *s).collect()
    }
    fn priorities(&self) -> &'static [Priority] {
        Priority::ALL
    }
    fn tech_selected(&self, id: &i64) -> bool {
        self.technician == id.to_string()
    }
}

/// Query string.
#[derive(Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    technician: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    age: String,
}

/// Shows the board.
pub async fn show(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    let BoardQuery {
        technician,
        priority,
        age,
    } = query.into_inner();
    let filter = BoardFilter {
        technician: technician.parse().ok(),
        priority: priority.parse().ok(),
        older_than_days: age.parse().ok().filter(|d: &i64| *d > 0),
    };
    let branch = staff.branch.id;
    let (rows, technicians) = db(&state.pool, &staff.actor(), move |conn| {
        Ok((
            tickets::board(conn, branch, &filter)?,
            tickets::technicians(conn, branch)?,
        ))
    })
    .await?;
    html(
        StatusCode::OK,
        &BoardPage {
            page: PageCtx::for_request(&req),
            rows,
            technicians,
            technician,
            priority,
            age,
            today: staff.today(),
        },
    )
}
