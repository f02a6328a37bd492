//! The handbook's Tera templates: embedded in the binary from `templates/`, each overridable by a
//! file of the same name in the folder named by `templates:` in casebook.yaml.
//!
//! The folder and its files are read like the catalogue's: no symbolic link is followed (a
//! template linked to `/etc/passwd` would publish it), only regular files are read, and each at
//! most [`MAX_TEMPLATE_BYTES`].

use super::escape::{attribute, escape_markdown};
use crate::source::{ReadError, describe_file_type, read_regular_file};
use std::path::Path;

/// A template larger than this is refused (the shipped ones are a few kilobytes).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Every template, by name, as shipped.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("SUMMARY.md", include_str!("../../templates/SUMMARY.md")),
    ("index.md", include_str!("../../templates/index.md")),
    ("domain.md", include_str!("../../templates/domain.md")),
    ("use-case.md", include_str!("../../templates/use-case.md")),
    ("team.md", include_str!("../../templates/team.md")),
    ("department.md", include_str!("../../templates/department.md")),
    ("channel.md", include_str!("../../templates/channel.md")),
    ("list.md", include_str!("../../templates/list.md")),
    ("glossary.md", include_str!("../../templates/glossary.md")),
    ("analytics.md", include_str!("../../templates/analytics.md")),
    ("rules.md", include_str!("../../templates/rules.md")),
    ("review.md", include_str!("../../templates/review.md")),
];

/// The filter `attr`: a text as a double-quoted HTML attribute value in a Markdown table row
/// ([`attribute`]); its output is safe as it is, so no `safe` follows it.
struct Attr;

impl tera::Filter<String, String> for Attr {
    fn call(&self, value: String, _: tera::Kwargs, _: &tera::State) -> String {
        attribute(&value)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Builds the Tera instance: Markdown autoescaping with [`escape_markdown`], the filter `attr`
/// ([`Attr`]: a text as a double-quoted attribute value in a table row),
/// and the embedded templates replaced by those found in `overrides`, which must be a folder (not
/// a link to one).
pub fn load(overrides: Option<&Path>) -> Result<tera::Tera, String> {
    if let Some(dir) = overrides {
        match dir.symlink_metadata() {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                return Err(format!(
                    "the templates folder {} is {}, not a folder; casebook follows no symbolic link",
                    dir.display(),
                    describe_file_type(meta.file_type())
                ));
            }
            Err(e) => return Err(format!("the templates folder {}: {e}", dir.display())),
        }
    }
    let mut tera = tera::Tera::new();
    tera.set_escape_fn(escape_markdown);
    tera.autoescape_on([".md"]);
    tera.register_filter("attr", Attr);
    for (name, text) in EMBEDDED {
        let custom = match overrides.map(|dir| dir.join(name)) {
            Some(path) => match read_regular_file(&path, MAX_TEMPLATE_BYTES) {
                Ok(bytes) => Some(
                    String::from_utf8(bytes)
                        .map_err(|_| format!("template {}: not UTF-8 text", path.display()))?,
                ),
                Err(ReadError::Missing) => None,
                Err(ReadError::TooLarge(_)) => {
                    return Err(format!(
                        "template {}: larger than the {} MiB casebook reads",
                        path.display(),
                        MAX_TEMPLATE_BYTES / 1048576
                    ));
                }
                Err(e) => return Err(format!("template {} is not read: {e}", path.display())),
            },
            None => None,
        };
        tera.add_raw_template(name, custom.as_deref().unwrap_or(text))
            .map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(tera)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    #[test]
    fn the_attr_filter_escapes_once_for_an_attribute_and_not_for_markdown() {
        let mut tera = load(None).unwrap();
        tera.add_raw_template("probe.md", "<span data-label=\"{{ v | attr }}\"></span>{{ v }}")
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("v", "Cas d'usage: a-b | {x}");
        assert_eq!(
            tera.render("probe.md", &context).unwrap(),
            "<span data-label=\"Cas d&apos;usage: a-b &#124; &#123;x&#125;\"></span>Cas d&#39;usage\\: a\\-b \\| &#123;x&#125;"
        );
    }

    #[test]
    fn every_label_a_template_uses_exists() {
        let en = crate::labels::table(Language::En);
        for (name, text) in EMBEDDED {
            let mut rest = *text;
            while let Some(i) = rest.find("t.") {
                let key: String = rest[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                let boundary = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
                if boundary && !key.is_empty() {
                    assert!(
                        en.contains_key(key.as_str()),
                        "template {name} uses unknown label t.{key}"
                    );
                }
                rest = &rest[i + 2..];
            }
        }
    }
}
