//! `casebook new`: the text of a valid starting file for a new use case.

use crate::model::{Catalogue, Lane};

/// True when `id` is a slug (`^[a-z0-9][a-z0-9-]{0,63}$`): the only ids casebook turns into paths.
pub fn is_slug(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// Why `casebook new` cannot write a starting file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScaffoldError {
    /// A use case needs an `owner`, and only a team can be one.
    #[error(
        "the catalogue defines no team (with a valid id) to own the use case: add a department with a team to organisation.yaml first"
    )]
    NoTeam,
}

/// A starting use case that passes `casebook check`'s format rules, using the catalogue's own
/// teams and channels (only those whose ids are slugs: any other id would not even be YAML
/// here). Without a channel, the steps name none and say where to add one (missing-channel will
/// remind the author); without a team there is nobody to own the use case, which is an error.
/// `schema_path` is written as the editor's schema comment when given.
pub fn new_use_case(
    cat: &Catalogue,
    id: &str,
    domain: &str,
    schema_path: Option<&str>,
) -> Result<String, ScaffoldError> {
    let teams = || cat.teams.iter().filter(|t| is_slug(&t.id.value));
    let team = teams()
        .find(|t| t.lane == Lane::Frontstage)
        .or_else(|| teams().next())
        .ok_or(ScaffoldError::NoTeam)?;
    let team = team.id.value.as_str();
    let channel = match cat.channels.iter().find(|c| is_slug(&c.id.value)) {
        Some(c) => format!("channel: {}", c.id.value),
        None => "# channel: none yet; define channels in channels.yaml and name one here".to_owned(),
    };
    let mut title = id.replace('-', " ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    let header = schema_path
        .map(|p| format!("# yaml-language-server: $schema={p}\n"))
        .unwrap_or_default();
    Ok(format!(
        "{header}id: {id}
title: {title}
domain: {domain}
owner: {team}
status: draft
persona: Who the customer is
trigger: What makes the customer get in touch.
outcome: What is true when this ends well.
steps:
  - id: contact
    title: The customer gets in touch
    actor: customer
    {channel}
    next: handle
  - id: handle
    title: The request is handled and the customer told the outcome
    actor: {team}
    {channel}
    next: done
  - id: done
    end: resolved
"
    ))
}

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs_exclude_paths_and_spaces() {
        assert!(is_slug("invoice-dispute"));
        assert!(is_slug("a"));
        assert!(!is_slug("../../x"));
        assert!(!is_slug("A B"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(""));
        assert!(!is_slug(&"a".repeat(65)));
    }
}
