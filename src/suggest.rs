//! "Did you mean" suggestions for misspelt ids and field names.

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= limit || (c.contains(word) && word.len() >= 3))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let teams = ["contact-centre", "billing", "field-service"];
        assert_eq!(closest("contact-center", teams), Some("contact-centre"));
        assert_eq!(closest("biling", teams), Some("billing"));
        assert_eq!(closest("marketing", teams), None);
    }
}
