use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step that cannot be reached from the start of its use case by following
    /// `next` (and `recovery` from a fail point). When a whole chain is cut off, it reports the
    /// first step of the chain once, with the number of steps behind it. A message
    /// (`message: true`) from a step that can be reached reaches its step too: a step that only
    /// messages lead into starts a part of the flow of its own (another team acting on what it
    /// received), as a message start event does in BPMN.
    ///
    /// ## Why is this bad?
    /// An unreachable step is documentation of something that never happens: either a `next`
    /// is missing or misspelt, or the step is left over from an older version of the process.
    /// Staff reading the handbook would learn a step the flow never takes.
    ///
    /// ## Example
    /// ```yaml
    /// start: call
    /// steps:
    ///   - id: call
    ///     next: done
    ///   - id: follow-up     # nothing leads here
    ///     next: done
    ///   - id: done
    ///     end: resolved
    /// ```
    ///
    /// ## How to fix
    /// Add a `next` (or a branch) that leads to the step, or delete it.
    pub struct UnreachableStep {
        id: "unreachable-step",
        group: Structure,
        severity: Error,
        summary: "a step cannot be reached from the start",
    }
}

impl Rule for UnreachableStep {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        let Some(start) = flow.start else { return };
        // Report the entry points of the unreachable region: the first step of each unreachable
        // component that no other unreachable component leads into. Messages lead into steps
        // too, so the components here are those of the whole graph (the flow graph's own leave
        // messages out); without messages they are the same.
        let whole;
        let sccs = if flow.has_messages() {
            whole = crate::graph::scc::tarjan_scc(&flow.graph)
                .into_iter()
                .map(|c| {
                    let mut c: Vec<usize> = c.into_iter().map(|v| flow.graph[v]).collect();
                    c.sort_unstable();
                    c
                })
                .collect::<Vec<_>>();
            &whole
        } else {
            &flow.sccs
        };
        let mut scc_of = vec![0; uc.steps.len()];
        for (ci, c) in sccs.iter().enumerate() {
            c.iter().for_each(|&s| scc_of[s] = ci);
        }
        for scc in sccs {
            let first = scc[0];
            if flow.reachable[first] {
                continue;
            }
            let fed_from_outside = scc.iter().any(|&s| {
                flow.predecessors(s)
                    .any(|p| !flow.reachable[p] && scc_of[p] != scc_of[s])
            });
            if fed_from_outside {
                continue;
            }
            // Count only the unreachable steps behind it: a cut-off chain that rejoins the flow
            // (`follow-up -> done`) does not make `done` unreachable.
            let mut more = 0;
            let mut dfs = petgraph::visit::Dfs::new(&flow.graph, flow.node(first));
            while let Some(v) = dfs.next(&flow.graph) {
                let s = flow.graph[v];
                if s != first && !flow.reachable[s] {
                    more += 1;
                }
            }
            let tail = match more {
                0 => String::new(),
                1 => " (nor can the step after it)".to_owned(),
                n => format!(" (nor can the {n} steps after it)"),
            };
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    first,
                    uc.steps[first].id.span,
                    format!(
                        "step {} cannot be reached from the start {}{tail}",
                        step_name(uc, first),
                        step_name(uc, flow.graph[start])
                    ),
                )
                .with_help(
                    "add a `next` that leads here, or delete the step if the process no longer has it",
                ),
            );
        }
    }
}
