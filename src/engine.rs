//! The check pipeline: load -> model -> graph facts -> rules -> settings and suppression ->
//! report. Everything downstream (the CLI, the handbook) starts from [`check`].

use crate::diagnostic::{Diagnostic, Report, Severity, Suppressed};
use crate::graph::{CallGraph, Facts, FlowGraph};
use crate::load::{self, LoadCache, LoadError, Overlay};
use crate::model::{Allow, Catalogue, Date};
use crate::rules::{self, Context, Group, OnDemand, REGISTRY};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

/// Options of a check run.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// The date review-overdue compares with.
    pub today: Date,
}

/// A checked catalogue: the model, its graphs and the report.
#[derive(Debug)]
pub struct Checked {
    /// The model.
    pub catalogue: Catalogue,
    /// The graph facts.
    pub facts: Facts,
    /// The findings and the files.
    pub report: Report,
}

impl Checked {
    /// The errors of the format rules: what makes the model untrustworthy (a file that could not
    /// be read is missing from it), so `build`, `export`, `codeowners` and `serve` refuse to go on.
    pub fn format_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.report.diagnostics.iter().filter(|d| {
            d.severity == Severity::Error && rules::find(d.rule).is_some_and(|m| m.group == Group::Format)
        })
    }
}

/// Loads and checks the catalogue in `root`.
pub fn check(root: &Path, options: CheckOptions) -> Result<Checked, LoadError> {
    check_with(root, &Overlay::new(), None, options)
}

/// Loads and checks the catalogue in `root`, with the texts of `overlay` (an editor's unsaved
/// documents) in place of the files of the same path (see [`Overlay`]), taking the files that
/// did not change since the previous check with the same `cache` from it (see [`LoadCache`]).
pub fn check_with(
    root: &Path,
    overlay: &Overlay,
    cache: Option<&mut LoadCache>,
    options: CheckOptions,
) -> Result<Checked, LoadError> {
    Ok(check_loaded(
        load::load_with(root, overlay, cache)?,
        options,
        Flows::Keep,
    ))
}

/// Loads and checks the catalogue in `root` like [`check`], for a caller that needs the report
/// and the model but not the flow graphs (`casebook check`): each use case's flow graph is
/// built, read by the rules and dropped in turn, never all held at once, which lowers the peak
/// memory by about a sixth (benches/README.md, "Memory"). The report is the same as
/// [`check`]'s; the returned `facts` hold the call graph only: **`facts.flows` is empty**.
pub fn check_report(root: &Path, options: CheckOptions) -> Result<Checked, LoadError> {
    Ok(check_loaded(load::load_packed(root)?, options, Flows::Drop))
}

/// Whether the flow graphs outlive the rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flows {
    Keep,
    Drop,
}

/// Checks a loaded catalogue.
fn check_loaded(loaded: load::Loaded, options: CheckOptions, flows: Flows) -> Checked {
    let catalogue = loaded.catalogue;
    let facts = match flows {
        Flows::Keep => Facts::build(&catalogue),
        Flows::Drop => Facts {
            flows: Vec::new(),
            calls: CallGraph::build(&catalogue),
        },
    };
    // Drop: the graphs rules ask for beyond their own use case's (a called use case's).
    let others: Vec<OnceLock<Box<FlowGraph>>> = match flows {
        Flows::Keep => Vec::new(),
        Flows::Drop => (0..catalogue.use_cases.len()).map(|_| OnceLock::new()).collect(),
    };
    let cx = Context {
        catalogue: &catalogue,
        facts: &facts,
        today: options.today,
        flow: None,
    };

    let severity = |id: &str| -> Severity {
        let meta = rules::find(id).expect("every diagnostic names a registered rule");
        match meta.group {
            Group::Format => meta.default_severity,
            _ => catalogue.settings.severity(id).unwrap_or(meta.default_severity),
        }
    };
    let active: Vec<_> = REGISTRY
        .iter()
        .filter(|r| severity(r.meta().id) != Severity::Off)
        .collect();

    let mut found: Vec<Diagnostic> = (0..catalogue.use_cases.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let mut out = Vec::new();
            let built = (flows == Flows::Drop).then(|| FlowGraph::build(&catalogue, &catalogue.use_cases[i]));
            let cx = Context {
                flow: built.as_ref().map(|f| OnDemand {
                    current: (i, f),
                    others: &others,
                }),
                ..cx
            };
            for rule in &active {
                rule.check_use_case(&cx, i, &mut out);
            }
            out
        })
        .collect();
    for rule in &active {
        rule.check_catalogue(&cx, &mut found);
    }
    found.extend(settings_diagnostics(&catalogue));

    let (mut diagnostics, mut suppressed) = suppress(&catalogue, found, &severity);
    diagnostics.extend(loaded.diagnostics);
    for d in &mut diagnostics {
        d.severity = severity(d.rule);
    }
    for s in &mut suppressed {
        s.diagnostic.severity = severity(s.diagnostic.rule);
    }
    let use_cases = catalogue
        .use_cases
        .iter()
        .map(|u| (u.id.value.to_string(), u.file))
        .collect();
    // The texts of the files with a finding, for the report to locate and quote them (a
    // `load_packed` catalogue's use case files are packed; `unpack` leaves others as they are).
    let mut sources = loaded.sources;
    sources.unpack(
        diagnostics
            .iter()
            .chain(suppressed.iter().map(|s| &s.diagnostic))
            .flat_map(|d| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)))
            .chain(suppressed.iter().map(|s| s.allow.file)),
    );
    let report = Report::new(sources, diagnostics, use_cases).with_suppressed(suppressed);
    Checked {
        catalogue,
        facts,
        report,
    }
}

