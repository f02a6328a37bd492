//! The metrics of RULES.md, computed from the model and the graph facts: per use case (steps,
//! handoffs, worst path, teams, departments, channels, switches, customer-facing steps, longest
//! expected duration) and catalogue-wide (handoff matrices, rankings). Read by `casebook stats`
//! and the handbook.

use crate::graph::Facts;
use crate::model::Catalogue;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Metrics of one use case.
#[derive(Clone, Debug, Serialize)]
pub struct UseCaseMetrics {
    /// The use case id.
    pub id: String,
    /// Its domain.
    pub domain: String,
    /// Its status.
    pub status: Option<&'static str>,
    /// Steps, end steps excluded.
    pub steps: usize,
    /// Handoff edges (a second `next` entry to the same step counts once).
    pub handoffs: usize,
    /// Handoff edges between teams of one department.
    pub internal_handoffs: usize,
    /// Handoff edges between departments.
    pub cross_department_handoffs: usize,
    /// Handoffs on the worst path: a walk from the start to an end that goes round each loop at
    /// most once (`graph::worst`); `None` when no end step can be reached.
    pub worst_path_handoffs: Option<usize>,
    /// False when `worst_path_handoffs` is an upper bound (loops too tangled to search).
    pub worst_path_exact: bool,
    /// Teams acting in it (ids, sorted).
    pub teams: Vec<String>,
    /// Departments acting in it (ids, sorted).
    pub departments: Vec<String>,
    /// Channels used (ids, sorted).
    pub channels: Vec<String>,
    /// Forced channel switches.
    pub channel_switches: usize,
    /// Steps done by the customer or frontstage.
    pub customer_facing_steps: usize,
    /// Expected duration of the longest path in minutes (1d = 8h, 1w = 5d), when durations are given.
    pub longest_path_minutes: Option<u64>,
}

/// A square matrix of handoff counts with its labels.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    /// Row and column labels (ids).
    pub labels: Vec<String>,
    /// `counts[from][to]`: handoff edges from row to column.
    pub counts: Vec<Vec<usize>>,
}

/// An id and the number of use cases it appears in.
#[derive(Clone, Debug, Serialize)]
pub struct Ranked {
    /// The id.
    pub id: String,
    /// Use cases it appears in.
    pub use_cases: usize,
}

/// Catalogue-wide metrics.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogueMetrics {
    /// Use cases.
    pub use_cases: usize,
    /// Team x team handoff edges.
    pub team_handoffs: Matrix,
    /// Department x department handoff edges.
    pub department_handoffs: Matrix,
    /// Teams ranked by the use cases they act in.
    pub teams_by_use_cases: Vec<Ranked>,
    /// Channels ranked by the use cases that use them.
    pub channels_by_use_cases: Vec<Ranked>,
}

/// All metrics.
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    /// Report format version.
    pub version: u32,
    /// Per use case, in catalogue order.
    pub use_cases: Vec<UseCaseMetrics>,
    /// Catalogue-wide.
    pub catalogue: CatalogueMetrics,
}

fn ranked(counts: BTreeMap<String, usize>) -> Vec<Ranked> {
    let mut v: Vec<Ranked> = counts
        .into_iter()
        .map(|(id, use_cases)| Ranked { id, use_cases })
        .collect();
    v.sort_by(|a, b| b.use_cases.cmp(&a.use_cases).then_with(|| a.id.cmp(&b.id)));
    v
}

