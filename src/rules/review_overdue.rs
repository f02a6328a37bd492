use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::Status;

declare_rule! {
    /// ## What it does
    /// Reports a use case whose last review (`reviewed:`) plus its review period
    /// (`review_every_months:`, else casebook.yaml's, else 12 months) lies before today.
    /// Retired use cases are not reported. `casebook check --today YYYY-MM-DD` fixes "today"
    /// for reproducible runs.
    ///
    /// ## Why is this bad?
    /// Processes drift: teams are reorganised, channels open and close. A use case that nobody
    /// has looked at for longer than agreed may describe a service that no longer exists, and
    /// staff following the handbook would be misled.
    ///
    /// ## Example
    /// ```yaml
    /// reviewed: 2024-03-14
    /// review_every_months: 12     # due 2025-03-14
    /// ```
    ///
    /// ## How to fix
    /// Review the use case with its owner and update `reviewed:`, or mark it `status: retired`.
    pub struct ReviewOverdue {
        id: "review-overdue",
        group: Experience,
        severity: Warning,
        summary: "`reviewed` + the review period lies before today",
    }
}

impl Rule for ReviewOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        let Some(reviewed) = &uc.reviewed else { return };
        if uc.status == Some(Status::Retired) {
            return;
        }
        let months = uc
            .review_every_months
            .unwrap_or_else(|| cx.catalogue.settings.default_review_months());
        let due = reviewed.value.add_months(months);
        if due >= cx.today {
            return;
        }
        out.push(
            Diagnostic::new(
                Self::META.id,
                reviewed.span,
                format!(
                    "the review of `{}` was due on {due} (last reviewed {}, every {months} months): the process it describes may have changed",
                    uc.id.value, reviewed.value
                ),
            )
            .in_use_case(uc.id.value)
            .with_help("review the use case with its owner and update `reviewed:`, or set `status: retired`"),
        );
    }
}
