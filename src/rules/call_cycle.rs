use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports use cases that call each other in a cycle through `calls:` (including a use case
    /// that calls itself). The finding is placed on the `calls:` of the first use case of the
    /// cycle, by file path.
    ///
    /// ## Why is this bad?
    /// A sub-process that eventually runs its own caller never finishes on paper: the handbook
    /// cannot show where the flow returns, and the metrics of the use cases involved are
    /// meaningless.
    ///
    /// ## Example
    /// ```yaml
    /// # use-cases/cards/lost-card.yaml
    /// - id: block
    ///   calls: replace-card
    /// # use-cases/cards/replace-card.yaml
    /// - id: check
    ///   calls: lost-card
    /// ```
    ///
    /// ## How to fix
    /// Decide which use case is the sub-process and remove the `calls:` going the other way;
    /// describe the shared steps once, in a third use case both call.
    pub struct CallCycle {
        id: "call-cycle",
        group: Structure,
        severity: Error,
        summary: "use cases that call each other in a cycle through `calls`",
    }
}

impl Rule for CallCycle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cat = cx.catalogue;
        for cycle in &cx.facts.calls.cycles {
            let first = &cat.use_cases[cycle[0]];
            let in_cycle = |id: &str| cycle.iter().any(|&u| cat.use_cases[u].id.value == id);
            let Some(step) = first
                .steps
                .iter()
                .find(|s| s.calls.as_ref().is_some_and(|c| in_cycle(&c.value)))
            else {
                continue;
            };
            let call = step.calls.as_ref().expect("found by its calls");
            let names: Vec<String> = cycle
                .iter()
                .map(|&u| format!("`{}`", cat.use_cases[u].id.value))
                .collect();
            let message = if cycle.len() == 1 {
                format!("use case `{}` calls itself", first.id.value)
            } else {
                format!("use cases {} call each other in a cycle", names.join(", "))
            };
            out.push(
                Diagnostic::new(Self::META.id, call.span, message)
                    .in_use_case(first.id.value)
                    .at_step(step.id.value)
                    .with_help(
                        "remove one `calls:` of the cycle; put shared steps in a use case that both call",
                    ),
            );
        }
    }
}
