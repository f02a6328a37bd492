//! Makes mdBook's search index safe to display.
//!
//! mdBook's searcher inserts each result's `breadcrumbs` (chapter names and headings, decoded to
//! plain text) into the page with `innerHTML`, unescaped, while it escapes the teaser. A use case
//! titled `<img src=x onerror=...>` would therefore run as soon as somebody searched for it. After
//! mdBook has written the index, every `breadcrumbs` (and `title`) string in it is HTML-escaped; an index that
//! does not have the expected shape fails the build rather than ship unchecked.

use super::escape::html_escape;
use std::path::Path;

const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SUFFIX: &str = "'));";

/// Escapes the breadcrumbs of the search index in `html_dir`, if the handbook has one.
pub fn neutralise_index(html_dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(html_dir).map_err(|e| format!("{}: {e}", html_dir.display()))?;
    let mut found = false;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("searchindex") && name.ends_with(".js") {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::write(&path, rewrite(&text)?).map_err(|e| format!("{}: {e}", path.display()))?;
            found = true;
        }
    }
    if found {
        Ok(())
    } else {
        Err("mdBook wrote no search index".to_owned())
    }
}

/// The index script with its breadcrumbs escaped.
pub fn rewrite(script: &str) -> Result<String, String> {
    let body = script
        .trim_end()
        .strip_prefix(PREFIX)
        .and_then(|s| s.strip_suffix(SUFFIX))
        .ok_or("the search index does not have the shape casebook knows; refusing to ship it unchecked")?;
    // Undo the single-quoted JavaScript string escaping (`\\` and `\'`).
    let mut json = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            json.extend(chars.next());
        } else {
            json.push(c);
        }
    }
    let mut value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("search index: {e}"))?;
    escape_breadcrumbs(&mut value);
    let json = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    Ok(format!(
        "{PREFIX}{}{SUFFIX}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

fn escape_breadcrumbs(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if key == "breadcrumbs" || key == "title" => {
                        *s = html_escape(s)
                    }
                    _ => escape_breadcrumbs(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(escape_breadcrumbs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn breadcrumbs_are_escaped_and_the_rest_kept() {
        let script = r#"window.search = Object.assign(window.search, JSON.parse('{"docs":{"1":{"body":"it\'s <b>","breadcrumbs":"A » <img src=x onerror=alert(1)>"}}}'));"#;
        let out = rewrite(script).unwrap();
        assert!(out.contains("A » &lt;img src=x onerror=alert(1)&gt;"), "{out}");
        assert!(
            out.contains(r"it\'s <b>"),
            "the body is left to the searcher, which escapes it: {out}"
        );
        assert!(rewrite("something else").is_err());
    }
}
