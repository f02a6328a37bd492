//! The handbook's charts, drawn by casebook itself (no script, no network):
//!
//! - the Satisfaction Map of a use case, a self-contained SVG: one line per rater across the steps
//!   that were scored, with the gaps the `satisfaction-gap` rule reports marked. Its geometry is
//!   computed first ([`SatisfactionLayout`]) and only then written out, so tests check where
//!   things are: the legend inside the picture at any number of steps, and every score visible
//!   when raters agree (each rater has its own mark and its own offset from the step's centre);
//! - the handoff heatmaps of the analytics page, an HTML table ([`heatmap`]) readable in every
//!   mdBook theme: scored cells carry their own background and ink, chosen for contrast.

use super::escape::html_escape;
use crate::model::UseCase;
use std::collections::BTreeMap;
use std::fmt::Write;

type Labels = BTreeMap<&'static str, &'static str>;

/// Font size of the chart's text, in SVG units.
const FONT: f64 = 12.0;
/// Estimated width of a character, in em: generous for sans-serif (wide capitals included), so a
/// text measured with it fits the room it is given.
const CHAR_EM: f64 = 0.7;
/// Width of a step's column.
const COLUMN: f64 = 150.0;
/// Height of one score step on the axis.
const ROW: f64 = 40.0;
/// Left margin (the score axis).
const LEFT: f64 = 40.0;
/// Right and outer margins.
const MARGIN: f64 = 16.0;
/// Horizontal distance between the marks of two raters at the same step.
const OFFSET: f64 = 10.0;
/// Vertical distance between the marks of two raters at the same score.
const NUDGE: f64 = 3.0;
/// Lines of a step's label under the axis.
const LABEL_LINES: usize = 3;
/// Height of a line of text.
const LINE: f64 = 15.0;
/// Legend: width of the sample line and mark, and the gap after a legend entry.
const SAMPLE: f64 = 30.0;
const LEGEND_GAP: f64 = 18.0;

/// How each rater is drawn: its colour, dash pattern and mark.
const RATERS: [(&str, &str, &str, Mark); 3] = [
    ("customer", "#1f5fa8", "", Mark::Circle),
    ("staff", "#2e7d32", "6 3", Mark::Square),
    ("management", "#8e24aa", "2 3", Mark::Diamond),
];

/// The mark of a rater's scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A dot (the customer).
    Circle,
    /// A square (the staff).
    Square,
    /// A diamond (management).
    Diamond,
}

/// A rectangle in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// One score drawn on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Index of the rater in customer, staff, management.
    pub rater: usize,
    /// Index of the step among the scored ones.
    pub step: usize,
    /// The score, 1 to 5.
    pub value: u8,
    /// Centre of its mark.
    pub x: f64,
    /// Centre of its mark.
    pub y: f64,
}

/// A legend entry: a rater, where its sample and name sit.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    /// Index of the rater.
    pub rater: usize,
    /// The box the entry takes (sample, then name), text width estimated generously.
    pub bounds: Rect,
}

/// A scored step, a column of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredStep {
    /// Its full title (shown on hover).
    pub title: String,
    /// The lines of its label under the axis.
    pub lines: Vec<String>,
    /// The column's centre.
    pub x: f64,
    /// The lowest and highest score when they differ by the rule's gap or more.
    pub gap: Option<(u8, u8)>,
}

/// The geometry of a satisfaction map, before it is written out.
#[derive(Clone, Debug, PartialEq)]
pub struct SatisfactionLayout {
    /// Width of the picture (its viewBox).
    pub width: f64,
    /// Height of the picture (its viewBox).
    pub height: f64,
    /// The legend's entries, in rows at the top.
    pub legend: Vec<LegendEntry>,
    /// Every score given, with where its mark is.
    pub scores: Vec<Score>,
    /// The scored steps, left to right.
    pub steps: Vec<ScoredStep>,
    /// The y of score 5 (top of the plot).
    pub plot_top: f64,
}

fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_EM * FONT
}

