//! Escaping of catalogue text for the handbook's Markdown pages.
//!
//! mdBook passes raw HTML straight through, turns `[x](javascript:...)` into a live link and
//! expands `{{#include ...}}`. Every text that comes from YAML is therefore escaped for HTML
//! (entities) and for Markdown (a backslash before every ASCII punctuation character that
//! Markdown gives meaning to), braces become entities so that no `{{` survives, and line breaks
//! become spaces so that a value never starts a new block or breaks a table row.

/// Writes `input` escaped for both HTML and Markdown (the Tera escape function of `.md` templates).
pub fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(escape(input).as_bytes())
}

/// `input` escaped for both HTML and Markdown, on one line.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let mut pending_space = false;
    for c in input.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.' | '!' | '|' | '~'
            | '$' | '^' | ':' | '=' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `input` escaped for HTML text and attribute values only (for raw HTML blocks and SVG, where
/// Markdown does not apply).
pub fn html_escape(input: &str) -> String {
    crate::markup::xml_escape(input, true)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        );
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"
        );
        assert_eq!(
            escape("{{#include /etc/passwd}}"),
            "&#123;&#123;\\#include /etc/passwd&#125;&#125;"
        );
        assert_eq!(escape("a | b\nc"), "a \\| b c");
        assert_eq!(escape("  # title"), "\\# title");
        assert_eq!(escape("&lt;"), "&amp;lt;");
    }
}
