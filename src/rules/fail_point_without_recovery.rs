use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step marked `fail_point: true` that names no `recovery:` step.
    ///
    /// ## Why is this bad?
    /// Marking a fail point says "this often goes wrong". Without a recovery, staff have no
    /// agreed way back when it does, and each failure is handled differently, usually late.
    ///
    /// ## Example
    /// ```yaml
    /// - id: technician-visit
    ///   actor: field-technicians
    ///   fail_point: true          # no-shows happen: and then?
    ///   next: done
    /// ```
    ///
    /// ## How to fix
    /// Add `recovery: <step-id>`, the step where the flow goes when it fails (rebook the visit,
    /// call the customer).
    pub struct FailPointWithoutRecovery {
        id: "fail-point-without-recovery",
        group: Experience,
        severity: Warning,
        summary: "a `fail_point` step with no `recovery`",
    }
}

impl Rule for FailPointWithoutRecovery {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        for (s, step) in uc.steps.iter().enumerate() {
            let Some(mark) = step.fail_point else { continue };
            if step.recovery.is_some() {
                continue;
            }
            out.push(
                at_step(&Self::META, uc, s, mark, format!("step {} is a known fail point but names no recovery: when it fails, nobody knows where the case goes", step_name(uc, s)))
                    .with_help("add `recovery: <step-id>`, the step that takes over when it fails"),
            );
        }
    }
}
