//! Charts drawn on the server as inline SVG (no JavaScript): a bar chart of labelled values.
//! Labels are escaped; the figures people read are in the table beside the chart.

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart `width` × `height` pixels of (label, value) pairs; negative values draw as zero.
pub fn bars(title: &str, points: &[(String, f64)], width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let (left, bottom, top) = (8.0, 24.0, 8.0);
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let n = points.len().max(1) as f64;
    let slot = (w - left * 2.0) / n;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(title)
    );
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#8d99a6\"/>",
        y = h - bottom,
        x2 = w - left
    ));
    let every = ((points.len() as f64) / 12.0).ceil().max(1.0) as usize;
    for (i, (label, value)) in points.iter().enumerate() {
        let v = value.max(0.0);
        let bh = if max > 0.0 {
            (h - bottom - top) * v / max
        } else {
            0.0
        };
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"#2b6cb0\"><title>{}: {value:.2}</title></rect>",
            esc(label),
            y = h - bottom - bh
        ));
        if i % every == 0 {
            svg.push_str(&format!(
                "<text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                esc(label),
                tx = x + bar / 2.0,
                ty = h - 8.0
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tallest_bar_fills_the_plot_and_labels_are_escaped() {
        let svg = bars(
            "Revenue <by day>",
            &[("a&b".into(), 50.0), ("c".into(), 100.0)],
            200,
            132,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"Revenue &lt;by day&gt;\""));
        assert!(svg.contains("a&amp;b: 50.00"));
        assert!(
            svg.contains("height=\"100.0\""),
            "132 − 24 − 8 = 100 for the largest: {svg}"
        );
        assert!(svg.contains("height=\"50.0\""));
        assert_eq!(bars("empty", &[], 100, 50).matches("<rect").count(), 0);
    }
}
