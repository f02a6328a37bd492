//! The JSON Schemas are what editors show while a process owner types: every property must have a
//! title and a description, directly or through the definition it refers to.

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
