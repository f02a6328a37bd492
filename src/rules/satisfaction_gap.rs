use super::{Context, Rule, RuleMeta, at_step, declare_rule, step_name};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports a step where two raters' `satisfaction` scores differ by `min_gap` or more
    /// (default 2): the customer, the staff and management see the step differently.
    ///
    /// ## Why is this bad?
    /// A step that management rates 5 and customers rate 2 is a blind spot: the organisation
    /// thinks it works. A step staff rate low while customers are happy is work that burns
    /// people out. Either way the gap is where the next review should look.
    ///
    /// ## Example
    /// ```yaml
    /// satisfaction: { customer: 2, staff: 3, management: 5 }
    /// ```
    ///
    /// ## How to fix
    /// Look into the step with the raters who disagree; change the step, or record why the gap
    /// is accepted with `allow: [satisfaction-gap]` and a reason. `min_gap` is set in
    /// casebook.yaml: `satisfaction-gap: { severity: info, min_gap: 3 }`.
    pub struct SatisfactionGap {
        id: "satisfaction-gap",
        group: Experience,
        severity: Warning,
        summary: "two raters' scores at one step differ by `min_gap` or more (default 2)",
    }
}

impl Rule for SatisfactionGap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        let min_gap = cx.catalogue.settings.option(Self::META.id, "min_gap", 2).max(1);
        for (s, step) in uc.steps.iter().enumerate() {
            let Some(sat) = &step.satisfaction else { continue };
            let scores: Vec<(&str, i64)> = [
                ("customers", sat.value.customer),
                ("staff", sat.value.staff),
                ("management", sat.value.management),
            ]
            .into_iter()
            .filter_map(|(who, v)| v.map(|v| (who, i64::from(v))))
            .collect();
            let (Some(lo), Some(hi)) = (
                scores.iter().min_by_key(|x| x.1),
                scores.iter().max_by_key(|x| x.1),
            ) else {
                continue;
            };
            if hi.1 - lo.1 < min_gap {
                continue;
            }
            out.push(
                at_step(
                    &Self::META,
                    uc,
                    s,
                    sat.span,
                    format!(
                        "at step {}, {} scored {} and {} scored {}: a gap of {} that the review should look into",
                        step_name(uc, s),
                        hi.0,
                        hi.1,
                        lo.0,
                        lo.1,
                        hi.1 - lo.1
                    ),
                )
                .with_help("look into the step with the raters who disagree, or accept the gap with `allow: [satisfaction-gap]` and a reason"),
            );
        }
    }
}
