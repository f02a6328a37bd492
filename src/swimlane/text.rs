//! Text in the diagram: widths estimated without font metrics, wrapping at word boundaries,
//! shortening with an ellipsis.

use super::CHAR_EM;

/// The estimated width of `s` at font size `font`.
pub fn text_width(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * CHAR_EM * font
}

/// Wraps `text` at word boundaries into lines of at most `max` characters, breaking words longer
/// than a line. Control characters and runs of white space become single spaces.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        let mut chars: Vec<char> = word.chars().collect();
        loop {
            let need = if len == 0 {
                chars.len()
            } else {
                len + 1 + chars.len()
            };
            if need <= max {
                if len > 0 {
                    line.push(' ');
                    len += 1;
                }
                line.extend(chars.iter());
                len += chars.len();
                break;
            }
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                len = 0;
                continue;
            }
            // A word longer than a line: break it.
            let rest = chars.split_off(max);
            lines.push(chars.iter().collect());
            chars = rest;
        }
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

/// `text` on one line of at most `max` characters, shortened with an ellipsis.
pub(super) fn shorten(text: &str, max: usize) -> String {
    let words = wrap(text, usize::MAX).join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let mut s: String = words.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Wraps and keeps at most `max_lines`, the last one ending with an ellipsis when cut.
pub(super) fn wrap_capped(text: &str, chars: usize, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(text, chars);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        let mut s: String = last.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        *last = s;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_words_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("  x\n\ty  ", 10), vec!["x y"]);
        assert!(wrap("", 5).is_empty());
        assert_eq!(wrap_capped("aa bb cc dd", 5, 1), vec!["aa b…"]);
    }

    #[test]
    fn shorten_keeps_one_line_with_an_ellipsis() {
        assert_eq!(shorten("a  b\nc", 10), "a b c");
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
    }
}
