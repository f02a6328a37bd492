use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step that `needs` an item which is not available there: not in the use case's
    /// `inputs`, and not given (`gives`, `carries`) on every path from the start to the step.
    /// An item given on only one branch is a gap on the other. Loops are handled: the analysis
    /// runs to a fixed point.
    ///
    /// ## Why is this bad?
    /// The step cannot be done as written: on some path, staff arrive at it without what it
    /// needs, and have to stop and chase it.
    ///
    /// ## Example
    /// ```yaml
    /// - id: triage
    ///   next:
    ///     - { to: quote, when: a new order }
    ///     - { to: confirm, when: a repeat order }
    /// - id: quote
    ///   gives: [quote-amount]
    ///   next: confirm
    /// - id: confirm
    ///   needs: [quote-amount]     # missing when the order is a repeat order
    /// ```
    ///
    /// ## How to fix
    /// Give the item on every path before the step (collect it earlier, before the branch), add
    /// it to `inputs` when the customer has it from the start, or remove it from `needs`.
    pub struct InformationGap {
        id: "information-gap",
        group: Flow,
        severity: Error,
        summary: "a step needs an item that is not available there",
    }
}

impl Rule for InformationGap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for gap in &flow.flow.gaps {
            let need = &uc.steps[gap.step].needs[gap.need];
            let path: Vec<String> = gap
                .witness
                .iter()
                .map(|&s| format!("`{}`", uc.steps[s].id.value))
                .collect();
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    gap.step,
                    need.span,
                    format!(
                        "step {} needs `{}`, but it is not available on every path: along {} nothing gives it",
                        step_name(uc, gap.step),
                        need.value,
                        path.join(" → ")
                    ),
                )
                .with_help("give it on every path before this step (before the branch), add it to the use case's `inputs` if the customer has it from the start, or drop it from `needs`"),
            );
        }
    }
}
