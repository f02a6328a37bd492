use super::{Context, Rule, RuleMeta, declare_rule, edge_span, team};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Counts the handoffs (a step of one team followed by a step of another team) on every
    /// path from the start to an end step, each loop taken at most once, and reports the worst
    /// path when it has more than `max` handoffs (default 3). The finding points at the first
    /// handoff over the budget and lists the whole chain; the handoffs of a loop are grouped.
    ///
    /// ## Why is this bad?
    /// Every handoff is a queue, a re-read of the case and a chance to lose information. Long
    /// chains are where customers are "passed from team to team" and where nobody owns the
    /// outcome.
    ///
    /// ## Example
    /// ```yaml
    /// # casebook.yaml
    /// rules:
    ///   handoff-budget: { severity: warning, max: 3 }
    /// # contact-centre -> billing -> credit-control -> billing -> contact-centre: 4 handoffs
    /// ```
    ///
    /// ## How to fix
    /// Let one team own more of the case (give the front office the access it needs to finish
    /// it), merge steps, or raise `max` for this use case with `allow: [handoff-budget]` and a
    /// reason when the chain is truly needed.
    pub struct HandoffBudget {
        id: "handoff-budget",
        group: Flow,
        severity: Warning,
        summary: "the handoffs on some start-to-end path exceed `max` (default 3); reports the worst path",
    }
}

impl Rule for HandoffBudget {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        let max = cx.catalogue.settings.option(Self::META.id, "max", 3).max(0) as usize;
        let Some(worst) = &flow.flow.worst else { return };
        if worst.handoffs.len() <= max {
            return;
        }
        let over = &worst.handoffs[max];
        // The handoffs in path order; those inside one loop (each counted once, whatever the
        // number of rounds) are grouped, as they are not one straight path.
        let mut chain: Vec<String> = Vec::new();
        let mut k = 0;
        while k < worst.handoffs.len() {
            let h = &worst.handoffs[k];
            let c = flow.scc_of[h.edge.from];
            let name = |h: &crate::graph::flow::Handoff| {
                format!("{} → {}", team(cx, h.from_team), team(cx, h.to_team))
            };
            if c != flow.scc_of[h.edge.to] {
                chain.push(name(h));
                k += 1;
                continue;
            }
            let looped: Vec<String> = worst.handoffs[k..]
                .iter()
                .take_while(|h| flow.scc_of[h.edge.from] == c && flow.scc_of[h.edge.to] == c)
                .map(name)
                .collect();
            k += looped.len();
            chain.push(format!("in a loop, once each: ({})", looped.join(", ")));
        }
        out.push(
            Diagnostic::new(
                Self::META.id,
                edge_span(uc, &over.edge),
                format!(
                    "a path through this use case has {} handoffs, over the budget of {max}: {}; the case changes hands {} times before the customer's outcome",
                    worst.handoffs.len(),
                    chain.join(", "),
                    worst.handoffs.len()
                ),
            )
            .in_use_case(uc.id.value.clone())
            .at_step(uc.steps[over.edge.from].id.value.clone())
            .with_help("let one team finish more of the case (access, authority), merge steps, or accept it with `allow: [handoff-budget]` and a reason"),
        );
    }
}
