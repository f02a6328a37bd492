use super::{Context, Rule, RuleMeta, declare_rule, edge_span, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a path that reaches an end with no customer-facing step after its last backstage
    /// or support step: the flow ends in the back office. The finding points at the `next` entry
    /// that goes from the backstage step to the end. A backstage step that `calls` a use case
    /// whose every path ends with a customer-facing step closes the loop through it.
    ///
    /// ## Why is this bad?
    /// The work is done but the customer is never told. They call back to ask, and the case is
    /// reopened by a team that has to find out what happened. Closing the loop is the cheapest
    /// service improvement there is.
    ///
    /// ## Example
    /// ```yaml
    /// - id: credit-note
    ///   actor: billing          # backstage
    ///   next: done              # nobody tells the client
    /// - id: done
    ///   end: corrected
    /// ```
    ///
    /// ## How to fix
    /// Add a customer-facing step before the end: an agent calls back, an automated email or SMS
    /// confirms the outcome, or the customer sees it in the portal.
    pub struct CloseTheLoop {
        id: "close-the-loop",
        group: Experience,
        severity: Error,
        summary: "some path reaches an end with no customer-facing step after its last backstage or support step",
    }
}

impl Rule for CloseTheLoop {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for e in &flow.flow.open_loops {
            let called = uc.steps[e.from]
                .calls
                .as_ref()
                .and_then(|c| cx.catalogue.index.use_cases.get(c.value.as_str()));
            if called.is_some_and(|&j| closes_the_loop(cx, j, &mut Vec::new())) {
                continue;
            }
            let end = uc.steps[e.to].end.as_ref().map_or("", |x| x.value.as_str());
            out.push(
                Diagnostic::new(
                    Self::META.id,
                    edge_span(uc, e),
                    format!(
                        "the flow ends ({end}) right after {}, out of the customer's sight: nobody tells the customer the outcome",
                        step_name(uc, e.from)
                    ),
                )
                .in_use_case(uc.id.value)
                .at_step(uc.steps[e.from].id.value)
                .with_help("add a customer-facing step before the end: a call back, an email or SMS confirming the outcome, or the result shown in the portal"),
            );
        }
    }
}

/// True when use case `j`, run as a sub-process, ends every path with a customer-facing step:
/// an end is reachable, and each backstage step before an end calls a use case that does so in
/// turn. `calling` holds the use cases being checked, to stop at a call cycle.
fn closes_the_loop(cx: &Context<'_>, j: usize, calling: &mut Vec<usize>) -> bool {
    if calling.contains(&j) {
        return false;
    }
    calling.push(j);
    let (uc, flow) = cx.use_case(j);
    let ends = (0..uc.steps.len()).any(|s| flow.reachable[s] && uc.steps[s].is_end());
    let closed = ends
        && flow.flow.open_loops.iter().all(|e| {
            uc.steps[e.from]
                .calls
                .as_ref()
                .and_then(|c| cx.catalogue.index.use_cases.get(c.value.as_str()))
                .is_some_and(|&k| closes_the_loop(cx, k, calling))
        });
    calling.pop();
    closed
}
