//! `GET /login` and `POST /login`: sign-in with throttling per account and per client address.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::{Actor, db};
use crate::demo;
use crate::domain::staff::normalise_username;
use crate::error::AppError;
use crate::models::audit::NewAuditEntry;
use crate::passwords;
use crate::repo::login_attempts::Begun;
use crate::repo::{audit, login_attempts, settings, staff};
use crate::web::access::{SESSION_BRANCH, SESSION_USER, client_addr};
use crate::web::csrf;
use crate::web::page::{Flash, PageCtx, push_flash};
use crate::web::{AppState, html, see_other};

/// The sign-in page.
#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    page: PageCtx,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
    demo_logins: Vec<demo::DemoLogin>,
}

/// Query of `GET /login`.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// The form as posted.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `GET /login`.
pub async fn form(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    if session.get::<i64>(SESSION_USER).ok().flatten().is_some() {
        return Ok(see_other("/"));
    }
    let notice = query
        .signed_out
        .as_ref()
        .map(|_| "You have been signed out.".to_string());
    let next = query.next.clone().unwrap_or_default();
    render(
        &req,
        &state,
        String::new(),
        next,
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /login`.
pub async fn submit(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.into_inner();
    let name = normalise_username(&username);
    let addr = client_addr(&req).unwrap_or_else(|| "unknown".into());

    // an address's wait stands only when the password is not right (issue 36, hole 3)
    let (attempt, address_wait) = begin_attempt(&state, &name, &addr).await?;

    let lookup = name.clone();
    let user = db(&state.pool, &Actor::anonymous(), move |conn| {
        staff::find_by_username(conn, &lookup)
    })
    .await?;
    let password_ok =
        passwords::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;

    match user {
        Some(user) if password_ok && user.active => {
            let (id, a) = (user.id, addr.clone());
            db(&state.pool, &Actor::anonymous(), move |conn| {
                login_attempts::mark_succeeded(conn, attempt)?;
                audit::record(
                    conn,
                    NewAuditEntry::new("login", "staff_user", Some(id.to_string()))
                        .by(Some(id), Some(&a)),
                )
            })
            .await?;
            // A new session id at every sign-in: a key planted before sign-in is worthless after.
            session.renew();
            session.remove(SESSION_BRANCH);
            session
                .insert(SESSION_USER, user.id)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert: {e}")))?;
            csrf::rotate(&session);
            push_flash(
                &req,
                Flash::success(format!("Welcome, {}.", user.full_name)),
            );
            Ok(see_other(safe_next(&next)))
        }
        Some(user) if password_ok => {
            let (id, a) = (user.id, addr.clone());
            db(&state.pool, &Actor::anonymous(), move |conn| {
                audit::record(
                    conn,
                    NewAuditEntry::new(
                        "login.disabled_account",
                        "staff_user",
                        Some(id.to_string()),
                    )
                    .by(None, Some(&a)),
                )
            })
            .await?;
            let message = "This account is disabled. Please ask an administrator.".to_string();
            render(
                &req,
                &state,
                username,
                next,
                Some(message),
                None,
                StatusCode::FORBIDDEN,
            )
            .await
        }
        _ if address_wait.is_some() => Err(throttled(&state, &name, &addr, address_wait).await?),
        user => {
            let target = user.as_ref().map(|u| u.id.to_string());
            let (uname, a) = (name.clone(), addr.clone());
            db(&state.pool, &Actor::anonymous(), move |conn| {
                audit::record(
                    conn,
                    NewAuditEntry::new("login.failed", "staff_user", target)
                        .by(None, Some(&a))
                        .change(None, Some(serde_json::json!({ "username": uname }))),
                )
            })
            .await?;
            let message = "Wrong username or password.".to_string();
            render(
                &req,
                &state,
                username,
                next,
                Some(message),
                None,
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
    }
}

/// Records the attempt (as a failure until the password checks out) and says how long the
/// address must wait if it must; refuses with 429 and an audit row when the account must wait.
async fn begin_attempt(
    state: &AppState,
    name: &str,
    addr: &str,
) -> Result<(i64, Option<u64>), AppError> {
    let (n, a) = (name.to_string(), addr.to_string());
    let begun = db(&state.pool, &Actor::anonymous(), move |conn| {
        login_attempts::begin(conn, &n, &a, Utc::now())
    })
    .await?;
    match begun {
        Begun::Go(id) => Ok((id, None)),
        Begun::AddressWaits(id, wait) => Ok((id, Some(wait))),
        Begun::AccountWaits(wait) => Err(throttled(state, name, addr, Some(wait)).await?),
    }
}

/// The 429 of a throttled attempt, with its audit row.
async fn throttled(
    state: &AppState,
    name: &str,
    addr: &str,
    wait: Option<u64>,
) -> Result<AppError, AppError> {
    let retry_after = wait.unwrap_or(1);
    let (name, addr) = (name.to_string(), addr.to_string());
    db(&state.pool, &Actor::anonymous(), move |conn| {
        audit::record(
            conn,
            NewAuditEntry::new("login.throttled", "staff_user", None)
                .by(None, Some(&addr))
                .change(
                    None,
                    Some(serde_json::json!({ "username": name, "retry_after": retry_after })),
                ),
        )
    })
    .await?;
    Ok(AppError::TooManyRequests { retry_after })
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let demo_loaded = db(&state.pool, &Actor::anonymous(), |conn| {
        settings::get(conn, settings::DEMO_LOADED)
    })
    .await?
    .is_some();
    let page = LoginPage {
        page: PageCtx::for_request(req),
        username,
        next,
        error,
        notice,
        demo_logins: if demo_loaded {
            demo::logins()
        } else {
            Vec::new()
        },
    };
    html(status, &page)
}

/// Only paths on this site, however spelled (`domain::redirect`).
fn safe_next(next: &str) -> &str {
    crate::domain::redirect::local_or(next, "/")
}
