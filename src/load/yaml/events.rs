//! The fast path: the [`Node`] tree built straight from granit-parser's events, without serde.
//!
//! granit-parser is the parser inside serde-saphyr, and this module drives it with the same
//! options serde-saphyr gives it, so the events (and their byte spans) are the ones the serde path
//! sees. What serde-saphyr adds on top (scalar resolution, budgets, duplicate keys) is done here
//! with the same rules and limits. Whatever this module does not reproduce exactly returns
//! `None`, and [`super::parse`] hands the file to the serde path, which decides: any error
//! (syntax, budget, duplicate key, non-finite number, a second document), and the rare features a
//! use case does not need (anchors and aliases, tags, merge keys `<<`). So a file this module
//! accepts gives exactly the tree the serde path gives, and every other file gets exactly the
//! serde path's tree or located message; `tests` in the parent module prove the first half on
//! every file of the sample catalogue and on mutated inputs.

use super::{Key, Node, NodeKind};
use granit_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashSet;

/// The deepest nesting of sequences and mappings (serde-saphyr's `Budget::max_depth` as the
/// serde path sets it).
pub(super) const MAX_DEPTH: usize = 48;
/// The most nodes (scalars, sequences, mappings) in a file (`Budget::max_nodes`).
pub(super) const MAX_NODES: usize = 200_000;
/// The most bytes of scalar text in a file (serde-saphyr's default `max_total_scalar_bytes`).
pub(super) const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;
/// Mappings with more keys than this detect duplicates with a hash set; smaller ones scan their
/// keys (a use case's mappings have a handful), which is faster than hashing.
const LINEAR_DUPLICATE_SCAN: usize = 16;

/// A collection being built.
enum Frame {
    Seq {
        start: u32,
        own_end: u32,
        items: Vec<Node>,
    },
    Map {
        start: u32,
        own_end: u32,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        /// The keys seen, once the mapping is past [`LINEAR_DUPLICATE_SCAN`] keys.
        seen: Option<HashSet<String>>,
    },
}

/// The byte range of an event, or `None` when the parser gives no byte offsets.
fn bytes(span: &Span) -> Option<(u32, u32)> {
    let start = span.start.byte_offset()?;
    let end = span.end.byte_offset()?;
    let start = u32::try_from(start).ok()?;
    let len = u32::try_from(end.saturating_sub(start as usize)).ok()?;
    Some((start, start.checked_add(len)?))
}

/// The name a scalar key goes by (the serde path's rule, `Node`'s visitor in the parent module).
fn key_name(kind: NodeKind) -> String {
    match kind {
        NodeKind::Str(s) => s,
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Float(f) => f.to_string(),
        NodeKind::Null => "null".to_owned(),
        NodeKind::Seq(_) | NodeKind::Map(_) => unreachable!("only scalars are keys here"),
    }
}

/// Parses one document, or returns `None` to let the serde path decide (see the module doc).
pub(super) fn parse(text: &str) -> Option<Node> {
    let parser = Parser::with_options(
        granit_parser::StrInput::new(text),
        granit_parser::Options::default(),
    );
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;
    for item in parser {
        let (event, span) = item.ok()?;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                scalar_bytes += value.len();
                if nodes > MAX_NODES || scalar_bytes > MAX_SCALAR_BYTES {
                    return None;
                }
                let (start, end) = bytes(&span)?;
                let kind = if style == ScalarStyle::Plain {
                    if value == "<<" {
                        // A merge key, or a value spelt like one: the serde path decides.
                        return None;
                    }
                    scalar::resolve_plain(&value)?
                } else {
                    NodeKind::Str(value.into_owned())
                };
                Node { kind, start, end }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                if nodes > MAX_NODES || stack.len() + 1 > MAX_DEPTH {
                    return None;
                }
                if let Some(Frame::Map { key: None, .. }) = stack.last() {
                    // A list or mapping as a mapping key.
                    return None;
                }
                let (start, own_end) = bytes(&span)?;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start,
                        own_end,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        own_end,
                        entries: Vec::new(),
                        key: None,
                        seen: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq {
                    start,
                    own_end,
                    items,
                } => {
                    let end = items.last().map_or(0, |n| n.end).max(own_end);
                    Node {
                        kind: NodeKind::Seq(items),
                        start,
                        end,
                    }
                }
                Frame::Map {
                    start,
                    own_end,
                    entries,
                    key,
                    ..
                } => {
                    if key.is_some() {
                        return None;
                    }
                    let end = entries.last().map_or(0, |(k, v)| v.end.max(k.end)).max(own_end);
                    Node {
                        kind: NodeKind::Map(entries),
                        start,
                        end,
                    }
                }
            },
            // Aliases and anything else: the serde path expands them within its budget.
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    if matches!(node.kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                        return None;
                    }
                    let name = key_name(node.kind);
                    let duplicate = match seen {
                        Some(set) => !set.insert(name.clone()),
                        None => {
                            let dup = entries.iter().any(|(k, _)| k.name == name);
                            if !dup && entries.len() + 1 > LINEAR_DUPLICATE_SCAN {
                                let mut set: HashSet<String> =
                                    entries.iter().map(|(k, _)| k.name.clone()).collect();
                                set.insert(name.clone());
                                *seen = Some(set);
                            }
                            dup
                        }
                    };
                    if duplicate {
                        return None;
                    }
                    *key = Some(Key {
                        name,
                        start: node.start,
                        end: node.end,
                    });
                }
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// YAML 1.2 core-schema resolution of plain scalars, as serde-saphyr does it for an untyped
/// value with `strict_booleans` on (its `parse_scalars` module, MIT OR Apache-2.0, follows).
pub(super) mod scalar {
    use super::NodeKind;

