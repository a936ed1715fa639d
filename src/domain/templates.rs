//! Message templates: the events that tell a customer something, each with its variables and
//! its default wording (email subject, plain text and HTML; SMS text), and how a template is
//! checked when saved (an unknown variable is refused, never sent as `{{x}}`) and filled in
//! (values escaped in the HTML part). A branch may keep its own wording (`message_templates`).

use std::collections::BTreeMap;

/// Whom an event may reach: every customer with a contact, or only those who agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Service,
    Marketing,
}

/// One event that sends a message.
#[derive(Debug)]
pub struct Event {
    /// Its name in the outbox (`booking_reminder`).
    pub key: &'static str,
    pub title: &'static str,
    pub audience: Audience,
    /// Whether quiet hours hold it until morning (reminders and marketing).
    pub waits_for_morning: bool,
    /// Its own variables and what each holds (the shop's and the customer's are always there).
    pub variables: &'static [(&'static str, &'static str)],
    pub subject: &'static str,
    pub text: &'static str,
    pub html: &'static str,
    pub sms: &'static str,
}

/// Variables every template has.
pub const COMMON: &[(&str, &str)] = &[
    ("customer_name", "the customer's name"),
    ("shop_name", "the branch's name"),
    ("shop_phone", "the branch's phone"),
    ("shop_address", "the branch's address"),
];

