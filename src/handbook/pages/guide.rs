//! The chapter "How to read this handbook": lanes, handoffs, the lines of interaction and of
//! visibility, moments of truth, fail points and the satisfaction map, for staff who have never
//! seen a service blueprint. Hand-written prose, one file per language (`book/src/`), chosen by
//! the catalogue's `language:` as the labels are.

use super::Builder;
use crate::config::Language;

/// The chapter in English.
const EN: &str = include_str!("../../../book/src/how-to-read.md");
/// The chapter in French.
const FR: &str = include_str!("../../../book/src/how-to-read.fr.md");

/// The chapter's text in `language`.
pub fn text(language: Language) -> &'static str {
    match language {
        Language::En => EN,
        Language::Fr => FR,
    }
}

impl Builder<'_> {
    pub(super) fn guide(&self) -> String {
        text(self.cat.settings.language).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both languages explain the same things, section for section, and link to the same pages.
    #[test]
    fn both_languages_have_the_same_sections_and_links() {
        let shape = |text: &str| {
            let headings = text.lines().filter(|l| l.starts_with('#')).count();
            let links: Vec<String> = text
                .split("](")
                .skip(1)
                .map(|rest| rest.split(')').next().unwrap_or_default().to_owned())
                .collect();
            (headings, links)
        };
        assert_eq!(shape(EN), shape(FR));
        assert!(shape(EN).0 >= 7, "a section per idea");
    }
}
