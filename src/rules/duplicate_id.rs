use super::{Context, Rule, RuleMeta, at_step, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::Ref;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports two use cases, two steps of one use case, or two departments, teams, systems,
    /// channels or information items that share an id.
    ///
    /// ## Why is this bad?
    /// Every reference names exactly one thing. With two definitions of `billing`, `actor:
    /// billing` would silently mean the first one, and the handbook would show one team where
    /// the organisation has two.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: call
    ///     ...
    ///   - id: call        # second step with the same id
    /// ```
    ///
    /// ## How to fix
    /// Rename one of them, and update the references that meant it.
    pub struct DuplicateId {
        id: "duplicate-id",
        group: Format,
        severity: Error,
        summary: "two use cases, two steps of one use case, or two teams/channels/systems/items share an id",
    }
}

fn duplicates<'a>(what: &str, ids: impl Iterator<Item = &'a Ref>, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Ref> = HashMap::new();
    for id in ids {
        match first.get(id.value.as_str()) {
            Some(original) => out.push(
                Diagnostic::new(
                    DuplicateId::META.id,
                    id.span,
                    format!("{what} id `{}` is defined twice", id.value),
                )
                .with_label(original.span, "first defined here")
                .with_help(format!("rename one of the two {what}s; ids must be unique")),
            ),
            None => {
                first.insert(&id.value, id);
            }
        }
    }
}

impl Rule for DuplicateId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (s, step) in uc.steps.iter().enumerate() {
            if let Some(&f) = first.get(step.id.value.as_str()) {
                out.push(
                    at_step(
                        &Self::META,
                        uc,
                        s,
                        step.id.span,
                        format!("step id `{}` is used twice in this use case", step.id.value),
                    )
                    .with_label(uc.steps[f].id.span, "first used here")
                    .with_help("rename one of the steps; `next`, `start` and `recovery` name steps by id"),
                );
            } else {
                first.insert(&step.id.value, s);
            }
        }
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cat = cx.catalogue;
        duplicates("department", cat.departments.iter().map(|d| &d.id), out);
        duplicates("team", cat.teams.iter().map(|d| &d.id), out);
        duplicates("system", cat.systems.iter().map(|d| &d.id), out);
        duplicates("channel", cat.channels.iter().map(|d| &d.id), out);
        duplicates("information item", cat.items.iter().map(|d| &d.id), out);
        let before = out.len();
        duplicates("use case", cat.use_cases.iter().map(|d| &d.id), out);
        for d in &mut out[before..] {
            let id = d.message.split('`').nth(1).unwrap_or_default().to_owned();
            d.use_case = Some(id);
        }
    }
}