/// Format rules cannot be configured: say so where casebook.yaml tries.
fn settings_diagnostics(cat: &Catalogue) -> Vec<Diagnostic> {
    cat.settings
        .rules
        .values()
        .filter_map(|s| {
            let meta = rules::find(&s.id.value)?;
            (meta.group == Group::Format).then(|| {
                Diagnostic::new(
                    "schema",
                    s.id.span,
                    format!(
                        "`{}` is a format rule: it is always {} and cannot be configured",
                        meta.id,
                        match meta.default_severity {
                            Severity::Warning => "a warning",
                            Severity::Info => "an info",
                            _ => "an error",
                        }
                    ),
                )
                .with_help("remove this entry; format errors make the rest of the analysis unreliable")
            })
        })
        .collect()
}

/// Where an allow entry is: use case, step (None for the use case's own list), entry.
type AllowKey = (usize, Option<usize>, usize);

fn allows(uc: usize, step: Option<usize>, allow: &Allow, rule: &str) -> Option<AllowKey> {
    allow
        .rules
        .iter()
        .position(|r| r.value == rule)
        .map(|e| (uc, step, e))
}

/// Sets apart the findings an `allow:` covers (returned second, with the allow's reason) and
/// reports the allow entries that covered none.
fn suppress(
    cat: &Catalogue,
    found: Vec<Diagnostic>,
    severity: &dyn Fn(&str) -> Severity,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let mut used: HashSet<AllowKey> = HashSet::new();
    let mut kept = Vec::with_capacity(found.len());
    let mut suppressed = Vec::new();
    for d in found {
        let suppressible = rules::find(d.rule).is_some_and(|m| m.group != Group::Format);
        let key = d
            .use_case
            .as_deref()
            .and_then(|u| cat.index.use_cases.get(u))
            .and_then(|&u| {
                let uc = &cat.use_cases[u];
                let step = d.step.as_deref().and_then(|s| uc.step(s));
                step.and_then(|s| allows(u, Some(s), &uc.steps[s].allow, d.rule))
                    .or_else(|| allows(u, None, &uc.allow, d.rule))
            });
        match key {
            Some(key) if suppressible => {
                let (u, step, e) = key;
                let uc = &cat.use_cases[u];
                let allow = match step {
                    Some(s) => &uc.steps[s].allow,
                    None => &uc.allow,
                };
                suppressed.push(Suppressed {
                    diagnostic: d,
                    reason: allow.reason.clone(),
                    allow: allow.rules[e].span,
                });
                used.insert(key);
            }
            _ => kept.push(d),
        }
    }
    for (u, uc) in cat.use_cases.iter().enumerate() {
        let lists = std::iter::once((None, &uc.allow))
            .chain(uc.steps.iter().enumerate().map(|(s, st)| (Some(s), &*st.allow)));
        for (step, allow) in lists {
            for (e, r) in allow.rules.iter().enumerate() {
                let Some(meta) = rules::find(&r.value) else {
                    continue;
                };
                let mut d = if allow.rules[..e].iter().any(|earlier| earlier.value == r.value) {
                    // `allows` matches the first entry only: a repeated one never suppresses.
                    Diagnostic::new(
                        "unused-allow",
                        r.span,
                        format!("`{}` is listed twice in this `allow:`", meta.id),
                    )
                    .with_help("remove the repeated entry")
                } else if meta.group == Group::Format {
                    Diagnostic::new(
                        "unused-allow",
                        r.span,
                        format!("`{}` is a format rule and cannot be allowed", meta.id),
                    )
                    .with_help(
                        "fix the problem instead; format errors make the rest of the analysis unreliable",
                    )
                } else if severity(meta.id) == Severity::Off || used.contains(&(u, step, e)) {
                    continue;
                } else {
                    let place = if step.is_some() {
                        "on this step"
                    } else {
                        "in this use case"
                    };
                    Diagnostic::new(
                        "unused-allow",
                        r.span,
                        format!(
                            "`allow: {}` suppresses nothing: the rule finds nothing {place}",
                            meta.id
                        ),
                    )
                    .with_help("remove the entry; if the finding comes back, it will be shown")
                };
                d.use_case = Some(uc.id.value.to_string());
                d.step = step.map(|s| uc.steps[s].id.value.to_string());
                kept.push(d);
            }
        }
    }
    (kept, suppressed)
}
