use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Ref, UseCase};
use rayon::prelude::*;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a team, channel, system or information item that no use case refers to. A team
    /// counts as used when it acts in a step or owns a use case; a channel when a step uses it;
    /// a system when a step records in it or an item is stored in it; an item when a use case
    /// needs, gives, carries or starts with it.
    ///
    /// ## Why is this bad?
    /// A definition nobody uses is either left over from a reorganisation, or a sign that a use
    /// case is missing from the catalogue. It also clutters the handbook's glossary.
    ///
    /// ## Example
    /// ```yaml
    /// channels:
    ///   - id: fax          # no step uses the fax
    ///     name: Fax
    ///     kind: mail
    /// ```
    ///
    /// ## How to fix
    /// Remove the definition, or write the use case that uses it.
    pub struct UnusedDefinition {
        id: "unused-definition",
        group: Structure,
        severity: Info,
        summary: "a team, channel, system or information item that nothing refers to",
    }
}

fn report<'a>(
    what: &str,
    defs: impl Iterator<Item = &'a Ref>,
    used: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    for id in defs {
        if !used.contains(id.value.as_str()) {
            out.push(
                Diagnostic::new(
                    UnusedDefinition::META.id,
                    id.span,
                    format!("{what} `{}` is not used by any use case", id.value),
                )
                .with_help(format!("remove the {what}, or refer to it where it takes part")),
            );
        }
    }
}

/// The ids that use cases refer to.
#[derive(Default)]
struct Used<'a> {
    teams: HashSet<&'a str>,
    channels: HashSet<&'a str>,
    systems: HashSet<&'a str>,
    items: HashSet<&'a str>,
}

impl<'a> Used<'a> {
    fn add(&mut self, uc: &'a UseCase) {
        self.teams.extend(uc.owner.iter().map(|r| r.value.as_str()));
        self.items.extend(uc.inputs.iter().map(|r| r.value.as_str()));
        for step in &uc.steps {
            self.teams.extend(step.actor.iter().map(|r| r.value.as_str()));
            self.channels
                .extend(step.channel.iter().map(|r| r.value.as_str()));
            self.systems.extend(step.system.iter().map(|r| r.value.as_str()));
            let refs = step.needs.iter().chain(&step.gives).chain(&step.carries);
            self.items.extend(
                refs.chain(step.next.iter().flat_map(|n| &n.carries))
                    .map(|r| r.value.as_str()),
            );
        }
    }

    fn merge(mut self, other: Used<'a>) -> Used<'a> {
        self.teams.extend(other.teams);
        self.channels.extend(other.channels);
        self.systems.extend(other.systems);
        self.items.extend(other.items);
        self
    }
}

impl Rule for UnusedDefinition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cat = cx.catalogue;
        // One pass over every reference of every use case: on rayon's pool, each worker
        // collecting into its own sets, merged at the end (the sets hold a few dozen ids).
        let Used {
            teams,
            channels,
            mut systems,
            items,
        } = cat
            .use_cases
            .par_iter()
            .fold(Used::default, |mut used, uc| {
                used.add(uc);
                used
            })
            .reduce(Used::default, Used::merge);
        systems.extend(
            cat.items
                .iter()
                .filter(|i| items.contains(i.id.value.as_str()))
                .filter_map(|i| i.stored_in.as_ref())
                .map(|r| r.value.as_str()),
        );
        report("team", cat.teams.iter().map(|t| &t.id), &teams, out);
        report("channel", cat.channels.iter().map(|t| &t.id), &channels, out);
        report("system", cat.systems.iter().map(|t| &t.id), &systems, out);
        report("information item", cat.items.iter().map(|t| &t.id), &items, out);
    }
}