/// Every event.
#[rustfmt::skip]
pub static EVENTS: &[Event] = &[
    Event {
        key: "booking_reminder", title: "Booking reminder", audience: Audience::Service, waits_for_morning: true,
        variables: &[("booking_date", "the day of the booking, the branch's"), ("booking_time", "its time")],
        subject: "Reminder: your booking at {{shop_name}} on {{booking_date}}",
        text: "Hello {{customer_name}},\n\nThis is a reminder of your booking at {{shop_name}} on {{booking_date}} at {{booking_time}}.\n\nTo change it, call us on {{shop_phone}}.\n\n{{shop_name}}\n{{shop_address}}",
        html: "<p>Hello {{customer_name}},</p><p>This is a reminder of your booking at <strong>{{shop_name}}</strong> on <strong>{{booking_date}} at {{booking_time}}</strong>.</p><p>To change it, call us on {{shop_phone}}.</p><p>{{shop_name}}<br>{{shop_address}}</p>",
        sms: "{{shop_name}}: reminder of your booking on {{booking_date}} at {{booking_time}}. To change it call {{shop_phone}}.",
    },
    Event {
        key: "booking_confirmed", title: "Booking confirmed", audience: Audience::Service, waits_for_morning: false,
        variables: &[("booking_date", "the day of the booking, the branch's"), ("booking_time", "its time")],
        subject: "Your booking at {{shop_name}} on {{booking_date}} is confirmed",
        text: "Hello {{customer_name}},\n\nYour booking at {{shop_name}} on {{booking_date}} at {{booking_time}} is confirmed. We will remind you the day before.\n\nTo change it, call us on {{shop_phone}}.\n\n{{shop_name}}\n{{shop_address}}",
        html: "<p>Hello {{customer_name}},</p><p>Your booking at <strong>{{shop_name}}</strong> on <strong>{{booking_date}} at {{booking_time}}</strong> is confirmed. We will remind you the day before.</p><p>To change it, call us on {{shop_phone}}.</p><p>{{shop_name}}<br>{{shop_address}}</p>",
        sms: "{{shop_name}}: your booking on {{booking_date}} at {{booking_time}} is confirmed. To change it call {{shop_phone}}.",
    },
    Event {
        key: "estimate_to_approve", title: "Estimate to approve", audience: Audience::Service, waits_for_morning: false,
        variables: &[("ticket", "the job's number"), ("approval_link", "the link that shows the estimate and takes the answer")],
        subject: "Your estimate from {{shop_name}} ({{ticket}})",
        text: "Hello {{customer_name}},\n\nYour estimate for job {{ticket}} is ready. See it and approve or decline it here:\n{{approval_link}}\n\n{{shop_name}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>Your estimate for job <strong>{{ticket}}</strong> is ready.</p><p><a href=\"{{approval_link}}\">See the estimate and answer it</a></p><p>{{shop_name}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: your estimate for job {{ticket}} is ready. Approve or decline: {{approval_link}}",
    },
    Event {
        key: "ticket_ready", title: "Ready for pickup", audience: Audience::Service, waits_for_morning: false,
        variables: &[("ticket", "the job's number"), ("outcome", "repaired, returned unrepaired, or done")],
        subject: "Job {{ticket}} is ready at {{shop_name}}",
        text: "Hello {{customer_name}},\n\nJob {{ticket}} is {{outcome}} and ready for you to collect at {{shop_name}}, {{shop_address}}.\n\n{{shop_name}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>Job <strong>{{ticket}}</strong> is {{outcome}} and ready for you to collect at {{shop_name}}, {{shop_address}}.</p><p>{{shop_name}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: job {{ticket}} is {{outcome}} and ready to collect. {{shop_phone}}",
    },
    Event {
        key: "preorder_arrived", title: "Preorder arrived", audience: Audience::Service, waits_for_morning: false,
        variables: &[("item", "what was ordered"), ("balance", "what is left to pay")],
        subject: "Your {{item}} has arrived at {{shop_name}}",
        text: "Hello {{customer_name}},\n\nThe {{item}} you ordered has arrived. {{balance}} is left to pay when you collect it.\n\n{{shop_name}}, {{shop_address}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>The <strong>{{item}}</strong> you ordered has arrived. {{balance}} is left to pay when you collect it.</p><p>{{shop_name}}, {{shop_address}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: your {{item}} has arrived. Balance {{balance}}. {{shop_phone}}",
    },
    Event {
        key: "status_link", title: "Status link", audience: Audience::Service, waits_for_morning: false,
        variables: &[("ticket", "the job's number"), ("status_link", "the link to the job's status page")],
        subject: "Follow job {{ticket}} at {{shop_name}}",
        text: "Hello {{customer_name}},\n\nYou can follow job {{ticket}} here, without signing in:\n{{status_link}}\n\n{{shop_name}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>You can follow job <strong>{{ticket}}</strong> here, without signing in:</p><p><a href=\"{{status_link}}\">See how job {{ticket}} is going</a></p><p>{{shop_name}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: follow job {{ticket}} here: {{status_link}}",
    },
    Event {
        key: "receipt", title: "Receipt", audience: Audience::Service, waits_for_morning: false,
        variables: &[("invoice", "the invoice's number"), ("total", "its total, with the currency"), ("receipt_link", "the link that shows the receipt and prints it")],
        subject: "Your receipt {{invoice}} from {{shop_name}}",
        text: "Hello {{customer_name}},\n\nThank you. Your receipt {{invoice}} for {{total}} is here, to view and print:\n{{receipt_link}}\n\n{{shop_name}}\n{{shop_address}}\n{{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>Thank you. Your receipt <strong>{{invoice}}</strong> for <strong>{{total}}</strong> is here, to view and print:</p><p><a href=\"{{receipt_link}}\">See receipt {{invoice}}</a></p><p>{{shop_name}}<br>{{shop_address}}<br>{{shop_phone}}</p>",
        sms: "{{shop_name}}: receipt {{invoice}}, {{total}}: {{receipt_link}}",
    },
    Event {
        key: "payment_received", title: "Payment received", audience: Audience::Service, waits_for_morning: false,
        variables: &[("invoice", "the invoice's number"), ("amount", "what has been paid, with the currency"), ("balance", "what is left to pay"), ("receipt_link", "the link that shows the invoice and its payments")],
        subject: "Payment received for {{invoice}} at {{shop_name}}",
        text: "Hello {{customer_name}},\n\nWe have received {{amount}} for invoice {{invoice}}. {{balance}} is left to pay.\n\nThe invoice and its payments:\n{{receipt_link}}\n\n{{shop_name}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>We have received <strong>{{amount}}</strong> for invoice <strong>{{invoice}}</strong>. {{balance}} is left to pay.</p><p><a href=\"{{receipt_link}}\">See the invoice and its payments</a></p><p>{{shop_name}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: received {{amount}} for {{invoice}}, {{balance}} left to pay. {{receipt_link}}",
    },
    Event {
        key: "service_due", title: "Service due (marketing)", audience: Audience::Marketing, waits_for_morning: true,
        variables: &[("vehicle", "the vehicle due for a service"), ("unsubscribe_link", "the link that stops marketing messages")],
        subject: "Your {{vehicle}} is due for a service at {{shop_name}}",
        text: "Hello {{customer_name}},\n\nYour {{vehicle}} is due for its service. Call us on {{shop_phone}} to book it.\n\n{{shop_name}}, {{shop_address}}\n\nTo stop these messages: {{unsubscribe_link}}",
        html: "<p>Hello {{customer_name}},</p><p>Your <strong>{{vehicle}}</strong> is due for its service. Call us on {{shop_phone}} to book it.</p><p>{{shop_name}}, {{shop_address}}</p><p><small><a href=\"{{unsubscribe_link}}\">Stop these messages</a></small></p>",
        sms: "{{shop_name}}: your {{vehicle}} is due for a service. Book on {{shop_phone}}. Stop: {{unsubscribe_link}}",
    },
    Event {
        key: "news", title: "News and offers (marketing)", audience: Audience::Marketing, waits_for_morning: true,
        variables: &[("subject", "the subject staff wrote"), ("message", "what staff wrote"), ("unsubscribe_link", "the link that stops marketing messages")],
        subject: "{{subject}}",
        text: "Hello {{customer_name}},\n\n{{message}}\n\n{{shop_name}}, {{shop_address}}, {{shop_phone}}\n\nTo stop these messages: {{unsubscribe_link}}",
        html: "<p>Hello {{customer_name}},</p><p>{{message}}</p><p>{{shop_name}}, {{shop_address}}, {{shop_phone}}</p><p><small><a href=\"{{unsubscribe_link}}\">Stop these messages</a></small></p>",
        sms: "{{shop_name}}: {{message}} Stop: {{unsubscribe_link}}",
    },
    Event {
        key: "message", title: "A message from staff", audience: Audience::Service, waits_for_morning: false,
        variables: &[("subject", "the subject staff wrote"), ("message", "what staff wrote")],
        subject: "{{subject}}",
        text: "Hello {{customer_name}},\n\n{{message}}\n\n{{shop_name}}, {{shop_phone}}",
        html: "<p>Hello {{customer_name}},</p><p>{{message}}</p><p>{{shop_name}}, {{shop_phone}}</p>",
        sms: "{{shop_name}}: {{message}}",
    },
];

