//! Accessible SVG bar charts, drawn on the server.
//!
//! A chart is never the only way to read a figure: every page that shows one shows the same
//! data as a table next to it, and the SVG carries a title and a description for screen
//! readers (`role="img"`). Bars of a second series are hatched, so the chart reads without
//! colour too. Hidden cells (small-cell suppression, [`sterk_domain::figures`]) are drawn as
//! a short dashed mark with a label, never as a zero.
//!
//! All text that enters the SVG is escaped here; templates insert the result with `|safe`.

use std::fmt::Write;
use sterk_domain::figures::Cell;

/// One series of values, one per label.
#[derive(Debug, Clone)]
pub struct Series {
    /// The series' name (legend).
    pub name: String,
    /// One value per label.
    pub values: Vec<Cell>,
}

/// A grouped bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// A unique id on the page (for `aria-labelledby`).
    pub id: String,
    /// The title (read first by screen readers).
    pub title: String,
    /// A one-sentence description, e.g. "The same figures are in the table below."
    pub desc: String,
    /// Labels along the horizontal axis (e.g. months).
    pub labels: Vec<String>,
    /// The series (one or two read best).
    pub series: Vec<Series>,
    /// The short mark written above a hidden cell (e.g. "< 5").
    pub hidden_mark: String,
    /// Formats an axis value (counts as they are; cents as euros).
    pub money: bool,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;
/// Fill colours with at least 3:1 contrast against white (WCAG 1.4.11).
const COLOURS: [&str; 3] = ["#0b5394", "#1e6b34", "#7a3e9d"];

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A "nice" upper bound for the axis (1, 2 or 5 × a power of ten) at or above `max`.
fn nice_max(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            if let Some(v) = step.checked_mul(m)
                && v >= max
            {
                return v;
            }
        }
        match step.checked_mul(10) {
            Some(s) => step = s,
            None => return max,
        }
    }
}

/// Formats an axis value: a count, or cents as whole euros with thin spaces.
pub fn axis_value(v: i64, money: bool) -> String {
    let n = if money { v / 100 } else { v };
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(ch);
    }
    let sign = if n < 0 { "-" } else { "" };
    if money {
        format!("€\u{a0}{sign}{grouped}")
    } else {
        format!("{sign}{grouped}")
    }
}

/// The chart as SVG markup.
pub fn bar_chart(c: &BarChart) -> String {
    let id = esc(&c.id);
    let max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().filter_map(|v| v.value()))
        .max()
        .unwrap_or(0)
        .max(0);
    let top = nice_max(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let groups = c.labels.len().max(1) as f64;
    let group_w = plot_w / groups;
    let nseries = c.series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / nseries).max(1.0);
    let y_of = |v: i64| TOP + plot_h - (v.max(0) as f64 / top as f64) * plot_h;

    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(&c.title),
        esc(&c.desc)
    );
    let _ = write!(
        s,
        r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="{}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>"##,
        COLOURS[1]
    );
    // Grid and axis values: 0, half, top.
    for frac in [0.0, 0.5, 1.0] {
        let v = (top as f64 * frac).round() as i64;
        let y = y_of(v);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#c4c9cf" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#1a1a1a">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            D1(y + 4.0),
            esc(&axis_value(v, c.money)),
            y = D1(y),
        );
    }
    for (gi, label) in c.labels.iter().enumerate() {
        let gx = LEFT + gi as f64 * group_w + group_w * 0.1;
        for (si, series) in c.series.iter().enumerate() {
            let x = gx + si as f64 * bar_w;
            let fill = if si == 1 {
                format!("url(#{id}-hatch)")
            } else {
                COLOURS[si % COLOURS.len()].to_string()
            };
            match series.values.get(gi).copied() {
                Some(Cell::Value(v)) => {
                    let y = y_of(v);
                    let h = (TOP + plot_h - y).max(0.0);
                    let _ = write!(
                        s,
                        r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{fill}"/>"#,
                        D1((bar_w - 1.0).max(0.5)),
                        x = D1(x),
                        y = D1(y),
                        h = D1(h),
                    );
                }
                Some(Cell::Hidden) => {
                    let y = TOP + plot_h - 2.0;
                    let _ = write!(
                        s,
                        r##"<line x1="{x:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#4a4a4a" stroke-width="2" stroke-dasharray="3 2"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#4a4a4a">{}</text>"##,
                        D1(x + bar_w - 1.0),
                        D1(x + bar_w / 2.0),
                        D1(y - 4.0),
                        esc(&c.hidden_mark),
                        x = D1(x),
                        y = D1(y),
                    );
                }
                None => {}
            }
        }
        // Label every group when there are few, else every other one.
        let every = if c.labels.len() > 16 { 2 } else { 1 };
        if gi % every == 0 {
            let lx = LEFT + gi as f64 * group_w + group_w / 2.0;
            let ly = TOP + plot_h + 16.0;
            let _ = write!(
                s,
                r##"<text x="{lx:.1}" y="{ly:.1}" text-anchor="middle" font-size="11" fill="#1a1a1a">{}</text>"##,
                esc(label),
                lx = D1(lx),
                ly = D1(ly),
            );
        }
    }
    // Legend.
    let mut lx = LEFT;
    let ly = HEIGHT - 16.0;
    for (si, series) in c.series.iter().enumerate() {
        let fill = if si == 1 {
            format!("url(#{id}-hatch)")
        } else {
            COLOURS[si % COLOURS.len()].to_string()
        };
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{fill}"/><text x="{:.1}" y="{ly:.1}" font-size="12" fill="#1a1a1a">{}</text>"##,
            D1(ly - 10.0),
            D1(lx + 16.0),
            esc(&series.name),
            lx = D1(lx),
            ly = D1(ly),
        );
        lx += 24.0 + 7.0 * series.name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// A coordinate written with one decimal, as `{:.1}` writes it but without the exact
