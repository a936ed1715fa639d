//! A branch as typed into its form, field by field.

use super::*;

fn draft() -> BranchDraft {
    BranchDraft {
        name: "Westlands".into(),
        timezone: "Africa/Nairobi".into(),
        invoice_prefix: "wl-".into(),
        tax_rate: "16".into(),
        tax_rounding: "per_line".into(),
        labour_rate: "2,500".into(),
        labour_cost_rate: "900.5".into(),
        currency: "kes".into(),
        tax_registration: " P051234567X ".into(),
        country: "ke".into(),
        active: Some("on".into()),
        hours: OpeningHours::standard().to_form_fields(),
        ..Default::default()
    }
}

#[test]
fn a_good_branch_parses_and_normalises() {
    let b = BranchInput::parse(&draft()).unwrap();
    assert_eq!(b.invoice_prefix, "WL-");
    assert_eq!(b.tax_rate.to_string(), "16.00");
    assert_eq!(b.labour_rate.to_string(), "2500.00");
    assert_eq!(b.labour_cost_rate.to_string(), "900.50");
    assert_eq!(b.opening_hours, OpeningHours::standard());
    assert!(b.active);
    assert_eq!((b.currency.as_str(), b.country.as_str()), ("KES", "KE"));
    assert_eq!(b.tax_registration, "P051234567X");
}

#[test]
fn each_bad_field_gets_its_own_message() {
    let mut d = draft();
    d.name = " ".into();
    d.timezone = "Mars/Olympus".into();
    d.invoice_prefix = "NO SPACES".into();
    d.tax_rate = "7.125".into();
    d.labour_rate = "-5".into();
    d.labour_cost_rate = "12.345".into();
    d.hours.insert("mon_open".into(), "19:00".into());
    let e = BranchInput::parse(&d).unwrap_err();
    for field in [
        "name",
        "timezone",
        "invoice_prefix",
        "tax_rate",
        "labour_rate",
        "labour_cost_rate",
        "mon_close",
    ] {
        assert!(e.get(field).is_some(), "no message for {field}: {e}");
    }
}

#[test]
fn tax_rate_above_100_is_refused() {
    let mut d = draft();
    d.tax_rate = "100.01".into();
    assert!(
        BranchInput::parse(&d)
            .unwrap_err()
            .get("tax_rate")
            .is_some()
    );
}

#[test]
fn a_logo_is_taken_by_what_its_bytes_are_and_refused_when_too_big_or_not_a_picture() {
    use base64::Engine;
    let url = |kind: &str, bytes: &[u8]| {
        format!(
            "data:{kind};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    };
    let png = b"\x89PNG\r\n\x1a\nrest of a picture";
    assert_eq!(
        logo_image(&url("image/png", png)),
        Ok((png.to_vec(), "image/png"))
    );
    // What the browser says does not matter: the bytes are a JPEG.
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    assert_eq!(
        logo_image(&url("image/png", &jpeg)).map(|l| l.1),
        Ok("image/jpeg")
    );
    let webp = b"RIFF\x10\x00\x00\x00WEBPVP8 ";
    assert_eq!(
        logo_image(&url("image/webp", webp)).map(|l| l.1),
        Ok("image/webp")
    );
    // An SVG (it could carry a script) or any other file is refused.
    assert!(logo_image(&url("image/svg+xml", b"<svg onload=alert(1)>")).is_err());
    assert!(logo_image("not a data url").is_err());
    let big = [&png[..], &vec![0u8; MAX_LOGO_BYTES][..]].concat();
    assert_eq!(
        logo_image(&url("image/png", &big)),
        Err("The logo is larger than 150 kB; save a smaller picture.")
    );
}