/// The event named `key`.
pub fn event(key: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|e| e.key == key)
}

impl Event {
    /// Whether `name` is one of this event's variables or a common one.
    pub fn knows(&self, name: &str) -> bool {
        COMMON.iter().chain(self.variables).any(|(n, _)| *n == name)
    }
}

/// What a preview fills each variable with.
pub fn sample(name: &str) -> &'static str {
    match name {
        "customer_name" => "Amina Njoroge",
        "shop_name" => "Westlands Service Centre",
        "shop_phone" => "+254 700 111 222",
        "shop_address" => "Waiyaki Way 12, Nairobi",
        "booking_date" => "Monday 7 January 2030",
        "booking_time" => "09:00",
        "ticket" => "WL-T-000123",
        "approval_link" => "https://workbay.example/approve/…",
        "outcome" => "repaired",
        "item" => "Apple iPhone 12 (grade A)",
        "balance" => "KES 38,000.00",
        "vehicle" => "Toyota Probox KCB 123A",
        "status_link" => "https://workbay.example/status/…",
        "receipt_link" => "https://workbay.example/receipt/…",
        "unsubscribe_link" => "https://workbay.example/unsubscribe/…",
        "invoice" => "WL-INV-000456",
        "total" => "KES 12,500.00",
        "amount" => "KES 5,000.00",
        "subject" => "Your spare key",
        "message" => "Your spare key is ready at the counter.",
        _ => "…",
    }
}

/// Sample values of every variable of `event`, for a preview.
pub fn samples(event: &Event) -> BTreeMap<String, String> {
    COMMON
        .iter()
        .chain(event.variables)
        .map(|(n, _)| (n.to_string(), sample(n).to_string()))
        .collect()
}

/// The variable names of `template` in order (`{{ name }}`, spaces allowed), or what is wrong
/// with it: a `{{` never closed, or a name that is not a word.
pub fn names(template: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err("A “{{” is never closed with “}}”.".into());
        };
        let name = after[..close].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "“{{{{{}}}}}” is not a variable name.",
                &after[..close]
            ));
        }
        out.push(name);
        rest = &after[close + 2..];
    }
    Ok(out)
}

