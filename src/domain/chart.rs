//! Charts drawn on the server as inline SVG (no JavaScript, nothing to hover): a bar chart of
//! periods on a labelled value axis, negative values drawn below zero, and each value written
//! on its bar when there are few enough to read; named things (services, branches, people) as
//! horizontal bars with the whole name beside each bar and its value after it. One value is
//! shown as that figure, not as a lone bar. Labels are escaped; the table beside the chart has
//! the figures.

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

/// A value as written beside its bar: grouped by thousands, after its unit (`KES 12,500`).
fn value_label(unit: &str, v: f64) -> String {
    let v = if (v - v.round()).abs() < 0.005 {
        v.round()
    } else {
        v
    };
    let shown = if v.fract().abs() > 1e-9 {
        let whole = tick_label(v.trunc());
        let cents = format!("{:.2}", v.abs().fract());
        let sign = if v < 0.0 && v.trunc() == 0.0 {
            "−"
        } else {
            ""
        };
        format!("{sign}{whole}{}", &cents[1..])
    } else {
        tick_label(v)
    };
    if unit.is_empty() {
        shown
    } else {
        format!("{unit} {shown}")
    }
}

/// One value, shown as its figure (a chart of one bar says less than the number).
fn single(title: &str, unit: &str, (label, value): &(String, f64)) -> String {
    format!(
        "<div class=\"single-figure\" role=\"img\" aria-label=\"{}\"><span>{}</span><strong>{}</strong></div>",
        esc(title),
        esc(label),
        value_label(unit, *value)
    )
}

