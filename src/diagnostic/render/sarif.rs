//! The sarif format: SARIF 2.1.0, the interchange format that GitHub code scanning and other
//! code-review tools import. One run, one `rules` entry per rule of the registry (so a viewer can
//! show the documentation of any rule), one result per diagnostic.
//!
//! Built from serde structs in a fixed field order, so the output is deterministic.

use crate::diagnostic::{Report, Severity};
use crate::rules::REGISTRY;
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base of every artifact URI: the root of the source tree (the repository, for GitHub code
/// scanning). SARIF viewers resolve it to the checkout; it is deliberately not given an absolute
/// value in `originalUriBaseIds`, which would tie the log to one machine.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Our columns count characters (Unicode scalar values), not the UTF-16 default.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Markdown,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    use_case: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<String>,
}

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Off => "none",
    }
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, final newline). `path_prefix` (e.g.
/// `catalogue/`) is put before each catalogue-relative path so that URIs are relative to the
/// repository root, as GitHub code scanning expects.
pub fn sarif(report: &Report, path_prefix: &str) -> String {
    let rules = REGISTRY
        .iter()
        .map(|r| {
            let m = r.meta();
            let doc = m.documentation();
            ReportingDescriptor {
                id: m.id,
                name: m.id,
                short_description: Text {
                    text: m.summary.to_owned(),
                },
                full_description: Text { text: doc.clone() },
                help: Markdown {
                    text: doc.clone(),
                    markdown: doc,
                },
                default_configuration: Configuration {
                    level: level(m.default_severity),
                },
                properties: RuleProperties {
                    tags: vec![m.group.as_str()],
                },
            }
        })
        .collect();
    let results = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = report.sources.range(d.span);
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let path = format!("{path_prefix}{}", report.sources.get(d.span.file).rel_path);
            let properties = (d.use_case.is_some() || d.step.is_some()).then(|| ResultProperties {
                use_case: d.use_case.clone(),
                step: d.step.clone(),
            });
            SarifResult {
                rule_id: d.rule,
                rule_index: REGISTRY.iter().position(|r| r.meta().id == d.rule),
                level: level(d.severity),
                message: Text { text },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: encode_uri_path(&path),
                            uri_base_id: SRCROOT,
                        },
                        region: Region {
                            start_line: start.line,
                            start_column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                        },
                    },
                }],
                properties,
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "casebook",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("the SARIF log serialises");
    text.push('\n');
    text
}

/// Percent-encodes a relative path for a URI reference: letters, digits, `-._~` and `/` stay,
/// every other byte of the UTF-8 text becomes `%XX`.
fn encode_uri_path(path: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::encode_uri_path;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("catalogue/use-cases/a b/é.yaml"),
            "catalogue/use-cases/a%20b/%C3%A9.yaml"
        );
    }
}
