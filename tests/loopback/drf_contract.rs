//! Contract test with the real framework: the Creatify client against a Django REST framework
//! server (tests/drf) whose serializer mirrors the `Lipsync` schema, served by gunicorn.
//!
//! First drf-spectacular's schema of that server is compared with the vendor's spec, so the
//! server is known to be one the spec describes. Then every body method of the client (JSON,
//! form, multipart) sends minimal, full, null, limit and every-enum-value requests, and what the
//! serializer validated, with the model's defaults for the fields it left out (the server's
//! `X-Validated` header), is compared with what the caller meant (the request as JSON: absent is
//! absent or the documented default, null is null, false is false). Each case prints what DRF
//! parsed; `cargo test -p tests --test drf_contract -- --nocapture` shows it.

use creatify::types::{AspectRatio, CaptionStyle, Decimal, LipsyncRequest, ModelVersion};
use serde_json::{Map, Value};
use tests::drf::{self, Drf};

/// The vendor's spec as a JSON tree, unchanged (no overlay).
fn vendor_spec() -> Value {
    clientgen::apply_overlays(&clientgen::Input::spec(xtask::CREATIFY_SPEC)).expect("the spec loads").tree
}

/// The `default` of each property of `Lipsync` that declares one, once the overlay is applied:
/// the defaults the vendor documents in prose, which the client's form and multipart bodies
/// send for unset fields, and which the test server's model applies to a field left out.
fn documented_defaults() -> Map<String, Value> {
    let tree = clientgen::apply_overlays(&xtask::creatify_input()).expect("the spec and overlay load").tree;
    let properties = tree["components"]["schemas"]["Lipsync"]["properties"].as_object().cloned().unwrap_or_default();
    properties.into_iter().filter_map(|(name, property)| Some((name, property.get("default")?.clone()))).collect()
}

/// The properties of two schemas that differ, for a readable failure.
fn differences(ours: &Value, theirs: &Value) -> Vec<String> {
    let (Some(ours), Some(theirs)) = (ours.as_object(), theirs.as_object()) else {
        return vec![format!("drf-spectacular: {ours}\nvendor:          {theirs}")];
    };
    let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| ours.get(*key) != theirs.get(*key))
        .map(|key| match (ours.get(key), theirs.get(key)) {
            (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => {
                format!("{key}: {}", differences(a, b).join("; "))
            }
            (a, b) => format!("{key}: drf-spectacular {a:?}, vendor {b:?}"),
        })
        .collect()
}

