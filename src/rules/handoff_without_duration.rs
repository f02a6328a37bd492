use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name, team};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports the receiving step of a cross-department handoff when it has no `duration:`.
    ///
    /// ## Why is this bad?
    /// Work that crosses departments waits in another queue with other priorities. Without an
    /// expected duration, the front office cannot tell the customer when to expect an answer,
    /// and the handbook cannot show where time goes.
    ///
    /// ## Example
    /// ```yaml
    /// - id: investigate
    ///   actor: billing     # receives the case from the contact centre
    ///   # no duration
    /// ```
    ///
    /// ## How to fix
    /// Add the expected duration agreed between the departments: `duration: 2d`.
    pub struct HandoffWithoutDuration {
        id: "handoff-without-duration",
        group: Flow,
        severity: Warning,
        summary: "a cross-department handoff whose receiving step has no `duration`",
    }
}

impl Rule for HandoffWithoutDuration {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        // A handoff from a step that cannot be reached never happens (unreachable-step reports
        // the step itself).
        for h in flow.cross_department_arrivals() {
            let v = h.edge.to;
            if uc.steps[v].duration.is_some() {
                continue;
            }
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    v,
                    uc.steps[v].id.span,
                    format!(
                        "step {} receives the case from another department ({} → {}) but has no expected duration: nobody can tell the customer when to expect an answer",
                        step_name(uc, v),
                        team(cx, h.from_team),
                        team(cx, h.to_team)
                    ),
                )
                .with_help("add the duration agreed between the departments, e.g. `duration: 2d`"),
            );
        }
    }
}
