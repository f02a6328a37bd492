//! The JSON Schemas of the five file kinds (embedded from `schemas/`), and validation of a parsed
//! YAML tree against them with every error mapped back to the offending node.

use super::instance::Yaml;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use std::sync::OnceLock;

/// The kinds of file in a catalogue, each with its own schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// casebook.yaml
    Casebook,
    /// organisation.yaml
    Organisation,
    /// channels.yaml
    Channels,
    /// information.yaml
    Information,
    /// use-cases/**/*.yaml
    UseCase,
}

impl FileKind {
    /// Every kind, in the order `casebook schema` lists them.
    pub const ALL: [FileKind; 5] = [
        FileKind::Casebook,
        FileKind::Organisation,
        FileKind::Channels,
        FileKind::Information,
        FileKind::UseCase,
    ];

    /// The name used on the command line and in the schema file name.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Casebook => "casebook",
            FileKind::Organisation => "organisation",
            FileKind::Channels => "channels",
            FileKind::Information => "information",
            FileKind::UseCase => "use-case",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The schema's JSON text, exactly as in `schemas/`.
    pub fn schema_text(self) -> &'static str {
        match self {
            FileKind::Casebook => include_str!("../../schemas/casebook.schema.json"),
            FileKind::Organisation => include_str!("../../schemas/organisation.schema.json"),
            FileKind::Channels => include_str!("../../schemas/channels.schema.json"),
            FileKind::Information => include_str!("../../schemas/information.schema.json"),
            FileKind::UseCase => include_str!("../../schemas/use-case.schema.json"),
        }
    }

    /// What a file of this kind is, for messages.
    fn noun(self) -> &'static str {
        match self {
            FileKind::Casebook => "catalogue settings file",
            FileKind::Organisation => "organisation file",
            FileKind::Channels => "channels file",
            FileKind::Information => "information file",
            FileKind::UseCase => "use case",
        }
    }
}

struct Compiled {
    /// Reads the parsed tree in place (see [`super::instance`]).
    validator: jsonschema::Validator<Yaml>,
    /// Every property name the schema knows, for "did you mean" on unknown fields.
    known_fields: Vec<String>,
}

fn compiled(kind: FileKind) -> &'static Compiled {
    static CELLS: [OnceLock<Compiled>; 5] = [const { OnceLock::new() }; 5];
    CELLS[kind as usize].get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(kind.schema_text()).expect("embedded schema is valid JSON (tested)");
        let validator = jsonschema::options_for::<Yaml>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("embedded schema compiles (tested)");
        let mut known_fields = Vec::new();
        collect_property_names(&schema, &mut known_fields);
        known_fields.sort();
        known_fields.dedup();
        Compiled {
            validator,
            known_fields,
        }
    })
}

fn collect_property_names(schema: &serde_json::Value, out: &mut Vec<String>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| collect_property_names(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_property_names(v, out)),
        _ => {}
    }
}

const SLUG: &str = "^[a-z0-9][a-z0-9-]{0,63}$";

/// Validates `node` against the schema of `kind`; returns one diagnostic per problem.
pub fn validate(kind: FileKind, file: FileId, node: &Node) -> Vec<Diagnostic> {
    if node.kind == NodeKind::Null {
        return vec![
            Diagnostic::new(
                "schema",
                Span::file_start(file),
                format!("the file is empty, but a {} is expected here", kind.noun()),
            )
            .with_help(format!(
                "start from `casebook schema {}` or, for a use case, `casebook new ID`",
                kind.name()
            )),
        ];
    }
    let compiled = compiled(kind);
    if compiled.validator.is_valid(node) {
        return Vec::new();
    }
    // In a use case, name the use case and the step, like the rules do.
    let use_case = (kind == FileKind::UseCase)
        .then(|| node.get("id").and_then(Node::as_str))
        .flatten();
    let mut out: Vec<Diagnostic> = compiled
        .validator
        .iter_errors(node)
        .map(|err| {
            let mut d = describe(compiled, file, node, &err);
            if let Some(id) = use_case {
                d.use_case = Some(id.to_owned());
                d.step = step_of(node, err.instance_path().iter());
            }
            d
        })
        .collect();
    out.sort_by_key(|d| (d.span.start, d.message.clone()));
    out.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    merge_missing_fields(out)
}

