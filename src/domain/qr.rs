//! QR codes drawn on the server as SVG (a link the customer scans from a printed job sheet or
//! the counter's screen).

use qrcode::QrCode;
use qrcode::render::svg;

/// `text` as an SVG QR code for inlining in a page (no XML prolog), at least `size` pixels
/// square, with a quiet zone; empty when the text is too long for a QR code.
pub fn svg(text: &str, size: u32) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let drawn = code
                .render::<svg::Color>()
                .min_dimensions(size, size)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            match drawn.find("<svg") {
                Some(at) => drawn[at..].to_string(),
                None => String::new(),
            }
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_an_svg_square_and_too_much_text_becomes_nothing() {
        let drawn = svg("https://shop.example/status/1.2.abc", 160);
        assert!(
            drawn.starts_with("<svg") && drawn.ends_with("</svg>"),
            "{drawn}"
        );
        assert!(drawn.contains("#000000"));
        assert_eq!(svg(&"x".repeat(8000), 160), "");
    }
}
