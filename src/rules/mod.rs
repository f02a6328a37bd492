//! The rules: one file per rule, each with its user documentation as its doc comment, and one
//! registry ([`REGISTRY`]). Rules are pure: they read the model and the graph facts and push
//! diagnostics; they never print and never do IO.
//!
//! Some rules are produced by other layers and live here for their documentation and severity:
//! `yaml-syntax`, `schema` and `stray-file` by the loader, `unused-allow` by the engine's
//! suppression pass, `baseline-fixed` by `check --baseline` (`diagnostic::baseline`).

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{Facts, FlowGraph};
use crate::model::{Catalogue, Date, UseCase};
use std::sync::OnceLock;

mod baseline_fixed;
mod call_cycle;
mod channel_switch;
mod close_the_loop;
mod customer_transfer;
mod dead_end;
mod duplicate_branch;
mod duplicate_id;
mod fail_point_without_recovery;
mod handoff_budget;
mod handoff_without_duration;
mod information_gap;
mod misdirected_message;
mod missing_channel;
mod moment_of_truth_handoff;
mod no_exit_loop;
mod parallel_condition;
mod ping_pong;
mod repeat_ask;
mod review_overdue;
mod satisfaction_gap;
mod schema;
mod silo_break;
mod stray_file;
mod unbalanced_parallel;
mod unknown_reference;
mod unlabelled_branch;
mod unreachable_step;
mod unused_allow;
mod unused_definition;
mod visibility_crossing;
mod yaml_syntax;

/// The group a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Files, schema and references.
    Format,
    /// The shape of the flow graphs.
    Structure,
    /// Handoffs and silos.
    Flow,
    /// The customer's omnichannel experience.
    Experience,
}

impl Group {
    /// The group's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Format => "format",
            Group::Structure => "structure",
            Group::Flow => "flow",
            Group::Experience => "experience",
        }
    }
}

/// What the registry knows of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// The stable kebab-case id.
    pub id: &'static str,
    /// Its group.
    pub group: Group,
    /// Severity when casebook.yaml sets none.
    pub default_severity: Severity,
    /// One line: when it fires.
    pub summary: &'static str,
    /// The documentation (Markdown, from the rule's doc comment).
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned()
    }
}

/// What every rule can read.
pub struct Context<'a> {
    /// The model.
    pub catalogue: &'a Catalogue,
    /// The graph facts.
    pub facts: &'a Facts,
    /// The date review-overdue compares with.
    pub today: Date,
    /// The flow graphs, when `facts` holds none (see [`crate::engine::check_report`]).
    pub flow: Option<OnDemand<'a>>,
}

/// The flow graphs of a check that does not keep them all.
pub struct OnDemand<'a> {
    /// The use case checked and its graph, dropped after its rules.
    pub current: (usize, &'a FlowGraph),
    /// Any other use case's graph, built when a rule first asks for it (close-the-loop reads
    /// the graphs of the use cases a step calls) and kept until the end of the check.
    pub others: &'a [OnceLock<Box<FlowGraph>>],
}

impl<'a> Context<'a> {
    /// The use case with index `i` and its flow graph.
    pub fn use_case(&self, i: usize) -> (&'a UseCase, &'a FlowGraph) {
        let uc = &self.catalogue.use_cases[i];
        let flow = match &self.flow {
            Some(d) if d.current.0 == i => d.current.1,
            Some(d) => {
                let others: &'a [OnceLock<Box<FlowGraph>>] = d.others;
                &**others[i].get_or_init(|| Box::new(FlowGraph::build(self.catalogue, uc)))
            }
            None => &self.facts.flows[i],
        };
        (uc, flow)
    }
}

/// A rule. Either hook may push diagnostics; the engine sets their severity.
pub trait Rule: Sync {
    /// The rule's registry entry.
    fn meta(&self) -> &'static RuleMeta;
    /// Checks one use case (run in parallel over use cases).
    fn check_use_case(&self, _cx: &Context<'_>, _uc: usize, _out: &mut Vec<Diagnostic>) {}
    /// Checks the catalogue as a whole.
    fn check_catalogue(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// Declares a rule struct whose doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            group: $group:ident,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            /// The registry entry.
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                group: $crate::rules::Group::$group,
                default_severity: $crate::diagnostic::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Implements [`Rule::meta`] for a declared rule with no checks of its own (produced elsewhere).
macro_rules! documented_only {
    ($name:ident) => {
        impl $crate::rules::Rule for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
}
pub(crate) use documented_only;

/// Every rule, in the order `casebook explain` lists them.
pub static REGISTRY: &[&dyn Rule] = &[
    &yaml_syntax::YamlSyntax,
    &schema::Schema,
    &duplicate_id::DuplicateId,
    &unknown_reference::UnknownReference,
    &stray_file::StrayFile,
    &unreachable_step::UnreachableStep,
    &dead_end::DeadEnd,
    &no_exit_loop::NoExitLoop,
    &unlabelled_branch::UnlabelledBranch,
    &duplicate_branch::DuplicateBranch,
    &parallel_condition::ParallelCondition,
    &unbalanced_parallel::UnbalancedParallel,
    &misdirected_message::MisdirectedMessage,
    &call_cycle::CallCycle,
    &missing_channel::MissingChannel,
    &unused_definition::UnusedDefinition,
    &unused_allow::UnusedAllow,
    &baseline_fixed::BaselineFixed,
    &handoff_budget::HandoffBudget,
    &ping_pong::PingPong,
    &silo_break::SiloBreak,
    &information_gap::InformationGap,
    &handoff_without_duration::HandoffWithoutDuration,
    &customer_transfer::CustomerTransfer,
    &visibility_crossing::VisibilityCrossing,
    &repeat_ask::RepeatAsk,
    &channel_switch::ChannelSwitch,
    &close_the_loop::CloseTheLoop,
    &moment_of_truth_handoff::MomentOfTruthHandoff,
    &fail_point_without_recovery::FailPointWithoutRecovery,
    &satisfaction_gap::SatisfactionGap,
    &review_overdue::ReviewOverdue,
];

/// The registry entry of a rule id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    REGISTRY.iter().map(|r| r.meta()).find(|m| m.id == id)
}

/// Every rule id.
pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|r| r.meta().id)
}

/// A diagnostic about a step of a use case, with the ids filled in.
pub(crate) fn at_step(
    rule: &RuleMeta,
    uc: &UseCase,
    step: usize,
    span: crate::source::Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(rule.id, span, message)
        .in_use_case(uc.id.value)
        .at_step(uc.steps[step].id.value)
}

/// The span of an edge: its `next` entry, or the `recovery` reference.
pub(crate) fn edge_span(uc: &UseCase, edge: &crate::graph::flow::Edge) -> crate::source::Span {
    let step = &uc.steps[edge.from];
    match edge.kind {
        crate::graph::EdgeKind::Next(k) | crate::graph::EdgeKind::Message(k) => step.next[k].span,
        crate::graph::EdgeKind::Recovery => step.recovery.as_ref().map_or(step.id.span, |r| r.span),
    }
}

/// A team's display form for messages: `` `id` `` .
pub(crate) fn team(cx: &Context<'_>, t: usize) -> String {
    format!("`{}`", cx.catalogue.teams[t].id.value)
}

/// Names a step for messages: `` `id` (Title) ``.
pub(crate) fn step_name(uc: &UseCase, step: usize) -> String {
    let s = &uc.steps[step];
    match &s.title {
        Some(t) => format!("`{}` ({})", s.id.value, t.value),
        None => format!("`{}`", s.id.value),
    }
}
