//! The sarif format: SARIF 2.1.0, the interchange format that GitHub code scanning and other
//! code-review tools import. One run, one `rules` entry per rule of the registry (so a viewer can
//! show the documentation of any rule), one result per diagnostic.
//!
//! Each result carries the finding's fingerprint (see [`crate::diagnostic::fingerprint`]) in
//! `partialFingerprints` under `casebook/v1`, so that a viewer can follow a finding across runs
//! when lines move. The key is our own, not GitHub's `primaryLocationLineHash`: the
//! upload-sarif action computes that one from the line's text and warns when a log carries a
//! different value. Findings that an `allow:` accepted are results too, with a `suppressions`
//! entry (`inSource`, the allow's `reason:` as justification, the allow entry as location), as
//! the SARIF specification has it; viewers hide them, and the summary counts them nowhere.
//! With `repository:` in casebook.yaml, each rule's `helpUri` links to its line in casebook.yaml
//! (where the catalogue sets its severity), or to the `rules:` key when the rule is not set there:
//! the rule's documentation itself is already in `help`.
//!
//! Built from serde structs in a fixed field order, so the output is deterministic.

use super::RenderOptions;
use crate::diagnostic::fingerprint;
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::rules::REGISTRY;
use crate::source::Span;
use serde::Serialize;
use std::collections::BTreeMap;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
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
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    location: Location,
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
    sarif_with(
        report,
        &RenderOptions {
            path_prefix: path_prefix.to_owned(),
            ..RenderOptions::default()
        },
    )
}

/// The key of casebook's fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "casebook/v1";

/// [`sarif`] with every option: the path prefix and the rules' `helpUri`.
pub(crate) fn sarif_with(report: &Report, options: &RenderOptions) -> String {
    let path_prefix = options.path_prefix.as_str();
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
                help_uri: options.help_uris.get(m.id).cloned(),
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
    let location = |span: Span| {
        let (start, end) = report.sources.range(span);
        let path = format!("{path_prefix}{}", report.sources.get(span.file).rel_path);
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: crate::markup::encode_uri_path(&path),
                    uri_base_id: SRCROOT,
                },
                region: Region {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                },
            },
        }
    };
    let result = |d: &Diagnostic, print: String, suppressions: Vec<Suppression>| {
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let properties = (d.use_case.is_some() || d.step.is_some()).then(|| ResultProperties {
            use_case: d.use_case.clone(),
            step: d.step.clone(),
        });
        SarifResult {
            rule_id: d.rule,
            rule_index: REGISTRY.iter().position(|r| r.meta().id == d.rule),
            level: level(d.severity),
            message: Text { text },
            locations: vec![location(d.span)],
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, print)]),
            suppressions,
            properties,
        }
    };
    let mut results: Vec<SarifResult> = report
        .diagnostics
        .iter()
        .zip(report.fingerprints())
        .map(|(d, print)| result(d, print, Vec::new()))
        .collect();
    results.extend(
        report
            .suppressed
            .iter()
            .zip(fingerprint::of_suppressed(report))
            .map(|(s, print)| {
                let suppression = Suppression {
                    kind: "inSource",
                    status: "accepted",
                    justification: s.reason.clone(),
                    location: location(s.allow),
                };
                result(&s.diagnostic, print, vec![suppression])
            }),
    );
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

/// The `helpUri` of every rule when casebook.yaml names the repository: the rule's entry in
/// casebook.yaml's `rules:` when there is one, else the `rules:` key, else the file's top. The
/// text of the rule is in `help` already; the link adds what the log cannot show, this
/// catalogue's own setting of the rule, where a reviewer would change it. `prefix` is the
/// catalogue's folder in the repository, used when `repository.path` is not set.
pub fn help_uris(
    settings: &crate::config::Settings,
    report: &Report,
    prefix: &str,
) -> BTreeMap<String, String> {
    let Some(repository) = &settings.repository else {
        return BTreeMap::new();
    };
    let file = crate::source::FileId(0);
    let rel_path = &report.sources.get(file).rel_path;
    let line_of = |span: Span| report.sources.range(span).0.line;
    let rules_key = report
        .sources
        .get(file)
        .text
        .lines()
        .position(|l| l.starts_with("rules:"))
        .map(|i| i as u32 + 1);
    REGISTRY
        .iter()
        .map(|r| {
            let id = r.meta().id;
            let line = settings.rules.get(id).map(|s| line_of(s.id.span)).or(rules_key);
            (id.to_owned(), repository.file_url(prefix, rel_path, line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::markup::encode_uri_path;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("catalogue/use-cases/a b/é.yaml"),
            "catalogue/use-cases/a%20b/%C3%A9.yaml"
        );
    }
}
