//! The Satisfaction Map: one line per rater across the steps that were scored, with the gaps the
//! `satisfaction-gap` rule reports marked. Drawn as a self-contained SVG (no script, no network).

use super::escape::html_escape;
use crate::model::UseCase;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The chart of `uc`'s satisfaction scores, or an empty chart when none is scored.
pub fn satisfaction_map(uc: &UseCase, t: &BTreeMap<&'static str, &'static str>, min_gap: i64) -> String {
    let scored: Vec<(String, [Option<u8>; 3])> = uc
        .steps
        .iter()
        .filter_map(|s| {
            let v = s.satisfaction.as_ref()?.value;
            let title = s
                .title
                .as_ref()
                .map_or_else(|| s.id.value.clone(), |x| x.value.clone());
            Some((title, [v.customer, v.staff, v.management]))
        })
        .collect();
    let (left, top, col, row) = (60.0, 30.0, 150.0, 40.0);
    let width = left + col * scored.len().max(1) as f64 + 40.0;
    let height = top + row * 4.0 + 130.0;
    let x = |i: usize| left + col * (i as f64 + 0.5);
    let y = |score: u8| top + row * (5.0 - f64::from(score));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>"##
    );
    for score in 1..=5u8 {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{score}</text>"##,
            width - 30.0,
            left - 8.0,
            y(score) + 4.0,
            y = y(score)
        );
    }
    let raters = [
        (t["customer"], "#1f5fa8", ""),
        (t["staff"], "#2e7d32", "6 3"),
        (t["management"], "#8e24aa", "2 3"),
    ];
    for (i, (title, scores)) in scored.iter().enumerate() {
        let known: Vec<u8> = scores.iter().flatten().copied().collect();
        if let (Some(lo), Some(hi)) = (known.iter().min(), known.iter().max())
            && i64::from(hi - lo) >= min_gap
        {
            let _ = write!(
                svg,
                r##"<rect x="{}" y="{}" width="16" height="{}" fill="#fdd" stroke="#c62828"><title>{} {}</title></rect>"##,
                x(i) - 8.0,
                y(*hi) - 6.0,
                y(*lo) - y(*hi) + 12.0,
                t["gap"],
                hi - lo
            );
        }
        let label: String = title.chars().take(24).collect();
        let ellipsis = if title.chars().count() > 24 { "…" } else { "" };
        let _ = write!(
            svg,
            r#"<text transform="translate({},{}) rotate(30)" font-size="11">{}{ellipsis}<title>{}</title></text>"#,
            x(i) - 10.0,
            top + row * 4.0 + 20.0,
            html_escape(&label),
            html_escape(title)
        );
    }
    for (r, (name, colour, dash)) in raters.iter().enumerate() {
        let points: Vec<String> = scored
            .iter()
            .enumerate()
            .filter_map(|(i, (_, s))| s[r].map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        if points.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"#,
            points.join(" ")
        );
        for p in &points {
            let (px, py) = p.split_once(',').expect("formatted above");
            let _ = write!(svg, r#"<circle cx="{px}" cy="{py}" r="4" fill="{colour}"/>"#);
        }
        let ly = height - 20.0;
        let lx = left + 140.0 * r as f64;
        let _ = write!(
            svg,
            r#"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{}" y="{}">{}</text>"#,
            lx + 24.0,
            lx + 30.0,
            ly + 4.0,
            html_escape(name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}
