//! The customer's no-login link to an estimate: `link id . expiry . HMAC-SHA256(link id,
//! expiry)` under the server's key. A token altered in any part, or signed with another key, is
//! refused before the database is asked; whether the link has expired, was used or revoked is
//! the database's to say.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn mac(key: &[u8], link: i64, expires: i64) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("approval:{link}:{expires}").as_bytes());
    m
}

/// The token for a link.
pub fn sign(key: &[u8], link: i64, expires: DateTime<Utc>) -> String {
    let expires = expires.timestamp();
    let tag = hex::encode(mac(key, link, expires).finalize().into_bytes());
    format!("{link}.{expires}.{tag}")
}

/// The link id of a genuine token; `None` when it was altered or forged.
pub fn verify(key: &[u8], token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let link: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let tag = hex::decode(parts.next()?).ok()?;
    if parts.next().is_some() {
        return None;
    }
    mac(key, link, expires).verify_slice(&tag).ok()?;
    Some(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a key of the shop's own";

    #[test]
    fn a_signed_link_verifies_and_names_its_link() {
        let expires = "2026-03-18T10:00:00Z".parse().unwrap();
        let token = sign(KEY, 42, expires);
        assert!(token.starts_with("42.1773828000."));
        assert_eq!(verify(KEY, &token), Some(42));
    }

    #[test]
    fn a_token_verifies_only_as_signed() {
        let key = b"0123456789abcdef0123456789abcdef";
        let expires = chrono::Utc::now();
        let token = sign(key, 42, expires);
        assert_eq!(verify(key, &token), Some(42));
        assert_eq!(verify(b"another key of the same length!!", &token), None);
        let other_id = token.replacen("42.", "43.", 1);
        assert_eq!(verify(key, &other_id), None);
        let later = format!(
            "42.{}.{}",
            expires.timestamp() + 86400,
            token.rsplit('.').next().unwrap()
        );
        assert_eq!(
            verify(key, &later),
            None,
            "extending the expiry breaks the signature"
        );
        assert_eq!(verify(key, "42"), None);
        assert_eq!(verify(key, &format!("{token}.x")), None);
    }
}
