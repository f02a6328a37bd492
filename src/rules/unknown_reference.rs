use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{CUSTOMER, Ref};
use crate::suggest::closest;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a reference that names nothing: an actor, owner or system access that is not a
    /// team; a channel, system, information item (`needs`, `gives`, `carries`, `inputs`,
    /// `stored_in`) or use case (`calls`) that is not defined; a `next.to`, `start` or
    /// `recovery` that is not a step of the use case; a rule id in `allow:` or in casebook.yaml's
    /// `rules:` that casebook does not know. It suggests the closest existing id.
    ///
    /// ## Why is this bad?
    /// A misspelt reference silently breaks the analysis: a step whose actor is `contact-center`
    /// belongs to no team, so no handoff around it is seen, and the flow can look cleaner than
    /// it is.
    ///
    /// ## Example
    /// ```yaml
    /// - id: log
    ///   actor: contact-center     # did you mean `contact-centre`?
    /// ```
    ///
    /// ## How to fix
    /// Use the suggested id, or define the missing team, channel, system or item in
    /// organisation.yaml, channels.yaml or information.yaml.
    pub struct UnknownReference {
        id: "unknown-reference",
        group: Format,
        severity: Error,
        summary: "a reference names nothing; suggests the closest existing id",
    }
}

/// The ids a reference may name.
trait Known {
    fn contains(&self, id: &str) -> bool;
    fn ids(&self) -> impl Iterator<Item = &str>;
}

impl<V> Known for HashMap<String, V> {
    fn contains(&self, id: &str) -> bool {
        self.contains_key(id)
    }
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys().map(String::as_str)
    }
}

/// The step ids of a use case.
struct Steps<'a>(&'a crate::model::UseCase);

impl Known for Steps<'_> {
    fn contains(&self, id: &str) -> bool {
        self.0.step(id).is_some()
    }
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.step_ids()
    }
}

/// Reports `r` when it is not an id of `known`.
fn check<'a>(
    r: &Ref,
    what: &str,
    known: &'a impl Known,
    extra: &[&'a str],
    where_: Option<(&str, Option<&str>)>,
    out: &mut Vec<Diagnostic>,
) {
    // A value that is not even a slug was already reported by the schema check.
    if known.contains(&r.value) || extra.contains(&r.value.as_str()) || !crate::scaffold::is_slug(&r.value) {
        return;
    }
    let candidates = known.ids().chain(extra.iter().copied());
    let help = match closest(&r.value, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        // Rules cannot be defined in the catalogue: point at the list instead.
        None if what == "rule" => "check the spelling; `casebook explain` lists every rule".to_owned(),
        None => format!("define the {what}, or check the spelling"),
    };
    let mut d = Diagnostic::new(
        UnknownReference::META.id,
        r.span,
        format!("unknown {what} `{}`", r.value),
    )
    .with_help(help);
    if let Some((uc, step)) = where_ {
        d.use_case = Some(uc.to_owned());
        d.step = step.map(str::to_owned);
    }
    out.push(d);
}

fn rule_ids() -> &'static HashMap<String, ()> {
    static IDS: std::sync::OnceLock<HashMap<String, ()>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| super::ids().map(|id| (id.to_owned(), ())).collect())
}

impl Rule for UnknownReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_use_case(&self, cx: &Context<'_>, i: usize, out: &mut Vec<Diagnostic>) {
        let (uc, _) = cx.use_case(i);
        let ix = &cx.catalogue.index;
        let rules = rule_ids();
        let at = Some((uc.id.value.as_str(), None));
        if let Some(owner) = &uc.owner {
            check(owner, "team", &ix.teams, &[], at, out);
        }
        for r in &uc.inputs {
            check(r, "information item", &ix.items, &[], at, out);
        }
        if let Some(start) = &uc.start {
            check(start, "step", &Steps(uc), &[], at, out);
        }
        for r in &uc.allow.rules {
            check(r, "rule", rules, &[], at, out);
        }
        for step in &uc.steps {
            let at = Some((uc.id.value.as_str(), Some(step.id.value.as_str())));
            if let Some(a) = &step.actor {
                check(a, "actor", &ix.teams, &[CUSTOMER], at, out);
            }
            if let Some(c) = &step.channel {
                check(c, "channel", &ix.channels, &[], at, out);
            }
            if let Some(s) = &step.system {
                check(s, "system", &ix.systems, &[], at, out);
            }
            for r in step.needs.iter().chain(&step.gives).chain(&step.carries) {
                check(r, "information item", &ix.items, &[], at, out);
            }
            for n in &step.next {
                check(&n.to, "step", &Steps(uc), &[], at, out);
                for r in &n.carries {
                    check(r, "information item", &ix.items, &[], at, out);
                }
            }
            if let Some(c) = &step.calls {
                check(c, "use case", &ix.use_cases, &[], at, out);
            }
            if let Some(r) = &step.recovery {
                check(r, "step", &Steps(uc), &[], at, out);
            }
            for r in &step.allow.rules {
                check(r, "rule", rules, &[], at, out);
            }
        }
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cat = cx.catalogue;
        for sys in &cat.systems {
            for team in &sys.access {
                check(team, "team", &cat.index.teams, &[], None, out);
            }
        }
        for item in &cat.items {
            if let Some(s) = &item.stored_in {
                check(s, "system", &cat.index.systems, &[], None, out);
            }
        }
        let rules = rule_ids();
        for setting in cat.settings.rules.values() {
            check(&setting.id, "rule", rules, &[], None, out);
        }
    }
}
