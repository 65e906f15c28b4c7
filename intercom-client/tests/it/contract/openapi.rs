//! Reading Intercom's OpenAPI 3.0 description and turning its schemas into JSON Schema.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use serde_json::{json, Map, Value};

/// The parsed description, loaded once per test binary (`None` when the shared folder is absent).
pub fn spec() -> Option<Arc<Value>> {
    static SPEC: OnceLock<Option<Arc<Value>>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = fixtures::shared::intercom_openapi()?;
        let text = std::fs::read_to_string(&path).expect("read the OpenAPI description");
        let value: Value = serde_norway::from_str(&text).expect("parse the OpenAPI description");
        Some(Arc::new(value))
    })
    .clone()
}

/// An operation found for a concrete request.
pub struct Operation<'a> {
    pub template: &'a str,
    pub method: String,
    pub definition: &'a Value,
}

/// Finds the operation serving `method path`, preferring literal segments over `{params}`
/// (so `/companies/scroll` wins over `/companies/{company_id}`).
pub fn find_operation<'a>(spec: &'a Value, method: &str, path: &str) -> Option<Operation<'a>> {
    let method = method.to_ascii_lowercase();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let paths = spec["paths"].as_object()?;
    paths
        .iter()
        .filter_map(|(template, item)| {
            let definition = item.get(&method)?;
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') {
                    continue;
                }
                if part != segment {
                    return None;
                }
                literal += 1;
            }
            Some((literal, template.as_str(), definition))
        })
        .max_by_key(|(literal, _, _)| *literal)
        .map(|(_, template, definition)| Operation {
            template,
            method: method.clone(),
            definition,
        })
}

/// The operation `method template`, looked up by its exact path template.
pub fn operation<'a>(spec: &'a Value, method: &str, template: &'a str) -> Option<Operation<'a>> {
    let method = method.to_ascii_lowercase();
    let definition = spec["paths"].get(template)?.get(&method)?;
    Some(Operation {
        template,
        method,
        definition,
    })
}

/// The first 200 example of an operation; when it documents none, one built from the
/// per-property `example`s of its response schema.
pub fn success_example(spec: &Value, operation: &Operation<'_>) -> Option<Value> {
    let content = &operation.definition["responses"]["200"]["content"]["application/json"];
    if let Some(examples) = content["examples"].as_object() {
        return examples.values().find_map(|e| e.get("value").cloned());
    }
    if let Some(example) = content.get("example") {
        return Some(example.clone());
    }
    content
        .get("schema")
        .map(|schema| synthesize(spec, schema, 0))
}

/// Builds an instance of `schema` from its `example`s (types' zero values where none is given).
fn synthesize(spec: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(Value::String(reference)) = schema.get("$ref") {
        let name = reference.trim_start_matches("#/components/schemas/");
        return synthesize(spec, &spec["components"]["schemas"][name], depth + 1);
    }
    let mut object = Map::new();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Value::Object(fields) = synthesize(spec, part, depth + 1) {
            object.extend(fields);
        }
    }
    if let Some(first) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(|v| v.get(0)))
    {
        return synthesize(spec, first, depth + 1);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            object.insert(name.clone(), synthesize(spec, property, depth + 1));
        }
    }
    if !object.is_empty() {
        return Value::Object(object);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!("x"),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

/// Every 200 example of an operation, by name.
pub fn success_examples(operation: &Operation<'_>) -> Vec<(String, Value)> {
    let content = &operation.definition["responses"]["200"]["content"]["application/json"];
    content["examples"]
        .as_object()
        .map(|examples| {
            examples
                .iter()
                .filter_map(|(name, e)| Some((name.clone(), e.get("value")?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON Schema document validating the operation's request body, or `None` if it takes none.
///
/// OpenAPI 3.0 differs from JSON Schema in `nullable` and in `$ref` siblings; both are translated.
/// `relax_one_of` turns the body's own top-level `oneOf` into `anyOf`, for the documented spec
/// defects whose branches overlap.
pub fn request_schema(
    spec: &Value,
    operation: &Operation<'_>,
    relax_one_of: bool,
) -> Option<Value> {
    let schema =
        operation.definition["requestBody"]["content"]["application/json"]["schema"].clone();
    if schema.is_null() {
        return None;
    }
    let mut body = translate(schema);
    if relax_one_of {
        body = relax(body, spec);
    }
    Some(json!({
        "components": {"schemas": translated_components(spec)},
        "allOf": [body]
    }))
}

fn translated_components(spec: &Value) -> Value {
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    COMPONENTS
        .get_or_init(|| translate(spec["components"]["schemas"].clone()))
        .clone()
}

/// Replaces `oneOf` by `anyOf` at the top of a body schema, following a `$ref` there.
fn relax(schema: Value, spec: &Value) -> Value {
    let resolved = match schema.get("$ref") {
        Some(Value::String(reference)) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            translate(spec["components"]["schemas"][name].clone())
        }
        _ => schema,
    };
    match resolved {
        Value::Object(mut map) => {
            if let Some(one_of) = map.remove("oneOf") {
                map.insert("anyOf".into(), one_of);
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// Translates one OpenAPI 3.0 schema (recursively) into JSON Schema.
pub fn translate(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(translate).collect()),
        Value::Object(map) => translate_object(map),
        other => other,
    }
}

fn translate_object(mut map: Map<String, Value>) -> Value {
    // Examples are data, not schemas: keep them out of the translation.
    map.remove("example");
    map.remove("examples");
    let nullable = map.remove("nullable") == Some(Value::Bool(true));
    let mut map: Map<String, Value> = map.into_iter().map(|(k, v)| (k, translate(v))).collect();
    if map.contains_key("$ref")
        && map
            .keys()
            .any(|k| !matches!(k.as_str(), "$ref" | "description"))
    {
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
    if !nullable {
        return Value::Object(map);
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    match map.get("type").cloned() {
        Some(Value::String(kind)) => {
            map.insert("type".into(), json!([kind, "null"]));
            Value::Object(map)
        }
        _ => json!({"anyOf": [{"type": "null"}, Value::Object(map)]}),
    }
}

/// Validates `instance`, returning every error as text.
pub fn validate(schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        // Formats are annotations in OpenAPI; some are wrong (contact ids typed `uuid`).
        .should_validate_formats(false)
        .build(schema)
        .map_err(|e| vec![format!("schema does not compile: {e}")])?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The `(method, template)` pairs of every operation in a set of requests, for coverage checks.
pub type Covered = BTreeSet<(String, String)>;
