use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;
use crate::graph::EdgeKind;

declare_rule! {
    /// ## What it does
    /// Reports a message (a `next` entry with `message: true`) between two steps of the same
    /// actor (the same team, or the customer to the customer), or to an end step.
    ///
    /// ## Why is this bad?
    /// A message is how one actor tells another something without handing the flow over: it
    /// counts as a handoff but is not the way the flow goes on. Between two steps of one team
    /// there is nobody else to tell, so the entry is either the flow itself (then it is a plain
    /// `next` entry, and the analyses should follow it) or a message meant for another team. An
    /// end step has no actor to receive a message. BPMN has the same rule: a message flow
    /// always joins two pools.
    ///
    /// ## Example
    /// ```yaml
    /// - id: check
    ///   title: Billing checks the invoice
    ///   actor: billing
    ///   next:
    ///     - to: correct          # `correct` is billing's too
    ///       message: true
    /// ```
    ///
    /// ## How to fix
    /// Remove `message: true` if the flow goes on there, or point the message at the step of
    /// the other team that receives it.
    pub struct MisdirectedMessage {
        id: "misdirected-message",
        group: Structure,
        severity: Warning,
        summary: "a message (`message: true`) between two steps of the same actor, or to an end step",
    }
}

impl Rule for MisdirectedMessage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for (u, list) in flow.succ.iter().enumerate() {
            for &(v, kind) in list {
                let EdgeKind::Message(k) = kind else { continue };
                let (from, to) = (&uc.steps[u], &uc.steps[v]);
                let message = if to.is_end() {
                    format!(
                        "the message from {} goes to the end step {}, which nobody acts in: nobody receives it",
                        step_name(uc, u),
                        step_name(uc, v)
                    )
                } else if let (Some(a), Some(b)) = (&from.actor, &to.actor)
                    && a.value == b.value
                {
                    format!(
                        "the message from {} goes to {}, a step of the same actor `{}`: a message goes to another actor",
                        step_name(uc, u),
                        step_name(uc, v),
                        a.value
                    )
                } else {
                    continue;
                };
                out.push(
                    at_step(&Self::META, uc, u, from.next[k].span, message).with_help(
                        "remove `message: true` if the flow goes on there, or send the message to the step of the actor who receives it",
                    ),
                );
            }
        }
    }
}
