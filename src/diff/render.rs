//! The three formats of `casebook diff`: `markdown` (a pull-request comment: a summary a
//! reviewer reads in ten seconds, the details folded), `json` (stable, `version: 1`) and `human`
//! (plain text for a terminal). Pure functions of a [`DiffReport`]: the same report always gives
//! the same bytes.
//!
//! Every text from YAML or a file name is escaped where it is written: for Markdown and HTML in
//! `markdown` ([`crate::markup::markdown_escape`]; an id is shown as code only when it is a slug),
//! made one line without control characters in `human` (`neutralise`), by serde in `json`.

use super::compare::{Change, Counts, Finding, Handoff, Metrics, Moved, UseCaseChange};
use super::{DiffReport, Source, SourceKind};
use crate::diagnostic::render::neutralise;
use crate::markup::markdown_escape;
use crate::scaffold::is_slug;
use serde::Serialize;
use std::fmt::Write;

/// The output formats of `casebook diff --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Human,
    /// A pull-request comment: a short summary, the details folded in `<details>`.
    Markdown,
    /// The stable JSON report (version 1).
    Json,
}

/// Renders `report` in `format`.
pub fn render(report: &DiffReport, format: DiffFormat) -> String {
    match format {
        DiffFormat::Human => human(report),
        DiffFormat::Markdown => markdown(report),
        DiffFormat::Json => json(report),
    }
}

/// Entries listed per folded section of the markdown; the rest are counted.
const MAX_LIST: usize = 100;
/// Use cases named in a summary line; the rest are counted.
const MAX_NAMED: usize = 5;
/// GitHub refuses comments above 65,536 characters: the folded sections share what is left
/// below this, each listing what fits and counting the rest.
const MAX_MARKDOWN: usize = 60_000;

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    base: &'a Source,
    head: &'a Source,
    #[serde(flatten)]
    changes: &'a super::Changes,
}

