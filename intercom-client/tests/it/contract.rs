//! Contract test against Intercom's OpenAPI description (version 2.16).
//!
//! A mock server answers every request with the 200 example the description documents for the
//! matching operation. The test calls every operation of the client with fully populated
//! requests, then checks that
//! * every response example decoded into our types (any decoding failure fails the call),
//! * every request body the client sent validates against the operation's request schema,
//! * every operation the client implements was exercised (coverage cannot shrink silently).
//!
//! The description lives beside the repository; without it the test prints SKIPPED and passes,
//! unless `V2I_REQUIRE_SHARED=1`.

mod inbox;
mod openapi;
mod operations;
mod records;
mod scenario;

use std::sync::Arc;

use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common;

/// Operations whose request schema in the 2.16 description is self-contradictory, with why.
/// For these the body's top-level `oneOf` is checked as `anyOf`.
const SPEC_DEFECTS: &[(&str, &str, &str)] = &[(
    "put",
    "/data_attributes/{data_attribute_id}",
    "update_data_attribute_request: the 'other type' branch of its oneOf accepts every body, so a \
     body with options matches both branches and no body can satisfy oneOf",
)];

/// Answers with the documented 200 example of whichever operation the request hits.
struct SpecResponder(Arc<Value>);

impl Respond for SpecResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Some(operation) =
            openapi::find_operation(&self.0, request.method.as_str(), request.url.path())
        else {
            return ResponseTemplate::new(404);
        };
        match openapi::success_example(&self.0, &operation) {
            Some(example) => ResponseTemplate::new(200).set_body_json(example),
            None => ResponseTemplate::new(200),
        }
    }
}

#[tokio::test]
async fn requests_validate_and_examples_decode() {
    let Some(spec) = openapi::spec() else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(SpecResponder(Arc::clone(&spec)))
        .mount(&server)
        .await;
    let client = common::client_for(&server);

    let failures = scenario::exercise_every_operation(&client).await;
    assert!(
        failures.is_empty(),
        "calls failed against the documented examples:\n{}",
        failures.join("\n")
    );

    let requests = server.received_requests().await.unwrap_or_default();
    let mut covered = openapi::Covered::new();
    let mut invalid = Vec::new();
    for request in &requests {
        let operation = openapi::find_operation(&spec, request.method.as_str(), request.url.path())
            .unwrap_or_else(|| {
                panic!("no operation for {} {}", request.method, request.url.path())
            });
        covered.insert((operation.method.clone(), operation.template.to_owned()));
        if request.body.is_empty() {
            continue;
        }
        let body: Value = serde_json::from_slice(&request.body).expect("request bodies are JSON");
        let relax = SPEC_DEFECTS
            .iter()
            .any(|(m, t, _)| *m == operation.method && *t == operation.template);
        let Some(schema) = openapi::request_schema(&spec, &operation, relax) else {
            invalid.push(format!(
                "{} {} sent a body but takes none",
                operation.method, operation.template
            ));
            continue;
        };
        if let Err(errors) = openapi::validate(&schema, &body) {
            invalid.push(format!(
                "{} {}: {}\n  body: {body}",
                operation.method,
                operation.template,
                errors.join("; ")
            ));
        }
    }
    assert!(
        invalid.is_empty(),
        "request bodies break the description:\n{}",
        invalid.join("\n")
    );

    let expected: openapi::Covered = operations::IMPLEMENTED
        .iter()
        .map(|(m, t)| ((*m).to_owned(), (*t).to_owned()))
        .collect();
    let missing: Vec<_> = expected.difference(&covered).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    let unexpected: Vec<_> = covered.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "operations missing from IMPLEMENTED: {unexpected:?}"
    );
}

#[test]
fn every_documented_example_of_the_main_objects_decodes() {
    let Some(spec) = openapi::spec() else {
        return;
    };
    // Operations with several named 200 examples: the responder above only serves the first.
    let mut failures = Vec::new();
    for (method, template) in operations::IMPLEMENTED {
        let Some(operation) = openapi::operation(&spec, method, template) else {
            failures.push(format!("{method} {template} is not in the description"));
            continue;
        };
        for (name, example) in openapi::success_examples(&operation) {
            if let Err(error) = operations::decode_as_response(method, template, example) {
                failures.push(format!("{method} {template} example {name:?}: {error}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nullable_and_ref_siblings_are_translated() {
    let translated = openapi::translate(serde_json::json!({
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": true, "enum": ["x"]},
            "b": {"$ref": "#/components/schemas/b", "nullable": true, "example": {"nullable": true}},
            "c": {"$ref": "#/components/schemas/c", "properties": {"d": {"type": "integer"}}},
        }
    }));
    assert_eq!(
        translated["properties"]["a"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(
        translated["properties"]["a"]["enum"],
        serde_json::json!(["x", null])
    );
    assert_eq!(
        translated["properties"]["b"],
        serde_json::json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/b"}]})
    );
    // JSON Schema drafts 4-7 ignore a $ref's siblings, so they move next to an allOf.
    assert_eq!(
        translated["properties"]["c"],
        serde_json::json!({"allOf": [{"$ref": "#/components/schemas/c"}], "properties": {"d": {"type": "integer"}}})
    );
}

#[test]
fn a_body_breaking_the_schema_is_caught() {
    let Some(spec) = openapi::spec() else {
        return;
    };
    let operation =
        openapi::operation(&spec, "post", "/contacts").expect("create contact is documented");
    let schema = openapi::request_schema(&spec, &operation, false).expect("it takes a body");
    assert!(openapi::validate(
        &schema,
        &serde_json::json!({"role": "user", "signed_up_at": 1})
    )
    .is_ok());
    // Wrong type, and no email / external_id / role at all (the schema's anyOf).
    assert!(openapi::validate(
        &schema,
        &serde_json::json!({"role": "user", "signed_up_at": "yesterday"})
    )
    .is_err());
    assert!(openapi::validate(&schema, &serde_json::json!({"name": "nobody"})).is_err());
}
