//! YAML parsing into a small tree of nodes that keep their byte ranges.
//!
//! The tree is parsed once per file with serde-saphyr's budgets switched on (alias bombs, deep
//! nesting and huge documents are refused quickly) and then serves both the JSON Schema check,
//! whose error paths are mapped back to nodes here, and the typed model built in `build`.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A YAML node with the byte range it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Byte offset where the node starts.
    pub start: u32,
    /// Byte offset where the node ends (for a collection, the end of its last child).
    pub end: u32,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (any other scalar, dates included).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Byte offset of the key.
    pub start: u32,
    /// Byte offset after the key.
    pub end: u32,
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value under `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(v) => Some(v),
            _ => None,
        }
    }

    /// Converts the tree to JSON for the schema validator.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(v) => Value::Array(v.iter().map(Node::to_json).collect()),
            NodeKind::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.name.clone(), v.to_json())).collect()),
        }
    }

    fn from_spanned(s: Spanned<Node>) -> Node {
        let span = s.referenced.span();
        let mut node = s.value;
        node.start = span.byte_offset().unwrap_or(0) as u32;
        let own_end = node.start + span.byte_len().unwrap_or(0) as u32;
        node.end = node.end.max(own_end);
        node
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

fn leaf(kind: NodeKind) -> Node {
    Node {
        kind,
        start: 0,
        end: 0,
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(leaf(NodeKind::Null))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(leaf(NodeKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(leaf(NodeKind::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(leaf(NodeKind::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(leaf(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(leaf(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(leaf(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(leaf(NodeKind::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(leaf(NodeKind::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(leaf(NodeKind::Str(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
        Ok(leaf(NodeKind::Str(String::from_utf8_lossy(v).into_owned())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(Node::from_spanned(item));
        }
        let end = items.last().map_or(0, |n| n.end);
        Ok(Node {
            kind: NodeKind::Seq(items),
            start: 0,
            end,
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let key = Node::from_spanned(key);
            let name = match key.kind {
                NodeKind::Str(s) => s,
                NodeKind::Int(i) => i.to_string(),
                NodeKind::Bool(b) => b.to_string(),
                NodeKind::Float(f) => f.to_string(),
                NodeKind::Null => "null".to_owned(),
                NodeKind::Seq(_) | NodeKind::Map(_) => {
                    return Err(de::Error::custom(
                        "a mapping key must be plain text, not a list or mapping",
                    ));
                }
            };
            let value = Node::from_spanned(map.next_value::<Spanned<Node>>()?);
            entries.push((
                Key {
                    name,
                    start: key.start,
                    end: key.end,
                },
                value,
            ));
        }
        let end = entries.last().map_or(0, |(k, v)| v.end.max(k.end));
        Ok(Node {
            kind: NodeKind::Map(entries),
            start: 0,
            end,
        })
    }
}

/// A YAML error with a byte offset and a readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where (line, column as reported by the parser), if known.
    pub line_col: Option<(u64, u64)>,
    /// What went wrong, in the user's terms.
    pub message: String,
    /// Why a budget refused the file, when that is the cause.
    pub help: Option<String>,
    /// The parser's own message, without its location.
    raw: String,
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // A use case is a few hundred nodes; these limits leave a wide margin while refusing
    // expansion attacks in milliseconds.
    budget.max_depth = 48;
    budget.max_nodes = 200_000;
    budget.max_aliases = 2_000;
    budget.max_anchors = 2_000;
    budget.max_recorded_anchor_events = 50_000;
    budget.max_documents = 1;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.with_snippet = false;
    options
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Node {
            kind: NodeKind::Null,
            start: 0,
            end: 0,
        });
    }
    match serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options()) {
        Ok(node) => Ok(Node::from_spanned(node)),
        Err(err) => Err(relocate(text, describe(&err))),
    }
}

/// Moves an error the parser reports past its cause back to the cause: a tab is reported at the
/// start of the scalar before it (often the line above), and a `[` or `{` left open is reported
/// as an illegal `:` or a missing `,` on the next line.
fn relocate(text: &str, mut err: YamlError) -> YamlError {
    let Some((line, column)) = err.line_col else {
        return err;
    };
    let at = offset_of(text, line, column);
    if err.raw.contains("tab") {
        if let Some(tab) = culprit_tab(text, at) {
            err.line_col = Some(line_col_of(text, tab));
        }
    } else if err.raw.contains("illegal placement of ':'") || err.raw.contains("did not find expected ',' or")
    {
        // Parse the text before the error's line alone: if a bracket is open there, and the
        // error's line is not indented into it (so cannot continue it), the bracket is the cause.
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if line_start == 0 {
            return err;
        }
        let Err(before) =
            serde_saphyr::from_str_with_options::<Spanned<Node>>(&text[..line_start], options())
        else {
            return err;
        };
        let opened = describe(&before);
        if let Some((open_line, _)) = opened.line_col
            && opened.raw.starts_with("unclosed bracket")
            && open_line < line
            && indent(text, line) <= indent(text, open_line)
        {
            return opened;
        }
    }
    err
}

/// The tab a "found a tab" error at byte `at` is about: the tab just before `at`, or else the
/// first tab after `at` in the indentation of a line, or else the first tab after `at`.
fn culprit_tab(text: &str, at: usize) -> Option<usize> {
    let before = &text[..at];
    if before.ends_with('\t') {
        return Some(before.trim_end_matches('\t').len());
    }
    let rest = &text[at..];
    let mut line_start = true;
    for (i, c) in rest.char_indices() {
        match c {
            '\t' if line_start => return Some(at + i),
            '\n' => line_start = true,
            ' ' => {}
            _ => line_start = false,
        }
    }
    rest.find('\t').map(|i| at + i)
}

/// The number of leading spaces and tabs of 1-based line `line`.
fn indent(text: &str, line: u64) -> usize {
    text.lines()
        .nth(line.saturating_sub(1) as usize)
        .map_or(0, |l| l.len() - l.trim_start_matches([' ', '\t']).len())
}

/// The byte offset of a 1-based line and character column, clamped to the text.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    start
        + rest
            .char_indices()
            .take_while(|&(_, c)| c != '\n')
            .nth(column.saturating_sub(1) as usize)
            .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i)
}

/// The 1-based line and character column of a byte offset.
fn line_col_of(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() as u64 + 1)
}

fn describe(err: &serde_saphyr::Error) -> YamlError {
    let line_col = err
        .location()
        .map(|l| (l.line(), l.column()))
        .filter(|&(l, _)| l > 0);
    let raw = err.without_snippet().to_string();
    // Drop the "line N column M: " prefix: the location is shown separately.
    let raw = match raw.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest.to_owned(),
        _ => raw,
    };
    // The location is shown separately: drop the parser's own " at line N, column M ...".
    let raw = match raw.find(" at line ") {
        Some(i) => raw[..i].to_owned(),
        None => raw,
    };
    let lower = raw.to_lowercase();
    let bounded = "casebook bounds every file so that a hostile or broken file cannot exhaust memory; a real use case is far below these limits";
    let (message, help) = if lower.contains("budget") || lower.contains("recursion limit") {
        if lower.contains("document") {
            (
                "this file holds more than one YAML document (`---`); casebook reads one use case per file".to_owned(),
                Some("remove the `---` line and what follows it, or move the second document to a file of its own".to_owned()),
            )
        } else if lower.contains("depth") || lower.contains("recursion") {
            (
                "this file nests more deeply than casebook allows".to_owned(),
                Some(bounded.to_owned()),
            )
        } else {
            (
                "this file expands to more YAML nodes than casebook allows: aliases (`*name`) multiply large anchors, or the file is huge".to_owned(),
                Some(bounded.to_owned()),
            )
        }
    } else if lower.contains("duplicate mapping key") {
        let key = raw
            .split("duplicate mapping key: ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .unwrap_or("")
            .trim();
        (
            format!("duplicate key `{key}`: a key may appear only once in a mapping"),
            Some("remove or rename one of them; YAML would silently keep only one value".to_owned()),
        )
    } else if let Some(bracket) = raw.strip_prefix("unclosed bracket ") {
        let close = if bracket.contains('{') { '}' } else { ']' };
        (
            format!("invalid YAML: {raw}"),
            Some(format!(
                "close it with `{close}`, or put the value in quotes if the bracket is part of the text"
            )),
        )
    } else if lower.contains("tab") {
        (
            format!("invalid YAML: {raw}"),
            Some("YAML indents with spaces only: replace the tab with spaces".to_owned()),
        )
    } else {
        (
            format!("invalid YAML: {raw}"),
            Some(
                "check the indentation, quotes and brackets on this line and the lines just above it"
                    .to_owned(),
            ),
        )
    };
    YamlError {
        line_col,
        message,
        help,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_scalars_and_collections() {
        let text = "id: x\nsteps:\n  - id: a\n    next: [b]\n";
        let node = parse(text).unwrap();
        let id = node.get("id").unwrap();
        assert_eq!(&text[id.start as usize..id.end as usize], "x");
        let steps = node.get("steps").unwrap();
        assert_eq!(
            &text[steps.start as usize..steps.end as usize],
            "- id: a\n    next: [b"
        );
        let (key, _) = node.entry("steps").unwrap();
        assert_eq!(&text[key.start as usize..key.end as usize], "steps");
    }

    #[test]
    fn empty_and_comment_only_files_are_null() {
        assert_eq!(parse("").unwrap().kind, NodeKind::Null);
        assert_eq!(parse("# just a comment\n\n").unwrap().kind, NodeKind::Null);
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = parse("id: a\nid: b\n").unwrap_err();
        assert!(err.message.contains("duplicate key `id`"), "{}", err.message);
        assert_eq!(err.line_col, Some((2, 1)));
    }
}
