use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a customer step that gives an item the customer already gave earlier on the same
    /// path (including an earlier round of a loop).
    ///
    /// ## Why is this bad?
    /// "I already told you that" is the friction customers resent most. Being asked twice says
    /// the organisation did not record, or did not pass on, what it was told; with several
    /// channels it usually happens when the customer moves from the phone to the web or back.
    ///
    /// ## Example
    /// ```yaml
    /// - id: ivr-menu
    ///   actor: customer
    ///   channel: phone
    ///   gives: [card-number]
    /// - id: tell-agent
    ///   actor: customer
    ///   channel: phone
    ///   gives: [card-number]      # asked again by the agent
    /// ```
    ///
    /// ## How to fix
    /// Record the item the first time (a `system` the later team can read) or carry it over
    /// (`carries:`), and remove it from the later step's `gives`.
    pub struct RepeatAsk {
        id: "repeat-ask",
        group: Experience,
        severity: Warning,
        summary: "a customer step gives an item that the customer already gave earlier on the same path",
    }
}

impl Rule for RepeatAsk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for r in &flow.flow.repeats {
            let give = &uc.steps[r.step].gives[r.give];
            let before = if r.earlier == r.step {
                "in an earlier round of this loop".to_owned()
            } else {
                format!("at step {}", step_name(uc, r.earlier))
            };
            let mut d = at_step(
                &Self::META,
                uc,
                r.step,
                give.span,
                format!("the customer is asked for `{}` again: they already gave it {before}", give.value),
            )
            .with_help("record it the first time where the later team can read it, or carry it over (`carries:`), and remove it from this step's `gives`");
            if let Some(first) = uc.steps[r.earlier].gives.iter().find(|g| g.value == give.value)
                && r.earlier != r.step
            {
                d = d.with_label(first.span, "given first here");
            }
            out.push(d);
        }
    }
}