/// decimal expansion of the float (most of a chart's time went there): rounded to tenths,
/// halves away from zero.
struct D1(f64);

impl std::fmt::Display for D1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if !tenths.is_finite() || tenths.abs() >= 1e15 {
            return write!(f, "{:.1}", self.0);
        }
        let t = tenths as i64;
        let sign = if t < 0 { "-" } else { "" };
        let a = t.unsigned_abs();
        write!(f, "{sign}{}.{}", a / 10, a % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal() {
        for (x, want) in [
            (0.0, "0.0"),
            (12.34, "12.3"),
            (12.36, "12.4"),
            (-3.26, "-3.3"),
            (280.0, "280.0"),
            (0.95, "1.0"),
            (-0.04, "0.0"),
        ] {
            assert_eq!(D1(x).to_string(), want, "{x}");
        }
        assert_eq!(D1(f64::NAN).to_string(), "NaN");
        // Away from halves, the same text as `{:.1}`.
        for i in 0..10_000 {
            let x = f64::from(i) * 0.0731 - 200.0;
            if ((x * 10.0).fract().abs() - 0.5).abs() > 1e-6 {
                let want = format!("{x:.1}");
                let got = D1(x).to_string();
                assert!(
                    got == want || (want == "-0.0" && got == "0.0"),
                    "{x}: {got} vs {want}"
                );
            }
        }
    }

    fn chart(values: Vec<Cell>) -> BarChart {
        BarChart {
            id: "c1".into(),
            title: "Toegekend <per> maand".into(),
            desc: "Dezelfde cijfers staan in de tabel.".into(),
            labels: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
            series: vec![Series {
                name: "Toegekend".into(),
                values,
            }],
            hidden_mark: "< 5".into(),
            money: false,
        }
    }

    #[test]
    fn bars_titles_and_hidden_marks() {
        let svg = bar_chart(&chart(vec![Cell::Value(10), Cell::Hidden, Cell::Value(0)]));
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"c1-t\">Toegekend &lt;per&gt; maand</title>"));
        assert_eq!(
            svg.matches("<rect x=").count(),
            2 + 1,
            "two bars and a legend box"
        );
        assert!(svg.contains("&lt; 5"));
        assert!(!svg.contains("<per>"));
    }

    #[test]
    fn axis_tops_are_nice() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(201), 500);
        assert_eq!(nice_max(i64::MAX), i64::MAX);
        assert_eq!(
            axis_value(123_456_700, true),
            "€\u{a0}1\u{202f}234\u{202f}567"
        );
        assert_eq!(axis_value(1500, false), "1\u{202f}500");
    }
}
