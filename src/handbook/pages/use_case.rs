//! A use case: its status banners, diagram (inline, in the viewer), numbered steps, handoffs,
//! findings in words and satisfaction map.

use super::super::charts;
use super::super::escape::{escape, html_escape};
use super::{Builder, Page, domain_title, handoff_items};
use crate::config::Repository;
use crate::metrics::format_minutes;
use crate::model::{Status, Step, UseCase};
use crate::scaffold::is_slug;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

impl Builder<'_> {
    pub(super) fn use_case(&self, i: usize, diagram: &dyn Fn(usize) -> String) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let uc = &cat.use_cases[i];
        let flow = &self.checked.facts.flows[i];
        let id = &uc.id.value;
        let t = self.t;
        let number: BTreeMap<usize, usize> = (0..uc.steps.len()).map(|s| (s, s + 1)).collect();
        let steps: Vec<Value> = uc
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                let actor = step.actor.as_ref().map(|a| a.value).unwrap_or_default();
                let next: Vec<Value> = step
                    .next
                    .iter()
                    .filter_map(|n| {
                        let target = uc.step(&n.to.value)?;
                        // A condition reads "if <when>"; a default branch without one reads
                        // "otherwise" alone (never "if otherwise").
                        let when = n.when.as_ref().map(|w| w.value.clone());
                        Some(json!({
                            "target": format!("{} ({})", number[&target], step_name(&uc.steps[target])),
                            "target_link": step_anchor(&uc.steps[target]).map(|a| format!("#{a}")),
                            "otherwise": when.is_none() && n.default,
                            "message": n.message,
                            "when": when,
                            "carries": self.item_names(n.carries.iter().map(|r| r.value.to_string())),
                        }))
                    })
                    .collect();
                json!({
                    "n": s + 1,
                    "anchor": step_anchor(step),
                    // Sub-items sit under the item's text: as many spaces as "N. " is wide (three
                    // for steps 1 to 9, four from step 10), or they fall out of the list.
                    "indent": " ".repeat((s + 1).to_string().len() + 2),
                    "title": step.title.as_ref().map(|x| x.value.clone()),
                    "end": step.end.as_ref().map(|x| x.value.clone()),
                    "actor": self.actor_name(&actor),
                    "actor_link": self.team_link(&actor, true),
                    "channel": step.channel.as_ref().map(|c| cat.channel(&c.value).map_or(c.value.to_string(), |ch| ch.name.clone())),
                    "channel_link": step.channel.as_ref().filter(|c| is_slug(&c.value)).map(|c| format!("../channels/{}.md", c.value)),
                    "duration": step.duration.as_ref().map(|d| format_minutes(d.value.minutes)),
                    "moment_of_truth": step.moment_of_truth.is_some(),
                    "fail_point": step.fail_point.is_some(),
                    "needs": self.item_names(step.needs.iter().map(|r| r.value.to_string())),
                    "gives": self.item_names(step.gives.iter().chain(&step.carries).map(|r| r.value.to_string())),
                    "system": step.system.as_ref().map(|s| cat.system(&s.value).map_or(s.value.to_string(), |x| x.name.clone())),
                    "calls": step.calls.as_ref().and_then(|c| cat.use_case(&c.value)).map(|c| c.title.clone()),
                    "calls_link": step.calls.as_ref().and_then(|c| cat.use_case(&c.value)).filter(|c| is_slug(&c.id.value)).map(|c| self.uc_link(c, "../")),
                    "next": next,
                    "recovery": step.recovery.as_ref().and_then(|r| uc.step(&r.value)).map(|r| format!("{} ({})", number[&r], step_name(&uc.steps[r]))),
                    "recovery_link": step.recovery.as_ref().and_then(|r| uc.step(&r.value)).and_then(|r| step_anchor(&uc.steps[r])).map(|a| format!("#{a}")),
                })
            })
            .collect();
        let handoffs: Vec<Value> = flow
            .flow
            .handoffs
            .iter()
            .map(|h| {
                json!({
                    "from": cat.teams[h.from_team].name,
                    "to": cat.teams[h.to_team].name,
                    "kind": if h.cross_department { t["cross"] } else { t["internal"] },
                    "items": self.item_names(handoff_items(uc, h)),
                    "duration": uc.steps[h.edge.to].duration.as_ref().map_or_else(String::new, |d| format_minutes(d.value.minutes)),
                })
            })
            .collect();
        let report = &self.checked.report;
        let repository = self.repository();
        let findings: Vec<Value> = self
            .findings
            .get(id.as_str())
            .into_iter()
            .flatten()
            .map(|d| {
                let edit_link = repository.as_ref().map(|(repo, prefix)| {
                    let file = &report.sources.get(d.span.file).rel_path;
                    let line = report.sources.range(d.span).0.line;
                    markdown_url(&repo.file_url(prefix, file, Some(line)))
                });
                json!({
                    "severity": self.severity(d.severity),
                    "rule": d.rule,
                    "rule_link": format!("../rules.md#{}", d.rule),
                    "message": self.in_words(uc, &d.message),
                    "help": d.help.as_ref().map(|h| self.in_words(uc, h)),
                    "edit_link": edit_link,
                })
            })
            .collect();
        let has_satisfaction = uc.steps.iter().any(|s| s.satisfaction.is_some());
        let svg = diagram(i);
        let owner = uc.owner.as_ref().map(|o| o.value).unwrap_or_default();
        let ctx = json!({
            "title": uc.title, "id": id, "trigger": uc.trigger, "persona": uc.persona, "outcome": uc.outcome,
            "description": uc.description,
            "owner": self.team_name(&owner), "owner_link": self.team_link(&owner, true),
            "status": self.status(uc),
            "reviewed": uc.reviewed.as_ref().map(|r| r.value.to_string()),
            "due": self.due(uc).map(|d| d.to_string()),
            "domain": domain_title(&uc.domain), "domain_link": format!("../domains/{}.md", uc.domain),
            "banners": self.banners(uc),
            "viewer": self.viewer(&svg),
            "steps": steps, "handoffs": handoffs, "findings": findings,
            "satisfaction": has_satisfaction.then(|| format!("{id}-satisfaction.svg")),
        });
        let markdown = self.render("use-case.md", ctx)?;
        let mut out = vec![Page {
            path: format!("use-cases/{id}.md"),
            content: markdown,
        }];
        if has_satisfaction {
            let min_gap = cat.settings.option("satisfaction-gap", "min_gap", 2);
            out.push(Page {
                path: format!("use-cases/{id}-satisfaction.svg"),
                content: charts::satisfaction_map(uc, t, min_gap),
            });
        }
        Ok(out)
    }
}

