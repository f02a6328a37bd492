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

/// A starting use case that passes `casebook check`, using the catalogue's own teams and
/// channels. `schema_path` is written as the editor's schema comment when given.
pub fn new_use_case(cat: &Catalogue, id: &str, domain: &str, schema_path: Option<&str>) -> String {
    let front = cat
        .teams
        .iter()
        .find(|t| t.lane == Lane::Frontstage)
        .or(cat.teams.first());
    let team = front.map_or("contact-centre", |t| t.id.value.as_str());
    let channel = cat.channels.first().map_or("phone", |c| c.id.value.as_str());
    let mut title = id.replace('-', " ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    let header = schema_path
        .map(|p| format!("# yaml-language-server: $schema={p}\n"))
        .unwrap_or_default();
    format!(
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
    channel: {channel}
    next: handle
  - id: handle
    title: The request is handled and the customer told the outcome
    actor: {team}
    channel: {channel}
    next: done
  - id: done
    end: resolved
"
    )
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