/// The JSON report, pretty-printed with a final newline.
pub fn json(report: &DiffReport) -> String {
    let doc = Json {
        version: 1,
        base: &report.base,
        head: &report.head,
        changes: &report.changes,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the diff serialises");
    text.push('\n');
    text
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `error`, `warnings` ... counts in words, largest severity first; empty when none.
fn severities(c: &Counts) -> String {
    let parts: Vec<String> = [
        (c.errors, "error", "errors"),
        (c.warnings, "warning", "warnings"),
        (c.infos, "info", "infos"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    parts.join(", ")
}

fn source_text(s: &Source, code: &dyn Fn(&str) -> String) -> String {
    match (&s.kind, &s.commit) {
        (SourceKind::Revision, Some(commit)) => {
            format!("{} ({})", code(&s.label), code(&commit[..commit.len().min(12)]))
        }
        (SourceKind::WorkingTree, _) => "the working tree".to_owned(),
        _ => code(&s.label),
    }
}

fn worst(m: &Metrics) -> String {
    match (m.worst_path_handoffs, m.worst_path_exact) {
        (None, _) => "none".to_owned(),
        (Some(n), true) => n.to_string(),
        (Some(n), false) => format!("≤{n}"),
    }
}

/// `a → b` when the values differ, `a` when they do not; one side alone for added or removed.
fn before_after(before: Option<String>, after: Option<String>) -> String {
    match (before, after) {
        (Some(b), Some(a)) if a == b => a,
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => a,
        (Some(b), None) => b,
        (None, None) => String::new(),
    }
}

fn metric(u: &UseCaseChange, f: impl Fn(&Metrics) -> String) -> String {
    before_after(u.before.as_ref().map(&f), u.after.as_ref().map(&f))
}

/// The customer-facing metric changes of one use case, in words; `None` when none changed.
fn customer_effect(u: &UseCaseChange, code: &dyn Fn(&str) -> String) -> Option<String> {
    let mut parts = Vec::new();
    let id = code(&u.id);
    match (&u.before, &u.after) {
        (Some(b), Some(a)) => {
            if (b.worst_path_handoffs, b.worst_path_exact) != (a.worst_path_handoffs, a.worst_path_exact) {
                parts.push(format!("worst path {} → {} handoffs", worst(b), worst(a)));
            }
            if b.channel_switches != a.channel_switches {
                parts.push(format!(
                    "channel switches {} → {}",
                    b.channel_switches, a.channel_switches
                ));
            }
            if b.customer_facing_steps != a.customer_facing_steps {
                parts.push(format!(
                    "customer-facing steps {} → {}",
                    b.customer_facing_steps, a.customer_facing_steps
                ));
            }
            (!parts.is_empty()).then(|| format!("{id}: {}", parts.join(", ")))
        }
        (None, Some(a)) => Some(format!(
            "{id} (new): worst path {} handoffs, {}, {}",
            worst(a),
            plural(a.channel_switches, "channel switch", "channel switches"),
            plural(
                a.customer_facing_steps,
                "customer-facing step",
                "customer-facing steps"
            )
        )),
        (Some(_), None) => Some(format!("{id} removed")),
        (None, None) => None,
    }
}

/// The team changes of one use case, in words; `None` when no team joined or left.
fn team_effect(u: &UseCaseChange, code: &dyn Fn(&str) -> String) -> Option<String> {
    if u.change != Change::Changed {
        return None;
    }
    let list = |ids: &[String]| ids.iter().map(|t| code(t)).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !u.teams_joined.is_empty() {
        parts.push(format!("{} new in {}", list(&u.teams_joined), code(&u.id)));
    }
    if !u.teams_left.is_empty() {
        parts.push(format!("{} out of {}", list(&u.teams_left), code(&u.id)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Up to [`MAX_NAMED`] items joined, then how many more.
fn named(items: Vec<String>, sep: &str) -> String {
    let more = items.len().saturating_sub(MAX_NAMED);
    let mut text = items.into_iter().take(MAX_NAMED).collect::<Vec<_>>().join(sep);
    if more > 0 {
        let _ = write!(text, "{sep}and {more} more");
    }
    text
}

fn handoff_text(h: &Handoff, code: &dyn Fn(&str) -> String) -> String {
    format!(
        "{} ({}, {}) → {} ({}, {}){}",
        code(&h.from_step),
        code(&h.from_team),
        code(&h.from_department),
        code(&h.to_step),
        code(&h.to_team),
        code(&h.to_department),
        if h.cross_department {
            ", between departments"
        } else {
            ""
        }
    )
}

fn moved_text(m: &Moved, show: &dyn Fn(&str) -> String) -> String {
    let side = |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_owned(), show);
    format!("{} → {}", side(&m.before), side(&m.after))
}

/// The summary lines shared by markdown and human, each a (label, text) pair.
fn summary_lines(
    report: &DiffReport,
    code: &dyn Fn(&str) -> String,
) -> (String, Vec<(&'static str, String)>) {
    let c = &report.changes;
    let s = &c.summary;
    let wording = c.use_cases.iter().filter(|u| u.wording_only).count();
    let mut counts = Vec::new();
    for (n, what) in [
        (s.use_cases_added, "added"),
        (s.use_cases_changed, "changed"),
        (s.use_cases_removed, "removed"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    let headline = if c.use_cases.is_empty() && s.findings_introduced.total() + s.findings_fixed.total() == 0
    {
        "no change to use cases, handoffs or findings".to_owned()
    } else {
        let mut h = format!(
            "use cases: {}{}; handoffs: +{} −{}",
            if counts.is_empty() {
                "none changed".to_owned()
            } else {
                counts.join(", ")
            },
            if wording > 0 {
                format!(" ({wording} in wording only)")
            } else {
                String::new()
            },
            s.handoffs_added,
            s.handoffs_removed
        );
        let cross = [
            (s.cross_department_handoffs_added, "added"),
            (s.cross_department_handoffs_removed, "removed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect::<Vec<_>>();
        if !cross.is_empty() {
            let _ = write!(h, " (between departments: {})", cross.join(", "));
        }
        let _ = write!(
            h,
            "; findings: {} introduced{}, {} fixed",
            s.findings_introduced.total(),
            match severities(&s.findings_introduced) {
                t if t.is_empty() => String::new(),
                t => format!(" ({t})"),
            },
            s.findings_fixed.total()
        );
        h
    };
    let mut lines = Vec::new();
    if c.use_cases.is_empty() && s.findings_introduced.total() + s.findings_fixed.total() == 0 {
        return (headline, lines);
    }
    let customers: Vec<String> = c
        .use_cases
        .iter()
        .filter_map(|u| customer_effect(u, code))
        .collect();
    lines.push((
        "Customers",
        if customers.is_empty() {
            "no change to worst paths, channel switches or customer-facing steps".to_owned()
        } else {
            named(customers, "; ")
        },
    ));
    let mut teams: Vec<String> = c.use_cases.iter().filter_map(|u| team_effect(u, code)).collect();
    let mut pairs: std::collections::BTreeMap<(String, String), (usize, bool)> = Default::default();
    for h in c.use_cases.iter().flat_map(|u| &u.handoffs.added) {
        let e = pairs
            .entry((h.from_team.clone(), h.to_team.clone()))
            .or_insert((0, h.cross_department));
        e.0 += 1;
    }
    if !pairs.is_empty() {
        let list: Vec<String> = pairs
            .iter()
            .map(|((a, b), (n, cross))| {
                format!(
                    "{} → {}{}{}",
                    code(a),
                    code(b),
                    if *n > 1 { format!(" ×{n}") } else { String::new() },
                    if *cross { " (between departments)" } else { "" }
                )
            })
            .collect();
        teams.push(format!("new handoffs {}", named(list, ", ")));
    }
    if !teams.is_empty() {
        lines.push(("Teams", named(teams, "; ")));
    }
    if s.findings_introduced.total() > 0 {
        let list: Vec<String> = c
            .findings
            .introduced
            .iter()
            .map(|f| {
                format!(
                    "{} {}{}",
                    f.severity.as_str(),
                    code(&f.rule),
                    f.use_case
                        .as_deref()
                        .map(|u| format!(" in {}", code(u)))
                        .unwrap_or_default()
                )
            })
            .collect();
        lines.push(("New findings", named(list, ", ")));
    }
    let owners: Vec<String> = c
        .owners
        .iter()
        .map(|o| {
            format!(
                "{} (owns {})",
                code(&o.team),
                named(o.use_cases.iter().map(|u| code(u)).collect(), ", ")
            )
        })
        .collect();
    let others: Vec<String> = c
        .teams
        .iter()
        .filter(|t| !c.owners.iter().any(|o| o.team == t.id))
        .map(|t| code(&t.id))
        .collect();
    let ask: Vec<String> = owners.into_iter().chain(others).collect();
    if !ask.is_empty() {
        lines.push(("Ask", named(ask, ", ")));
    }
    (headline, lines)
}

/// An id as Markdown: code when it is a slug (nothing in it can escape a code span), escaped
/// text otherwise.
fn md_code(id: &str) -> String {
    if is_slug(id) {
        format!("`{id}`")
    } else {
        markdown_escape(id)
    }
}

/// The revision label or a short commit as code, when it holds nothing that could end a code span.
fn md_label(label: &str) -> String {
    if !label.is_empty() && label.chars().all(|c| c.is_ascii_graphic() && c != '`') {
        format!("`{label}`")
    } else {
        markdown_escape(label)
    }
}

/// Markdown for a pull-request comment.
pub fn markdown(report: &DiffReport) -> String {
    let c = &report.changes;
    let code: &dyn Fn(&str) -> String = &md_code;
    let mut out = format!(
        "### casebook diff: {} → {}\n\n",
        source_text(&report.base, &md_label),
        source_text(&report.head, &md_label)
    );
    let (headline, lines) = summary_lines(report, code);
    let _ = writeln!(out, "**{}**\n", capitalise(&headline));
    for (label, text) in &lines {
        let _ = writeln!(out, "- **{label}:** {text}");
    }
    if !lines.is_empty() {
        out.push('\n');
    }
    let sections: Vec<Section> = [
        md_metrics(c),
        md_handoffs(c),
        md_steps(c),
        md_findings(c),
        md_teams(c),
        md_skipped(report),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Each section gets an equal share of what is left; what one does not use goes to the next.
    for (i, section) in sections.iter().enumerate() {
        let budget = MAX_MARKDOWN.saturating_sub(out.len()) / (sections.len() - i);
        out.push_str(&section.render(budget));
    }
    out
}

/// A folded section of the markdown: its summary line and its blocks.
struct Section {
    summary: String,
    blocks: Vec<Block>,
}

/// Lines of a section: `head` (a caption, a table's header) always shown, then as many of
/// `lines` as the section's budget and [`MAX_LIST`] allow, then how many more there are.
struct Block {
    head: Vec<String>,
    lines: Vec<String>,
}

impl Block {
    fn new(head: &[&str], lines: Vec<String>) -> Block {
        Block {
            head: head.iter().map(|h| (*h).to_owned()).collect(),
            lines,
        }
    }
}

impl Section {
    fn render(&self, budget: usize) -> String {
        const NOTE: usize = 80;
        let fixed: usize = self.summary.len()
            + 64
            + self
                .blocks
                .iter()
                .flat_map(|b| &b.head)
                .map(|h| h.len() + 1 + NOTE)
                .sum::<usize>();
        let mut room = budget.saturating_sub(fixed);
        let mut body = String::new();
        for block in &self.blocks {
            for h in &block.head {
                body.push_str(h);
                body.push('\n');
            }
            let mut shown = 0;
            for line in block.lines.iter().take(MAX_LIST) {
                if line.len() + 1 > room {
                    break;
                }
                room -= line.len() + 1;
                body.push_str(line);
                body.push('\n');
                shown += 1;
            }
            let more = block.lines.len() - shown;
            if more > 0 {
                let _ = writeln!(body, "\n… and {more} more (`--format json` lists them all)");
            }
            body.push('\n');
        }
        format!(
            "<details><summary>{}</summary>\n\n{}\n\n</details>\n\n",
            self.summary,
            body.trim_end()
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(chars).collect())
}

fn md_metrics(c: &super::Changes) -> Option<Section> {
    if c.use_cases.is_empty() {
        return None;
    }
    let rows = c
        .use_cases
        .iter()
        .map(|u| {
            format!(
                "| {} | {} | {} | {} | {} | {} |",
                md_code(&u.id),
                if u.wording_only {
                    "wording only"
                } else {
                    u.change.as_str()
                },
                metric(u, worst),
                metric(u, |m| m.channel_switches.to_string()),
                metric(u, |m| m.customer_facing_steps.to_string()),
                metric(u, |m| m.teams.len().to_string()),
            )
        })
        .collect();
    Some(Section {
        summary: format!(
            "Metrics before → after ({})",
            plural(c.use_cases.len(), "use case", "use cases")
        ),
        blocks: vec![Block::new(
            &[
                "| use case | change | worst-path handoffs | channel switches | customer-facing steps | teams |",
                "|---|---|---|---|---|---|",
            ],
            rows,
        )],
    })
}

fn md_handoffs(c: &super::Changes) -> Option<Section> {
    let s = &c.summary;
    if s.handoffs_added + s.handoffs_removed == 0 {
        return None;
    }
    let mut lines = Vec::new();
    for u in c
        .use_cases
        .iter()
        .filter(|u| !u.handoffs.added.is_empty() || !u.handoffs.removed.is_empty())
    {
        lines.push(format!("- {} ({}):", md_code(&u.id), u.change.as_str()));
        for (sign, list) in [("added", &u.handoffs.added), ("removed", &u.handoffs.removed)] {
            for h in list {
                lines.push(format!("  - {sign}: {}", handoff_text(h, &md_code)));
            }
        }
    }
    Some(Section {
        summary: format!(
            "Handoffs: {} added, {} removed",
            s.handoffs_added, s.handoffs_removed
        ),
        blocks: vec![Block::new(&[], lines)],
    })
}

fn step_text(
    s: &super::compare::Step,
    code: &dyn Fn(&str) -> String,
    text: &dyn Fn(&str) -> String,
) -> String {
    let mut t = code(&s.id);
    if let Some(title) = &s.title {
        let _ = write!(t, " “{}”", text(title));
    }
    let by: Vec<String> = [
        s.actor.as_deref().map(|a| format!("by {}", code(a))),
        s.channel.as_deref().map(|ch| format!("on {}", code(ch))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !by.is_empty() {
        let _ = write!(t, ", {}", by.join(" "));
    }
    if let Some(end) = &s.end {
        let _ = write!(t, ", an end: {}", text(end));
    }
    t
}

/// The step lines of one use case (shared by markdown and human).
fn step_lines(
    u: &UseCaseChange,
    code: &dyn Fn(&str) -> String,
    text: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let mut lines = Vec::new();
    for s in &u.steps.added {
        lines.push(format!("added step {}", step_text(s, code, text)));
    }
    for s in &u.steps.removed {
        lines.push(format!("removed step {}", step_text(s, code, text)));
    }
    for r in &u.steps.renamed {
        lines.push(format!("renamed step {} → {}", code(&r.from), code(&r.to)));
    }
    for ch in &u.steps.changed {
        let mut parts = Vec::new();
        if let Some(m) = &ch.actor {
            parts.push(format!("re-assigned {}", moved_text(m, code)));
        }
        if let Some(m) = &ch.channel {
            parts.push(format!("channel {}", moved_text(m, code)));
        }
        if let Some(m) = &ch.title_change {
            parts.push(format!(
                "title {}",
                moved_text(m, &|t: &str| format!("“{}”", text(t)))
            ));
        }
        lines.push(format!("step {}: {}", code(&ch.id), parts.join("; ")));
    }
    if let Some(m) = &u.title_change {
        lines.push(format!(
            "title {}",
            moved_text(m, &|t: &str| format!("“{}”", text(t)))
        ));
    }
    if let Some(m) = &u.owner_change {
        lines.push(format!("owner {}", moved_text(m, code)));
    }
    lines
}

fn md_steps(c: &super::Changes) -> Option<Section> {
    let mut lines = Vec::new();
    let (mut added, mut removed, mut renamed, mut changed) = (0, 0, 0, 0);
    for u in &c.use_cases {
        let these = step_lines(u, &md_code, &markdown_escape);
        if these.is_empty() {
            continue;
        }
        added += u.steps.added.len();
        removed += u.steps.removed.len();
        renamed += u.steps.renamed.len();
        changed += u.steps.changed.len();
        lines.push(format!("- {} “{}”:", md_code(&u.id), markdown_escape(&u.title)));
        lines.extend(these.into_iter().map(|l| format!("  - {l}")));
    }
    if lines.is_empty() {
        return None;
    }
    Some(Section {
        summary: format!("Steps: {added} added, {removed} removed, {renamed} renamed, {changed} changed"),
        blocks: vec![Block::new(&[], lines)],
    })
}

fn md_finding_rows(list: &[Finding]) -> Vec<String> {
    list.iter()
        .map(|f| {
            format!(
                "| {} | {} | {}:{} | {} |",
                f.severity.as_str(),
                md_code(&f.rule),
                markdown_escape(&f.file),
                f.line,
                markdown_escape(&f.message)
            )
        })
        .collect()
}

fn md_findings(c: &super::Changes) -> Option<Section> {
    let f = &c.findings;
    if f.introduced.is_empty() && f.fixed.is_empty() {
        return None;
    }
    let blocks = [("Introduced:", &f.introduced), ("Fixed:", &f.fixed)]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(what, list)| {
            Block::new(
                &[
                    what,
                    "",
                    "| severity | rule | where | message |",
                    "|---|---|---|---|",
                ],
                md_finding_rows(list),
            )
        })
        .collect();
    Some(Section {
        summary: format!(
            "Findings: {} introduced, {} fixed",
            f.introduced.len(),
            f.fixed.len()
        ),
        blocks,
    })
}

fn md_teams(c: &super::Changes) -> Option<Section> {
    if c.teams.is_empty() && c.owners.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    let mut ids: Vec<&str> = c
        .teams
        .iter()
        .map(|t| t.id.as_str())
        .chain(c.owners.iter().map(|o| o.team.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let team = c.teams.iter().find(|t| t.id == id);
        let owner = c.owners.iter().find(|o| o.team == id);
        let list = |v: Option<&Vec<String>>| {
            v.map(|v| v.iter().map(|u| md_code(u)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        };
        rows.push(format!(
            "| {}{} | {} | {} | {} |",
            md_code(id),
            team.and_then(|t| t.name.as_deref())
                .map(|n| format!(" {}", markdown_escape(n)))
                .unwrap_or_default(),
            team.and_then(|t| t.department.as_deref())
                .map(md_code)
                .unwrap_or_default(),
            list(owner.map(|o| &o.use_cases)),
            list(team.map(|t| &t.use_cases)),
        ));
    }
    Some(Section {
        summary: format!("Teams affected ({}) and owners", c.teams.len()),
        blocks: vec![Block::new(
            &[
                "| team | department | owns | use cases touched |",
                "|---|---|---|---|",
            ],
            rows,
        )],
    })
}

fn md_skipped(report: &DiffReport) -> Option<Section> {
    let lines: Vec<String> = [&report.base, &report.head]
        .into_iter()
        .flat_map(|s| s.skipped.iter().map(move |k| (s, k)))
        .map(|(s, k)| {
            format!(
                "- {}: {} is {}, not read",
                md_label(&s.label),
                markdown_escape(&k.path),
                k.why
            )
        })
        .collect();
    (!lines.is_empty()).then(|| Section {
        summary: format!("Entries not read ({})", lines.len()),
        blocks: vec![Block::new(&[], lines)],
    })
}

/// Plain text for a terminal.
pub fn human(report: &DiffReport) -> String {
    let c = &report.changes;
    let code: &dyn Fn(&str) -> String = &|s: &str| neutralise(s, true).into_owned();
    let text: &dyn Fn(&str) -> String = &|s: &str| neutralise(s, true).into_owned();
    let mut out = format!(
        "casebook diff: {} -> {}\n",
        source_text(&report.base, code),
        source_text(&report.head, code)
    );
    let (headline, lines) = summary_lines(report, code);
    let _ = writeln!(out, "{headline}");
    for (label, t) in &lines {
        let _ = writeln!(out, "  {label}: {t}");
    }
    for u in &c.use_cases {
        let _ = writeln!(
            out,
            "\n{} {} \"{}\"{}{}",
            if u.wording_only {
                "reworded"
            } else {
                u.change.as_str()
            },
            code(&u.id),
            text(&u.title),
            u.owner
                .as_deref()
                .map(|o| format!(" (owner {})", code(o)))
                .unwrap_or_default(),
            match (u.findings_introduced, u.findings_fixed) {
                (0, 0) => String::new(),
                (i, f) => format!(", findings +{i} -{f}"),
            }
        );
        let _ = writeln!(
            out,
            "  worst-path handoffs {}, channel switches {}, customer-facing steps {}, teams {}",
            metric(u, worst),
            metric(u, |m| m.channel_switches.to_string()),
            metric(u, |m| m.customer_facing_steps.to_string()),
            metric(u, |m| m.teams.len().to_string()),
        );
        for (sign, list) in [("+", &u.handoffs.added), ("-", &u.handoffs.removed)] {
            for h in list {
                let _ = writeln!(out, "  {sign} handoff {}", handoff_text(h, code));
            }
        }
        for l in step_lines(u, code, text) {
            let _ = writeln!(out, "  {l}");
        }
    }
    for (what, list) in [
        ("introduced", &c.findings.introduced),
        ("fixed", &c.findings.fixed),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nfindings {what}:");
        for f in list {
            let _ = writeln!(
                out,
                "  {}[{}] {}:{}:{}: {}",
                f.severity.as_str(),
                f.rule,
                code(&f.file),
                f.line,
                f.column,
                neutralise(&f.message, true)
            );
        }
    }
    if !c.teams.is_empty() {
        let _ = writeln!(out, "\nteams affected:");
        for t in &c.teams {
            let _ = writeln!(
                out,
                "  {}{}: {}",
                code(&t.id),
                t.department
                    .as_deref()
                    .map(|d| format!(" ({})", code(d)))
                    .unwrap_or_default(),
                t.use_cases.iter().map(|u| code(u)).collect::<Vec<_>>().join(", ")
            );
        }
    }
    if !c.owners.is_empty() {
        let _ = writeln!(out, "\nowners:");
        for o in &c.owners {
            let _ = writeln!(
                out,
                "  {}: {}",
                code(&o.team),
                o.use_cases.iter().map(|u| code(u)).collect::<Vec<_>>().join(", ")
            );
        }
    }
    for s in [&report.base, &report.head] {
        for k in &s.skipped {
            let _ = writeln!(
                out,
                "\nnot read in {}: {} is {}",
                code(&s.label),
                code(&k.path),
                k.why
            );
        }
    }
    out
}
