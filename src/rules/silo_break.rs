use super::{Context, Rule, RuleMeta, declare_rule, edge_span, step_name, team};
use crate::diagnostic::Diagnostic;
use crate::model::CUSTOMER;

declare_rule! {
    /// ## What it does
    /// On each cross-department handoff u -> v, checks that every item the receiving step
    /// `needs` reaches its team. An item reaches a team when the step that gave it recorded it
    /// in a `system` (or the item is `stored_in` one) the team can read (`access:` in
    /// organisation.yaml), when it was carried on the way (`carries:` on a step or a `next`
    /// entry), when the team gave it itself, or when the customer told the team directly (the
    /// team's step follows the customer's). An item of the use case's `inputs` (what the customer
    /// has from the start) reaches the teams that can read its `stored_in` system. This must hold on every path to the handoff. An item
    /// that is not available at all is reported by `information-gap` instead.
    ///
    /// ## Why is this bad?
    /// This is the silo: the back office does not know what the front office was told. The
    /// receiving team calls the customer back to ask again, or works without it.
    ///
    /// ## Example
    /// ```yaml
    /// - id: log
    ///   actor: contact-centre       # customer-service department
    ///   system: crm                 # billing cannot read crm
    ///   gives: [complaint-details]
    ///   next: investigate
    /// - id: investigate
    ///   actor: billing              # finance department
    ///   needs: [complaint-details]
    /// ```
    ///
    /// ## How to fix
    /// Add a hand-over note on the flow (`carries: [complaint-details]` on the `next` entry),
    /// give the receiving team access to the system, or record the item where it can read it.
    pub struct SiloBreak {
        id: "silo-break",
        group: Flow,
        severity: Error,
        summary: "a cross-department handoff u -> v where v needs an item that does not reach actor(v)",
    }
}

impl Rule for SiloBreak {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        let cat = cx.catalogue;
        for gap in &flow.flow.silos {
            let (u, v) = (gap.handoff.edge.from, gap.handoff.edge.to);
            let need = &uc.steps[v].needs[gap.need];
            let receiver = team(cx, gap.handoff.to_team);
            let origin = match gap.givers.first() {
                Some(&g) => {
                    let step = &uc.steps[g];
                    let by = match step.actor.as_ref() {
                        Some(a) if a.value == CUSTOMER => "the customer".to_owned(),
                        Some(a) => format!("`{}`", a.value),
                        None => "someone".to_owned(),
                    };
                    let place = step.system.as_ref().map(|s| s.value).or_else(|| {
                        cat.item(&need.value)
                            .and_then(|it| it.stored_in.as_ref())
                            .map(|s| s.value)
                    });
                    match place {
                        Some(sys) => format!(
                            "{by} gave it at step `{}` and it is kept in `{sys}`, which {receiver} cannot read, and nothing carries it over",
                            step.id.value
                        ),
                        None => format!(
                            "{by} gave it at step `{}` but it is recorded nowhere {receiver} can read, and nothing carries it over",
                            step.id.value
                        ),
                    }
                }
                None => {
                    "the customer has it from the start, but nobody recorded it or carries it over".to_owned()
                }
            };
            out.push(
                Diagnostic::new(
                    Self::META.id,
                    need.span,
                    format!(
                        "{receiver} needs `{}` at step {} after the handoff from {}, but it does not reach {receiver}: {origin}; the customer will be asked again",
                        need.value,
                        step_name(uc, v),
                        team(cx, gap.handoff.from_team)
                    ),
                )
                .in_use_case(uc.id.value)
                .at_step(uc.steps[v].id.value)
                .with_label(edge_span(uc, &gap.handoff.edge), "handed over here")
                .with_help(format!(
                    "add `carries: [{}]` to this `next` entry of `{}`, give {receiver} access to the system where it is recorded, or record it where {receiver} can read it",
                    need.value, uc.steps[u].id.value
                )),
            );
        }
    }
}