/// `text` in lines of at most `chars` characters, broken at spaces (a longer word is cut), at most
/// `max_lines` of them, the last ending with an ellipsis when text was left out.
fn wrap(text: &str, chars: usize, max_lines: usize) -> Vec<String> {
    let chars = chars.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line: Vec<char> = Vec::new();
    for word in text.split_whitespace() {
        let mut rest: Vec<char> = word.chars().collect();
        loop {
            let need = if line.is_empty() {
                rest.len()
            } else {
                line.len() + 1 + rest.len()
            };
            if need <= chars {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.append(&mut rest);
                break;
            }
            if !line.is_empty() {
                lines.push(line.drain(..).collect());
                continue;
            }
            // A word longer than a line: cut it.
            lines.push(rest.drain(..chars).collect());
        }
    }
    if !line.is_empty() {
        lines.push(line.into_iter().collect());
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        let mut s: String = last.chars().take(chars - 1).collect();
        s.push('…');
        *last = s;
    }
    lines
}

/// The geometry of `uc`'s satisfaction map; `min_gap` is the `satisfaction-gap` rule's option.
pub fn satisfaction_layout(uc: &UseCase, t: &Labels, min_gap: i64) -> SatisfactionLayout {
    let scored: Vec<(String, [Option<u8>; 3])> = uc
        .steps
        .iter()
        .filter_map(|s| {
            let v = s.satisfaction.as_ref()?.value;
            let title = s
                .title
                .as_ref()
                .map_or_else(|| s.id.value.to_string(), |x| x.value.clone());
            Some((title, [v.customer, v.staff, v.management]))
        })
        .collect();
    let plot_width = LEFT + COLUMN * scored.len().max(1) as f64 + MARGIN;
    // The raters who gave a score, each a legend entry; the picture is at least as wide as the
    // widest entry, and entries wrap onto new rows within it.
    let present: Vec<usize> = (0..RATERS.len())
        .filter(|&r| scored.iter().any(|(_, s)| s[r].is_some()))
        .collect();
    let entry_width = |r: usize| SAMPLE + 6.0 + text_width(t[RATERS[r].0]);
    let widest = present.iter().map(|&r| entry_width(r)).fold(0.0, f64::max);
    let width = plot_width.max(2.0 * MARGIN + widest);
    let mut legend = Vec::new();
    let (mut x, mut y) = (MARGIN, MARGIN);
    for &r in &present {
        let w = entry_width(r);
        if x > MARGIN && x + w > width - MARGIN {
            x = MARGIN;
            y += LINE + 6.0;
        }
        legend.push(LegendEntry {
            rater: r,
            bounds: Rect { x, y, w, h: LINE },
        });
        x += w + LEGEND_GAP;
    }
    let plot_top = y + LINE + 24.0;
    let y_of = |score: u8| plot_top + ROW * (5.0 - f64::from(score));
    let centre = |i: usize| LEFT + COLUMN * (i as f64 + 0.5);
    // Step labels are centred in their column: an estimate of 0.6 em keeps neighbours apart.
    let label_chars = ((COLUMN - 10.0) / (0.6 * 11.0)) as usize;
    let mut steps = Vec::new();
    let mut scores = Vec::new();
    for (i, (title, values)) in scored.iter().enumerate() {
        let known: Vec<u8> = values.iter().flatten().copied().collect();
        let gap = match (known.iter().min(), known.iter().max()) {
            (Some(&lo), Some(&hi)) if i64::from(hi - lo) >= min_gap => Some((lo, hi)),
            _ => None,
        };
        steps.push(ScoredStep {
            title: title.clone(),
            lines: wrap(title, label_chars, LABEL_LINES),
            x: centre(i),
            gap,
        });
        for (r, v) in values.iter().enumerate() {
            if let Some(v) = *v {
                scores.push(Score {
                    rater: r,
                    step: i,
                    value: v,
                    x: centre(i) + OFFSET * (r as f64 - 1.0),
                    // A nudge up or down too, so that two raters' lines at the same score run
                    // side by side instead of on top of each other.
                    y: y_of(v) + NUDGE * (r as f64 - 1.0),
                });
            }
        }
    }
    let height = y_of(1) + 16.0 + LINE * LABEL_LINES as f64 + MARGIN;
    SatisfactionLayout {
        width,
        height,
        legend,
        scores,
        steps,
        plot_top,
    }
}

