use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a `next` entry that leads to the same step as an earlier entry of the same step.
    /// The finding points at the second entry (and at each later one). Handoffs are counted
    /// once per pair of steps, so the repeated entry adds no handoff to the worst path or to
    /// `casebook stats`.
    ///
    /// ## Why is this bad?
    /// Two branches to the same place are one branch: the diagram draws two arrows on top of
    /// each other, and staff reading the handbook look for a difference that is not there. Most
    /// often one of the targets is a slip (copied from the entry above and not changed), and the
    /// step it should have reached is never reached this way.
    ///
    /// ## Example
    /// ```yaml
    /// next:
    ///   - to: inform
    ///     when: the invoice is wrong
    ///   - to: inform           # the same step again
    ///     when: the invoice is right
    /// ```
    ///
    /// ## How to fix
    /// Point the entry at the step it should reach (`to: confirm`), or merge the two entries
    /// into one whose condition covers both (`when: the invoice is checked`).
    pub struct DuplicateBranch {
        id: "duplicate-branch",
        group: Structure,
        severity: Warning,
        summary: "two `next` entries of one step lead to the same step",
    }
}

impl Rule for DuplicateBranch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        for (s, step) in uc.steps.iter().enumerate() {
            for (k, next) in step.next.iter().enumerate() {
                let target = &next.to.value;
                let Some(first) = step.next[..k].iter().position(|n| &n.to.value == target) else {
                    continue;
                };
                out.push(
                    at_step(
                        &Self::META,
                        uc,
                        s,
                        next.span,
                        format!(
                            "entry {} of the `next` of {} leads to `{target}`, like entry {}: two branches to the same step are one branch",
                            k + 1,
                            step_name(uc, s),
                            first + 1
                        ),
                    )
                    .with_help(format!(
                        "point this entry at the step it should reach, or merge it with entry {} under one condition",
                        first + 1
                    )),
                );
            }
        }
    }
}