/// A bar chart `width` × `height` pixels of (label, value) pairs, values in `unit` (a currency
/// code, or empty for counts).
pub fn bars(title: &str, unit: &str, points: &[(String, f64)], width: u32, height: u32) -> String {
    if let [one] = points {
        return single(title, unit, one);
    }
    let (w, h) = (f64::from(width), f64::from(height));
    // Room above the axis for its unit, when there is one.
    let top = if unit.is_empty() { 14.0 } else { 24.0 };
    let (left, right, bottom) = (56.0, 8.0, 24.0);
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
    if !unit.is_empty() {
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"10\" font-size=\"10\" text-anchor=\"end\" class=\"axis-unit\">{}</text>",
            esc(unit),
            lx = left - 6.0
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
            "<rect x=\"{x:.1}\" y=\"{bar_y:.1}\" width=\"{bar:.1}\" height=\"{bar_h:.1}\" fill=\"{fill}\"><title>{}: {}</title></rect>",
            esc(label),
            value_label(unit, *value)
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

/// Horizontal bars for named things: each name whole on the left (up to 28 characters, the rest
/// cut with an ellipsis and kept in the bar's title), the bar on a labelled value axis (negative
/// ones to the left of zero, in red), and its value beside it in `unit`. `width` pixels wide,
/// as tall as the bars need.
pub fn hbars(title: &str, unit: &str, points: &[(String, f64)], width: u32) -> String {
    if let [one] = points {
        return single(title, unit, one);
    }
    const ROW: f64 = 26.0;
    let w = f64::from(width);
    let (label_w, value_w, top, bottom) = (190.0, 110.0, 22.0, 6.0);
    let h = top + bottom + ROW * points.len().max(1) as f64;
    let min = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let ticks = ticks(min, max);
    let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
    let (x0, x1) = (label_w, w - value_w);
    let x = |v: f64| {
        if hi > lo {
            x0 + (v - lo) / (hi - lo) * (x1 - x0)
        } else {
            x0
        }
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {h}\" width=\"{width}\" height=\"{h}\" role=\"img\" aria-label=\"{}\" class=\"chart hbars\">",
        esc(title)
    );
    for t in &ticks {
        let tx = x(*t);
        let stroke = if *t == 0.0 { "#8d99a6" } else { "#e3e8ee" };
        svg.push_str(&format!(
            "<line x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{y2}\" stroke=\"{stroke}\" class=\"tick\"/>\
             <text x=\"{tx:.1}\" y=\"14\" font-size=\"10\" text-anchor=\"middle\" class=\"tick-label\">{}</text>",
            tick_label(*t),
            y2 = h - bottom
        ));
    }
    let zero = x(0.0);
    for (i, (label, value)) in points.iter().enumerate() {
        let row = top + ROW * i as f64;
        let end = x(*value);
        let (bx, bw) = if *value >= 0.0 {
            (zero, end - zero)
        } else {
            (end, zero - end)
        };
        let fill = if *value < 0.0 { "#c0392b" } else { "#2b6cb0" };
        let name: String = if label.chars().count() > 28 {
            format!("{}…", label.chars().take(27).collect::<String>())
        } else {
            label.clone()
        };
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty:.1}\" font-size=\"12\" text-anchor=\"end\" class=\"bar-name\">{}</text>\
             <rect x=\"{bx:.1}\" y=\"{ry:.1}\" width=\"{bw:.1}\" height=\"16\" fill=\"{fill}\"><title>{}: {}</title></rect>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\" font-size=\"11\" class=\"bar-value\">{}</text>",
            esc(&name),
            esc(label),
            value_label(unit, *value),
            value_label(unit, *value),
            lx = label_w - 8.0,
            ty = row + 17.0,
            ry = row + 5.0,
            vx = x(value.max(0.0)) + 6.0,
        ));
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
            "",
            &[("a&b".into(), 50.0), ("c".into(), 100.0)],
            200,
            132,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"Revenue &lt;by day&gt;\""));
        assert!(svg.contains("<title>a&amp;b: 50</title>"));
        // 132 − 24 − 14 = 94 px from 0 to the top tick, 100.
        assert!(svg.contains("height=\"94.0\""), "{svg}");
        assert!(svg.contains("height=\"47.0\""), "{svg}");
        assert!(
            svg.contains(">100</text>") && svg.contains(">50</text>"),
            "values on the bars"
        );
        assert_eq!(bars("empty", "", &[], 100, 50).matches("<rect").count(), 0);
    }

    #[test]
    fn a_negative_value_is_drawn_below_the_zero_line() {
        let svg = bars(
            "Margin",
            "",
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

    #[test]
    fn the_value_axis_names_its_unit() {
        let svg = bars(
            "Revenue",
            "KES",
            &[("a".into(), 5.0), ("b".into(), 10.0)],
            200,
            144,
        );
        assert!(svg.contains("class=\"axis-unit\">KES</text>"), "{svg}");
        assert!(
            !bars(
                "Units",
                "",
                &[("a".into(), 5.0), ("b".into(), 1.0)],
                200,
                144
            )
            .contains("axis-unit")
        );
    }

    #[test]
    fn one_value_is_shown_as_its_figure_not_a_lone_bar() {
        let shown = bars(
            "Revenue per period",
            "KES",
            &[("2026-03".into(), 12500.5)],
            720,
            220,
        );
        assert_eq!(
            shown,
            "<div class=\"single-figure\" role=\"img\" aria-label=\"Revenue per period\"><span>2026-03</span><strong>KES 12,500.50</strong></div>"
        );
        assert!(hbars("Profit", "KES", &[("Oil change".into(), -10.0)], 600).contains("KES −10"));
    }

    #[test]
    fn named_bars_keep_the_whole_name_beside_the_bar_and_the_value_after_it() {
        let svg = hbars(
            "Profit per service",
            "KES",
            &[
                ("Phone screen replacement".into(), 4692.86),
                ("A service with a name far too long to fit".into(), -2000.0),
            ],
            600,
        );
        // Two rows of 26 px under the 22 px axis, 6 px below.
        assert!(svg.contains("viewBox=\"0 0 600 80\""), "{svg}");
        assert!(svg.contains(">Phone screen replacement</text>"), "{svg}");
        assert!(
            svg.contains(">A service with a name far t…</text>")
                && svg.contains(
                    "<title>A service with a name far too long to fit: KES −2,000</title>"
                ),
            "{svg}"
        );
        assert!(svg.contains(">KES 4,692.86</text>"), "{svg}");
        // The loss is red and left of zero: ticks −2,000…6,000 over 190…490 px put zero at 265.
        assert!(
            svg.contains(
                "<rect x=\"190.0\" y=\"53.0\" width=\"75.0\" height=\"16\" fill=\"#c0392b\">"
            ),
            "{svg}"
        );
    }
}
