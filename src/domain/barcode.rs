//! Code 128 (character set B) barcodes drawn as SVG rectangles, with no inline style so they
//! render under the Content-Security-Policy.

use barcoders::sym::code128::Code128;

/// An SVG of `text` as a Code 128 barcode, `height` units tall, one unit per module, with a quiet
/// zone of ten modules either side. `None` when the text has characters set B cannot encode.
pub fn code128_svg(text: &str, height: u32) -> Option<String> {
    let modules = Code128::new(format!("\u{0181}{text}")).ok()?.encode();
    let quiet = 10;
    let width = modules.len() + 2 * quiet;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode\" viewBox=\"0 0 {width} {height}\" \
         preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{text}\"><rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>"
    );
    let mut x = 0;
    while x < modules.len() {
        if modules[x] == 1 {
            let start = x;
            while x < modules.len() && modules[x] == 1 {
                x += 1;
            }
            svg.push_str(&format!(
                "<rect x=\"{}\" width=\"{}\" height=\"{height}\" fill=\"#000\"/>",
                start + quiet,
                x - start
            ));
        } else {
            x += 1;
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::code128_svg;

    #[test]
    fn a_tag_becomes_start_b_data_checksum_and_stop() {
        let svg = code128_svg("WB00000001", 40).unwrap();
        // START-B is 11010010000: bars of width 2, 1 and 1 after the quiet zone.
        assert!(svg.contains("<rect x=\"10\" width=\"2\""), "{svg}");
        assert!(svg.contains("<rect x=\"13\" width=\"1\""));
        assert!(svg.contains("<rect x=\"16\" width=\"1\""));
        // 11 modules per symbol (start, 10 characters, checksum) plus a 13-module stop: 145,
        // plus the quiet zones.
        assert!(svg.contains("viewBox=\"0 0 165 40\""), "{svg}");
        assert!(!svg.contains("style"));
    }

    #[test]
    fn characters_outside_set_b_are_refused() {
        assert!(code128_svg("Ünïcode", 40).is_none());
    }
}
