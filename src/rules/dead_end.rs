use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step that has no `next` and is not an end step (`end:`).
    ///
    /// ## Why is this bad?
    /// The flow stops there without an outcome: the handbook cannot say what happens next, and
    /// in real life this is where a case is left waiting and the customer calls back.
    ///
    /// ## Example
    /// ```yaml
    /// - id: investigate
    ///   title: Billing checks the invoice
    ///   actor: billing          # no next, no end
    /// ```
    ///
    /// ## How to fix
    /// Add `next:` to the step that follows, or make the step an end step with `end: <outcome>`
    /// (an end step has no actor; add a separate end step after it).
    pub struct DeadEnd {
        id: "dead-end",
        group: Structure,
        severity: Error,
        summary: "a step without `next` that is not an end step",
    }
}

impl Rule for DeadEnd {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        for (s, step) in uc.steps.iter().enumerate() {
            if step.is_end() || !step.next.is_empty() || step.next_key.is_some() {
                continue;
            }
            out.push(
                at_step(&Self::META, uc, s, step.id.span, format!("step {} has no `next` and is not an end step: the flow stops here without an outcome", step_name(uc, s)))
                    .with_help("add `next: <step>`, or lead to an end step (`- id: done` with `end: resolved`)"),
            );
        }
    }
}
