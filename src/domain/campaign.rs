//! Campaigns: the segments of a branch's customers a manager can send marketing to, and the
//! figures each takes, checked before any query runs.
//! - **service due**: vehicles whose last service at the branch was more than `months` ago, or
//!   that have run about `km` since (their mileage at visits gives how far they go a day);
//! - **lapsed**: customers not seen (a visit, a sale, a booking) for `months`;
//! - **top**: the best fifth of the customers by what they paid in the last twelve months.

use crate::domain::validation::FieldErrors;

/// A segment and its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    ServiceDue { months: i32, km: i32 },
    Lapsed { months: i32 },
    Top,
}

/// The segments as the form offers them: key, title, what it means.
pub const SEGMENTS: [(&str, &str, &str); 3] = [
    (
        "service_due",
        "Vehicles due for a service",
        "Their last service here was more than the months ago, or they have run about the kilometres since (worked out from the mileage at their visits). Vehicles booked or in the workshop are left out, and so are those reminded in the last 30 days.",
    ),
    (
        "lapsed",
        "Customers not seen for a while",
        "No visit, sale or booking here for the months.",
    ),
    (
        "top",
        "Best customers",
        "The top 20% by what they paid here in the last twelve months.",
    ),
];

/// The form's fields as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SegmentForm {
    #[serde(default)]
    pub segment: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub km: String,
    /// The news message's subject and text (lapsed and top customers).
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
}

impl SegmentForm {
    /// The defaults a new campaign starts from.
    pub fn new() -> Self {
        Self {
            segment: "service_due".into(),
            months: "6".into(),
            km: "10000".into(),
            ..Default::default()
        }
    }

    /// The segment these fields name, or what is wrong with them.
    pub fn segment(&self) -> Result<Segment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let number =
            |errors: &mut FieldErrors, field: &str, text: &str, lo: i32, hi: i32, what: &str| {
                let digits = text.trim().replace([',', ' ', '_'], "");
                match digits.parse::<i32>() {
                    Ok(n) if (lo..=hi).contains(&n) => n,
                    _ if digits.is_empty() => {
                        errors.add(field, format!("Say how many {what}."));
                        0
                    }
                    _ => {
                        errors.add(
                            field,
                            format!("Give a whole number of {what} from {lo} to {hi}."),
                        );
                        0
                    }
                }
            };
        let segment = match self.segment.as_str() {
            "service_due" => Segment::ServiceDue {
                months: number(&mut errors, "months", &self.months, 1, 60, "months"),
                km: number(&mut errors, "km", &self.km, 500, 100_000, "kilometres"),
            },
            "lapsed" => Segment::Lapsed {
                months: number(&mut errors, "months", &self.months, 1, 120, "months"),
            },
            "top" => Segment::Top,
            _ => {
                errors.add("segment", "Choose whom to send it to.");
                Segment::Top
            }
        };
        errors.into_result().map(|_| segment)
    }
}

impl Segment {
    pub fn key(&self) -> &'static str {
        match self {
            Self::ServiceDue { .. } => "service_due",
            Self::Lapsed { .. } => "lapsed",
            Self::Top => "top",
        }
    }

    /// The template its messages use: the service-due reminder names each vehicle; the others
    /// are news the manager writes.
    pub fn template(&self) -> &'static str {
        match self {
            Self::ServiceDue { .. } => "service_due",
            _ => "news",
        }
    }

    /// Its figures as stored with the campaign.
    pub fn params(&self) -> serde_json::Value {
        match *self {
            Self::ServiceDue { months, km } => serde_json::json!({ "months": months, "km": km }),
            Self::Lapsed { months } => serde_json::json!({ "months": months }),
            Self::Top => serde_json::json!({}),
        }
    }

    /// The segment in words: "Vehicles due for a service (6 months or 10,000 km)".
    pub fn describe(key: &str, params: &serde_json::Value) -> String {
        let title = SEGMENTS.iter().find(|s| s.0 == key).map_or(key, |s| s.1);
        let months = params.get("months").and_then(|v| v.as_i64());
        let km = params.get("km").and_then(|v| v.as_i64());
        match (months, km) {
            (Some(m), Some(k)) => format!("{title} ({m} months or {} km)", thousands(k)),
            (Some(m), None) => format!("{title} ({m} months)"),
            _ => title.to_string(),
        }
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: i64) -> String {
    let out = crate::domain::money::group_digits(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(segment: &str, months: &str, km: &str) -> SegmentForm {
        SegmentForm {
            segment: segment.into(),
            months: months.into(),
            km: km.into(),
            ..Default::default()
        }
    }

    #[test]
    fn figures_are_checked_before_any_query() {
        assert_eq!(
            form("service_due", "6", "10,000").segment(),
            Ok(Segment::ServiceDue {
                months: 6,
                km: 10_000
            })
        );
        assert_eq!(
            form("lapsed", "12", "").segment(),
            Ok(Segment::Lapsed { months: 12 })
        );
        assert_eq!(form("top", "", "").segment(), Ok(Segment::Top));
        let e = form("service_due", "1e9", "").segment().unwrap_err();
        assert_eq!(
            e.get("months"),
            Some("Give a whole number of months from 1 to 60.")
        );
        assert_eq!(e.get("km"), Some("Say how many kilometres."));
        assert!(
            form("everyone", "", "")
                .segment()
                .unwrap_err()
                .get("segment")
                .is_some()
        );
    }

    #[test]
    fn a_segment_is_described_in_words() {
        let s = Segment::ServiceDue {
            months: 6,
            km: 10_000,
        };
        assert_eq!(
            Segment::describe(s.key(), &s.params()),
            "Vehicles due for a service (6 months or 10,000 km)"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
