use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step with several `next` entries where an entry has neither a `when:`
    /// condition nor `default: true`, or where more than one entry is the default. Messages
    /// (`message: true`) are not branches, and the branches of a parallel split (`parallel:
    /// true`) all run, so they need no condition (`parallel-condition` reports one there).
    ///
    /// ## Why is this bad?
    /// A branch is a decision somebody makes. Without its condition, staff reading the handbook
    /// cannot tell which way to go, and the diagram shows arrows without labels.
    ///
    /// ## Example
    /// ```yaml
    /// next:
    ///   - to: correct
    ///     when: the invoice is wrong
    ///   - to: confirm          # no condition
    /// ```
    ///
    /// ## How to fix
    /// Write the condition (`when: the invoice is right`), or mark one entry `default: true`.
    pub struct UnlabelledBranch {
        id: "unlabelled-branch",
        group: Structure,
        severity: Error,
        summary: "a step with several `next` entries where one lacks `when:` (one may be `default: true`)",
    }
}

impl Rule for UnlabelledBranch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        for (s, step) in uc.steps.iter().enumerate() {
            if step.is_parallel() || step.next.iter().filter(|n| !n.message).count() < 2 {
                continue;
            }
            let mut defaults = 0;
            for next in step.next.iter().filter(|n| !n.message) {
                if next.default {
                    defaults += 1;
                    if defaults > 1 {
                        out.push(
                            at_step(
                                &Self::META,
                                uc,
                                s,
                                next.span,
                                format!("step {} has more than one default branch", step_name(uc, s)),
                            )
                            .with_help("keep `default: true` on one entry and give the others a `when:`"),
                        );
                    }
                } else if next.when.is_none() {
                    out.push(
                        at_step(
                            &Self::META,
                            uc,
                            s,
                            next.span,
                            format!(
                                "the branch from {} to `{}` has no condition",
                                step_name(uc, s),
                                next.to.value
                            ),
                        )
                        .with_help(
                            "add `when: <condition>` to the entry, or `default: true` if it is the usual way",
                        ),
                    );
                }
            }
        }
    }
}
