use super::{Context, Rule, RuleMeta, at_step, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a set of steps from which no end step can be reached: a loop whose every way
    /// out leads back into it. It reports each closed loop once, at its first step. (Steps that
    /// only lead into a dead end are reported by `dead-end` instead.) A message
    /// (`message: true`) is no way out: the case stays in the loop while the message goes on.
    ///
    /// ## Why is this bad?
    /// A case that enters the loop can never finish: the customer is sent round and round, and
    /// nobody owns the way out. Real loops ("the technician comes back until it is fixed")
    /// always have an exit condition.
    ///
    /// ## Example
    /// ```yaml
    /// - id: diagnose
    ///   actor: field-service
    ///   next: repair
    /// - id: repair
    ///   actor: field-service
    ///   next: diagnose        # and never anywhere else
    /// ```
    ///
    /// ## How to fix
    /// Add a branch out of the loop with its condition (`when: the fault is fixed`) leading to
    /// the next step or an end step.
    pub struct NoExitLoop {
        id: "no-exit-loop",
        group: Structure,
        severity: Error,
        summary: "a set of steps from which no end step can be reached (a cycle with no way out)",
    }
}

impl Rule for NoExitLoop {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for scc in &flow.sccs {
            // A closed loop: a cycle that cannot reach an end and that no edge leaves.
            if flow.reaches_end[scc[0]] || !flow.is_cycle(scc) {
                continue;
            }
            let closed = scc.iter().all(|&s| {
                flow.control_successors(s)
                    .all(|(t, _)| flow.scc_of[t] == flow.scc_of[s])
            });
            if !closed {
                continue;
            }
            let names: Vec<String> = scc
                .iter()
                .map(|&s| format!("`{}`", uc.steps[s].id.value))
                .collect();
            let mut d = at_step(
                &Self::META,
                uc,
                scc[0],
                uc.steps[scc[0]].id.span,
                format!(
                    "the loop through {} has no way out: no end step can be reached from it",
                    names.join(", ")
                ),
            )
            .with_help(
                "add a branch with its condition (`when: ...`) that leaves the loop towards an end step",
            );
            for &s in &scc[1..] {
                d = d.with_label(uc.steps[s].id.span, "part of the loop");
            }
            out.push(d);
        }
    }
}