/// What a step is called: its title, else (an end step) its end, else its id.
fn step_name(step: &Step) -> &str {
    step.title
        .as_ref()
        .or(step.end.as_deref())
        .map_or(step.id.value.as_str(), |t| t.value.as_str())
}

/// The anchor of a step in its use case's numbered list, `step-<id>`, when its id is a slug.
fn step_anchor(step: &Step) -> Option<String> {
    is_slug(&step.id.value).then(|| format!("step-{}", step.id.value))
}

/// A web address for a Markdown link written `[text](<url>)`: the address is one that
/// `Repository::is_web_address` accepted (http or https, no space, quote, angle bracket, backslash,
/// query or fragment) with a percent-encoded path, so only `&` could still mean something there
/// (an entity): it is percent-encoded too.
fn markdown_url(url: &str) -> String {
    url.replace('&', "%26")
}

/// `text` escaped for Markdown and HTML like every YAML text (`escape::escape`), but keeping one
/// space at either end when it had white space there, as the words around a name need.
fn escape_keeping_ends(text: &str) -> String {
    let mut out = String::new();
    if text.starts_with(char::is_whitespace) {
        out.push(' ');
    }
    out.push_str(&escape(text));
    if text.ends_with(char::is_whitespace) && text.trim() != "" {
        out.push(' ');
    }
    out
}

