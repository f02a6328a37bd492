//! The YAML text the import writes: use case files, and the entries it adds to
//! organisation.yaml and information.yaml. Every text from BPMN is a plain scalar only when it
//! cannot mean anything else in YAML, and a JSON string (a valid YAML double-quoted scalar)
//! otherwise.

use super::{Draft, NewChannel, NewDepartment, NewEntry, NewTeam, TeamRef};
use std::fmt::Write as _;

/// A YAML scalar for `text`.
pub fn scalar(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let plain = !text.is_empty()
        && text.len() <= 200
        && text.chars().next().is_some_and(char::is_alphabetic)
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " ,.'()/-?!&".contains(c))
        && !matches!(
            lower.as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).expect("a string serialises")
    }
}

/// A comment line's text: one line.
fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

fn list(ids: &[String]) -> String {
    format!("[{}]", ids.join(", "))
}

/// The text of a use case file.
pub fn use_case(d: &Draft, domain: &str, schema_line: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(path) = schema_line {
        let _ = writeln!(out, "# yaml-language-server: $schema={path}");
    }
    let _ = writeln!(
        out,
        "# Imported by `casebook import bpmn` from {} ({}).",
        comment(&d.file),
        comment(&d.source)
    );
    out.push_str("# Comments starting with `BPMN:` keep what casebook cannot express.\n");
    let _ = writeln!(out, "id: {}", d.id);
    let _ = writeln!(out, "title: {}", scalar(&d.title));
    let _ = writeln!(out, "domain: {domain}");
    let _ = writeln!(out, "owner: {}", d.owner.as_deref().unwrap_or("customer"));
    let _ = writeln!(out, "status: {}", d.status.as_deref().unwrap_or("draft"));
    if let Some(r) = &d.reviewed {
        let _ = writeln!(out, "reviewed: {r}");
    }
    if let Some(m) = d.review_every_months {
        let _ = writeln!(out, "review_every_months: {m}");
    }
    if let Some(p) = &d.persona {
        let _ = writeln!(out, "persona: {}", scalar(p));
    }
    let _ = writeln!(out, "trigger: {}", scalar(&d.trigger));
    let _ = writeln!(out, "outcome: {}", scalar(&d.outcome));
    if !d.inputs.is_empty() {
        let _ = writeln!(out, "inputs: {}", list(&d.inputs));
    }
    if !d.tags.is_empty() {
        let tags: Vec<String> = d
            .tags
            .iter()
            .map(|t| serde_json::to_string(t).expect("a string"))
            .collect();
        let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    }
    allow(&mut out, &d.allow, d.reason.as_deref(), "");
    if let Some(s) = &d.start {
        let _ = writeln!(out, "start: {s}");
    }
    out.push_str("steps:\n");
    for s in &d.steps {
        for note in &s.notes {
            let _ = writeln!(out, "  # {}", comment(note));
        }
        let _ = writeln!(out, "  - id: {}", s.id);
        if let Some(end) = &s.end {
            let _ = writeln!(out, "    end: {}", scalar(end));
            allow(&mut out, &s.allow, s.reason.as_deref(), "    ");
            continue;
        }
        let _ = writeln!(out, "    title: {}", scalar(&s.title));
        let _ = writeln!(
            out,
            "    actor: {}",
            match &s.actor {
                TeamRef::Team(t) => t.as_str(),
                TeamRef::Customer => "customer",
            }
        );
        if let Some(lane) = &s.lane {
            let _ = writeln!(out, "    lane: {lane}");
        }
        if let Some(channel) = &s.channel {
            let _ = writeln!(out, "    channel: {channel}");
        }
        if let Some(system) = &s.system {
            let _ = writeln!(out, "    system: {system}");
        }
        if !s.needs.is_empty() {
            let _ = writeln!(out, "    needs: {}", list(&s.needs));
        }
        if !s.gives.is_empty() {
            let _ = writeln!(out, "    gives: {}", list(&s.gives));
        }
        if !s.carries.is_empty() {
            let _ = writeln!(out, "    carries: {}", list(&s.carries));
        }
        if let Some(duration) = &s.duration {
            let _ = writeln!(out, "    duration: {duration}");
        }
        if s.moment_of_truth {
            out.push_str("    moment_of_truth: true\n");
        }
        if let Some(score) = &s.satisfaction {
            let _ = writeln!(out, "    satisfaction: {score}");
        }
        allow(&mut out, &s.allow, s.reason.as_deref(), "    ");
        if let Some(calls) = &s.calls {
            let _ = writeln!(out, "    calls: {calls}");
        }
        if s.fail_point {
            out.push_str("    fail_point: true\n");
        }
        if let Some(r) = &s.recovery {
            let _ = writeln!(out, "    recovery: {r}");
        }
        if s.join_all {
            out.push_str("    join: all\n");
        }
        if s.parallel {
            out.push_str("    parallel: true\n");
        }
        match s.next.as_slice() {
            [] => {}
            [only] if only.when.is_none() && !only.default && !only.message && only.carries.is_empty() => {
                let _ = writeln!(out, "    next: {}", only.to);
            }
            entries => {
                out.push_str("    next:\n");
                for e in entries {
                    let _ = writeln!(out, "      - to: {}", e.to);
                    if let Some(when) = &e.when {
                        let _ = writeln!(out, "        when: {}", scalar(when));
                    }
                    if e.default {
                        out.push_str("        default: true\n");
                    }
                    if e.message {
                        out.push_str("        message: true\n");
                    }
                    if !e.carries.is_empty() {
                        let _ = writeln!(out, "        carries: {}", list(&e.carries));
                    }
                }
            }
        }
    }
    out
}