    fn yaml_trim(s: &str) -> &str {
        s.trim_matches([' ', '\t', '\r', '\n'])
    }

    /// The kind of a plain scalar, or `None` for a non-finite number, which the serde path
    /// refuses with its own message.
    pub(in crate::load::yaml) fn resolve_plain(value: &str) -> Option<NodeKind> {
        if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
            return Some(NodeKind::Null);
        }
        let t = yaml_trim(value);
        match t {
            "true" | "True" | "TRUE" => return Some(NodeKind::Bool(true)),
            "false" | "False" | "FALSE" => return Some(NodeKind::Bool(false)),
            _ => {}
        }
        if t.starts_with('-') {
            if !leading_zero_decimal(t)
                && let Some(v) = parse_int_signed(t)
            {
                return Some(NodeKind::Int(v));
            }
        } else if let Some(v) = parse_int_unsigned(t) {
            return Some(i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int));
        }
        match parse_float_incl_overflow(t) {
            Some(f) if f.is_finite() => Some(NodeKind::Float(f)),
            Some(_) => None,
            None => Some(NodeKind::Str(value.to_owned())),
        }
    }

    fn leading_zero_decimal(t: &str) -> bool {
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
    }

    /// Digits in `radix` with single underscores between them.
    fn digits_u128(digits: &str, radix: u32) -> Option<u128> {
        let bytes = digits.as_bytes();
        let mut val: u128 = 0;
        let mut saw = false;
        for (i, &b) in bytes.iter().enumerate() {
            let d = match b {
                b'_' => {
                    let prev_ok = i > 0 && bytes[i - 1] != b'_';
                    let next_ok = i + 1 < bytes.len() && bytes[i + 1] != b'_';
                    if !prev_ok || !next_ok {
                        return None;
                    }
                    continue;
                }
                b'0'..=b'9' => u32::from(b - b'0'),
                b'a'..=b'f' if radix > 10 => 10 + u32::from(b - b'a'),
                b'A'..=b'F' if radix > 10 => 10 + u32::from(b - b'A'),
                _ => return None,
            };
            if d >= radix {
                return None;
            }
            val = val.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
            saw = true;
        }
        saw.then_some(val)
    }

    fn radix_and_digits(rest: &str) -> (u32, &str) {
        if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
            (8, r)
        } else if let Some(r) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
            (2, r)
        } else {
            (10, rest)
        }
    }

    fn parse_int_signed(t: &str) -> Option<i64> {
        let (neg, rest) = match t.strip_prefix('+') {
            Some(r) => (false, r),
            None => match t.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, t),
            },
        };
        let (radix, digits) = radix_and_digits(rest);
        if radix == 10 && digits.starts_with('0') && digits != "0" {
            return None;
        }
        let mag = digits_u128(digits, radix)?;
        let v: i128 = if neg {
            if mag == (i128::MAX as u128) + 1 {
                i128::MIN
            } else {
                i128::try_from(mag).ok()?.checked_neg()?
            }
        } else {
            i128::try_from(mag).ok()?
        };
        i64::try_from(v).ok()
    }

    fn parse_int_unsigned(t: &str) -> Option<u64> {
        if t.starts_with('-') {
            return None;
        }
        let rest = t.strip_prefix('+').unwrap_or(t);
        let (radix, digits) = radix_and_digits(rest);
        if radix == 10 && digits.starts_with('0') && digits != "0" {
            return None;
        }
        u64::try_from(digits_u128(digits, radix)?).ok()
    }

    /// A YAML 1.2 float, `.inf` and `.nan` included, or a decimal literal too large for f64
    /// (infinite).
    fn parse_float_incl_overflow(t: &str) -> Option<f64> {
        let (negative, unsigned) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        match unsigned {
            ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
            ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
            ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
            _ => {}
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            Ok(v) if v.is_infinite() && unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
                Some(v)
            }
            _ => None,
        }
    }
}
