//! Flash messages ride in their own encrypted cookie, not in the session row: a POST that says
//! "Booking #12 made" and the page after it that shows the message then write nothing to the
//! database for it (two `UPDATE sessions` per form sent, before this).

use std::cell::RefCell;
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};

use crate::web::page::{Flash, MAX_FLASH};

/// The cookie holding messages for the next page.
pub const FLASH_COOKIE: &str = "workbay_flash";

/// This request's messages: those it arrived with and those it queues for the next page.
#[derive(Default)]
struct Pending {
    arrived: Vec<Flash>,
    shown: bool,
    queued: Vec<Flash>,
}

#[derive(Clone, Default)]
struct Flashes(Rc<RefCell<Pending>>);

/// The longest message a flash carries: one that quotes what was typed (a plate, a name) is cut
/// here, so the cookie stays small whatever was typed (five messages, well under 4 kB).
pub const MAX_FLASH_CHARS: usize = 300;

/// `flash` with its text cut to [`MAX_FLASH_CHARS`].
fn clipped(mut flash: Flash) -> Flash {
    if let Some((at, _)) = flash.text.char_indices().nth(MAX_FLASH_CHARS) {
        flash.text.truncate(at);
        flash.text.push('…');
    }
    flash
}

/// Queues a flash message for the next rendered page (keeping the newest [`MAX_FLASH`]).
pub fn push_flash(req: &HttpRequest, flash: Flash) {
    let flash = clipped(flash);
    match req.extensions().get::<Flashes>() {
        Some(f) => f.0.borrow_mut().queued.push(flash),
        None => tracing::warn!("flash message outside the flash middleware: {}", flash.text),
    }
}

/// The messages this request arrived with, for the page it renders; they are then gone.
pub fn take_flash(req: &HttpRequest) -> Vec<Flash> {
    let Some(f) = req.extensions().get::<Flashes>().cloned() else {
        return Vec::new();
    };
    let mut pending = f.0.borrow_mut();
    pending.shown = true;
    std::mem::take(&mut pending.arrived)
}

/// The middleware: reads the cookie before the handler and writes (or clears) it after. Messages
/// that arrived and were not shown (the request answered with another redirect) stay for the
/// page after.
pub async fn carry(
    key: Key,
    secure: bool,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let cookie = req.cookie(FLASH_COOKIE);
    let had_cookie = cookie.is_some();
    let arrived = cookie.map(|c| read(&key, c)).unwrap_or_default();
    let flashes = Flashes::default();
    flashes.0.borrow_mut().arrived = arrived;
    req.extensions_mut().insert(flashes.clone());
    let mut res = next.call(req).await?;
    let pending = std::mem::take(&mut *flashes.0.borrow_mut());
    if !pending.shown && pending.queued.is_empty() {
        // Nothing shown, nothing new: the cookie (if any) stays as it is.
        return Ok(res);
    }
    let mut next_page = pending.arrived;
    next_page.extend(pending.queued);
    if next_page.len() > MAX_FLASH {
        next_page.drain(..next_page.len() - MAX_FLASH);
    }
    let cookie = if next_page.is_empty() {
        if !had_cookie {
            return Ok(res);
        }
        removal()
    } else {
        write(&key, secure, &next_page)
    };
    if let Err(e) = res.response_mut().add_cookie(&cookie) {
        tracing::warn!(error = %e, "could not set the flash cookie");
    }
    Ok(res)
}

fn read(key: &Key, cookie: Cookie<'static>) -> Vec<Flash> {
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.private(key)
        .get(FLASH_COOKIE)
        .and_then(|c| serde_json::from_str(c.value()).ok())
        .unwrap_or_default()
}

fn write(key: &Key, secure: bool, flashes: &[Flash]) -> Cookie<'static> {
    let value = serde_json::to_string(flashes).unwrap_or_else(|_| "[]".into());
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(
        Cookie::build(FLASH_COOKIE, value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish(),
    );
    jar.get(FLASH_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(FLASH_COOKIE, ""))
}

fn removal() -> Cookie<'static> {
    Cookie::build(FLASH_COOKIE, "")
        .path("/")
        .max_age(CookieDuration::ZERO)
        .finish()
}