/// `allow:` and `reason:`, indented by `indent`.
fn allow(out: &mut String, rules: &[String], reason: Option<&str>, indent: &str) {
    if !rules.is_empty() {
        let _ = writeln!(out, "{indent}allow: {}", list(rules));
    }
    if let Some(r) = reason {
        let _ = writeln!(
            out,
            "{indent}reason: {}",
            serde_json::to_string(r).expect("a string")
        );
    }
}

/// A channel entry, indented by `indent`.
pub fn channel(c: &NewChannel, indent: &str) -> String {
    let mut out = format!("{indent}- id: {}\n{indent}  name: {}\n", c.id, scalar(&c.name));
    let _ = writeln!(out, "{indent}  kind: {}", scalar(&c.kind));
    let _ = writeln!(out, "{indent}  synchronous: {}", c.synchronous);
    out
}

/// A department entry (with its new teams), indented by `indent`.
pub fn department(d: &NewDepartment, teams: &[&NewTeam], indent: &str) -> String {
    let mut out = format!("{indent}- id: {}\n{indent}  name: {}\n", d.id, scalar(&d.name));
    let _ = writeln!(out, "{indent}  description: Imported from BPMN (a pool).");
    let _ = writeln!(out, "{indent}  teams:");
    for t in teams {
        out += &team(t, &format!("{indent}    "));
    }
    out
}

/// A team entry, indented by `indent`.
pub fn team(t: &NewTeam, indent: &str) -> String {
    let mut out = format!("{indent}- id: {}\n{indent}  name: {}\n", t.id, scalar(&t.name));
    if let Some(d) = &t.description {
        let _ = writeln!(out, "{indent}  description: {}", scalar(d));
    }
    let _ = writeln!(out, "{indent}  lane: {}", t.lane);
    if t.automated {
        let _ = writeln!(out, "{indent}  automated: true");
    }
    out
}

/// A system entry, indented by `indent`.
pub fn system(s: &NewEntry, indent: &str) -> String {
    let mut out = format!("{indent}- id: {}\n{indent}  name: {}\n", s.id, scalar(&s.name));
    let _ = writeln!(out, "{indent}  description: Imported from BPMN (a data store).");
    if !s.access.is_empty() {
        let _ = writeln!(out, "{indent}  access: {}", list(&s.access));
    }
    out
}

/// An information item entry, indented by `indent`.
pub fn item(i: &NewEntry, indent: &str) -> String {
    let mut out = format!(
        "{indent}- id: {}\n{indent}  name: {}\n{indent}  description: Imported from BPMN (a data object or message).\n",
        i.id,
        scalar(&i.name)
    );
    if let Some(s) = &i.stored_in {
        let _ = writeln!(out, "{indent}  stored_in: {s}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn scalars_quote_what_yaml_would_read_otherwise() {
        assert_eq!(scalar("Task 1"), "Task 1");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("x # y"), "\"x # y\"");
        assert_eq!(scalar("- item"), "\"- item\"");
        assert_eq!(scalar("amount > 100"), "\"amount > 100\"");
        assert_eq!(scalar("\"quoted\""), "\"\\\"quoted\\\"\"");
        assert_eq!(scalar("123"), "\"123\"");
    }
}
