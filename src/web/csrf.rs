//! Cross-site request forgery defence. Every session has a synchronizer token; every form carries
//! it as `csrf_token` (or a script sends `X-CSRF-Token`; a file upload names it in the form's
//! address); every non-GET request must present it, compared in constant time. Requests the
//! browser marks as cross-site are refused outright.
//!
//! A visitor with no session (the sign-in form, the customer's estimate page) gets no session
//! row for it: their token is `HMAC(key, nonce)` where the nonce rides in a cookie of its own
//! (`workbay_presession`, HttpOnly, SameSite=Lax), so an anonymous `GET` writes nothing to the
//! database. A forger can neither read that cookie nor make the token without the key. Sign-in
//! then starts the session with a fresh token of its own.

use actix_session::{Session, SessionExt};
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;
use rand::Rng;
use rand::distr::Alphanumeric;
use subtle::ConstantTimeEq;

use crate::error::AppError;

/// The session key of the token.
const SESSION_CSRF: &str = "csrf";
/// The form field carrying the token.
pub const FIELD: &str = "csrf_token";
/// Largest form body the check reads.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The cookie holding an anonymous visitor's nonce.
pub const PRESESSION_COOKIE: &str = "workbay_presession";

/// A nonce this request made for its visitor, to be set as the cookie on the way out.
#[derive(Clone)]
struct NewNonce(String);

/// The token this request's forms carry: the session's when it has one, else the anonymous
/// visitor's (from their nonce cookie, or a new nonce set with this response).
pub fn token_for(req: &actix_web::HttpRequest) -> String {
    let session = req.get_session();
    if let Ok(Some(t)) = session.get::<String>(SESSION_CSRF) {
        return t;
    }
    let Some(key) = link_key(req.app_data::<actix_web::web::Data<crate::web::AppState>>()) else {
        return rotate(&session);
    };
    let nonce = match nonce_of(req.cookie(PRESESSION_COOKIE).as_ref().map(|c| c.value())) {
        Some(n) => n,
        None => {
            if let Some(n) = req.extensions().get::<NewNonce>() {
                return presession_token(&key, &n.0);
            }
            let n = random_token();
            req.extensions_mut().insert(NewNonce(n.clone()));
            n
        }
    };
    presession_token(&key, &nonce)
}

fn link_key(state: Option<&actix_web::web::Data<crate::web::AppState>>) -> Option<Vec<u8>> {
    state.map(|s| s.link_key.clone())
}

/// A nonce as the cookie holds it: 43 letters and digits, nothing else.
fn nonce_of(value: Option<&str>) -> Option<String> {
    value
        .filter(|v| v.len() == 43 && v.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
}

/// The token of an anonymous visitor's nonce.
fn presession_token(key: &[u8], nonce: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(b"presession-csrf:");
    m.update(nonce.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn random_token() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(43)
        .map(char::from)
        .collect()
}

/// A fresh token (at sign-in, so a token seen before sign-in is worthless after).
pub fn rotate(session: &Session) -> String {
    let t = random_token();
    if let Err(e) = session.insert(SESSION_CSRF, &t) {
        tracing::warn!(error = %e, "could not store the CSRF token");
    }
    t
}

/// The middleware: lets safe methods through, checks everything else.
pub async fn check(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || token_is_credential(&req)
    {
        let res = next.call(req).await?;
        return Ok(with_nonce_cookie(res).map_into_left_body());
    }
    if let Some(reason) = cross_site(&req) {
        let e = AppError::forbidden(reason);
        return Ok(req.error_response(e).map_into_right_body());
    }
    let expected = match req.get_session().get::<String>(SESSION_CSRF).ok().flatten() {
        Some(t) => Some(t),
        // no session: the anonymous visitor's token, from their nonce cookie
        None => match (
            link_key(req.app_data::<actix_web::web::Data<crate::web::AppState>>()),
            nonce_of(req.cookie(PRESESSION_COOKIE).as_ref().map(|c| c.value())),
        ) {
            (Some(key), Some(nonce)) => Some(presession_token(&key, &nonce)),
            _ => None,
        },
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let presented = match header_token {
        Some(t) => Some(t),
        None if is_form => {
            let body = match read_body(&mut req).await {
                Ok(body) => body,
                Err(e) => return Ok(req.error_response(e).map_into_right_body()),
            };
            let found = form_field(&body, FIELD);
            req.set_payload(Payload::from(body));
            found
        }
        // A file upload's form names the token in its address: the check does not read a
        // multipart body (the handler streams it, and refuses one over its size unread).
        None if is_multipart(&req) => form_field(req.query_string().as_bytes(), FIELD),
        None => None,
    };
    let ok = match (expected, presented) {
        (Some(e), Some(p)) => e.as_bytes().ct_eq(p.as_bytes()).into(),
        _ => false,
    };
    if !ok {
        let e = AppError::forbidden("missing or wrong CSRF token");
        return Ok(req.error_response(e).map_into_right_body());
    }
    let res = next.call(req).await?;
    Ok(with_nonce_cookie(res).map_into_left_body())
}

/// Sets the nonce cookie when the request made one (an anonymous visitor's first form).
fn with_nonce_cookie<B>(mut res: ServiceResponse<B>) -> ServiceResponse<B> {
    let nonce = res.request().extensions().get::<NewNonce>().cloned();
    if let Some(NewNonce(nonce)) = nonce {
        let secure = res
            .request()
            .app_data::<actix_web::web::Data<crate::web::AppState>>()
            .is_none_or(|s| s.settings.secure_cookies);
        let cookie = actix_web::cookie::Cookie::build(PRESESSION_COOKIE, nonce)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(actix_web::cookie::SameSite::Lax)
            .finish();
        if let Err(e) = res.response_mut().add_cookie(&cookie) {
            tracing::warn!(error = %e, "could not set the presession cookie");
        }
    }
    res
}

/// A route whose signed token in the address is its whole credential: the unsubscribe link, which
/// a mail client posts to with no session (RFC 8058 one-click) and which can only withdraw the
/// marketing consent of the customer the token names.
fn token_is_credential(req: &ServiceRequest) -> bool {
    req.method() == Method::POST
        && req
            .path()
            .strip_prefix("/unsubscribe/")
            .is_some_and(|t| !t.is_empty() && !t.contains('/'))
}

fn is_multipart(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// Why a request counts as cross-site, if it does.
fn cross_site(req: &ServiceRequest) -> Option<String> {
    let site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if let Some(site) = site.filter(|s| *s != "same-origin" && *s != "none") {
        return Some(format!("Sec-Fetch-Site: {site}"));
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)?
        .to_str()
        .unwrap_or("null");
    let host = req.connection_info().host().to_string();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    if origin_host == Some(host.as_str()) {
        None
    } else {
        Some(format!("Origin {origin} is not {host}"))
    }
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::Internal(anyhow::anyhow!("reading body: {e}")))?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::TooLarge("The form is too large.".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn the_token_is_found_among_other_fields() {
        assert_eq!(
            form_field(b"a=1&csrf_token=abc%2B&b=2", "csrf_token").as_deref(),
            Some("abc+")
        );
        assert_eq!(form_field(b"a=1", "csrf_token"), None);
    }
}
