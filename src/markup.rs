//! Escaping for XML, HTML and Markdown that casebook writes itself (JUnit reports, SVG pictures,
//! raw HTML blocks and Markdown pages of the handbook, the markdown of `casebook diff`). One
//! function per language, so that every writer drops or replaces the same characters.

/// Escapes text for XML 1.0 content (`attribute == false`) or a double- or single-quoted
/// attribute value. Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) become U+FFFD;
/// in attributes, tab and line breaks become character references so that attribute-value
/// normalisation does not turn them into spaces; a carriage return is always a reference, so that
/// line-end normalisation keeps it.
pub fn xml_escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a relative path for a URI reference: letters, digits, `-._~` and `/` stay,
/// every other byte of the UTF-8 text becomes `%XX` (SARIF artifact URIs, links to files).
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `input` escaped for both HTML and Markdown, on one line: HTML entities for `&<>"'`, a
/// backslash before every ASCII punctuation character that Markdown gives meaning to, braces as
/// entities (so that no `{{` reaches mdBook), control characters dropped and runs of white space
/// (line breaks included) made one space, so that a value never starts a new block or breaks a
/// table row. The handbook's `.md` pages and `casebook diff --format markdown` use it.
pub fn markdown_escape(input: &str) -> String {
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
