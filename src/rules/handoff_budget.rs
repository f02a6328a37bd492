use super::{Context, Rule, RuleMeta, at_step, declare_rule, edge_span, step_name, team};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Counts the handoffs (a step of one team followed by a step of another team) on the walks
    /// from the start to an end step that go round each loop at most once, and reports the worst
    /// one when it has more than `max` handoffs (default 3). Going round a loop once counts every
    /// handoff on the way round: `write` (one team), `check` (another), back to `write`, then
    /// `check` again and on to the end has 3 handoffs. Precisely: the walk's edges are a simple
    /// path plus distinct simple cycles, each way round a loop taken at most once; a second
    /// `next` entry to the same step counts once. The finding points at the first handoff over
    /// the budget and lists the handoffs in walk order. Where the loops are too tangled to follow
    /// every way round (casebook searches within a fixed budget), the count is an upper bound and
    /// the message says so. Every branch of a parallel split (`parallel: true`) runs, so where
    /// the branches meet again at a `join: all` step the walk passes, each branch adds its most
    /// handoffs to the count (listed where the walk leaves the split). A message
    /// (`message: true`) is not a way on: it adds nothing to the walk.
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
        if worst.count <= max {
            return;
        }
        let help = "let one team finish more of the case (access, authority), merge steps, or accept it with `allow: [handoff-budget]` and a reason";
        let Some(over) = worst.handoffs.get(max).filter(|_| worst.exact) else {
            // An upper bound: the loops are too tangled to follow every way round.
            let at = worst.tangle.unwrap_or(0);
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    at,
                    uc.steps[at].id.span,
                    format!(
                        "a path through this use case may have up to {} handoffs, over the budget of {max}: an upper bound, as the loops from {} are too tangled for casebook to follow every way round them",
                        worst.count,
                        step_name(uc, at)
                    ),
                )
                .with_help(help),
            );
            return;
        };
        // The handoffs in walk order: a walk that goes round each of its loops once.
        const SHOWN: usize = 12;
        let mut chain: Vec<String> = worst
            .handoffs
            .iter()
            .take(SHOWN)
            .map(|h| format!("{} → {}", team(cx, h.from_team), team(cx, h.to_team)))
            .collect();
        if worst.handoffs.len() > SHOWN {
            chain.push(format!("… ({} more)", worst.handoffs.len() - SHOWN));
        }
        let mut seen = std::collections::HashSet::new();
        let loops = !worst.walk.iter().all(|s| seen.insert(s));
        let how = if loops {
            " when it goes round each of its loops once"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                Self::META.id,
                edge_span(uc, &over.edge),
                format!(
                    "a path through this use case has {} handoffs{how}, over the budget of {max}: {}; the case changes hands {} times before the customer's outcome",
                    worst.count,
                    chain.join(", "),
                    worst.count
                ),
            )
            .in_use_case(uc.id.value)
            .at_step(uc.steps[over.edge.from].id.value)
            .with_help(help),
        );
    }
}
