//! Charts drawn on the server as inline SVG (no JavaScript): a bar chart of labelled values on a
//! labelled value axis, negative values drawn below zero, and each value written on its bar when
//! there are few enough to read. Labels are escaped; the table beside the chart has the figures.

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The value axis's ticks for values from `min` to `max`: zero and round steps (1, 2 or 5 times
/// a power of ten), at most about six, covering both ends.
pub fn ticks(min: f64, max: f64) -> Vec<f64> {
    let (lo, hi) = (min.min(0.0), max.max(0.0));
    if hi - lo <= 0.0 || !(hi - lo).is_finite() {
        return vec![0.0];
    }
    let rough = (hi - lo) / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick's label: whole numbers grouped by thousands ("12,500"), a fraction kept short.
fn tick_label(v: f64) -> String {
    if v.fract().abs() > 1e-9 {
        return format!("{v:.1}");
    }
    let digits = format!("{}", v.abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("−{out}") } else { out }
}

/// A bar chart `width` × `height` pixels of (label, value) pairs.
pub fn bars(title: &str, points: &[(String, f64)], width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let (left, right, bottom, top) = (56.0, 8.0, 24.0, 14.0);
    let min = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let ticks = ticks(min, max);
    let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
    let plot = h - bottom - top;
    let y = |v: f64| {
        if hi > lo {
            top + (hi - v) / (hi - lo) * plot
        } else {
            h - bottom
        }
    };
    let n = points.len().max(1) as f64;
    let slot = (w - left - right) / n;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(title)
    );
    for t in &ticks {
        let ty = y(*t);
        let stroke = if *t == 0.0 { "#8d99a6" } else { "#e3e8ee" };
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{ty:.1}\" x2=\"{x2}\" y2=\"{ty:.1}\" stroke=\"{stroke}\" class=\"tick\"/>\
             <text x=\"{lx}\" y=\"{ly:.1}\" font-size=\"10\" text-anchor=\"end\" class=\"tick-label\">{}</text>",
            tick_label(*t),
            x2 = w - right,
            lx = left - 6.0,
            ly = ty + 3.5
        ));
    }
    let every = ((points.len() as f64) / 12.0).ceil().max(1.0) as usize;
    let zero = y(0.0);
    for (i, (label, value)) in points.iter().enumerate() {
        let end = y(*value);
        let (bar_y, bar_h) = if *value >= 0.0 {
            (end, zero - end)
        } else {
            (zero, end - zero)
        };
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let fill = if *value < 0.0 { "#c0392b" } else { "#2b6cb0" };
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{bar_y:.1}\" width=\"{bar:.1}\" height=\"{bar_h:.1}\" fill=\"{fill}\"><title>{}: {value:.2}</title></rect>",
            esc(label)
        ));
        if points.len() <= 12 {
            let vy = if *value >= 0.0 { end - 3.0 } else { end + 11.0 };
            svg.push_str(&format!(
                "<text x=\"{tx:.1}\" y=\"{vy:.1}\" font-size=\"10\" text-anchor=\"middle\" class=\"bar-value\">{}</text>",
                tick_label(value.round()),
                tx = x + bar / 2.0
            ));
        }
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
    fn ticks_are_round_steps_from_zero_covering_both_ends() {
        assert_eq!(ticks(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(0.0, 87.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(-2276.92, 9000.0), vec![-5000.0, 0.0, 5000.0, 10000.0]);
        assert_eq!(ticks(0.0, 0.0), vec![0.0]);
        assert_eq!(tick_label(12500.0), "12,500");
        assert_eq!(tick_label(-2000.0), "−2,000");
    }

    #[test]
    fn the_tallest_bar_reaches_the_top_tick_and_labels_are_escaped() {
        let svg = bars(
            "Revenue <by day>",
            &[("a&b".into(), 50.0), ("c".into(), 100.0)],
            200,
            132,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"Revenue &lt;by day&gt;\""));
        assert!(svg.contains("a&amp;b: 50.00"));
        // 132 − 24 − 14 = 94 px from 0 to the top tick, 100.
        assert!(svg.contains("height=\"94.0\""), "{svg}");
        assert!(svg.contains("height=\"47.0\""), "{svg}");
        assert!(
            svg.contains(">100</text>") && svg.contains(">50</text>"),
            "values on the bars"
        );
        assert_eq!(bars("empty", &[], 100, 50).matches("<rect").count(), 0);
    }

    #[test]
    fn a_negative_value_is_drawn_below_the_zero_line() {
        let svg = bars(
            "Margin",
            &[("loss".into(), -50.0), ("gain".into(), 100.0)],
            200,
            144,
        );
        // Ticks −50…100 by 50 (rough step 30 → 50): 144 − 24 − 14 = 106 px over 150, so the
        // zero line is at 14 + 100/150 × 106 = 84.7 and the loss runs 35.3 px below it.
        assert!(
            svg.contains("y=\"84.7\" width=\"") && svg.contains("height=\"35.3\" fill=\"#c0392b\""),
            "{svg}"
        );
        assert!(svg.contains(">−50</text>"), "{svg}");
    }
}
