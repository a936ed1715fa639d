//! The customer's no-login links (to an estimate, to a repair's status page): `link id . expiry
//! . HMAC-SHA256(purpose, link id, expiry)` under the server's key. A token altered in any part,
//! signed with another key or for another purpose (a status link is not an approval link) is
//! refused before the database is asked; whether the link has expired, was used or revoked is
//! the database's to say.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn mac(key: &[u8], purpose: &str, link: i64, expires: i64) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("{purpose}:{link}:{expires}").as_bytes());
    m
}

fn sign_for(key: &[u8], purpose: &str, link: i64, expires: DateTime<Utc>) -> String {
    let expires = expires.timestamp();
    let tag = hex::encode(mac(key, purpose, link, expires).finalize().into_bytes());
    format!("{link}.{expires}.{tag}")
}

fn verify_for(key: &[u8], purpose: &str, token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let (link_part, expires_part, tag_part) = (parts.next()?, parts.next()?, parts.next()?);
    let link: i64 = link_part.parse().ok()?;
    let expires: i64 = expires_part.parse().ok()?;
    // one spelling only: no `+`, no leading zeros, the tag in lower-case hex
    let canonical = link.to_string() == link_part
        && expires.to_string() == expires_part
        && tag_part.len() == 64
        && tag_part
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if parts.next().is_some() || !canonical {
        return None;
    }
    let tag = hex::decode(tag_part).ok()?;
    mac(key, purpose, link, expires).verify_slice(&tag).ok()?;
    Some(link)
}

/// The token for an approval link.
pub fn sign(key: &[u8], link: i64, expires: DateTime<Utc>) -> String {
    sign_for(key, "approval", link, expires)
}

/// The approval link id of a genuine token; `None` when it was altered or forged.
pub fn verify(key: &[u8], token: &str) -> Option<i64> {
    verify_for(key, "approval", token)
}

/// The token for a status link.
pub fn sign_status(key: &[u8], link: i64, expires: DateTime<Utc>) -> String {
    sign_for(key, "status", link, expires)
}

/// The status link id of a genuine token; `None` when it was altered, forged, or is another
/// kind of link.
pub fn verify_status(key: &[u8], token: &str) -> Option<i64> {
    verify_for(key, "status", token)
}

/// The token of a customer's unsubscribe link (it names the customer, not a stored link: it
/// only ever withdraws marketing consent).
pub fn sign_unsubscribe(key: &[u8], customer: i64, expires: DateTime<Utc>) -> String {
    sign_for(key, "unsubscribe", customer, expires)
}

/// The customer of a genuine unsubscribe token and when it expires; `None` when it was altered,
/// forged, or is another kind of link.
pub fn verify_unsubscribe(key: &[u8], token: &str) -> Option<(i64, DateTime<Utc>)> {
    verify_until(key, "unsubscribe", token)
}

/// The token of an invoice's receipt link (it names the invoice: a copy to view and print).
pub fn sign_receipt(key: &[u8], invoice: i64, expires: DateTime<Utc>) -> String {
    sign_for(key, "receipt", invoice, expires)
}

/// The invoice of a genuine receipt token and when it expires.
pub fn verify_receipt(key: &[u8], token: &str) -> Option<(i64, DateTime<Utc>)> {
    verify_until(key, "receipt", token)
}

/// A genuine token's id and its expiry (for links with no row of their own to say it).
fn verify_until(key: &[u8], purpose: &str, token: &str) -> Option<(i64, DateTime<Utc>)> {
    let id = verify_for(key, purpose, token)?;
    let expires = token.split('.').nth(1)?.parse().ok()?;
    Some((id, DateTime::from_timestamp(expires, 0)?))
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
    fn a_status_token_is_not_an_approval_token_nor_the_other_way_round() {
        let expires = "2026-03-18T10:00:00Z".parse().unwrap();
        let status = sign_status(KEY, 7, expires);
        assert_eq!(verify_status(KEY, &status), Some(7));
        assert_eq!(verify(KEY, &status), None);
        assert_eq!(verify_status(KEY, &sign(KEY, 7, expires)), None);
    }

    #[test]
    fn an_unsubscribe_token_names_its_customer_and_is_no_other_link() {
        let expires = "2027-03-18T10:00:00Z".parse().unwrap();
        let token = sign_unsubscribe(KEY, 9, expires);
        assert_eq!(verify_unsubscribe(KEY, &token), Some((9, expires)));
        assert_eq!(verify(KEY, &token), None);
        assert_eq!(verify_unsubscribe(KEY, &sign_status(KEY, 9, expires)), None);
        assert_eq!(verify_receipt(KEY, &token), None, "nor a receipt");
        let receipt = sign_receipt(KEY, 9, expires);
        assert_eq!(verify_receipt(KEY, &receipt), Some((9, expires)));
        assert_eq!(verify_unsubscribe(KEY, &receipt), None);
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
        // one spelling only (issue 36, hole 11)
        assert_eq!(verify(key, &format!("0{token}")), None, "a leading zero");
        assert_eq!(verify(key, &format!("+{token}")), None, "a plus sign");
        assert_eq!(verify(key, &token.to_uppercase()), None, "upper-case hex");
        assert_eq!(verify(key, &format!("{token}.x")), None);
    }
}