impl Builder<'_> {
    /// The repository's web address and the catalogue's folder in it, when casebook.yaml names a
    /// repository: `repository.path` when set, else the folder found from the `.git` above the
    /// catalogue (as `check` finds it for SARIF), else the repository's root.
    fn repository(&self) -> Option<(&Repository, String)> {
        let repo = self.cat.settings.repository.as_ref()?;
        if !Repository::is_web_address(&repo.url) {
            return None;
        }
        let prefix = match &repo.path {
            Some(_) => String::new(),
            None => self
                .checked
                .report
                .sources
                .iter()
                .find(|(_, f)| f.rel_path == "casebook.yaml")
                .and_then(|(_, f)| {
                    let folder = match f.disk_path.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                        _ => Path::new(".").to_owned(),
                    };
                    let cwd = std::env::current_dir().ok()?;
                    crate::paths::repository_prefix(&folder, &cwd, None)
                })
                .unwrap_or_default(),
        };
        Some((repo, prefix))
    }

    /// A finding's message or help in words, as Markdown: what the rules quote in backticks
    /// becomes the name people know it by (a step of this use case becomes a link to it in the
    /// numbered list, its title said once even where the rule repeats it in brackets; a team,
    /// information item, channel, system or use case its name), and anything else is code. Every
    /// piece of text is escaped as YAML text is (`escape::escape`), so nothing in a message can
    /// become markup.
    fn in_words(&self, uc: &UseCase, text: &str) -> String {
        let cat = self.cat;
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else {
                break;
            };
            out.push_str(&escape_keeping_ends(&rest[..open]));
            let quoted = &rest[open + 1..open + 1 + len];
            rest = &rest[open + len + 2..];
            if let Some(s) = uc.step(quoted) {
                let step = &uc.steps[s];
                let name = step_name(step);
                // Rules write "step `id` (title)": the title once is enough.
                if let Some(after) = rest.strip_prefix(&format!(" ({name})")) {
                    rest = after;
                }
                match step_anchor(step) {
                    Some(anchor) => out.push_str(&format!("[{}](#{anchor})", escape(name))),
                    None => out.push_str(&escape(name)),
                }
            } else if let Some(name) = cat
                .team(quoted)
                .map(|t| t.name.as_str())
                .or_else(|| cat.item(quoted).map(|i| i.name.as_str()))
                .or_else(|| cat.channel(quoted).map(|c| c.name.as_str()))
                .or_else(|| cat.system(quoted).map(|s| s.name.as_str()))
            {
                out.push_str(&escape(name));
            } else if quoted == crate::model::CUSTOMER {
                out.push_str(&escape(self.t["customer"]));
            } else if let Some(other) = cat.use_case(quoted) {
                out.push_str(&escape(&other.title));
            } else {
                out.push_str(&format!("<code>{}</code>", escape(quoted)));
            }
        }
        out.push_str(&escape_keeping_ends(rest));
        out.trim().to_owned()
    }

    /// The banners at the top of a use case's page: its status when it is not an approved,
    /// current procedure (draft, in review, retired), and an overdue review (as `review-overdue`
    /// sees it: the last review plus the review period lies before today, and it is not retired).
    fn banners(&self, uc: &UseCase) -> Vec<Value> {
        let t = self.t;
        let mut out = Vec::new();
        let status = match uc.status {
            Some(Status::Draft) => Some(("draft", t["banner_draft_title"], t["banner_draft"])),
            Some(Status::InReview) => Some(("in-review", t["banner_in_review_title"], t["banner_in_review"])),
            Some(Status::Retired) => Some(("retired", t["banner_retired_title"], t["banner_retired"])),
            Some(Status::Reviewed) | None => None,
        };
        if let Some((kind, title, text)) = status {
            out.push(json!({"kind": kind, "title": title, "text": text}));
        }
        if let (Some(due), Some(reviewed)) = (self.due(uc), &uc.reviewed)
            && due < self.today
            && uc.status != Some(Status::Retired)
        {
            let text = t["banner_overdue"]
                .replace("{due}", &due.to_string())
                .replace("{reviewed}", &reviewed.value.to_string());
            out.push(json!({"kind": "overdue", "title": t["banner_overdue_title"], "text": text}));
        }
        out
    }

    /// What the diagram viewer needs: the SVG itself (drawn by casebook, every text escaped), its
    /// width, and the words of its controls escaped for HTML attributes and text (they go into a
    /// raw HTML block, where Markdown escapes would show).
    fn viewer(&self, svg: &str) -> Value {
        let width: String = svg
            .split_once(" width=\"")
            .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        let mut words = serde_json::Map::new();
        for key in [
            "viewer_label",
            "viewer_zoom_in",
            "viewer_zoom_out",
            "viewer_reset",
            "viewer_fit",
            "viewer_full_screen",
            "viewer_exit_full_screen",
        ] {
            words.insert(
                key.trim_start_matches("viewer_").to_owned(),
                html_escape(self.t[key]).into(),
            );
        }
        // A blank line would end the raw HTML block and let Markdown read the rest: the drawing
        // writes none (texts from YAML have their line breaks as `&#10;`), and none gets through.
        let svg: String = svg
            .lines()
            .filter(|l| !l.trim().is_empty())
            .flat_map(|l| [l, "\n"])
            .collect();
        json!({
            "svg": svg,
            "width": if width.is_empty() { "760".to_owned() } else { width },
            "words": words,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_around_a_name_keep_their_spaces_and_are_escaped() {
        assert_eq!(escape_keeping_ends("between "), "between ");
        assert_eq!(escape_keeping_ends(" and <b>"), " and &lt;b&gt;");
        assert_eq!(escape_keeping_ends(" "), " ");
        assert_eq!(
            escape_keeping_ends("[x](javascript:y) "),
            "\\[x\\]\\(javascript\\:y\\) "
        );
    }

    #[test]
    fn an_ampersand_in_a_repository_address_cannot_start_an_entity() {
        assert_eq!(
            markdown_url("https://h/o/r/blob/HEAD/a&lt;b.yaml#L3"),
            "https://h/o/r/blob/HEAD/a%26lt;b.yaml#L3"
        );
    }
}
