//! Staff accounts as typed into the admin form, and the password policy.

use serde::{Deserialize, Serialize};

use super::role::Role;
use super::validation::FieldErrors;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// bcrypt only reads 72 bytes; longer passwords would be silently truncated.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// Checks a new password against the policy; the message names what to fix.
pub fn check_password(username: &str, password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("Use at least {MIN_PASSWORD_LEN} characters."));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("Use at most {MAX_PASSWORD_BYTES} bytes."));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err("The password must not contain the username.".into());
    }
    Ok(())
}

/// Normalises a username: trimmed and lower-case.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// The user form exactly as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StaffDraft {
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Name shown on screens.
    #[serde(default)]
    pub full_name: String,
    /// One of the role names.
    #[serde(default)]
    pub role: String,
    /// Home branch id, as a string from the select.
    #[serde(default)]
    pub home_branch_id: String,
    /// Ticked when active.
    #[serde(default)]
    pub active: Option<String>,
    /// Initial password (new users only).
    #[serde(default)]
    pub password: String,
}

/// A valid staff account (without the password).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffInput {
    /// Lower-case login name.
    pub username: String,
    /// Name shown on screens.
    pub full_name: String,
    pub role: Role,
    pub home_branch_id: i64,
    /// Whether the account may sign in.
    pub active: bool,
}

impl StaffInput {
    /// Checks the fields; `new_password` is required when creating an account.
    pub fn parse(draft: &StaffDraft, creating: bool) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = normalise_username(&draft.username);
        let valid_chars = username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if username.len() < 2 || username.len() > 40 || !valid_chars {
            errors.add(
                "username",
                "Use 2 to 40 letters, digits, dots, dashes or underscores.",
            );
        }
        let full_name = draft.full_name.trim().to_string();
        if full_name.is_empty() {
            errors.add("full_name", "Enter the person's name.");
        } else if full_name.chars().count() > 120 {
            errors.add("full_name", "Keep the name to 120 characters.");
        }
        let role = draft.role.parse::<Role>().unwrap_or_else(|_| {
            errors.add("role", "Choose a role.");
            Role::Receptionist
        });
        let home_branch_id = draft
            .home_branch_id
            .trim()
            .parse::<i64>()
            .unwrap_or_else(|_| {
                errors.add("home_branch_id", "Choose the home branch.");
                0
            });
        if let (true, Err(message)) = (creating, check_password(&username, &draft.password)) {
            errors.add("password", message);
        }
        errors.into_result()?;
        Ok(Self {
            username,
            full_name,
            role,
            home_branch_id,
            active: draft.active.is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_and_ones_holding_the_username_are_refused() {
        assert!(check_password("amina", "short").is_err());
        assert!(check_password("amina", "xxAMINAxxxxx").is_err());
        assert!(check_password("amina", "correct horse battery").is_ok());
        assert!(check_password("amina", &"x".repeat(73)).is_err());
    }

    #[test]
    fn staff_form_reports_each_bad_field() {
        let draft = StaffDraft {
            username: "A B".into(),
            full_name: "".into(),
            role: "owner".into(),
            home_branch_id: "x".into(),
            active: None,
            password: "123".into(),
        };
        let e = StaffInput::parse(&draft, true).unwrap_err();
        for f in [
            "username",
            "full_name",
            "role",
            "home_branch_id",
            "password",
        ] {
            assert!(e.get(f).is_some(), "{f} missing in {e}");
        }
    }

    #[test]
    fn usernames_are_lower_cased() {
        let draft = StaffDraft {
            username: " Amina.K ".into(),
            full_name: "Amina K".into(),
            role: "technician".into(),
            home_branch_id: "3".into(),
            active: Some("on".into()),
            password: String::new(),
        };
        let s = StaffInput::parse(&draft, false).unwrap();
        assert_eq!(s.username, "amina.k");
        assert_eq!(s.role, crate::domain::role::Role::Technician);
    }
}