/// Turns several "missing required field" findings at one place into one finding that lists
/// them all: a file started from scratch would otherwise get one error per field.
fn merge_missing_fields(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const PREFIX: &str = "missing required field `";
    let mut out: Vec<Diagnostic> = Vec::with_capacity(found.len());
    let mut fields: Vec<Vec<String>> = Vec::with_capacity(found.len());
    for d in found {
        let parsed = d
            .message
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once("` in "))
            .map(|(field, place)| (field.to_owned(), place.to_owned()));
        if let Some((field, place)) = &parsed
            && let Some(last) = out.last()
            && last.span == d.span
            && last.message.starts_with(PREFIX)
            && last.message.ends_with(&format!("` in {place}"))
        {
            fields
                .last_mut()
                .expect("one list per finding")
                .push(field.clone());
            continue;
        }
        fields.push(parsed.map(|(f, _)| vec![f]).unwrap_or_default());
        out.push(d);
    }
    for (d, fields) in out.iter_mut().zip(fields) {
        if fields.len() < 2 {
            continue;
        }
        let place = d.message.split_once("` in ").map_or("", |(_, p)| p).to_owned();
        let names: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
        d.message = format!("missing required fields {} in {place}", names.join(", "));
        let keys: Vec<String> = fields.iter().map(|f| format!("`{f}:`")).collect();
        d.help = Some(format!("add {} here", keys.join(", ")));
    }
    out
}

