use super::{Context, Rule, RuleMeta, declare_rule, edge_span, team};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports work that bounces between the same two teams: on some path, the teams doing the
    /// work read A, B, A, B (steps of the customer in between do not break the pattern, repeated
    /// steps of one team count once). The common front -> back -> front pattern (A, B, A), where
    /// the front office closes the loop with the customer, is not a ping-pong. Each pair of teams
    /// is reported once per use case, at the handoff that completes the pattern.
    ///
    /// The paths are those of `handoff-budget`'s worst path: from the start to an end, going
    /// round each loop at most once. A loop where one round and the way out read A, B, A only
    /// (billing checks, field service fixes, billing checks again and passes it on) is not a
    /// ping-pong: that would take a second round. One where they read A, B, A, B is (billing
    /// writes, field service checks, billing writes again, field service checks and passes it
    /// on).
    ///
    /// Confirming that a walk round each loop at most once reads A, B, A, B is a search over
    /// walks with a budget. When a use case's loops are too tangled for it, a pair found on some
    /// walk is still reported, and the message says that it may bounce: a ping-pong is never
    /// missed, but such a finding can be one the exact definition would not make.
    ///
    /// ## Why is this bad?
    /// Ping-pong means neither team can finish the case: questions go back and forth, each
    /// round adds a queue, and the customer waits for teams that are waiting for each other.
    ///
    /// ## Example
    /// ```yaml
    /// # billing -> catering-planners -> billing -> catering-planners
    /// - id: check-surcharge
    ///   actor: billing
    ///   next: planners-confirm
    /// - id: planners-confirm
    ///   actor: catering-planners
    ///   next: billing-asks-again
    /// ```
    ///
    /// ## How to fix
    /// Give one team what it needs to decide alone (access to the other's system, a checklist of
    /// what to send the first time), or make the second round go through a single owner.
    pub struct PingPong {
        id: "ping-pong",
        group: Flow,
        severity: Warning,
        summary: "on some path, work bounces between the same two teams: A, B, A, B",
    }
}

impl Rule for PingPong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, flow) = cx.use_case(i);
        for p in &flow.flow.ping_pongs {
            let (a, b) = (team(cx, p.first), team(cx, p.second));
            let message = if p.confirmed {
                format!(
                    "the case bounces between {a} and {b} ({a}, {b}, {a}, {b}): neither team can finish it, and the customer waits through every round"
                )
            } else {
                format!(
                    "the case may bounce between {a} and {b} ({a}, {b}, {a}, {b}): its loops are too tangled for casebook to confirm it going round each loop at most once; if it does, neither team can finish it"
                )
            };
            out.push(
                Diagnostic::new(Self::META.id, edge_span(uc, &p.edge), message)
                .in_use_case(uc.id.value)
                .at_step(uc.steps[p.edge.from].id.value)
                .with_help(format!("give {a} or {b} what it needs to decide alone the first time (system access, a checklist), so the case goes back at most once")),
            );
        }
    }
}