/// Checks a template of `event` before it is saved: every variable known.
pub fn check(event: &Event, template: &str) -> Result<(), String> {
    for name in names(template)? {
        if !event.knows(name) {
            return Err(format!(
                "“{{{{{name}}}}}” is not a variable of this message. It can use: {}.",
                COMMON
                    .iter()
                    .chain(event.variables)
                    .map(|(n, _)| format!("{{{{{n}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

/// Checks that a part of a marketing message keeps its way out: its text, HTML and SMS carry
/// `{{unsubscribe_link}}` (the subject need not). `part` is `subject`, `body_text`, `body_html`
/// or `sms`.
pub fn check_opt_out(event: &Event, part: &str, template: &str) -> Result<(), String> {
    if event.audience != Audience::Marketing || part == "subject" {
        return Ok(());
    }
    match names(template) {
        Ok(n) if n.contains(&"unsubscribe_link") => Ok(()),
        _ => Err(
            "A marketing message keeps its {{unsubscribe_link}}: the customer must be able to stop them."
                .into(),
        ),
    }
}

/// `template` filled in with `values` (a missing value is empty); each value HTML-escaped when
/// `html` (the template's own markup is kept).
pub fn render(template: &str, values: &BTreeMap<String, String>, html: bool) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let value = values.get(after[..close].trim()).map_or("", String::as_str);
        if html {
            out.push_str(&escape(value).replace('\n', "<br>"));
        } else {
            out.push_str(value);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Text made safe inside HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An SMS's length in characters and the messages it is sent as: GSM-7 text takes 160 (153
/// each when split), anything else (an emoji, most accents) 70 (67 each).
pub fn sms_segments(text: &str) -> (usize, usize) {
    const GSM: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const EXTENDED: &str = "^{}\\[~]|€";
    let gsm = text
        .chars()
        .all(|c| GSM.contains(c) || EXTENDED.contains(c));
    let length = match gsm {
        true => text
            .chars()
            .map(|c| if EXTENDED.contains(c) { 2 } else { 1 })
            .sum(),
        false => text.chars().count(),
    };
    let (single, part) = if gsm { (160, 153) } else { (70, 67) };
    let segments = match length {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(part),
    };
    (length, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_default_uses_only_its_variables() {
        for e in EVENTS {
            for t in [e.subject, e.text, e.html, e.sms] {
                check(e, t).unwrap_or_else(|m| panic!("{}: {m}", e.key));
            }
        }
    }

    #[test]
    fn an_unknown_variable_or_an_open_brace_is_refused_on_saving() {
        let e = event("ticket_ready").unwrap();
        let refused = check(e, "Hi {{ customer_name }}, {{total}} due").unwrap_err();
        assert!(
            refused.starts_with(
                "“{{total}}” is not a variable of this message. It can use: {{customer_name}}"
            ),
            "{refused}"
        );
        assert_eq!(
            check(e, "Hi {{customer_name").unwrap_err(),
            "A “{{” is never closed with “}}”."
        );
        assert!(
            check(e, "{{ two words }}")
                .unwrap_err()
                .contains("is not a variable name")
        );
    }

    #[test]
    fn a_marketing_message_keeps_its_unsubscribe_link() {
        let news = event("news").unwrap();
        assert!(check_opt_out(news, "body_text", "Come back soon").is_err());
        assert!(check_opt_out(news, "sms", "Come back. Stop: {{unsubscribe_link}}").is_ok());
        assert!(check_opt_out(news, "subject", "Come back soon").is_ok());
        let ready = event("ticket_ready").unwrap();
        assert!(check_opt_out(ready, "body_text", "Ready").is_ok());
        for e in EVENTS {
            for (part, t) in [("body_text", e.text), ("body_html", e.html), ("sms", e.sms)] {
                check_opt_out(e, part, t).unwrap_or_else(|m| panic!("{}: {m}", e.key));
            }
        }
    }

    #[test]
    fn values_are_escaped_in_html_and_not_in_text() {
        let v = values(&[("customer_name", "<script>alert(1)</script> & Co")]);
        assert_eq!(
            render("<p>Hello {{customer_name}}</p>", &v, true),
            "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>"
        );
        assert_eq!(
            render("Hello {{ customer_name }}", &v, false),
            "Hello <script>alert(1)</script> & Co"
        );
        assert_eq!(render("{{missing}}!", &v, false), "!");
    }

    #[test]
    fn sms_length_and_segments() {
        assert_eq!(sms_segments("Hello"), (5, 1));
        assert_eq!(sms_segments(&"a".repeat(160)), (160, 1));
        assert_eq!(sms_segments(&"a".repeat(161)), (161, 2));
        assert_eq!(sms_segments("€5"), (3, 1), "the euro sign takes two");
        assert_eq!(
            sms_segments(&"ł".repeat(71)),
            (71, 2),
            "not GSM: 70 a message, 67 when split"
        );
    }
}