/// The id of the step a path leads into (`/steps/3/...`), when it has one.
fn step_of<'p>(root: &Node, mut path: impl Iterator<Item = LocationSegment<'p>>) -> Option<String> {
    match (path.next(), path.next()) {
        (Some(LocationSegment::Property(p)), Some(LocationSegment::Index(i))) if &*p == "steps" => root
            .get("steps")
            .and_then(Node::as_seq)
            .and_then(|steps| steps.get(i))
            .and_then(|s| s.get("id"))
            .and_then(Node::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

/// What a path step names, for messages: `title`, or "entry 3 of `needs`".
fn field_name(path: &[LocationSegment<'_>]) -> String {
    match path {
        [] => "the document".to_owned(),
        [.., LocationSegment::Property(p)] => format!("`{p}`"),
        [.., LocationSegment::Property(p), LocationSegment::Index(i)] => {
            format!("entry {} of `{p}`", i + 1)
        }
        [.., LocationSegment::Index(i)] => format!("entry {}", i + 1),
    }
}

/// The most characters of a value a message quotes.
const MAX_QUOTE_CHARS: usize = 80;

/// `s`, cut to [`MAX_QUOTE_CHARS`] characters, with `…` when cut: a message never quotes a
/// whole file. (Line breaks and control characters are the renderers' to escape.)
fn quote(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn show_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("`{}`", quote(s)),
        serde_json::Value::Null => "nothing".to_owned(),
        serde_json::Value::Bool(_) => format!("`{v}` (a yes/no value)"),
        serde_json::Value::Number(_) => format!("`{v}` (a number)"),
        serde_json::Value::Array(_) => "a list".to_owned(),
        serde_json::Value::Object(_) => "a mapping".to_owned(),
    }
}

fn describe(
    compiled: &Compiled,
    file: FileId,
    root: &Node,
    err: &jsonschema::ValidationError<'_>,
) -> Diagnostic {
    let path: Vec<LocationSegment<'_>> = err.instance_path().iter().collect();
    let node = resolve(root, &path);
    let whole = Span {
        file,
        start: node.start,
        end: node.end.max(node.start),
    };
    let point = Span {
        file,
        start: node.start,
        end: node.start,
    };
    // A step is better named by its id than by its position.
    let field = match (path.as_slice(), step_of(root, path.iter().cloned())) {
        ([LocationSegment::Property(_), LocationSegment::Index(_)], Some(id)) => format!("step `{id}`"),
        _ => field_name(&path),
    };
    let instance = err.instance();
    let mut help = None;
    let (span, message) = match err.kind() {
        ValidationErrorKind::Required { property } => {
            let p = property.as_str().unwrap_or_default();
            let parent = if path.is_empty() {
                "the file".to_owned()
            } else {
                field
            };
            if p == "reason" && node.get("allow").is_some() {
                // Required by `dependentRequired`: say why.
                help = Some("add `reason:` saying why these findings are accepted here".to_owned());
                let allow_key = key_of(
                    root,
                    &[path.as_slice(), &[LocationSegment::Property("allow".into())]].concat(),
                    file,
                );
                (
                    allow_key.unwrap_or(point),
                    format!(
                        "`allow:` needs a `reason:` {}",
                        if path.is_empty() {
                            "at the top of the file".to_owned()
                        } else {
                            format!("in {parent}")
                        }
                    ),
                )
            } else {
                help = Some(format!("add `{p}:` here"));
                (point, format!("missing required field `{p}` in {parent}"))
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            // The first name in JSON's (sorted) order: the tree lists them in the file's order.
            let name = unexpected.iter().min().cloned().unwrap_or_default();
            let key_span = match &node.kind {
                NodeKind::Map(entries) => {
                    entries
                        .iter()
                        .find(|(k, _)| k.name == name)
                        .map_or(point, |(k, _)| Span {
                            file,
                            start: k.start,
                            end: k.end,
                        })
                }
                _ => point,
            };
            help = crate::suggest::closest(&name, compiled.known_fields.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("remove it, or check its indentation".to_owned()));
            let where_ = if path.is_empty() {
                "at the top of the file".to_owned()
            } else {
                format!("in {field}")
            };
            (key_span, format!("unknown field `{}` {where_}", quote(&name)))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = format!("{kind:?}")
                .replace("Single(", "")
                .replace("Multiple(", "")
                .replace(')', "")
                .to_lowercase();
            let expected = expected
                .replace("string", "text")
                .replace("object", "a mapping")
                .replace("array", "a list")
                .replace("integer", "a whole number")
                .replace("boolean", "true or false");
            help = match &**instance {
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) if expected.contains("text") => {
                    Some(format!("put the value in quotes to make it text: \"{instance}\""))
                }
                serde_json::Value::String(_) if expected.contains("true or false") => Some(
                    "write `true` or `false` (YAML 1.2: `yes`, `no`, `on` and `off` are text)".to_owned(),
                ),
                _ => None,
            };
            (
                whole,
                format!("{field} should be {expected}, but it is {}", show_value(instance)),
            )
        }
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            if let Some(s) = instance.as_str() {
                help = crate::suggest::closest(s, list.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
            }
            (
                whole,
                format!(
                    "{field} must be one of {}, not {}",
                    list.join(", "),
                    show_value(instance)
                ),
            )
        }
        ValidationErrorKind::Pattern { pattern } => {
            let value = show_value(instance);
            let msg = if pattern == SLUG {
                help = Some("ids are 1 to 64 lowercase letters, digits and dashes, starting with a letter or digit, e.g. `invoice-dispute`".to_owned());
                format!("{value} is not a valid id (in {field})")
            } else if pattern.contains("[mhdw]") {
                help = Some(
                    "write a whole number and a unit: m (minutes), h (hours), d (days), w (weeks), e.g. `2d`"
                        .to_owned(),
                );
                format!("{value} is not a duration (in {field})")
            } else if pattern.contains("-[0-9]{2}-[0-9]{2}$") {
                help = Some(
                    "write the date as YYYY-MM-DD, in a year from 1900 to 2200, e.g. `2026-03-14`".to_owned(),
                );
                format!("{value} is not a date (in {field})")
            } else if pattern.contains("off|info") {
                help = Some("use `off`, `info`, `warning` or `error`".to_owned());
                format!("{value} is not a severity (in {field})")
            } else {
                format!("{value} does not have the expected form for {field}")
            };
            (whole, msg)
        }
        ValidationErrorKind::FalseSchema => {
            help = Some(
                "an end step closes the flow: remove this field, or remove `end:` to continue".to_owned(),
            );
            let key_span = key_of(root, &path, file).unwrap_or(whole);
            (key_span, format!("{field} is not allowed on an end step"))
        }
        ValidationErrorKind::Not { .. } => {
            help =
                Some("`customer` is reserved for steps done by the customer; choose another id".to_owned());
            (
                whole,
                format!("{} cannot be used as a team id", show_value(instance)),
            )
        }
        ValidationErrorKind::MinItems { .. } => (whole, format!("{field} must not be empty")),
        ValidationErrorKind::MinLength { .. } => (whole, format!("{field} must not be empty")),
        ValidationErrorKind::Minimum { limit } => (
            whole,
            format!("{field} must be at least {limit}, not {}", show_value(instance)),
        ),
        ValidationErrorKind::Maximum { limit } => (
            whole,
            format!("{field} must be at most {limit}, not {}", show_value(instance)),
        ),
        _ => (whole, format!("{field}: {}", err.masked())),
    };
    let mut d = Diagnostic::new("schema", span, message);
    d.help = help;
    d
}

/// The node at `path`, or the nearest existing parent.
fn resolve<'n>(root: &'n Node, path: &[LocationSegment<'_>]) -> &'n Node {
    let mut node = root;
    for seg in path {
        let next = match (seg, &node.kind) {
            (LocationSegment::Property(p), NodeKind::Map(_)) => node.get(p),
            (LocationSegment::Index(i), NodeKind::Seq(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// The span of the key that leads to `path`'s last segment, when it is a property.
fn key_of(root: &Node, path: &[LocationSegment<'_>], file: FileId) -> Option<Span> {
    let (LocationSegment::Property(p), parent) = path.split_last()? else {
        return None;
    };
    let (key, _) = resolve(root, parent).entry(p)?;
    Some(Span {
        file,
        start: key.start,
        end: key.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quotes_are_cut_on_a_character_boundary() {
        assert_eq!(quote("short"), "short");
        assert_eq!(quote("two\nlines"), "two\nlines");
        let long = "é".repeat(200);
        let cut = quote(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(quote(&"x".repeat(MAX_QUOTE_CHARS)), "x".repeat(MAX_QUOTE_CHARS));
    }

    #[test]
    fn every_embedded_schema_compiles() {
        for kind in FileKind::ALL {
            assert!(!compiled(kind).known_fields.is_empty(), "{}", kind.name());
        }
    }
}
