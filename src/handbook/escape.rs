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

/// `input` escaped for both HTML and Markdown, on one line (see [`crate::markup::markdown_escape`]).
pub fn escape(input: &str) -> String {
    crate::markup::markdown_escape(input)
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
