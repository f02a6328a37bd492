use super::{Context, Rule, RuleMeta, at_step, declare_rule, edge_span, step_name, team};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a `moment_of_truth` step that is reached through a cross-department handoff.
    ///
    /// ## Why is this bad?
    /// A moment of truth decides how the customer judges the whole service. Arriving there
    /// straight after the case changed department is when context is most likely to be missing
    /// and the risk of getting it wrong is highest.
    ///
    /// ## Example
    /// ```yaml
    /// - id: approve
    ///   actor: credit-control       # finance
    ///   next: tell-client
    /// - id: tell-client
    ///   actor: account-managers     # client services
    ///   moment_of_truth: true
    /// ```
    ///
    /// ## How to fix
    /// Let the team that owns the moment of truth prepare it itself (a step of its own before),
    /// or make sure the handoff carries everything needed and accept it with
    /// `allow: [moment-of-truth-handoff]` and a reason.
    pub struct MomentOfTruthHandoff {
        id: "moment-of-truth-handoff",
        group: Experience,
        severity: Warning,
        summary: "a `moment_of_truth` step is reached through a cross-department handoff",
    }
}

impl Rule for MomentOfTruthHandoff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for h in flow.cross_department_arrivals() {
            let v = h.edge.to;
            let Some(mark) = uc.steps[v].moment_of_truth else {
                continue;
            };
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    v,
                    mark,
                    format!(
                        "the moment of truth {} comes straight after a handoff from another department ({} → {}): the team meets the customer's decisive moment with second-hand context",
                        step_name(uc, v),
                        team(cx, h.from_team),
                        team(cx, h.to_team)
                    ),
                )
                .with_label(edge_span(uc, &h.edge), "handed over here")
                .with_help("let the owning team prepare the moment itself, or carry everything it needs and accept it with `allow: [moment-of-truth-handoff]`"),
            );
        }
    }
}
