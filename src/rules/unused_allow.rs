use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// Reports an entry of `allow:` (on a step or a use case) that suppressed no finding, and an
    /// `allow:` of a `format` rule, which cannot be suppressed.
    ///
    /// ## Why is this bad?
    /// An allow is a decision written down: "we accept this handoff, because...". When the flow
    /// changes and the finding goes away, a stale allow would silently hide the next, different
    /// problem of the same kind.
    ///
    /// ## Example
    /// ```yaml
    /// - id: log
    ///   actor: contact-centre
    ///   channel: phone
    ///   allow: [dead-end]      # the step has a `next`: nothing to allow
    ///   reason: legacy flow
    ///   next: investigate
    /// ```
    ///
    /// ## How to fix
    /// Remove the entry (and `reason:` when the list becomes empty).
    pub struct UnusedAllow {
        id: "unused-allow",
        group: Structure,
        severity: Warning,
        summary: "an `allow:` entry that suppressed nothing",
    }
}
documented_only!(UnusedAllow);
