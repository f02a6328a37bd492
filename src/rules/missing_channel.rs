use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;
use crate::model::Lane;

declare_rule! {
    /// ## What it does
    /// Reports a customer-facing step without `channel:`. A step is customer-facing when its
    /// actor is the customer or its lane is frontstage (the lane of its team, or its own `lane:`).
    ///
    /// ## Why is this bad?
    /// Omnichannel analysis needs to know where the customer is: on the phone, in the portal,
    /// at a service point. Without it, forced channel switches and transfers go unseen, and the
    /// channel pages of the handbook miss the step.
    ///
    /// ## Example
    /// ```yaml
    /// - id: call
    ///   title: Client calls about the invoice
    ///   actor: customer          # no channel
    /// ```
    ///
    /// ## How to fix
    /// Add `channel: <id>` from channels.yaml (`phone`, `portal`, ...).
    pub struct MissingChannel {
        id: "missing-channel",
        group: Structure,
        severity: Error,
        summary: "a customer-facing step without `channel`",
    }
}

impl Rule for MissingChannel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        let cat = cx.catalogue;
        for (s, step) in uc.steps.iter().enumerate() {
            if step.is_end() || step.channel.is_some() || !cat.is_customer_facing(step) {
                continue;
            }
            let who = if cat.lane_of(step) == Some(Lane::Customer) {
                "the customer acts here".to_owned()
            } else {
                format!(
                    "`{}` works frontstage here",
                    step.actor.as_ref().map_or("", |a| a.value.as_str())
                )
            };
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    s,
                    step.id.span,
                    format!(
                        "step {} is customer-facing ({who}) but names no channel",
                        step_name(uc, s)
                    ),
                )
                .with_help("add `channel: <id>` from channels.yaml, e.g. `channel: phone`"),
            );
        }
    }
}
