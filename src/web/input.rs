//! Control characters never reach a handler: a NUL byte in a search box or a form field made
//! PostgreSQL refuse the text, and the request ended in a 500 (issue 36, hole 4). This layer
//! drops every control character but tab, line feed and carriage return from the values of the
//! query string and of a form body (`application/x-www-form-urlencoded`; a file upload is read
//! by its own handler), before the CSRF check and the handler read them. What is left is what
//! was typed, so a form refused for another reason comes back as typed.

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Uri, header};
use actix_web::middleware::Next;
use actix_web::web::BytesMut;
use futures_util::StreamExt;

/// Largest form body this layer reads (the CSRF check refuses larger ones the same way).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Whether `c` is dropped.
fn unwanted(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `encoded` (`a=1&b=2`) with control characters dropped from its names and values; `None`
/// when it holds none (the common case: nothing is rewritten).
pub fn cleaned(encoded: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded).ok()?;
    if !pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(unwanted))
    {
        return None;
    }
    let clean: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| {
            (
                k.chars().filter(|c| !unwanted(*c)).collect(),
                v.chars().filter(|c| !unwanted(*c)).collect(),
            )
        })
        .collect();
    serde_urlencoded::to_string(clean).ok()
}

/// The middleware.
pub async fn clean(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(query) = cleaned(req.query_string().as_bytes()) {
        let path = req.path().to_string();
        if let Ok(uri) = format!("{path}?{query}").parse::<Uri>() {
            // what the extractors read, and the router's copy of it
            req.head_mut().uri = uri.clone();
            req.match_info_mut().get_mut().update(&uri);
        }
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                let e = crate::error::AppError::TooLarge("The form is too large.".into());
                return Ok(req.error_response(e).map_into_right_body());
            }
            body.extend_from_slice(&chunk);
        }
        let bytes = match cleaned(&body) {
            Some(text) => actix_web::web::Bytes::from(text),
            None => body.freeze(),
        };
        req.set_payload(Payload::from(bytes));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::cleaned;

    #[test]
    fn control_characters_are_dropped_and_clean_input_is_left_alone() {
        assert_eq!(cleaned(b"q=wanjiru&page=2"), None);
        assert_eq!(cleaned(b"q=wan%00jiru").as_deref(), Some("q=wanjiru"));
        assert_eq!(
            cleaned(b"name=Am%00ina%07&notes=line+one%0D%0Aline+two").as_deref(),
            Some("name=Amina&notes=line+one%0D%0Aline+two")
        );
        assert_eq!(cleaned(b"a=%1B%5B31m").as_deref(), Some("a=%5B31m"));
    }
}