#[test]
#[ignore = "external tier, `cargo xtask test external`: needs the Django REST framework server (Python, tests/drf/.venv)"]
fn drf_spectacular_describes_the_test_server_as_the_vendor_spec_does() {
    let ours = drf::schema().unwrap_or_else(|e| panic!("{e}"));
    let theirs = vendor_spec();
    // JSON objects compare without regard to key order; arrays (`required`, `enum`) in order.
    let schemas = |tree: &Value| tree["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let (our_schemas, their_schemas) = (schemas(&ours), schemas(&theirs));
    let names = |schemas: &Map<String, Value>| {
        let mut names: Vec<String> = schemas.keys().cloned().collect();
        names.sort();
        names
    };
    assert_eq!(names(&our_schemas), names(&their_schemas), "the same components");
    for (name, schema) in &their_schemas {
        let problems = differences(&our_schemas[name], schema);
        assert!(problems.is_empty(), "{name} differs:\n{}", problems.join("\n"));
    }
    assert_eq!(ours["components"]["securitySchemes"], theirs["components"]["securitySchemes"]);

    let operation = |tree: &Value| tree["paths"]["/api/lipsyncs/preview/"]["post"].clone();
    let (ours, mut theirs) = (operation(&ours), operation(&theirs));
    // The one difference: the vendor's view inherits a list mixin's docstring, which
    // drf-spectacular copied into the description ("Mixin to provide a reusable `list`
    // method…"); the test server's view has no docstring, so no description.
    let description = theirs.as_object_mut().and_then(|o| o.remove("description"));
    assert!(description.is_some_and(|d| d.as_str().is_some_and(|d| d.starts_with("Mixin"))));
    let problems = differences(&ours, &theirs);
    assert!(problems.is_empty(), "the operation differs:\n{}", problems.join("\n"));
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Media {
    Json,
    Form,
    Multipart,
}

const MEDIA: [Media; 3] = [Media::Json, Media::Form, Media::Multipart];

impl Media {
    fn label(self) -> &'static str {
        match self {
            Media::Json => "json",
            Media::Form => "form",
            Media::Multipart => "multipart",
        }
    }
}

/// The optional booleans of the request.
const BOOLEANS: [&str; 4] = ["green_screen", "transparent_background", "no_caption", "no_music"];

/// Nullable strings that allow a blank value (a model `CharField(null=True, blank=True)`; see
/// tests/drf/app/serializers.py).
const BLANK_ALLOWED: [&str; 2] = ["name", "text"];

/// What the caller means by a request: its JSON, where absent is absent and null is null.
fn meant(request: &LipsyncRequest) -> Map<String, Value> {
    match serde_json::to_value(request).expect("a request is JSON") {
        Value::Object(fields) => fields,
        other => panic!("not an object: {other}"),
    }
}

/// What DRF is expected to validate for `request` sent as `media`: what the caller meant, with
/// the server's default for each field left unset, but for what forms cannot say.
fn expected(request: &LipsyncRequest, media: Media) -> Map<String, Value> {
    let mut fields = meant(request);
    // A field missing from JSON is left out by the serializer and takes the model's default.
    // HTML forms send nothing for an unchecked box, so DRF reads a boolean missing from a form or
    // multipart body as false (`BooleanField.default_empty_html`), which then overrides the
    // default: the client sends the unset fields that declare a default with it, so forms mean
    // what JSON does.
    for (name, default) in documented_defaults() {
        fields.entry(name).or_insert(default);
    }
    if media != Media::Json {
        // An explicit null goes as an empty field; DRF reads it as null, except where a blank
        // string is allowed: there it is "" (`Field.get_value`). JSON keeps them apart.
        for name in BLANK_ALLOWED {
            if fields.get(name) == Some(&Value::Null) {
                fields.insert(name.to_owned(), Value::String(String::new()));
            }
        }
    }
    fields
}

/// Sends `request` as `media`, checks the 200 decodes and echoes the validated values, and
/// returns what DRF validated.
async fn send(drf: &Drf, client: &creatify::Client, media: Media, request: &LipsyncRequest) -> Map<String, Value> {
    let result = match media {
        Media::Json => client.lipsyncs_preview_create_with_response(request).await,
        Media::Form => client.lipsyncs_preview_create_form_with_response(request).await,
        Media::Multipart => client.lipsyncs_preview_create_multipart_with_response(request).await,
    };
    let response = result.unwrap_or_else(|e| panic!("{media:?}: {e}\n{}", drf.log_text()));
    assert_eq!(response.status.as_u16(), 200);
    let header = response.headers.get("x-validated").expect("the server says what it validated");
    let validated: Map<String, Value> = serde_json::from_slice(header.as_bytes()).expect("JSON");
    // The decoded 200 shows the same values (all but the write-only `audio`).
    let decoded = serde_json::to_value(&response.body).expect("a response is JSON");
    for (name, value) in validated.iter().filter(|(name, _)| *name != "audio") {
        assert_eq!(decoded.get(name).unwrap_or(&Value::Null), value, "{media:?}: the response's {name}");
    }
    validated
}

/// A compact line of what DRF parsed: long texts by length, a UUID by its start.
fn summary(validated: &Map<String, Value>) -> String {
    let fields = validated.iter().map(|(name, value)| match value {
        Value::String(text) if text.chars().count() > 64 => {
            format!("{name}=<{} chars, {} bytes>", text.chars().count(), text.len())
        }
        Value::String(text) => format!("{name}={text:?}"),
        other => format!("{name}={other}"),
    });
    fields.collect::<Vec<_>>().join(" ")
}

async fn check(drf: &Drf, client: &creatify::Client, case: &str, request: &LipsyncRequest) {
    for media in MEDIA {
        let validated = send(drf, client, media, request).await;
        eprintln!("{case:<8} {:<9} DRF parsed: {}", media.label(), summary(&validated));
        assert_eq!(validated, expected(request, media), "{case}, {media:?}");
    }
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn client(drf: &Drf) -> creatify::Client {
    creatify::Client::builder()
        .base_url(drf.base_url())
        .api_id(drf::API_ID)
        .api_key(drf::API_KEY)
        .build()
        .expect("builds")
}

/// Every value of a spec enum, as the client's type; none may be `Unknown`.
fn values<T: std::str::FromStr + std::fmt::Debug>(spec: &Value, schema: &str) -> Vec<T> {
    let wire = spec["components"]["schemas"][schema]["enum"].as_array().expect("an enum");
    let values: Vec<T> = wire.iter().map(|v| v.as_str().expect("a string").parse().ok().expect("parses")).collect();
    for value in &values {
        assert!(!format!("{value:?}").starts_with("Unknown"), "{schema}: {value:?} is not a known variant");
    }
    values
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs the Django REST framework server (Python, tests/drf/.venv)"]
async fn what_drf_validates_is_what_the_caller_meant_in_json_form_and_multipart() {
    let drf = Drf::start().unwrap_or_else(|e| panic!("{e}"));
    let client = client(&drf);

    // The server wants both API-key headers, as the spec's security says.
    let url = format!("{}/api/lipsyncs/preview/", drf.base_url());
    for headers in [vec![], vec![("X-API-ID", drf::API_ID)], vec![("X-API-KEY", drf::API_KEY)]] {
        let mut request = reqwest::Client::new().post(&url).json(&serde_json::json!({"aspect_ratio": "1x1"}));
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let status = request.send().await.expect("an answer").status().as_u16();
        assert!(matches!(status, 401 | 403), "{headers:?}: {status}");
    }

    check(&drf, &client, "minimal", &LipsyncRequest::new(AspectRatio::V16x9)).await;

    let full = LipsyncRequest::new(AspectRatio::V9x16)
        .name("Launch video")
        .text("Bonjour, ça va ? こんにちは 🎬")
        .audio("https://example.com/voice.mp3")
        .creator("5b1f0a5e-3c1d-4e7a-9b2f-8d6c4a2e1f00".parse().expect("UUID"))
        .model_version(ModelVersion::AuroraV1)
        .green_screen(true)
        .transparent_background(false)
        .webhook_url("https://example.com/hooks/creatify?run=1&retry=0")
        .accent("c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f".parse().expect("UUID"))
        .no_caption(false)
        .no_music(true)
        .caption_style(CaptionStyle::DeepBlue)
        .caption_offset_x(decimal("-0.40"))
        .caption_offset_y(decimal("0.25"));
    check(&drf, &client, "full", &full).await;

    let nulls = LipsyncRequest::new(AspectRatio::V1x1)
        .name_null()
        .text_null()
        .audio_null()
        .creator_null()
        .webhook_url_null()
        .accent_null()
        .green_screen(false)
        .transparent_background(false)
        .no_caption(false)
        .no_music(false);
    check(&drf, &client, "nulls", &nulls).await;

    let name: String = "Ñandú 名前 ".chars().cycle().take(255).collect();
    let text: String = "héllo wörld, 語 🎬 ".chars().cycle().take(8000).collect();
    let limits = LipsyncRequest::new(AspectRatio::V16x9)
        .name(name)
        .text(text)
        .webhook_url(format!("https://example.com/{}", "a".repeat(200 - "https://example.com/".len())))
        .caption_offset_x(decimal("-0.50"))
        .caption_offset_y(decimal("0.50"));
    check(&drf, &client, "limits", &limits).await;

    // Every enum value, in every media type: caption styles one by one, the shorter enums in turn.
    let spec = vendor_spec();
    let ratios: Vec<AspectRatio> = values(&spec, "AspectRatioBc4Enum");
    let models: Vec<ModelVersion> = values(&spec, "ModelVersion699Enum");
    let styles: Vec<CaptionStyle> = values(&spec, "CaptionStyleEnum");
    for media in MEDIA {
        let mut seen = Vec::new();
        for (i, style) in styles.iter().enumerate() {
            let request = LipsyncRequest::new(ratios[i % ratios.len()].clone())
                .model_version(models[i % models.len()].clone())
                .caption_style(style.clone());
            let validated = send(&drf, &client, media, &request).await;
            assert_eq!(validated, expected(&request, media), "{media:?}, {style:?}");
            seen.push(format!(
                "{}/{}/{}",
                validated["aspect_ratio"], validated["model_version"], validated["caption_style"]
            ));
        }
        eprintln!(
            "enums    {:<9} DRF parsed {} requests, each value as sent: {}",
            media.label(),
            seen.len(),
            seen.join(" ").replace('"', "")
        );
    }
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs the Django REST framework server (Python, tests/drf/.venv)"]
async fn the_minimal_request_is_parsed_alike_as_json_form_and_multipart() {
    let drf = Drf::start().unwrap_or_else(|e| panic!("{e}"));
    let client = client(&drf);

    // The required field alone: the server's model applies its defaults to the JSON, and the
    // form and multipart bodies carry them, so all three are stored alike, booleans included.
    let minimal = LipsyncRequest::new(AspectRatio::V16x9);
    let mut parsed = Vec::new();
    for media in MEDIA {
        let validated = send(&drf, &client, media, &minimal).await;
        eprintln!("minimal  {:<9} DRF parsed: {}", media.label(), summary(&validated));
        parsed.push(validated);
    }
    assert_eq!(parsed[1], parsed[0], "the form body is parsed as the JSON one");
    assert_eq!(parsed[2], parsed[0], "the multipart body is parsed as the JSON one");
    let json = &parsed[0];
    assert_eq!(json["aspect_ratio"], "16x9");
    for name in BOOLEANS {
        assert!(json.get(name).is_some_and(Value::is_boolean), "{name} is validated as a boolean: {json:?}");
    }
    for (name, default) in documented_defaults() {
        assert_eq!(json.get(&name), Some(&default), "{name} is validated as its documented default");
    }
    assert_eq!((&json["no_caption"], &json["no_music"]), (&Value::Bool(true), &Value::Bool(true)));

    // What the defaults change: the same form without them (the required field only, as the
    // client sent it before) is read with every boolean false, captions and music on.
    let response = reqwest::Client::new()
        .post(format!("{}/api/lipsyncs/preview/", drf.base_url()))
        .header("X-API-ID", drf::API_ID)
        .header("X-API-KEY", drf::API_KEY)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("aspect_ratio=16x9")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    let header = response.headers().get("x-validated").expect("the server says what it validated");
    let bare: Map<String, Value> = serde_json::from_slice(header.as_bytes()).expect("JSON");
    eprintln!("bare     form      DRF parsed: {}", summary(&bare));
    for name in BOOLEANS {
        assert_eq!(bare.get(name), Some(&Value::Bool(false)), "a bare form's {name}");
    }
    assert_ne!(&bare, json);
}
