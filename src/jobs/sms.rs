//! SMS through an HTTP gateway: one form POST a message, its fields named as the gateway wants
//! (`to={to}`, `message={text}`, an API key from `{password}`), with basic authentication when
//! configured. The gateway's answer decides what became of the message:
//! - 2xx: accepted (its body kept as the answer);
//! - 429 (too many requests), 5xx or no answer at all: a temporary failure, tried again later;
//! - any other 4xx: refused for good (a wrong number, a bad key), failed at once.
//!
//! A gateway that answers 200 with an error in its body is taken at its word: the body is in the
//! log for staff to read.

use crate::config::SmsSettings;

/// Longest gateway answer kept in the log.
const ANSWER_CHARS: usize = 300;

/// A configured gateway.
pub struct Gateway {
    client: reqwest::Client,
    settings: SmsSettings,
}

impl Gateway {
    pub fn new(settings: SmsSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .user_agent(concat!("Workbay/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, settings })
    }

    /// Sends `text` to `to`: the gateway's answer, or the failure and whether it is permanent.
    pub async fn send(&self, to: &str, text: &str) -> Result<String, (String, bool)> {
        let Some(number) = phone_number(to) else {
            return Err((format!("“{to}” is not a phone number"), true));
        };
        let secret = self.settings.password.as_deref().unwrap_or("");
        let fill = |value: &str| {
            value
                .replace("{to}", &number)
                .replace("{text}", text)
                .replace("{password}", secret)
        };
        let form: Vec<(String, String)> = self
            .settings
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), fill(v)))
            .collect();
        let mut request = self.client.post(&self.settings.url).form(&form);
        for (name, value) in &self.settings.headers {
            request = request.header(name.as_str(), fill(value));
        }
        if let Some(user) = &self.settings.username {
            request = request.basic_auth(user, self.settings.password.as_ref());
        }
        let response = request
            .send()
            .await
            .map_err(|e| (format!("the SMS gateway did not answer: {e}"), false))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let answer = format!("{} {}", status.as_u16(), clip(body.trim()));
        match status.as_u16() {
            200..=299 => Ok(answer),
            429 | 500..=599 => Err((answer, false)),
            _ => Err((answer, true)),
        }
    }
}

/// `text` cut to what the log keeps.
fn clip(text: &str) -> String {
    match text.char_indices().nth(ANSWER_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A phone number as gateways take it: digits with a leading `+` kept, spaces, dots, dashes
/// and brackets dropped; `None` when what is left is not 7 to 15 digits.
pub fn phone_number(text: &str) -> Option<String> {
    let text = text.trim();
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", text),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (7..=15)
        .contains(&digits.len())
        .then(|| format!("{plus}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_cleaned_or_refused() {
        assert_eq!(
            phone_number(" +254 (700) 111-222 ").as_deref(),
            Some("+254700111222")
        );
        assert_eq!(phone_number("0700111222").as_deref(), Some("0700111222"));
        assert_eq!(phone_number("12345"), None, "too short");
        assert_eq!(phone_number("amina@example.com"), None);
        assert_eq!(phone_number("+1234567890123456"), None, "too long");
    }

    #[test]
    fn a_long_answer_is_clipped() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(400);
        assert_eq!(clip(&long).chars().count(), ANSWER_CHARS + 1);
    }
}
