//! The analytics page (handoff heatmaps, the use cases with most handoffs), in the Review part.

use super::super::charts::heatmap;
use super::Builder;
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
        let cell = self.t["heatmap_cell"];
        self.render(
            "analytics.md",
            json!({
                "team_heatmap": heatmap(&team_names, &c.team_handoffs.counts, cell),
                "department_matrix": heatmap(&dept_names, &c.department_handoffs.counts, cell),
                "ranked": ranked,
            }),
        )
    }
}