/// Computes every metric.
pub fn compute(cat: &Catalogue, facts: &Facts) -> Metrics {
    let team_count = cat.teams.len();
    let mut team_m = vec![vec![0; team_count]; team_count];
    let mut dept_m = vec![vec![0; cat.departments.len()]; cat.departments.len()];
    let (mut team_rank, mut channel_rank) = (BTreeMap::new(), BTreeMap::new());
    let mut use_cases = Vec::new();
    for (uc, g) in cat.use_cases.iter().zip(&facts.flows) {
        let f = &g.flow;
        let teams = f.teams();
        let departments: BTreeSet<&str> = teams
            .iter()
            .map(|&t| cat.departments[cat.teams[t].department].id.value.as_str())
            .collect();
        let channels: BTreeSet<&str> = uc
            .steps
            .iter()
            .filter_map(|s| s.channel.as_ref())
            .map(|c| c.value.as_str())
            .collect();
        let counted: Vec<_> = f.counted_handoffs().collect();
        for h in &counted {
            team_m[h.from_team][h.to_team] += 1;
            dept_m[cat.teams[h.from_team].department][cat.teams[h.to_team].department] += 1;
        }
        let team_ids: Vec<String> = teams.iter().map(|&t| cat.teams[t].id.value.to_string()).collect();
        for t in &team_ids {
            *team_rank.entry(t.clone()).or_insert(0) += 1;
        }
        for c in &channels {
            *channel_rank.entry((*c).to_owned()).or_insert(0) += 1;
        }
        let cross = counted.iter().filter(|h| h.cross_department).count();
        use_cases.push(UseCaseMetrics {
            id: uc.id.value.to_string(),
            domain: uc.domain.clone(),
            status: uc.status.map(|s| s.as_str()),
            steps: uc.steps.iter().filter(|s| !s.is_end()).count(),
            handoffs: counted.len(),
            internal_handoffs: counted.len() - cross,
            cross_department_handoffs: cross,
            worst_path_handoffs: f.worst.as_ref().map(|w| w.count),
            worst_path_exact: f.worst.as_ref().is_none_or(|w| w.exact),
            teams: team_ids,
            departments: departments.into_iter().map(str::to_owned).collect(),
            channels: channels.into_iter().map(str::to_owned).collect(),
            channel_switches: f.switches.len(),
            customer_facing_steps: uc
                .steps
                .iter()
                .filter(|s| !s.is_end() && cat.is_customer_facing(s))
                .count(),
            longest_path_minutes: f.longest_minutes,
        });
    }
    Metrics {
        version: 1,
        catalogue: CatalogueMetrics {
            use_cases: cat.use_cases.len(),
            team_handoffs: Matrix {
                labels: cat.teams.iter().map(|t| t.id.value.to_string()).collect(),
                counts: team_m,
            },
            department_handoffs: Matrix {
                labels: cat.departments.iter().map(|d| d.id.value.to_string()).collect(),
                counts: dept_m,
            },
            teams_by_use_cases: ranked(team_rank),
            channels_by_use_cases: ranked(channel_rank),
        },
        use_cases,
    }
}

/// Formats minutes in working time: `2d 4h`, `45m`.
pub fn format_minutes(m: u64) -> String {
    let (w, rest) = (m / 2400, m % 2400);
    let (d, rest) = (rest / 480, rest % 480);
    let (h, min) = (rest / 60, rest % 60);
    let parts: Vec<String> = [(w, "w"), (d, "d"), (h, "h"), (min, "m")]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if parts.is_empty() {
        "0m".to_owned()
    } else {
        parts.join(" ")
    }
}

/// The metrics as JSON (pretty, final newline).
pub fn to_json(m: &Metrics) -> String {
    let mut s = serde_json::to_string_pretty(m).expect("metrics serialise");
    s.push('\n');
    s
}

/// The worst path as a table cell: `3`, `≤12` for an upper bound, `-` when no end is reachable.
pub fn worst_cell(u: &UseCaseMetrics) -> String {
    match (u.worst_path_handoffs, u.worst_path_exact) {
        (None, _) => "-".to_owned(),
        (Some(n), true) => n.to_string(),
        (Some(n), false) => format!("≤{n}"),
    }
}

