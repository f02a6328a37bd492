use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a `when:` condition or `default: true` on an entry of a parallel split (a step
    /// with `parallel: true`). Messages (`message: true`) are not branches and are left alone.
    ///
    /// ## Why is this bad?
    /// Every branch of a parallel split runs at once, whatever happens: a condition on one of
    /// them tells staff reading the handbook that there is a choice to make when there is none,
    /// and the diagram labels an arrow that is always taken. Either the branches are really a
    /// decision (then the step is not parallel), or the condition is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// - id: open-file
    ///   title: The agent opens the claim
    ///   actor: contact-centre
    ///   parallel: true
    ///   next:
    ///     - to: order-parts
    ///       when: parts are needed    # every branch runs: no condition
    ///     - to: book-visit
    /// ```
    ///
    /// ## How to fix
    /// Remove `when:` and `default:` from the entries, or remove `parallel: true` if only one
    /// branch is taken (then every branch needs its condition, see `unlabelled-branch`).
    pub struct ParallelCondition {
        id: "parallel-condition",
        group: Structure,
        severity: Error,
        summary: "a branch of a parallel split (`parallel: true`) with `when:` or `default: true`",
    }
}

impl Rule for ParallelCondition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        for (s, step) in uc.steps.iter().enumerate().filter(|(_, s)| s.is_parallel()) {
            for next in step.next.iter().filter(|n| !n.message) {
                let (span, what) = match &next.when {
                    Some(w) => (w.span, "a condition (`when:`)"),
                    None if next.default => (next.span, "`default: true`"),
                    None => continue,
                };
                out.push(
                    at_step(
                        &Self::META,
                        uc,
                        s,
                        span,
                        format!(
                            "the branch from {} to `{}` has {what}, but the step is a parallel split: every branch runs at once",
                            step_name(uc, s),
                            next.to.value,
                        ),
                    )
                    .with_help(
                        "remove the condition, or remove `parallel: true` if only one of the branches is taken",
                    ),
                );
            }
        }
    }
}
