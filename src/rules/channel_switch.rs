use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a frontstage step on channel A followed on some path, with no customer-facing
    /// step between, by a customer step on another channel B: the organisation made the customer
    /// change channel. A customer who chooses a new channel after being served on a
    /// customer-facing step of that channel is not reported.
    ///
    /// ## Why is this bad?
    /// "Please fill in the form on the portal" at the end of a phone call moves the effort to
    /// the customer, breaks the conversation, and often loses its context: the portal does not
    /// know what was said on the phone.
    ///
    /// ## Example
    /// ```yaml
    /// - id: agent-answers
    ///   actor: contact-centre
    ///   channel: phone
    ///   next: upload-photos
    /// - id: upload-photos
    ///   actor: customer
    ///   channel: portal           # the caller is sent to the portal
    /// ```
    ///
    /// ## How to fix
    /// Let the customer finish on the channel they chose (the agent takes the details), or make
    /// the new channel start with a customer-facing step that carries the context over (a
    /// pre-filled portal task, a link by SMS) and say so in the flow.
    pub struct ChannelSwitch {
        id: "channel-switch",
        group: Experience,
        severity: Warning,
        summary: "a frontstage step on channel A is followed, with no customer-facing step between, by a customer step on channel B",
    }
}

impl Rule for ChannelSwitch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for s in &flow.flow.switches {
            let (a, b) = (&uc.steps[s.from].channel, &uc.steps[s.to].channel);
            let (Some(a), Some(b)) = (a, b) else { continue };
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    s.to,
                    b.span,
                    format!(
                        "the customer is made to switch from `{}` to `{}`: after {} they must act on `{}` with nothing customer-facing in between",
                        a.value,
                        b.value,
                        step_name(uc, s.from),
                        b.value
                    ),
                )
                .with_label(a.span, "served on this channel")
                .with_help(format!(
                    "let the customer finish on `{}`, or start `{}` with a customer-facing step that carries the context over (a pre-filled task, a link)",
                    a.value, b.value
                )),
            );
        }
    }
}
