//! The parsed YAML tree read in place by the JSON Schema validator: jsonschema's own value traits
//! ([`jsonschema::json`]) implemented for [`Node`], so a file is validated without first being
//! copied into a `serde_json::Value`.
//!
//! The tree reads as JSON exactly as that copy did: a mapping is an object (its keys in source
//! order: nothing here depends on the order, see `schema::describe`), a sequence an array, an
//! integer or a float a number, and a float with no JSON form (`.nan`, `.inf`) `null`.
//! A `serde_json::Value` is built only for what a finding quotes (the validator's cold path).

use super::yaml::{Key, Node, NodeKind};
use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node as JsonNode, NodeIdentity, Object};
use serde_json::{Number, Value};
use std::borrow::Cow;

/// The representation: an instance is a `&Node`.
pub struct Yaml;

impl Json for Yaml {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Option<Node>;

    /// Lookups scan the mapping, so one pass over its members is never dearer than lookups.
    const KEYS_PER_LOOKUP: usize = 1 << 16;
    /// Aliases are expanded into copies when parsing: the tree shares no node.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut Option<Node>, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        f(buffer.insert(Node {
            kind: NodeKind::Str(string.to_owned()),
            start: 0,
            end: 0,
        }))
    }
}

/// The number a scalar reads as, `None` for a float JSON cannot hold.
fn number(kind: &NodeKind) -> Option<Number> {
    match kind {
        NodeKind::Int(i) => Some(Number::from(*i)),
        NodeKind::Float(f) => Number::from_f64(*f),
        _ => None,
    }
}

impl<'a> JsonNode<'a, Yaml> for &'a Node {
    type Object = &'a [(Key, Node)];
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<&'a [(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.kind {
            NodeKind::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        number(&self.kind)
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.kind {
            NodeKind::Null => JsonType::Null,
            NodeKind::Bool(_) => JsonType::Boolean,
            NodeKind::Int(_) => JsonType::Number,
            NodeKind::Float(f) if f.is_finite() => JsonType::Number,
            NodeKind::Float(_) => JsonType::Null,
            NodeKind::Str(_) => JsonType::String,
            NodeKind::Seq(_) => JsonType::Array,
            NodeKind::Map(_) => JsonType::Object,
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let s = self.as_string()?;
        // A character takes one to four bytes: the byte length often decides without counting.
        let bytes = s.len() as u64;
        if bytes < min || bytes.div_ceil(4) > max {
            return Some(false);
        }
        if min <= bytes.div_ceil(4) && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(s.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        // `enum` and `const` compare scalars on every valid file: no copy for those.
        match (&self.kind, expected) {
            (NodeKind::Str(s), Value::String(e)) => s == e,
            (NodeKind::Str(_), _) | (_, Value::String(_)) => false,
            (NodeKind::Bool(b), Value::Bool(e)) => b == e,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(to_json(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

/// The tree as a `serde_json::Value`: what a finding quotes.
fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(_) | NodeKind::Float(_) => number(&node.kind).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) => Value::String(s.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// The members of a mapping, in source order.
pub struct Members<'a>(std::slice::Iter<'a, (Key, Node)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.name.as_str(), v))
    }
}

impl<'a> Object<'a, Yaml> for &'a [(Key, Node)] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[(Key, Node)]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Node> {
        self.iter().find(|(k, _)| k.name == *key).map(|(_, v)| v)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

impl<'a> Array<'a, Yaml> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;

    /// The tree reads as the JSON it would have been copied into, for every kind of scalar.
    #[test]
    fn the_tree_reads_as_its_json_copy() {
        let text = "a: 1\nb: -2.5\ne: true\nf: ~\ng: text\nh: [1, x, {i: 2}]\n";
        let mut node = yaml::parse(text).unwrap();
        // The parser refuses `.nan` and `.inf`; a tree holding one still reads as JSON does.
        let float = |f: f64| Node {
            kind: NodeKind::Float(f),
            start: 0,
            end: 0,
        };
        let key = |name: &str| Key {
            name: name.to_owned(),
            start: 0,
            end: 0,
        };
        if let NodeKind::Map(entries) = &mut node.kind {
            entries.push((key("c"), float(f64::NAN)));
            entries.push((key("d"), float(f64::INFINITY)));
        }
        let json = to_json(&node);
        let expected = serde_json::json!({
            "a": 1, "b": -2.5, "c": null, "d": null, "e": true, "f": null, "g": "text",
            "h": [1, "x", {"i": 2}]
        });
        assert_eq!(json, expected);
        let n = &node;
        let map = n.as_object().unwrap();
        let get = |k: &str| Object::get(&map, &k.to_owned()).unwrap();
        assert_eq!(get("c").json_type(), JsonType::Null);
        assert!(get("d").is_null() && get("d").as_number().is_none());
        assert_eq!(get("b").as_number().and_then(|n| n.as_f64()), Some(-2.5));
        assert_eq!(get("a").as_number().and_then(|n| n.as_i64()), Some(1));
        assert!(get("g").equals_value(&Value::from("text")));
        assert!(!get("g").equals_value(&Value::from(1)));
        assert!(get("a").equals_value(&serde_json::json!(1.0)));
        assert!(Object::get(&map, &"z".to_owned()).is_none());
    }

    /// Every embedded schema gives the same verdict on the tree as on its JSON copy, on valid
    /// and invalid files alike.
    #[test]
    fn the_validator_agrees_with_the_json_copy() {
        let use_case = "id: a\ntitle: A\ndomain: d\nsteps:\n  - id: s\n    title: S\n    actor: customer\n    lane: nowhere\n    next: [{to: e}]\n  - id: e\n    end: done\n    title: x\n";
        for text in [use_case, "id: 5\n", "[1, 2]\n", "id: a\nextra: 1.5\nmore: [x]\n"] {
            let node = yaml::parse(text).unwrap();
            for kind in crate::load::FileKind::ALL {
                let schema: Value = serde_json::from_str(kind.schema_text()).unwrap();
                let on_json = jsonschema::draft202012::new(&schema).unwrap();
                let on_tree = jsonschema::options_for::<Yaml>()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .build(&schema)
                    .unwrap();
                let json = to_json(&node);
                assert_eq!(on_tree.is_valid(&node), on_json.is_valid(&json), "{text}");
                // The names of unknown fields come in the mapping's order: compare them as sets.
                let errors = |it: jsonschema::ErrorIterator<'_>| {
                    let mut v: Vec<String> = it
                        .map(|e| match e.kind() {
                            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                                let mut names = unexpected.clone();
                                names.sort();
                                format!("{} unknown {names:?}", e.instance_path())
                            }
                            _ => format!("{} {}", e.instance_path(), e),
                        })
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(
                    errors(on_tree.iter_errors(&node)),
                    errors(on_json.iter_errors(&json)),
                    "{text}"
                );
            }
        }
    }
}
