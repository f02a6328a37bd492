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

/// `input` as the value of a double-quoted HTML attribute inside a Markdown table row (the
/// template filter `attr`, used with `safe` for the card labels of the staff pages' tables):
/// escaped for HTML, and the characters mdBook or a table row would read before HTML is parsed
/// (`{`, `}` of `{{#include}}`, `|` that ends a cell, `\` that escapes it) as entities.
pub fn attribute(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in crate::markup::xml_escape(input, true).chars() {
        match c {
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '|' => out.push_str("&#124;"),
            '\\' => out.push_str("&#92;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attribute, escape};

    #[test]
    fn an_attribute_value_neither_closes_its_quotes_nor_a_table_cell() {
        assert_eq!(
            attribute("Cas d'usage \"x\" <b> | {{#include a}} \\"),
            "Cas d&apos;usage &quot;x&quot; &lt;b&gt; &#124; &#123;&#123;#include a&#125;&#125; &#92;"
        );
        assert_eq!(attribute("Cross-department: No."), "Cross-department: No.");
    }

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
