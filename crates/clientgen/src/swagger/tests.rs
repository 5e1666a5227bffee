//! The swagger stage's rules, each on a small 2.0 document.

use serde_json::{Value, json};

use super::*;

/// `doc` converted, with the messages of its warnings and errors.
fn run(mut doc: Value) -> (Value, Vec<String>, Vec<String>) {
    let converted = convert(&mut doc, "t.json").expect("converted");
    let text = |list: &[Diagnostic]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    (doc, text(&converted.warnings), text(&converted.errors))
}

/// A 2.0 document with `extra` merged into its root.
fn doc(extra: Value) -> Value {
    let mut doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}});
    for (key, value) in extra.as_object().expect("an object") {
        doc[key] = value.clone();
    }
    doc
}

#[test]
fn an_openapi_3_document_is_left_alone() {
    let original = json!({"openapi": "3.0.3", "info": {}, "paths": {}});
    let (out, warnings, errors) = run(original.clone());
    assert_eq!(out, original);
    assert!(warnings.is_empty() && errors.is_empty());
}

#[test]
fn unknown_swagger_versions_are_refused() {
    let mut doc = json!({"swagger": "1.2", "info": {}});
    let err = convert(&mut doc, "t.json").unwrap_err().to_string();
    assert!(err.starts_with("t.json: #/swagger: unsupported Swagger version \"1.2\""), "{err}");
}

#[test]
fn host_base_path_and_schemes_become_servers() {
    let (out, warnings, _) = run(doc(json!({"host": "api.x.io", "basePath": "/v1/", "schemes": ["https", "http"]})));
    assert_eq!(out["openapi"], json!("3.0.3"));
    assert_eq!(out["servers"], json!([{"url": "https://api.x.io/v1"}, {"url": "http://api.x.io/v1"}]));
    assert!(warnings.is_empty());
    let (out, warnings, _) = run(doc(json!({"host": "api.x.io"})));
    assert_eq!(out["servers"], json!([{"url": "https://api.x.io"}]));
    assert_eq!(warnings, ["#/host: no `schemes` of http or https: https assumed for the server"]);
    let (out, _, _) = run(doc(json!({"basePath": "/api"})));
    assert_eq!(out["servers"], json!([{"url": "/api"}]));
    assert!(out.get("swagger").is_none());
}

