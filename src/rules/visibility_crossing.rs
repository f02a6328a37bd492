use super::{Context, Rule, RuleMeta, declare_rule, step_name};
use crate::diagnostic::Diagnostic;
use crate::graph::flow::{Edge, Who};
use crate::model::Lane;

declare_rule! {
    /// ## What it does
    /// Reports a customer step followed directly by a backstage or support step: the customer
    /// acts, and the next thing happens out of their sight with nobody frontstage receiving them.
    ///
    /// ## Why is this bad?
    /// It crosses the line of visibility without an interface: the customer sends something into
    /// the back office with no acknowledgement, no reference and no promise of when they will
    /// hear back. This is where "I never heard anything" complaints start.
    ///
    /// ## Example
    /// ```yaml
    /// - id: send-form
    ///   actor: customer
    ///   channel: email
    ///   next: billing-checks        # billing is backstage
    /// ```
    ///
    /// ## How to fix
    /// Put a frontstage step between (an agent or an automated acknowledgement that confirms
    /// receipt and says what happens next), or make the receiving step frontstage.
    pub struct VisibilityCrossing {
        id: "visibility-crossing",
        group: Flow,
        severity: Warning,
        summary: "a customer step is followed directly by a backstage or support step",
    }
}

impl Rule for VisibilityCrossing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for u in (0..uc.steps.len()).filter(|&u| flow.reachable[u] && flow.flow.who[u] == Some(Who::Customer))
        {
            for &(v, kind) in flow.succ[u]
                .iter()
                .filter(|&&(_, k)| k != crate::graph::EdgeKind::Recovery)
            {
                let lane = cx.catalogue.lane_of(&uc.steps[v]);
                if uc.steps[v].is_end() || !matches!(lane, Some(Lane::Backstage | Lane::Support)) {
                    continue;
                }
                let edge = Edge { from: u, to: v, kind };
                out.push(
                    Diagnostic::new(
                        Self::META.id,
                        super::edge_span(uc, &edge),
                        format!(
                            "the customer's step {} leads straight to {} in the {} lane: nobody frontstage receives the customer or confirms what happens next",
                            step_name(uc, u),
                            step_name(uc, v),
                            lane.map_or("", |l| l.as_str())
                        ),
                    )
                    .in_use_case(uc.id.value)
                    .at_step(uc.steps[u].id.value)
                    .with_help("add a frontstage step between (an agent, or an automated acknowledgement with a reference and a time frame)"),
                );
            }
        }
    }
}
