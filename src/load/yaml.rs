//! YAML parsing into a small tree of nodes that keep their byte ranges.
//!
//! The tree is parsed once per file and then serves both the JSON Schema check, whose error paths
//! are mapped back to nodes here, and the typed model built in `build`. Two paths build it:
//!
//! - [`events`], the fast path, builds it straight from granit-parser's events (granit-parser is
//!   serde-saphyr's own parser) with serde-saphyr's scalar rules and budgets, for every file it
//!   can reproduce exactly: no error, no anchors, aliases, tags or merge keys;
//! - the serde path deserializes the file through serde-saphyr into `Spanned` nodes, with its
//!   budgets switched on (alias bombs, deep nesting and huge documents are refused quickly). It
//!   decides every file the fast path gives up on, so errors keep their exact located messages
//!   (from serde-saphyr, moved back to their cause by `relocate`), and it is the reference the
//!   fast path is tested against.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

mod events;

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
    budget.max_depth = events::MAX_DEPTH;
    budget.max_nodes = events::MAX_NODES;
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
    if let Some(empty) = empty_file(text) {
        return Ok(empty);
    }
    match events::parse(text) {
        Some(node) => Ok(node),
        None => parse_serde(text),
    }
}

/// A file with nothing but blank lines and comments: a null at its start.
fn empty_file(text: &str) -> Option<Node> {
    (text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')))
    .then_some(Node {
        kind: NodeKind::Null,
        start: 0,
        end: 0,
    })
}

/// The serde path (see the module doc): serde-saphyr into `Spanned` nodes.
fn parse_serde(text: &str) -> Result<Node, YamlError> {
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

    /// The loader as it was before the fast path: the serde path alone.
    fn serde_only(text: &str) -> Result<Node, YamlError> {
        empty_file(text).map_or_else(|| parse_serde(text), Ok)
    }

    /// Both paths on `text`: when the fast path accepts a file, the serde path must give the
    /// same tree (spans included). Returns whether the fast path accepted it.
    fn same_on_both_paths(text: &str) -> bool {
        assert_eq!(
            parse(text),
            serde_only(text),
            "parse differs from the serde path on {text:?}"
        );
        let slow = parse_serde(text);
        match events::parse(text) {
            Some(fast) => {
                assert_eq!(Ok(&fast), slow.as_ref(), "the paths differ on {text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_scalars_resolve_as_on_the_serde_path() {
        let scalars = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "FALSE",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "-007",
            "+007",
            "1",
            "-1",
            "+1",
            "12_345",
            "1__2",
            "_1",
            "1_",
            "0x1F",
            "0X1f",
            "-0x1F",
            "0xG",
            "0o17",
            "0O17",
            "-0o17",
            "0o8",
            "0b101",
            "-0b101",
            "0b2",
            "0x",
            "0b",
            "0o",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999999",
            "-99999999999999999999999999",
            "0xFFFFFFFFFFFFFFFF",
            "0x10000000000000000",
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "-.5",
            "1.",
            "1e3",
            "1E3",
            "1e-3",
            "-1e+3",
            "1.5e308",
            "1e308",
            "1e309",
            "-1e309",
            "1e-400",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            ".INF",
            ".nan",
            ".NaN",
            ".NAN",
            "-.nan",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "infinity",
            "Infinity",
            "1_000.5",
            "1,5",
            "0.1.2",
            "2026-11-30",
            "2026-11-30T09:30:00Z",
            "12:30",
            "1:20:30",
            "9999-12-31",
            "0000-01-01",
            "-",
            "+",
            "-x",
            "+x",
            ".",
            "..",
            "é",
            "1 2",
            "0x_1",
            "0b_1",
            "0o_7",
            "1e",
            "e3",
            "3e3e3",
        ];
        for scalar in scalars {
            for text in [
                format!("k: {scalar}\n"),
                format!("- {scalar}\n"),
                format!("{scalar}\n"),
            ] {
                same_on_both_paths(&text);
            }
            // Quoted, a scalar is always a string, on both paths.
            for text in [format!("k: '{scalar}'\n"), format!("k: \"{scalar}\"\n")] {
                assert!(same_on_both_paths(&text), "{text:?}");
                assert_eq!(
                    parse(&text).unwrap().get("k").unwrap().kind,
                    NodeKind::Str(scalar.to_owned())
                );
            }
            // As a key.
            same_on_both_paths(&format!("{scalar}: v\n"));
        }
        // The table covers every kind, and the fast path takes the finite ones.
        for (text, kind) in [
            ("k: ~\n", NodeKind::Null),
            ("k: TRUE\n", NodeKind::Bool(true)),
            ("k: -0x1F\n", NodeKind::Int(-31)),
            (
                "k: 9223372036854775808\n",
                NodeKind::Float(9_223_372_036_854_775_808.0),
            ),
            ("k: 007\n", NodeKind::Float(7.0)),
            ("k: 1e-3\n", NodeKind::Float(0.001)),
            ("k: 2026-11-30\n", NodeKind::Str("2026-11-30".to_owned())),
            ("k: yes\n", NodeKind::Str("yes".to_owned())),
        ] {
            assert!(same_on_both_paths(text), "{text}");
            assert_eq!(parse(text).unwrap().get("k").unwrap().kind, kind, "{text}");
        }
        // Non-finite numbers are refused, by the serde path's message.
        for text in ["k: .inf\n", "k: 1e309\n", "k: .nan\n"] {
            assert!(events::parse(text).is_none(), "{text}");
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn spans_are_bytes_on_non_ascii_text() {
        let text =
            "titré: « Café » 😀\nsteps:\n  - id: é\n    next: [ü, 'ö']\n  - {a: ß}\nz: \"😀\\u00e9\"\n";
        assert!(same_on_both_paths(text));
        let node = parse(text).unwrap();
        let (key, value) = node.entry("titré").unwrap();
        assert_eq!(&text[key.start as usize..key.end as usize], "titré");
        assert_eq!(&text[value.start as usize..value.end as usize], "« Café » 😀");
        let z = node.get("z").unwrap();
        assert_eq!(&text[z.start as usize..z.end as usize], "\"😀\\u00e9\"");
    }

    #[test]
    fn the_rare_features_take_the_serde_path_and_keep_their_meaning() {
        for text in [
            "a: &x [1, 2]\nb: *x\n",
            "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
            "a: !!str 12\n",
            "a: !custom x\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\na: 2\n",
            "[a]: 1\n",
            "a: [\n",
        ] {
            assert!(events::parse(text).is_none(), "{text}");
            assert_eq!(parse(text), serde_only(text), "{text}");
        }
        assert_eq!(
            parse("a: &x [1, 2]\nb: *x\n")
                .unwrap()
                .get("b")
                .unwrap()
                .as_seq()
                .map(<[Node]>::len),
            Some(2)
        );
    }

    #[test]
    fn empty_and_explicit_documents() {
        for text in [
            "%YAML 1.2\n---\na: 1\n",
            "# c\n--- # d\n",
            "",
            "---\n",
            "--- ~\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "---\n...\n",
            "--- |\n  x\n",
            "- \n",
            "a:\n",
        ] {
            same_on_both_paths(text);
        }
    }

    #[test]
    fn a_huge_mapping_stays_linear_and_a_late_duplicate_is_found() {
        // 99,000 keys and their values: just under the node budget (200,000).
        let mut text: String = (0..99_000).map(|i| format!("k{i}: {i}\n")).collect();
        let started = std::time::Instant::now();
        let node = events::parse(&text).expect("distinct keys take the fast path");
        assert!(matches!(&node.kind, NodeKind::Map(m) if m.len() == 99_000));
        // Quadratic scanning would take minutes here; hashing takes milliseconds.
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        text.push_str("k5: again\n");
        assert!(events::parse(&text).is_none());
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("duplicate key `k5`"), "{}", err.message);
        assert_eq!(err.line_col, Some((99_001, 1)));
        // A small mapping is scanned, and finds its duplicates too.
        assert!(events::parse("a: 1\nb: 2\na: 3\n").is_none());
    }

    #[test]
    fn budgets_send_hostile_files_to_the_serde_path() {
        let deep = format!("id: {}{}\n", "[".repeat(49), "]".repeat(49));
        assert!(events::parse(&deep).is_none());
        let ok = format!("id: {}{}\n", "[".repeat(47), "]".repeat(47));
        assert!(same_on_both_paths(&ok));
        let wide = format!("[{}]\n", vec!["1"; events::MAX_NODES].join(","));
        assert!(events::parse(&wide).is_none());
        assert!(parse(&wide).unwrap_err().message.contains("more YAML nodes"));
    }

    /// The files of the sample catalogue and of the test fixtures.
    fn sample_files() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut stack = vec![root.join("catalogue"), root.join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push((path, text));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_sample_file_gives_the_same_tree_on_both_paths() {
        let files = sample_files();
        assert!(files.len() > 100, "{} files", files.len());
        let mut fast = 0;
        for (_, text) in &files {
            if same_on_both_paths(text) {
                fast += 1;
            }
        }
        // Only the fixtures that are broken on purpose, or use anchors or tags, take the serde path.
        assert!(fast * 10 >= files.len() * 9, "{fast} of {}", files.len());
    }

    /// Texts that stress a YAML parser (those of the fuzz harness, `tests/testsuite/fuzz.rs`).
    const TOKENS: &[&str] = include!("../../tests/yaml-stress-tokens.in");

    /// One mutated text: the fuzz harness's edits (insert a token, replace a value, delete,
    /// repeat, swap or re-indent a line, truncate, flip a bit, splice from another file).
    fn mutate(seeds: &[(std::path::PathBuf, String)], text: &str, edits: &[(u8, usize, usize)]) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for &(kind, a, b) in edits {
            let len = bytes.len();
            let lines: Vec<(usize, usize)> = {
                let mut out = Vec::new();
                let mut start = 0;
                for (i, &c) in bytes.iter().enumerate() {
                    if c == b'\n' {
                        out.push((start, i + 1));
                        start = i + 1;
                    }
                }
                if start < len {
                    out.push((start, len));
                }
                out
            };
            match kind % 9 {
                0 | 1 => {
                    let at = a % (len + 1);
                    bytes.splice(at..at, TOKENS[b % TOKENS.len()].bytes());
                }
                2 if !lines.is_empty() => {
                    let (s, e) = lines[a % lines.len()];
                    if let Some(colon) = bytes[s..e].windows(2).position(|w| w == b": ") {
                        let end = if bytes[e - 1] == b'\n' { e - 1 } else { e };
                        bytes.splice(s + colon + 2..end, TOKENS[b % TOKENS.len()].bytes());
                    }
                }
                3 if !lines.is_empty() => {
                    let (s, e) = lines[a % lines.len()];
                    bytes.drain(s..e);
                }
                4 if !lines.is_empty() => {
                    let (s, e) = lines[a % lines.len()];
                    let line = bytes[s..e].to_vec();
                    bytes.splice(s..s, line);
                }
                5 if !lines.is_empty() => {
                    let (s, e) = lines[a % lines.len()];
                    if b % 2 == 0 {
                        bytes.splice(s..s, std::iter::repeat_n(b' ', b % 5));
                    } else {
                        let n = bytes[s..e].iter().take_while(|&&c| c == b' ').count().min(b % 5);
                        bytes.drain(s..s + n);
                    }
                }
                6 => bytes.truncate(a % (len + 1)),
                7 if len > 0 => bytes[a % len] ^= 1 << (b % 8),
                8 => {
                    let src = seeds[b % seeds.len()].1.as_bytes();
                    let from = b % (src.len() + 1);
                    let piece = src[from..(from + a % 300).min(src.len())].to_vec();
                    let at = a % (len + 1);
                    bytes.splice(at..at, piece);
                }
                _ => {}
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn mutated_files_often_take_the_fast_path() {
        // The property test below is only as strong as the share of mutated files the fast path
        // accepts (the others are the serde path's by construction): check that share is large.
        let seeds = sample_files();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let (mut fast, total) = (0, 600);
        for _ in 0..total {
            let file = next() % seeds.len();
            let edits: Vec<(u8, usize, usize)> = (0..1 + next() % 2)
                .map(|_| (next() as u8, next(), next()))
                .collect();
            if same_on_both_paths(&mutate(&seeds, &seeds[file].1, &edits)) {
                fast += 1;
            }
        }
        eprintln!("{fast} of {total} mutated files took the fast path");
        assert!(fast * 3 >= total, "{fast} of {total}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Mutated sample files: the fast path, when it accepts one, gives the serde path's tree,
        /// and `parse` always gives the serde path's tree or located message.
        #[test]
        fn mutated_files_give_the_same_result_on_both_paths(
            file in proptest::prelude::any::<usize>(),
            edits in proptest::collection::vec(
                (proptest::prelude::any::<u8>(), proptest::prelude::any::<usize>(), proptest::prelude::any::<usize>()),
                1..5,
            ),
        ) {
            static SEEDS: std::sync::OnceLock<Vec<(std::path::PathBuf, String)>> = std::sync::OnceLock::new();
            let seeds = SEEDS.get_or_init(sample_files);
            let text = mutate(seeds, &seeds[file % seeds.len()].1, &edits);
            same_on_both_paths(&text);
        }
    }
}