/// The legend of the use case table's columns (RULES.md, "Metrics").
const COLUMNS: &str = "
Columns: steps      steps of the use case, end steps not counted
         handoffs   handoffs: the case passes from a step of one team to a step of another
         cross      of those, handoffs between two departments
         worst      handoffs on the worst path from start to end, going round each loop at most
                    once (≤N: an upper bound, the loops were too tangled to count; -: no end
                    step can be reached)
         teams      teams acting in it (not the customer)
         depts      departments of those teams
         channels   channels its steps use
         switches   times the organisation moves the customer to another channel (as the
                    rule channel-switch finds them)
         longest    expected duration of the longest path, from the steps' `duration`
                    (1d = 8h, 1w = 5d; -: no duration given, or no end reachable)
";

/// The metrics as plain-text tables for a terminal.
pub fn to_table(m: &Metrics) -> String {
    let mut out = String::new();
    let width = m.use_cases.iter().map(|u| u.id.len()).max().unwrap_or(8).max(8);
    let _ = writeln!(
        out,
        "{:width$}  {:>5}  {:>8}  {:>5}  {:>5}  {:>5}  {:>5}  {:>8}  {:>8}  {:>9}",
        "use case",
        "steps",
        "handoffs",
        "cross",
        "worst",
        "teams",
        "depts",
        "channels",
        "switches",
        "longest"
    );
    for u in &m.use_cases {
        let _ = writeln!(
            out,
            "{:width$}  {:>5}  {:>8}  {:>5}  {:>5}  {:>5}  {:>5}  {:>8}  {:>8}  {:>9}",
            u.id,
            u.steps,
            u.handoffs,
            u.cross_department_handoffs,
            worst_cell(u),
            u.teams.len(),
            u.departments.len(),
            u.channels.len(),
            u.channel_switches,
            u.longest_path_minutes
                .map_or_else(|| "-".to_owned(), format_minutes)
        );
    }
    out.push_str(COLUMNS);
    let c = &m.catalogue;
    let _ = writeln!(
        out,
        "\nDepartment x department handoffs (row hands over to column):"
    );
    let dw = c
        .department_handoffs
        .labels
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(4);
    let _ = write!(out, "{:dw$}", "");
    for (i, _) in c.department_handoffs.labels.iter().enumerate() {
        let _ = write!(out, "  {:>4}", format!("d{}", i + 1));
    }
    out.push('\n');
    for (i, (label, row)) in c
        .department_handoffs
        .labels
        .iter()
        .zip(&c.department_handoffs.counts)
        .enumerate()
    {
        let _ = write!(out, "{label:dw$}");
        for n in row {
            let _ = write!(out, "  {n:>4}");
        }
        let _ = writeln!(out, "   (d{})", i + 1);
    }
    let mut pairs: Vec<(usize, &str, &str)> = Vec::new();
    for (i, row) in c.team_handoffs.counts.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            if n > 0 {
                pairs.push((n, &c.team_handoffs.labels[i], &c.team_handoffs.labels[j]));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2))));
    let _ = writeln!(
        out,
        "\nBusiest team handoffs (of {} pairs; `--format json` has the full matrix):",
        pairs.len()
    );
    for (n, a, b) in pairs.iter().take(10) {
        let _ = writeln!(out, "  {n:>4}  {a} -> {b}");
    }
    let _ = writeln!(out, "\nTeams by use cases:");
    for r in c.teams_by_use_cases.iter().take(10) {
        let _ = writeln!(out, "  {:>4}  {}", r.use_cases, r.id);
    }
    let _ = writeln!(out, "\nChannels by use cases:");
    for r in &c.channels_by_use_cases {
        let _ = writeln!(out, "  {:>4}  {}", r.use_cases, r.id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_minutes;

    #[test]
    fn minutes_read_as_working_time() {
        assert_eq!(format_minutes(0), "0m");
        assert_eq!(format_minutes(45), "45m");
        assert_eq!(format_minutes(480 + 120), "1d 2h");
        assert_eq!(format_minutes(2400 + 30), "1w 30m");
    }
}
