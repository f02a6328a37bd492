//! The fields and enum values of the JSON Schemas, found by the path of keys from the root.
//!
//! The schemas are the same text the loader validates with ([`FileKind::schema_text`]); this
//! module only reads `properties`, `additionalProperties`, `items`, `enum`, local `$ref`s and the
//! descriptions, which is all completion and hover need.

use super::text::Seg;
use crate::load::FileKind;
use serde_json::Value;
use std::sync::OnceLock;

/// The parsed schema of a file kind.
fn root(kind: FileKind) -> &'static Value {
    static CELLS: [OnceLock<Value>; 5] = [const { OnceLock::new() }; 5];
    CELLS[kind as usize].get_or_init(|| serde_json::from_str(kind.schema_text()).unwrap_or(Value::Null))
}

/// Follows a local `$ref` (`#/$defs/name`), keeping the referring node's own keywords in view
/// through [`Node`].
fn deref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix("#/").and_then(|p| root.pointer(&format!("/{p}"))) {
                Some(target) => node = target,
                None => break,
            },
            None => break,
        }
    }
    node
}

/// A schema node with the node that referred to it (whose title and description win).
#[derive(Clone, Copy)]
pub struct Node {
    outer: &'static Value,
    inner: &'static Value,
}

impl Node {
    fn of(kind: FileKind, v: &'static Value) -> Node {
        Node {
            outer: v,
            inner: deref(root(kind), v),
        }
    }

    fn get(&self, key: &str) -> Option<&'static Value> {
        self.outer.get(key).or_else(|| self.inner.get(key))
    }

    /// The description, Markdown first.
    pub fn description(&self) -> Option<&'static str> {
        self.get("markdownDescription")
            .or_else(|| self.get("description"))
            .and_then(Value::as_str)
    }

    /// The title.
    pub fn title(&self) -> Option<&'static str> {
        self.get("title").and_then(Value::as_str)
    }

    /// The JSON type(s), for a completion's detail.
    pub fn type_label(&self) -> Option<String> {
        if let Some(values) = self.enum_values() {
            return Some(values.join(" | "));
        }
        match self.get("type")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | ")),
            _ => None,
        }
    }

    /// The enum's values, when the node is an enum (or a boolean: `true`, `false`).
    pub fn enum_values(&self) -> Option<Vec<String>> {
        if let Some(Value::Array(values)) = self.get("enum") {
            return Some(
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            );
        }
        (self.get("type").and_then(Value::as_str) == Some("boolean"))
            .then(|| vec!["true".to_owned(), "false".to_owned()])
    }
}

/// The schema node at `path` in a file of `kind`.
pub fn at(kind: FileKind, path: &[Seg]) -> Option<Node> {
    let mut node = Node::of(kind, root(kind));
    for seg in path {
        let next = match seg {
            Seg::Key(k) => node
                .inner
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| node.inner.get("additionalProperties").filter(|a| a.is_object())),
            Seg::Item => node.inner.get("items"),
        }?;
        node = Node::of(kind, next);
    }
    Some(node)
}

/// The fields of the mapping at `path`, by name.
pub fn fields(kind: FileKind, path: &[Seg]) -> Vec<(&'static str, Node)> {
    let Some(node) = at(kind, path) else {
        return Vec::new();
    };
    match node.inner.get("properties") {
        Some(Value::Object(props)) => props
            .iter()
            .map(|(k, v)| (k.as_str(), Node::of(kind, v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// True when the items of the sequence at `path` are mappings.
pub fn items_are_mappings(kind: FileKind, path: &[Seg]) -> bool {
    let mut p = path.to_vec();
    p.push(Seg::Item);
    at(kind, &p).is_some_and(|n| n.inner.get("properties").is_some())
}

/// The values of the enum at `path`; for a rule setting in casebook.yaml, the severities.
pub fn values(kind: FileKind, path: &[Seg]) -> Vec<(String, Node)> {
    let Some(node) = at(kind, path) else {
        return Vec::new();
    };
    let node = match node.inner.get("properties").and_then(|p| p.get("severity")) {
        Some(sev) if node.enum_values().is_none() => Node::of(kind, sev),
        _ => node,
    };
    node.enum_values()
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v, node))
        .collect()
}
