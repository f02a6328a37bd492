use super::{Context, Rule, RuleMeta, declare_rule, edge_span, team};
use crate::diagnostic::Diagnostic;
use crate::model::Lane;

declare_rule! {
    /// ## What it does
    /// Reports a handoff u -> v between two frontstage teams where both steps use the same
    /// synchronous channel (a call, a chat, a visit): the customer is passed along within one
    /// contact.
    ///
    /// ## Why is this bad?
    /// A transferred call or chat means waiting on hold and, too often, explaining everything
    /// again to the second desk. It is the most visible symptom of a front office organised by
    /// internal structure rather than by the customer's need.
    ///
    /// ## Example
    /// ```yaml
    /// - id: answer
    ///   actor: contact-centre
    ///   channel: phone
    ///   next: cards-desk
    /// - id: cards-desk
    ///   actor: card-services-desk
    ///   channel: phone          # same call, transferred
    /// ```
    ///
    /// ## How to fix
    /// Route the contact to the right desk first (IVR or bot triage), let the first desk finish
    /// (training, access), or make the transfer warm with what is known carried over
    /// (`carries:`) and accept it with `allow: [customer-transfer]` and a reason.
    pub struct CustomerTransfer {
        id: "customer-transfer",
        group: Flow,
        severity: Warning,
        summary: "a handoff between two frontstage teams on the same synchronous channel",
    }
}

impl Rule for CustomerTransfer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        let cat = cx.catalogue;
        // A message (`message: true`) is not the customer moving from one desk to another.
        for h in flow.flow.handoffs.iter().filter(|h| !h.edge.kind.is_message()) {
            let (u, v) = (&uc.steps[h.edge.from], &uc.steps[h.edge.to]);
            let front = |s| cat.lane_of(s) == Some(Lane::Frontstage);
            let (Some(a), Some(b)) = (&u.channel, &v.channel) else {
                continue;
            };
            let sync = cat.channel(&a.value).is_some_and(|c| c.synchronous);
            if !(front(u) && front(v) && a.value == b.value && sync && flow.reachable[h.edge.from]) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Self::META.id,
                    edge_span(uc, &h.edge),
                    format!(
                        "the customer is transferred from {} to {} within the same `{}` contact: they wait on hold and may have to explain again",
                        team(cx, h.from_team),
                        team(cx, h.to_team),
                        a.value
                    ),
                )
                .in_use_case(uc.id.value)
                .at_step(u.id.value)
                .with_help("route the contact to the right desk first, let the first desk finish, or make the transfer warm (`carries:`) and accept it with `allow: [customer-transfer]`"),
            );
        }
    }
}
