use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// With `casebook check --baseline FILE`, reports each finding that the baseline file
    /// records but that no longer occurs: the use case was fixed (or removed) since the baseline
    /// was written. It points at the step or use case when it still exists, else at the
    /// recorded file, else at casebook.yaml. It never fails a run at the default `--fail-on`.
    ///
    /// ## Why is this bad?
    /// A baseline accepts findings by fingerprint. An entry whose finding is gone accepts
    /// nothing today, but it would silently accept the same finding if it came back: a team
    /// that fixed a ping-pong would not hear when a later change brings it back. Removing the
    /// entry keeps the baseline as small as the debt it stands for.
    ///
    /// ## Example
    /// ```json
    /// { "fingerprint": "6f1c3a9e0b2d4f58", "rule": "ping-pong",
    ///   "file": "use-cases/billing/refund.yaml", "use_case": "refund",
    ///   "step": "refuse-again", "message": "the case bounces between ..." }
    /// ```
    /// after the `refund` use case was changed so that the case no longer bounces.
    ///
    /// ## How to fix
    /// Delete the entry (the help names its fingerprint) from the baseline file and commit it,
    /// or record the baseline again with `casebook check --write-baseline FILE` (which also
    /// records any new finding, so review that change).
    pub struct BaselineFixed {
        id: "baseline-fixed",
        group: Structure,
        severity: Info,
        summary: "a finding recorded in the `--baseline` file that no longer occurs",
    }
}
documented_only!(BaselineFixed);
