//! The JSON Schemas are what editors show while a process owner types: every property must have a
//! title and a description, directly or through the definition it refers to, and every
//! description a `markdownDescription` of the same text, which VS Code's YAML extension renders
//! as Markdown (the `code` in the descriptions) where it shows `description` as plain text.

use casebook::load::FileKind;
use serde_json::Value;

fn documented(root: &Value, schema: &Value) -> bool {
    match schema {
        Value::Bool(_) => true, // `false`: the field is forbidden there, nothing to document
        Value::Object(map) => {
            let direct = map.contains_key("title") && map.contains_key("description");
            let via_ref = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/"))
                .and_then(|p| p.split('/').try_fold(root, |n, seg| n.get(seg)))
                .is_some_and(|target| documented(root, target));
            direct || via_ref
        }
        _ => false,
    }
}

fn undocumented(root: &Value, node: &Value, path: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props {
                    if !documented(root, schema) {
                        out.push(format!("{path}/properties/{name}"));
                    }
                }
            }
            for (k, v) in map {
                undocumented(root, v, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| undocumented(root, v, &format!("{path}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_property_has_a_title_and_a_description() {
    for kind in FileKind::ALL {
        let schema: Value = serde_json::from_str(kind.schema_text()).unwrap();
        assert!(
            schema.get("title").is_some() && schema.get("description").is_some(),
            "{}",
            kind.name()
        );
        let mut missing = Vec::new();
        undocumented(&schema, &schema, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{}: undocumented properties {missing:?}",
            kind.name()
        );
    }
}

#[test]
fn the_test_notices_an_undocumented_property() {
    let schema = serde_json::json!({"properties": {"a": {"type": "string"}, "b": {"$ref": "#/$defs/x"}}, "$defs": {"x": {"title": "X", "description": "x"}}});
    let mut missing = Vec::new();
    undocumented(&schema, &schema, "", &mut missing);
    assert_eq!(missing, vec!["/properties/a".to_owned()]);
}

/// The places (JSON pointers) where a `description` text has no `markdownDescription` of the same
/// text beside it.
fn without_markdown(node: &Value, path: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get("description")
                && map.get("markdownDescription").and_then(Value::as_str) != Some(text)
            {
                out.push(if path.is_empty() {
                    "/".to_owned()
                } else {
                    path.to_owned()
                });
            }
            for (k, v) in map {
                without_markdown(v, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| without_markdown(v, &format!("{path}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_description_has_a_markdown_description_of_the_same_text() {
    let mut described = 0;
    for kind in FileKind::ALL {
        let schema: Value = serde_json::from_str(kind.schema_text()).unwrap();
        let mut missing = Vec::new();
        without_markdown(&schema, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{}: a description without the same markdownDescription at {missing:?}",
            kind.name()
        );
        described += kind.schema_text().matches("\"markdownDescription\"").count();
    }
    assert!(described > 80, "only {described} descriptions");
}

#[test]
fn the_test_notices_a_missing_or_stale_markdown_description() {
    let schema = serde_json::json!({
        "description": "top", "markdownDescription": "top",
        "properties": {
            "a": {"description": "the `a`"},
            "b": {"description": "new text", "markdownDescription": "old text"},
            "c": {"description": "same", "markdownDescription": "same"},
            "description": {"type": "string"}
        }
    });
    let mut missing = Vec::new();
    without_markdown(&schema, "", &mut missing);
    assert_eq!(
        missing,
        vec!["/properties/a".to_owned(), "/properties/b".to_owned()]
    );
}
