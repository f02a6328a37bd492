//! The analytics page (handoff heatmaps, the use cases with most handoffs).

use super::super::escape::html_escape;
use super::{Builder, findings_by_rule};
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn analytics(&self) -> Result<String, String> {
        let c = &self.metrics.catalogue;
        let team_names: Vec<String> = self.cat.teams.iter().map(|x| x.name.clone()).collect();
        let dept_names: Vec<String> = self.cat.departments.iter().map(|x| x.name.clone()).collect();
        let mut ranked: Vec<usize> = (0..self.cat.use_cases.len()).collect();
        let m = &self.metrics.use_cases;
        ranked.sort_by(|&a, &b| {
            (m[b].worst_path_handoffs, m[b].handoffs)
                .cmp(&(m[a].worst_path_handoffs, m[a].handoffs))
                .then(m[a].id.cmp(&m[b].id))
        });
        let ranked: Vec<Value> = ranked
            .into_iter()
            .take(30)
            .map(|i| self.use_case_row(i, ""))
            .collect();
        self.render(
            "analytics.md",
            json!({
                "team_heatmap": heatmap(&team_names, &c.team_handoffs.counts),
                "department_matrix": heatmap(&dept_names, &c.department_handoffs.counts),
                "ranked": ranked,
                "by_rule": findings_by_rule(&self.checked.report, self.t, ""),
            }),
        )
    }
}

/// A matrix as an HTML table whose cells darken with their count; only rows and columns with a
/// handoff are shown. Names are HTML-escaped (this is a raw HTML block, Markdown does not apply).
fn heatmap(names: &[String], counts: &[Vec<usize>]) -> String {
    let used: Vec<usize> = (0..names.len())
        .filter(|&i| counts[i].iter().any(|&n| n > 0) || counts.iter().any(|r| r[i] > 0))
        .collect();
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut html = String::from(
        "<div class=\"casebook-scroll\"><table class=\"casebook-heatmap\">\n<thead><tr><th></th>",
    );
    for &j in &used {
        html.push_str(&format!("<th><span>{}</span></th>", html_escape(&names[j])));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for &i in &used {
        html.push_str(&format!("<tr><th>{}</th>", html_escape(&names[i])));
        for &j in &used {
            let n = counts[i][j];
            if n == 0 {
                html.push_str("<td></td>");
            } else {
                let alpha = 0.15 + 0.85 * (n as f64 / max as f64);
                let ink = if alpha > 0.55 { "#fff" } else { "#000" };
                html.push_str(&format!(
                    "<td style=\"background:rgba(178,34,34,{alpha:.2});color:{ink}\">{n}</td>"
                ));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table></div>");
    html
}
