//! bcrypt hashing, run on the blocking pool so the async workers never stall on it.

use std::sync::LazyLock;

use actix_web::web;

use crate::error::AppError;

/// bcrypt work factor for stored passwords.
pub const COST: u32 = 12;

/// A hash of a password nobody has, verified when the username is unknown so that the answer
/// takes as long as for a real account.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| bcrypt::hash("no account has this password", COST).unwrap_or_default());

/// Hashes `password` with cost [`COST`].
pub async fn hash(password: String) -> Result<String, AppError> {
    web::block(move || bcrypt::hash(password, COST))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing task: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("bcrypt: {e}")))
}

/// Hashes synchronously (command-line tools and the demo loader).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    Ok(bcrypt::hash(password, COST)?)
}

/// Whether `password` matches `hash` (`None`: compare against a dummy to keep timing even).
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    let known = hash.is_some();
    let ok = web::block(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        bcrypt::verify(password, &hash).unwrap_or(false)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("verify task: {e}")))?;
    Ok(known && ok)
}