fn mark(svg: &mut String, kind: Mark, x: f64, y: f64, colour: &str, title: &str) {
    let title = html_escape(title);
    let _ = match kind {
        Mark::Circle => write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}"><title>{title}</title></circle>"#
        ),
        Mark::Square => write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{colour}" stroke="#fff" stroke-width="1"><title>{title}</title></rect>"##,
            x - 4.0,
            y - 4.0
        ),
        Mark::Diamond => write!(
            svg,
            r##"<polygon points="{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}" fill="{colour}" stroke="#fff" stroke-width="1"><title>{title}</title></polygon>"##,
            y - 5.5,
            x + 5.5,
            y + 5.5,
            x - 5.5
        ),
    };
}

/// The chart of `uc`'s satisfaction scores, or an empty chart when none is scored.
pub fn satisfaction_map(uc: &UseCase, t: &Labels, min_gap: i64) -> String {
    let layout = satisfaction_layout(uc, t, min_gap);
    let SatisfactionLayout {
        width,
        height,
        plot_top,
        ..
    } = layout;
    let y_of = |score: u8| plot_top + ROW * (5.0 - f64::from(score));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}"><rect width="100%" height="100%" fill="#fff"/>"##
    );
    svg.push_str(r#"<g class="casebook-legend">"#);
    for e in &layout.legend {
        let (_, colour, dash, kind) = RATERS[e.rater];
        let name = t[RATERS[e.rater].0];
        let mid = e.bounds.y + e.bounds.h / 2.0;
        let _ = write!(
            svg,
            r#"<line x1="{:.1}" x2="{:.1}" y1="{mid:.1}" y2="{mid:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
            e.bounds.x,
            e.bounds.x + SAMPLE
        );
        mark(&mut svg, kind, e.bounds.x + SAMPLE / 2.0, mid, colour, name);
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#000">{}</text>"##,
            e.bounds.x + SAMPLE + 6.0,
            mid + 4.0,
            html_escape(name)
        );
    }
    svg.push_str("</g>");
    for score in 1..=5u8 {
        let y = y_of(score);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end" fill="#000">{score}</text>"##,
            width - MARGIN,
            LEFT - 8.0,
            y + 4.0,
        );
    }
    for ScoredStep { title, lines, x, gap } in &layout.steps {
        if let Some((lo, hi)) = gap {
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{:.1}" width="{}" height="{:.1}" fill="#fdd" stroke="#c62828"><title>{} {}</title></rect>"##,
                x - OFFSET - 9.0,
                y_of(*hi) - 9.0,
                2.0 * OFFSET + 18.0,
                y_of(*lo) - y_of(*hi) + 18.0,
                t["gap"],
                hi - lo
            );
        }
        let _ = write!(
            svg,
            r##"<text text-anchor="middle" font-size="11" fill="#000"><title>{}</title>"##,
            html_escape(title)
        );
        for (k, line) in lines.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<tspan x="{x:.1}" y="{:.1}">{}</tspan>"#,
                y_of(1) + 24.0 + LINE * k as f64,
                html_escape(line)
            );
        }
        svg.push_str("</text>");
    }
    for (r, (key, colour, dash, kind)) in RATERS.iter().enumerate() {
        let mine: Vec<&Score> = layout.scores.iter().filter(|s| s.rater == r).collect();
        if mine.is_empty() {
            continue;
        }
        let points: Vec<String> = mine.iter().map(|s| format!("{:.1},{:.1}", s.x, s.y)).collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"#,
            points.join(" ")
        );
        for s in mine {
            mark(
                &mut svg,
                *kind,
                s.x,
                s.y,
                colour,
                &format!("{}: {}", t[key], s.value),
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Background and ink of a heatmap cell, from the quietest to the busiest level. Fixed colours
/// (not the theme's) so that a count reads the same in every mdBook theme, light or dark; each
/// pair has a contrast ratio of at least 4.5 (WCAG AA), which a test checks.
pub const HEAT: [(&str, &str); 5] = [
    ("#fde4dc", "#000000"),
    ("#f9b9a3", "#000000"),
    ("#f08a6c", "#000000"),
    ("#c0391b", "#ffffff"),
    ("#8b1a0e", "#ffffff"),
];

/// Longest name shown in a heatmap's header before it is shortened (the full name is on hover).
const HEADER_CHARS: usize = 22;

fn shorten(name: &str) -> String {
    if name.chars().count() <= HEADER_CHARS {
        return name.to_owned();
    }
    let mut s: String = name
        .chars()
        .take(HEADER_CHARS - 1)
        .collect::<String>()
        .trim_end()
        .to_owned();
    s.push('…');
    s
}

/// `template` with `{from}`, `{to}` and `{n}` replaced, each once, in one pass.
fn fill(template: &str, from: &str, to: &str, n: usize) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (value, len) = if tail.starts_with("{from}") {
            (from.to_owned(), 6)
        } else if tail.starts_with("{to}") {
            (to.to_owned(), 4)
        } else if tail.starts_with("{n}") {
            (n.to_string(), 3)
        } else {
            ("{".to_owned(), 1)
        };
        out.push_str(&value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// A matrix as an HTML table whose cells darken with their count; only rows and columns with a
/// handoff are shown. Every cell and header has its full names and count on hover (`title`);
/// the table sits in a scroll frame of its own, where the header row and the row names stay in
/// view (sticky, in `casebook.css`). `cell` words a cell's title, with `{from}`, `{to}` and `{n}`
/// in it ("{from} → {to} (handoffs: {n})"). Names are HTML-escaped
/// (this is a raw HTML block, Markdown does not apply).
pub fn heatmap(names: &[String], counts: &[Vec<usize>], cell: &str) -> String {
    let used: Vec<usize> = (0..names.len())
        .filter(|&i| counts[i].iter().any(|&n| n > 0) || counts.iter().any(|r| r[i] > 0))
        .collect();
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut html = String::from(
        "<div class=\"casebook-scroll casebook-heatmap-frame\" tabindex=\"0\"><table class=\"casebook-heatmap\">\n<thead><tr><th class=\"casebook-corner\"></th>",
    );
    for &j in &used {
        let _ = write!(
            html,
            "<th scope=\"col\" title=\"{}\"><span>{}</span></th>",
            html_escape(&names[j]),
            html_escape(&shorten(&names[j]))
        );
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for &i in &used {
        let _ = write!(
            html,
            "<tr><th scope=\"row\" title=\"{}\"><span>{}</span></th>",
            html_escape(&names[i]),
            html_escape(&names[i])
        );
        for &j in &used {
            let n = counts[i][j];
            // One pass over the template, so that a name holding `{n}` stays as written.
            let title = html_escape(&fill(cell, &names[i], &names[j], n));
            if n == 0 {
                let _ = write!(html, "<td title=\"{title}\"></td>");
            } else {
                let level = ((n * HEAT.len()).div_ceil(max)).clamp(1, HEAT.len()) - 1;
                let (bg, ink) = HEAT[level];
                let _ = write!(
                    html,
                    "<td title=\"{title}\" style=\"background:{bg};color:{ink}\">{n}</td>"
                );
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table></div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::model::Catalogue;

    /// The base fixture with one use case whose `steps:` are `steps` (the swimlane tests' own).
    fn catalogue(steps: &str) -> Catalogue {
        crate::swimlane::testing::use_case(steps).0
    }

    /// `n` scored steps, each scored `scores` (customer, staff, management), then an end.
    fn scored(n: usize, scores: &str, title: &str) -> Catalogue {
        let mut steps = String::new();
        for i in 0..n {
            let _ = write!(
                steps,
                "  - id: s{i}\n    title: {title} {i}\n    actor: billing\n    satisfaction: {scores}\n    next: s{}\n",
                i + 1
            );
        }
        let _ = write!(steps, "  - id: s{n}\n    end: done\n");
        catalogue(&steps)
    }

    fn inside(l: &SatisfactionLayout) -> bool {
        l.legend.iter().all(|e| {
            let b = e.bounds;
            b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= l.width && b.y + b.h < l.plot_top
        })
    }

    #[test]
    fn the_legend_is_inside_the_picture_however_few_the_steps() {
        for language in [Language::En, Language::Fr] {
            let t = crate::labels::table(language);
            for n in 1..=6 {
                let cat = scored(n, "{ customer: 2, staff: 4, management: 5 }", "Step");
                let l = satisfaction_layout(&cat.use_cases[0], &t, 2);
                assert_eq!(l.legend.len(), 3, "every rater who scored is in the legend");
                assert!(
                    inside(&l),
                    "{n} steps, {language:?}: {:?} in width {}",
                    l.legend,
                    l.width
                );
                // The legend text is the rater's name, drawn where the layout put it.
                let svg = satisfaction_map(&cat.use_cases[0], &t, 2);
                assert!(svg.contains(&format!(">{}</text>", t["management"])));
                assert!(svg.contains(&format!("viewBox=\"0 0 {} {}\"", l.width, l.height)));
            }
        }
    }

    #[test]
    fn equal_scores_get_distinct_marks_side_by_side() {
        let t = crate::labels::table(Language::En);
        let cat = scored(2, "{ customer: 3, staff: 3, management: 3 }", "Step");
        let l = satisfaction_layout(&cat.use_cases[0], &t, 2);
        assert_eq!(l.scores.len(), 6);
        for a in &l.scores {
            for b in l.scores.iter().filter(|b| b.step == a.step && b.rater != a.rater) {
                // Marks are 9 to 11 units wide: centres 8 apart keep each one visible.
                assert!((a.x - b.x).abs() >= 8.0, "{a:?} and {b:?} overlap");
            }
        }
        let svg = satisfaction_map(&cat.use_cases[0], &t, 2);
        // A circle, a square and a diamond per step, each named with its score on hover.
        assert_eq!(svg.matches("<title>Customer: 3</title></circle>").count(), 2);
        assert_eq!(svg.matches("<title>Staff: 3</title></rect>").count(), 2);
        assert_eq!(svg.matches("<title>Management: 3</title></polygon>").count(), 2);
    }

    #[test]
    fn a_rater_who_scored_nothing_is_not_in_the_legend_and_long_titles_are_wrapped() {
        let t = crate::labels::table(Language::En);
        let long = "A very long step title that would never fit in its column on one line at all";
        let cat = scored(1, "{ customer: 1, staff: 5 }", long);
        let l = satisfaction_layout(&cat.use_cases[0], &t, 2);
        assert_eq!(l.legend.iter().map(|e| e.rater).collect::<Vec<_>>(), vec![0, 1]);
        let ScoredStep { lines, gap, .. } = &l.steps[0];
        assert_eq!(lines.len(), LABEL_LINES);
        assert!(lines.last().unwrap().ends_with('…'));
        assert_eq!(*gap, Some((1, 5)), "the gap is marked");
        assert!(inside(&l));
    }

    #[test]
    fn wrap_breaks_at_spaces_cuts_long_words_and_marks_what_it_leaves_out() {
        assert_eq!(wrap("a bb ccc", 4, 3), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4, 3), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("aa bb cc dd", 5, 1), vec!["aa b…"]);
        assert!(wrap("", 5, 2).is_empty());
    }

    /// The WCAG contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |hex: &str| {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_heat_level_reads_with_a_contrast_of_at_least_4_5() {
        for (bg, ink) in HEAT {
            assert!(contrast(bg, ink) >= 4.5, "{ink} on {bg}: {}", contrast(bg, ink));
        }
    }

    #[test]
    fn the_heatmap_names_every_cell_and_darkens_with_the_count() {
        let names = vec!["A <b>".to_owned(), "Bee {n}".to_owned(), "Unused".to_owned()];
        let counts = vec![vec![0, 10, 0], vec![1, 0, 0], vec![0, 0, 0]];
        let html = heatmap(&names, &counts, "{from} → {to} (handoffs: {n})");
        assert!(
            !html.contains("Unused"),
            "rows and columns without a handoff are left out"
        );
        assert!(html.contains("<td title=\"A &lt;b&gt; → Bee {n} (handoffs: 10)\" style=\"background:#8b1a0e;color:#ffffff\">10</td>"));
        assert!(html.contains(
            "<td title=\"Bee {n} → A &lt;b&gt; (handoffs: 1)\" style=\"background:#fde4dc;color:#000000\">1</td>"
        ));
        assert!(html.contains("<td title=\"A &lt;b&gt; → A &lt;b&gt; (handoffs: 0)\"></td>"));
        assert!(html.starts_with("<div class=\"casebook-scroll casebook-heatmap-frame\""));
        let long = vec!["A team with a name far longer than a header".to_owned()];
        let html = heatmap(&long, &[vec![1]], "{from} → {to} (handoffs: {n})");
        assert!(html.contains("<th scope=\"col\" title=\"A team with a name far longer than a header\"><span>A team with a name fa…</span>"));
    }
}