#[test]
fn a_body_parameter_becomes_the_request_body_per_consumes() {
    let op = json!({"consumes": ["application/json", "application/xml"], "parameters": [
        {"in": "body", "name": "pet", "required": true, "description": "The pet.", "schema": {"$ref": "#/definitions/Pet"}}
    ], "responses": {"204": {"description": "ok"}}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/pets": {"post": op}}})));
    let schema = json!({"$ref": "#/components/schemas/Pet"});
    assert_eq!(
        out["paths"]["/pets"]["post"]["requestBody"],
        json!({"description": "The pet.", "content": {"application/json": {"schema": schema}, "application/xml": {"schema": schema}}, "required": true})
    );
    assert!(out["paths"]["/pets"]["post"].get("parameters").is_none());
    assert!(warnings.is_empty());
}

#[test]
fn a_body_without_consumes_is_json_with_a_warning() {
    let op = json!({"parameters": [{"in": "body", "name": "b", "schema": {"type": "string"}}], "responses": {}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/a": {"put": op}}})));
    assert_eq!(
        out["paths"]["/a"]["put"]["requestBody"],
        json!({"content": {"application/json": {"schema": {"type": "string"}}}})
    );
    assert_eq!(warnings, ["#/paths/~1a/put/parameters/0: no `consumes`: the body is assumed to be application/json"]);
}

#[test]
fn form_fields_become_a_form_body_multipart_with_a_file() {
    let op = json!({"consumes": ["application/x-www-form-urlencoded"], "parameters": [
        {"in": "formData", "name": "name", "type": "string", "required": true, "description": "Its name."},
        {"in": "formData", "name": "tags", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
        {"in": "formData", "name": "ids", "type": "array", "items": {"type": "integer"}}
    ], "responses": {}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/a": {"post": op.clone()}}})));
    // An array without `collectionFormat` is csv, 2.0's default, not 3.0's exploded form.
    assert_eq!(
        out["paths"]["/a"]["post"]["requestBody"],
        json!({"content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {
                "name": {"type": "string", "description": "Its name."},
                "tags": {"type": "array", "items": {"type": "string"}},
                "ids": {"type": "array", "items": {"type": "integer"}}
            }, "required": ["name"]},
            "encoding": {"tags": {"style": "form", "explode": true}, "ids": {"style": "form", "explode": false}}
        }}, "required": true})
    );
    assert!(warnings.is_empty());
    let op = json!({"consumes": ["multipart/form-data"], "parameters": [{"in": "formData", "name": "file", "type": "file"}], "responses": {}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/a": {"post": op}}})));
    assert_eq!(
        out["paths"]["/a"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["file"],
        json!({"type": "string", "format": "binary"})
    );
    assert!(warnings.is_empty());
    let op = json!({"parameters": [{"in": "formData", "name": "file", "type": "file"}], "responses": {}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/a": {"post": op}}})));
    assert!(out["paths"]["/a"]["post"]["requestBody"]["content"].get("multipart/form-data").is_some());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn collection_formats_become_styles() {
    let param = |place: &str, format: &str| json!({"in": place, "name": "p", "type": "array", "items": {"type": "string"}, "collectionFormat": format, "required": true});
    let cases = [
        ("query", "csv", "form", false),
        ("query", "ssv", "spaceDelimited", false),
        ("query", "pipes", "pipeDelimited", false),
        ("query", "multi", "form", true),
        ("query", "tsv", "form", false),
        ("path", "csv", "simple", false),
        ("header", "csv", "simple", false),
    ];
    for (place, format, style, explode) in cases {
        let op = json!({"parameters": [param(place, format)], "responses": {}});
        let (out, warnings, _) = run(doc(json!({"paths": {"/a/{p}": {"get": op}}})));
        let converted = &out["paths"]["/a/{p}"]["get"]["parameters"][0];
        assert_eq!(converted["style"], json!(style), "{place} {format}");
        assert_eq!(converted["explode"], json!(explode), "{place} {format}");
        assert_eq!(converted["schema"], json!({"type": "array", "items": {"type": "string"}}));
        assert!(converted.get("collectionFormat").is_none());
        assert_eq!(warnings.len(), usize::from(format == "tsv"), "{warnings:?}");
    }
}

#[test]
fn a_parameter_s_value_keys_move_under_its_schema() {
    let op = json!({"parameters": [
        {"in": "query", "name": "limit", "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20, "description": "At most."},
        {"in": "query", "name": "state", "type": "string", "enum": ["a", "b"], "x-nullable": true}
    ], "responses": {}});
    let (out, _, _) = run(doc(json!({"paths": {"/a": {"get": op}}})));
    let params = &out["paths"]["/a"]["get"]["parameters"];
    assert_eq!(
        params[0],
        json!({"in": "query", "name": "limit", "description": "At most.", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20}})
    );
    assert_eq!(params[1]["schema"], json!({"type": "string", "enum": ["a", "b"], "nullable": true}));
}

#[test]
fn document_parameters_and_responses_move_to_components_with_their_refs() {
    let op = json!({"parameters": [{"$ref": "#/parameters/Limit"}, {"$ref": "#/parameters/Body"}],
        "responses": {"404": {"$ref": "#/responses/NotFound"}}});
    let (out, _, _) = run(doc(json!({
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {"/a": {"post": op}},
        "parameters": {
            "Limit": {"in": "query", "name": "limit", "type": "integer"},
            "Body": {"in": "body", "name": "b", "schema": {"$ref": "#/definitions/Pet"}}
        },
        "responses": {"NotFound": {"description": "Gone.", "schema": {"$ref": "#/definitions/Error"}}},
        "definitions": {"Pet": {"type": "object"}, "Error": {"type": "object"}}
    })));
    let post = &out["paths"]["/a"]["post"];
    assert_eq!(post["parameters"], json!([{"$ref": "#/components/parameters/Limit"}]));
    assert_eq!(post["requestBody"], json!({"$ref": "#/components/requestBodies/Body"}));
    assert_eq!(post["responses"]["404"], json!({"$ref": "#/components/responses/NotFound"}));
    let components = &out["components"];
    assert_eq!(components["parameters"]["Limit"]["schema"], json!({"type": "integer"}));
    assert_eq!(
        components["requestBodies"]["Body"],
        json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
    );
    assert_eq!(
        components["responses"]["NotFound"],
        json!({"description": "Gone.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    );
    assert_eq!(components["schemas"], json!({"Pet": {"type": "object"}, "Error": {"type": "object"}}));
}

#[test]
fn security_definitions_become_security_schemes() {
    let (out, _, errors) = run(doc(json!({"securityDefinitions": {
        "basic": {"type": "basic", "description": "User and password."},
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/auth", "scopes": {"read": "Read."}},
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://a/token", "scopes": {}},
        "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/token", "scopes": {}},
        "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {}}
    }})));
    assert!(errors.is_empty(), "{errors:?}");
    let schemes = &out["components"]["securitySchemes"];
    assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic", "description": "User and password."}));
    assert_eq!(schemes["key"], json!({"type": "apiKey", "name": "X-Key", "in": "header"}));
    assert_eq!(
        schemes["implicit"]["flows"],
        json!({"implicit": {"authorizationUrl": "https://a/auth", "scopes": {"read": "Read."}}})
    );
    assert_eq!(schemes["password"]["flows"], json!({"password": {"tokenUrl": "https://a/token", "scopes": {}}}));
    assert_eq!(schemes["app"]["flows"], json!({"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {}}}));
    assert_eq!(
        schemes["code"]["flows"],
        json!({"authorizationCode": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {}}})
    );
}

#[test]
fn responses_carry_schemas_headers_and_examples_per_produces() {
    let op = json!({"produces": ["application/json", "text/plain"], "responses": {"200": {
        "description": "A pet.",
        "schema": {"$ref": "#/definitions/Pet"},
        "headers": {"X-Rate": {"type": "integer", "description": "Left."}},
        "examples": {"application/json": {"id": 1}}
    }, "201": {"description": "A file.", "schema": {"type": "file"}}}});
    let (out, _, _) = run(doc(json!({"paths": {"/a": {"get": op}}})));
    let responses = &out["paths"]["/a"]["get"]["responses"];
    assert_eq!(
        responses["200"],
        json!({"description": "A pet.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}, "example": {"id": 1}},
            "text/plain": {"schema": {"$ref": "#/components/schemas/Pet"}}
        }, "headers": {"X-Rate": {"description": "Left.", "schema": {"type": "integer"}}}})
    );
    assert_eq!(
        responses["201"]["content"]["application/json"]["schema"],
        json!({"type": "string", "format": "binary"})
    );
}

#[test]
fn a_response_schema_without_produces_is_json_with_a_warning() {
    let op = json!({"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}});
    let (out, warnings, _) = run(doc(json!({"paths": {"/a": {"get": op}}})));
    assert!(out["paths"]["/a"]["get"]["responses"]["200"]["content"].get("application/json").is_some());
    assert_eq!(
        warnings,
        ["#/paths/~1a/get/responses/200: no `produces`: the response is assumed to be application/json"]
    );
}

#[test]
fn schemas_take_nullable_discriminator_and_binary() {
    let (out, _, _) = run(doc(json!({"definitions": {"Pet": {
        "type": "object",
        "discriminator": "kind",
        "properties": {
            "kind": {"type": "string"},
            "owner": {"$ref": "#/definitions/Owner", "x-nullable": true},
            "photos": {"type": "array", "items": {"type": "file"}}
        }
    }}})));
    assert_eq!(
        out["components"]["schemas"]["Pet"],
        json!({"type": "object", "discriminator": {"propertyName": "kind"}, "properties": {
            "kind": {"type": "string"},
            "owner": {"$ref": "#/components/schemas/Owner", "nullable": true},
            "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}
        }})
    );
}

#[test]
fn errors_name_places_in_the_2_0_document() {
    let op = json!({"parameters": [{"in": "cookie", "name": "c", "type": "string"}, {"in": "query", "name": "f", "type": "file"}], "responses": {}});
    let (_, _, errors) = run(doc(json!({
        "paths": {"/pets": {"get": op}},
        "securityDefinitions": {"x": {"type": "oauth2", "flow": "magic"}}
    })));
    assert_eq!(
        errors,
        [
            "#/paths/~1pets/get/parameters/0/in: `in` must be query, header, path, formData or body, not \"cookie\"",
            "#/paths/~1pets/get/parameters/1/type: `type: file` is only allowed on an `in: formData` parameter",
            "#/securityDefinitions/x/flow: `flow` must be implicit, password, application or accessCode",
        ]
    );
}

#[test]
fn converted_places_map_back_to_the_2_0_document() {
    let op = json!({"consumes": ["application/json"], "parameters": [
        {"in": "body", "name": "b", "schema": {"type": "object"}},
        {"in": "query", "name": "q", "type": "string"}
    ], "responses": {}});
    let mut tree = doc(json!({"paths": {"/pets": {"post": op}}, "definitions": {"Pet": {"type": "object"}}}));
    let converted = convert(&mut tree, "t.json").expect("converted");
    let origins = &converted.origins;
    assert_eq!(origins.original("#/components/schemas/Pet/properties/a"), "#/definitions/Pet/properties/a");
    assert_eq!(origins.original("#/paths/~1pets/post/parameters/0/schema"), "#/paths/~1pets/post/parameters/1");
    assert_eq!(
        origins.original("#/paths/~1pets/post/requestBody/content/application~1json/schema/type"),
        "#/paths/~1pets/post/parameters/0/schema/type"
    );
    assert_eq!(origins.original("#/info/title"), "#/info/title");
}

#[test]
fn refs_are_rewritten_under_names_that_are_keywords_elsewhere() {
    let op = json!({"responses": {"default": {"description": "e", "schema": {"$ref": "#/definitions/Error"}}}});
    let (out, _, _) = run(doc(json!({
        "produces": ["application/json"],
        "paths": {"/a": {"get": op}},
        "definitions": {"Error": {"type": "object", "properties": {"default": {"$ref": "#/definitions/Error"}}, "example": {"$ref": "#/definitions/Kept"}}}
    })));
    let schema = &out["paths"]["/a"]["get"]["responses"]["default"]["content"]["application/json"]["schema"];
    assert_eq!(schema, &json!({"$ref": "#/components/schemas/Error"}));
    let error = &out["components"]["schemas"]["Error"];
    assert_eq!(error["properties"]["default"], json!({"$ref": "#/components/schemas/Error"}));
    assert_eq!(error["example"], json!({"$ref": "#/definitions/Kept"}));
}

#[test]
fn later_stages_name_places_in_the_2_0_document() {
    let text = r##"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "produces": ["application/json"],
        "paths": {"/pets": {"get": {"parameters": [{"in": "query", "name": "q", "type": "string", "minLength": "two"}],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}}}},
        "definitions": {"Pet": {"type": "object", "properties": {"id": {"type": "integer", "maximum": "big"}}}}}"##;
    let input = crate::Input::spec(crate::Source::new("t.json", text));
    let err = crate::lower(&input, &crate::Config::new("t")).unwrap_err().to_string();
    assert_eq!(
        err,
        "t.json: #/paths/~1pets/get/parameters/0/minLength: `minLength` must be a whole number, 0 or more, found \"two\""
    );
    let text = text.replace(r#""minLength": "two""#, r#""minLength": 2"#);
    let input = crate::Input::spec(crate::Source::new("t.json", &text));
    let err = crate::lower(&input, &crate::Config::new("t")).unwrap_err().to_string();
    assert!(err.starts_with("t.json: #/definitions/Pet/properties/id/maximum: "), "{err}");
}

#[test]
fn an_operation_s_body_replaces_the_path_s() {
    let shared = json!({"in": "body", "name": "b", "schema": {"type": "string"}});
    let own = json!({"in": "body", "name": "b", "schema": {"type": "integer"}});
    let paths = json!({"/a": {"parameters": [shared], "put": {"consumes": ["application/json"], "parameters": [own], "responses": {}}}});
    let (out, _, errors) = run(doc(json!({"paths": paths})));
    assert!(errors.is_empty(), "{errors:?}");
    let body = &out["paths"]["/a"]["put"]["requestBody"];
    assert_eq!(body["content"]["application/json"]["schema"], json!({"type": "integer"}));
    assert!(out["paths"]["/a"].get("parameters").is_none());
}
