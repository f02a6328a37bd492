use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;
use crate::graph::flow::Meeting;

declare_rule! {
    /// ## What it does
    /// Reports a parallel block that does not close: a parallel split (`parallel: true`) whose
    /// branches never meet, or meet first at a step that does not wait for them all (a step
    /// without `join: all` that is not an end step); and a step with `join: all` that no
    /// parallel split comes before on every way from the start.
    ///
    /// ## Why is this bad?
    /// When the branches of a parallel split meet at a step that does not wait for them, that
    /// step and everything after it happen once per branch: the customer is told twice, the
    /// case is closed twice. When they never meet, nobody can say when the case is finished.
    /// And a step that waits for all its branches after an ordinary decision waits for a branch
    /// that was not taken: the case is stuck there for ever. (BPMN calls these a lack of
    /// synchronisation and a deadlock.) The handoff count of the worst path adds the branches
    /// of a parallel block only when it closes.
    ///
    /// ## Example
    /// ```yaml
    /// - id: open-file
    ///   title: The agent opens the claim
    ///   actor: contact-centre
    ///   parallel: true
    ///   next: [order-parts, book-visit]
    /// - id: order-parts
    ///   title: Stores order the parts
    ///   actor: stores
    ///   next: repair
    /// - id: book-visit
    ///   title: Planning books the visit
    ///   actor: planning
    ///   next: repair
    /// - id: repair              # reached twice: it needs `join: all`
    ///   title: The technician repairs the boiler
    ///   actor: field-service
    ///   next: done
    /// ```
    ///
    /// ## How to fix
    /// Add `join: all` to the step where the branches meet; lead branches that never meet to a
    /// common step that waits for them; or, for a `join: all` step after an ordinary decision,
    /// remove `join: all` (or make the step that splits the flow `parallel: true` if all its
    /// branches really run).
    pub struct UnbalancedParallel {
        id: "unbalanced-parallel",
        group: Structure,
        severity: Error,
        summary: "a parallel split whose branches do not meet at a `join: all` step, or a `join: all` step without a parallel split before it",
    }
}

impl Rule for UnbalancedParallel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for p in &flow.flow.parallels {
            let s = p.step;
            let span = uc.steps[s].parallel.unwrap_or(uc.steps[s].id.span);
            let d = match p.meeting {
                Meeting::Joined(_) => continue,
                Meeting::Unsynchronised(x) => at_step(
                    &Self::META,
                    uc,
                    s,
                    span,
                    format!(
                        "the branches of the parallel split {} meet at {}, which does not wait for them all: it and what follows would happen once per branch",
                        step_name(uc, s),
                        step_name(uc, x)
                    ),
                )
                .with_label(uc.steps[x].id.span, "the branches meet here")
                .with_help(format!(
                    "add `join: all` to `{}` so that it waits for every branch",
                    uc.steps[x].id.value
                )),
                Meeting::Never => at_step(
                    &Self::META,
                    uc,
                    s,
                    span,
                    format!(
                        "the branches of the parallel split {} never meet: nobody can say when the case is finished",
                        step_name(uc, s)
                    ),
                )
                .with_help("lead the branches to a common step with `join: all`"),
            };
            out.push(d);
        }
        for &j in &flow.flow.unmatched_joins {
            let step = &uc.steps[j];
            let span = step.join.as_ref().map_or(step.id.span, |x| x.span);
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    j,
                    span,
                    format!(
                        "{} waits for all the branches that lead into it (`join: all`), but no parallel split comes before it on every way from the start: it would wait for a branch that was not taken",
                        step_name(uc, j)
                    ),
                )
                .with_help(
                    "remove `join: all`, or make the step that splits the flow `parallel: true` if all its branches really run",
                ),
            );
        }
    }
}
