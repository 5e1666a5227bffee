//! Property test: random small specs (component schemas with readOnly/writeOnly, nullable,
//! enums, inline objects, arrays, maps, `$ref`s with self and mutual cycles, allOf and oneOf;
//! operations with path and query parameters, JSON bodies and responses) always generate, every
//! generated `.rs` file parses, and the emitted request and response views of each object
//! keep readOnly properties out of requests and writeOnly ones out of responses. A second
//! property names everything after the generator's own identifiers, keywords and prelude names,
//! and checks the crate generates, parses and binds only names the naming funnel claimed.

use std::collections::BTreeMap;

use clientgen::model::{Side, TypeId};
use clientgen::{Config, Input, Source};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Component names, some colliding after the naming funnel or with the generated `…Request`
/// views and runtime types; an index keeps the spec's keys distinct.
const SCHEMA_NAMES: &[&str] = &[
    "Pet",
    "pet",
    "PetRequest",
    "Self",
    "type",
    "2D",
    "a-b",
    "Ünïcode",
    "Option",
    "Vec",
    "Error",
    "Client",
    "Nullable",
];
/// Property names: keywords, collisions (`Name`/`name`, `user-id`/`user_id`, `self`/`Self`),
/// digits, spaces, the empty name and comment closers.
const PROPERTY_NAMES: &[&str] = &[
    "id", "name", "Name", "type", "self", "user-id", "user_id", "2fa", "é", "a b", "ref", "r#x", "crate", "", "$ref",
    "*/", "value", "Self",
];
const ENUM_VALUES: &[&str] = &["a", "A", "a-b", "1", "null", "Unknown", "true", "self", "x y"];
const PARAM_NAMES: &[&str] = &["id", "type", "user-id", "2x", "limit", "self"];

/// A schema in a position where it may be inline.
#[derive(Debug, Clone)]
enum Node {
    Str,
    Int,
    Bool,
    Enum(Vec<usize>),
    /// A `$ref` to a component (resolved modulo the number of components).
    Ref(usize),
    Array(Box<Node>),
    Map(Box<Node>),
    Object(Vec<Prop>),
}

#[derive(Debug, Clone)]
struct Prop {
    name: usize,
    node: Node,
    read_only: bool,
    write_only: bool,
    nullable: bool,
    required: bool,
}

#[derive(Debug, Clone)]
enum Component {
    Object {
        props: Vec<Prop>,
        nullable: bool,
    },
    Enum {
        values: Vec<usize>,
        nullable: bool,
    },
    /// Two or more alternatives.
    OneOf(Vec<Node>),
    /// A component before this one (an object or allOf; else this is a plain object) plus
    /// properties of its own.
    AllOf {
        base: usize,
        props: Vec<Prop>,
    },
    /// An array or map of a component before this one: aliases never cycle.
    Alias {
        map: bool,
        target: usize,
    },
}

#[derive(Debug, Clone)]
struct Operation {
    method: usize,
    path_param: Option<usize>,
    query: Vec<(usize, Node, bool)>,
    body: Option<Node>,
    response: Option<Node>,
}

#[derive(Debug, Clone)]
struct Spec {
    components: Vec<Component>,
    operations: Vec<Operation>,
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        Just(Node::Str),
        Just(Node::Int),
        Just(Node::Bool),
        prop::collection::vec(0..ENUM_VALUES.len(), 1..4).prop_map(Node::Enum),
        (0..8usize).prop_map(Node::Ref),
    ]
}

fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|n| Node::Array(Box::new(n))),
            inner.clone().prop_map(|n| Node::Map(Box::new(n))),
            props(inner).prop_map(Node::Object),
        ]
    })
}

fn props(node: impl Strategy<Value = Node>) -> impl Strategy<Value = Vec<Prop>> {
    let prop = (0..PROPERTY_NAMES.len(), node, any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(name, node, read_only, write_only, nullable, required)| Prop {
            name,
            node,
            read_only,
            write_only,
            nullable,
            required,
        },
    );
    prop::collection::vec(prop, 0..5)
}

fn component() -> impl Strategy<Value = Component> {
    prop_oneof![
        3 => (props(node()), any::<bool>()).prop_map(|(props, nullable)| Component::Object { props, nullable }),
        1 => (prop::collection::vec(0..ENUM_VALUES.len(), 1..5), any::<bool>())
            .prop_map(|(values, nullable)| Component::Enum { values, nullable }),
        1 => prop::collection::vec(node(), 2..4).prop_map(Component::OneOf),
        1 => (0..8usize, props(node())).prop_map(|(base, props)| Component::AllOf { base, props }),
        1 => (any::<bool>(), 0..8usize).prop_map(|(map, target)| Component::Alias { map, target }),
    ]
}

fn operation() -> impl Strategy<Value = Operation> {
    let query = prop::collection::vec((0..PARAM_NAMES.len(), leaf(), any::<bool>()), 0..3);
    (0..5usize, prop::option::of(0..PARAM_NAMES.len()), query, prop::option::of(node()), prop::option::of(node()))
        .prop_map(|(method, path_param, query, body, response)| Operation { method, path_param, query, body, response })
}

fn spec() -> impl Strategy<Value = Spec> {
    (prop::collection::vec(component(), 1..7), prop::collection::vec(operation(), 0..4))
        .prop_map(|(components, operations)| Spec { components, operations })
}

/// The spec as JSON, and what the oracle needs: each object schema's pointer with its
/// properties (allOf merged), each property as (wire name, readOnly, writeOnly, nullable,
/// required) after the spec's own rules.
struct Rendered {
    doc: Value,
    objects: Vec<(String, Vec<Expected>)>,
}

#[derive(Debug, Clone)]
struct Expected {
    wire: String,
    read_only: bool,
    write_only: bool,
    nullable: bool,
    required: bool,
}

struct Renderer<'a> {
    spec: &'a Spec,
    names: Vec<String>,
    objects: Vec<(String, Vec<Expected>)>,
}

impl Renderer<'_> {
    fn component_ref(&self, index: usize) -> Value {
        json!({ "$ref": format!("#/components/schemas/{}", escape(&self.names[index % self.names.len()])) })
    }

    /// Whether `$ref`ing component `index` makes a property nullable.
    fn nullable_target(&self, index: usize) -> bool {
        match &self.spec.components[index % self.spec.components.len()] {
            Component::Object { nullable, .. } | Component::Enum { nullable, .. } => *nullable,
            _ => false,
        }
    }

    fn node(&mut self, node: &Node, pointer: &str) -> Value {
        match node {
            Node::Str => json!({ "type": "string" }),
            Node::Int => json!({ "type": "integer" }),
            Node::Bool => json!({ "type": "boolean" }),
            Node::Enum(values) => {
                json!({ "type": "string", "enum": values.iter().map(|&v| ENUM_VALUES[v]).collect::<Vec<_>>() })
            }
            Node::Ref(index) => self.component_ref(*index),
            Node::Array(item) => json!({ "type": "array", "items": self.node(item, &format!("{pointer}/items")) }),
            Node::Map(value) => json!({
                "type": "object",
                "additionalProperties": self.node(value, &format!("{pointer}/additionalProperties")),
            }),
            Node::Object(props) => {
                let (schema, expected) = self.object(props, pointer);
                if !expected.is_empty() {
                    self.objects.push((pointer.to_owned(), expected));
                }
                schema
            }
        }
    }

    /// An object schema (properties with distinct names) and its expected properties.
    fn object(&mut self, props: &[Prop], pointer: &str) -> (Value, Vec<Expected>) {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut expected = Vec::new();
        for prop in props {
            let wire = PROPERTY_NAMES[prop.name];
            if properties.contains_key(wire) {
                continue;
            }
            let at = format!("{pointer}/properties/{}", escape(wire));
            let mut schema = self.node(&prop.node, &at);
            let object = schema.as_object_mut().expect("schemas are objects");
            if prop.read_only {
                object.insert("readOnly".into(), Value::Bool(true));
            }
            if prop.write_only {
                object.insert("writeOnly".into(), Value::Bool(true));
            }
            if prop.nullable {
                object.insert("nullable".into(), Value::Bool(true));
            }
            let both = prop.read_only && prop.write_only;
            let ref_nullable = matches!(prop.node, Node::Ref(index) if self.nullable_target(index));
            expected.push(Expected {
                wire: wire.to_owned(),
                read_only: prop.read_only && !both,
                write_only: prop.write_only && !both,
                nullable: prop.nullable || ref_nullable,
                required: prop.required,
            });
            if prop.required {
                required.push(Value::String(wire.to_owned()));
            }
            properties.insert(wire.to_owned(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        (schema, expected)
    }

    /// The properties component `index` contributes to an allOf that refers to it.
    fn merged(&self, index: usize) -> Vec<Expected> {
        self.objects
            .iter()
            .find(|(pointer, _)| *pointer == component_pointer(&self.names[index]))
            .map(|(_, expected)| expected.clone())
            .unwrap_or_default()
    }

    fn render(mut self) -> Rendered {
        let spec = self.spec;
        let mut schemas = Map::new();
        for (i, component) in spec.components.iter().enumerate() {
            let pointer = component_pointer(&self.names[i]);
            let schema = match component {
                Component::Object { props, nullable } => {
                    let (mut schema, expected) = self.object(props, &pointer);
                    if *nullable {
                        schema["nullable"] = Value::Bool(true);
                    }
                    self.objects.push((pointer.clone(), expected));
                    schema
                }
                Component::Enum { values, nullable } => {
                    let mut values: Vec<&str> = values.iter().map(|&v| ENUM_VALUES[v]).collect();
                    values.dedup();
                    json!({ "type": "string", "enum": values, "nullable": nullable })
                }
                Component::OneOf(alternatives) => {
                    let alternatives: Vec<Value> = alternatives
                        .iter()
                        .enumerate()
                        .map(|(k, alternative)| self.node(alternative, &format!("{pointer}/oneOf/{k}")))
                        .collect();
                    json!({ "oneOf": alternatives })
                }
                Component::AllOf { base, props } => {
                    let base = base % (i + 1);
                    let has_base =
                        base < i && matches!(spec.components[base], Component::Object { .. } | Component::AllOf { .. });
                    let own_index = if has_base { 1 } else { 0 };
                    let (own, own_expected) = self.object(props, &format!("{pointer}/allOf/{own_index}"));
                    let mut expected = if has_base { self.merged(base) } else { Vec::new() };
                    expected.retain(|e| !own_expected.iter().any(|o| o.wire == e.wire));
                    expected.extend(own_expected);
                    self.objects.push((pointer.clone(), expected));
                    if has_base {
                        json!({ "allOf": [self.component_ref(base), own] })
                    } else {
                        json!({ "allOf": [own] })
                    }
                }
                Component::Alias { map, target } => {
                    let target = self.component_ref(target % i.max(1));
                    if i == 0 {
                        json!({ "type": "array", "items": { "type": "string" } })
                    } else if *map {
                        json!({ "type": "object", "additionalProperties": target })
                    } else {
                        json!({ "type": "array", "items": target })
                    }
                }
            };
            schemas.insert(self.names[i].clone(), schema);
        }
        let mut paths = Map::new();
        for (k, op) in spec.operations.iter().enumerate() {
            let method = ["get", "post", "put", "patch", "delete"][op.method];
            let mut path = format!("/r{k}");
            let mut parameters = Vec::new();
            if let Some(p) = op.path_param {
                path.push_str(&format!("/{{{}}}", PARAM_NAMES[p]));
                parameters.push(
                    json!({ "name": PARAM_NAMES[p], "in": "path", "required": true, "schema": { "type": "string" } }),
                );
            }
            let op_pointer = format!("#/paths/{}/{method}", escape(&path));
            for (n, (name, schema, required)) in op.query.iter().enumerate() {
                if Some(*name) == op.path_param || op.query[..n].iter().any(|(other, _, _)| other == name) {
                    continue;
                }
                let schema = self.node(schema, &format!("{op_pointer}/parameters/{}/schema", parameters.len()));
                parameters
                    .push(json!({ "name": PARAM_NAMES[*name], "in": "query", "required": required, "schema": schema }));
            }
            let mut operation =
                json!({ "parameters": parameters, "responses": { "204": { "description": "nothing" } } });
            if let (Some(body), true) = (&op.body, method != "get" && method != "delete") {
                let schema = self.node(body, &format!("{op_pointer}/requestBody/content/application~1json/schema"));
                operation["requestBody"] =
                    json!({ "required": true, "content": { "application/json": { "schema": schema } } });
            }
            if let Some(response) = &op.response {
                let schema =
                    self.node(response, &format!("{op_pointer}/responses/200/content/application~1json/schema"));
                operation["responses"]["200"] =
                    json!({ "description": "ok", "content": { "application/json": { "schema": schema } } });
            }
            paths.insert(path, json!({ method: operation }));
        }
        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "Random", "version": "1" },
            "paths": paths,
            "components": { "schemas": schemas },
        });
        Rendered { doc, objects: self.objects }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", escape(name))
}

fn render(spec: &Spec) -> Rendered {
    let mut names: Vec<String> = Vec::new();
    for i in 0..spec.components.len() {
        let base = SCHEMA_NAMES[(i * 7 + spec.components.len()) % SCHEMA_NAMES.len()];
        let name = if names.iter().any(|n| n == base) { format!("{base}{i}") } else { base.to_owned() };
        names.push(name);
    }
    Renderer { spec, names, objects: Vec::new() }.render()
}

/// Each struct of a types.rs: its fields as (wire name, whether the type is `Option<…>`).
fn structs(types: &syn::File) -> BTreeMap<String, Vec<(String, bool)>> {
    let mut out = BTreeMap::new();
    for item in &types.items {
        let syn::Item::Struct(s) = item else { continue };
        let fields = s
            .fields
            .iter()
            .map(|field| {
                let ident = field.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                let mut wire = ident.trim_start_matches("r#").to_owned();
                for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                    attr.parse_nested_meta(|meta| {
                        if meta.path.is_ident("rename") {
                            wire = meta.value()?.parse::<syn::LitStr>()?.value();
                        } else if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<syn::Expr>()?;
                        }
                        Ok(())
                    })
                    .expect("serde attribute parses");
                }
                let optional = matches!(&field.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
                (wire, optional)
            })
            .collect();
        out.insert(s.ident.to_string(), fields);
    }
    out
}

fn check(spec: &Spec) -> Result<(), TestCaseError> {
    let rendered = render(spec);
    let text = serde_json::to_string_pretty(&rendered.doc).expect("serialises");
    let input = Input::spec(Source::new("random.json", &text));
    let output = clientgen::generate(&input, &Config::new("random"));
    let output = output.map_err(|e| TestCaseError::fail(format!("a valid spec fails:\n{e}\n{text}")))?;
    let mut types = None;
    for file in &output.files {
        prop_assert!(!file.path.starts_with('/') && !file.path.contains(".."), "{}", file.path);
        if file.path.ends_with(".rs") {
            let parsed = syn::parse_file(&file.contents)
                .map_err(|e| TestCaseError::fail(format!("{} does not parse: {e}\n{}", file.path, file.contents)))?;
            if file.path == "src/types.rs" {
                types = Some(parsed);
            }
        }
    }
    let structs = structs(&types.expect("types.rs is generated"));
    let api = clientgen::lower(&input, &Config::new("rendered")).expect("lowers as it generated").api;
    for (pointer, expected) in &rendered.objects {
        let def = api.types.get(&TypeId(pointer.clone()));
        let def = def.ok_or_else(|| {
            TestCaseError::fail(format!(
                "no type for {pointer} among {:?}\n{text}",
                api.types.keys().collect::<Vec<_>>()
            ))
        })?;
        for view in &def.views {
            let (direction, name) = (view.side, view.name.as_str());
            let fields =
                structs.get(name).ok_or_else(|| TestCaseError::fail(format!("no struct {name} for {pointer}")))?;
            for property in expected {
                let absent = match direction {
                    Side::Request => property.read_only,
                    Side::Response => property.write_only,
                    Side::Both => {
                        prop_assert!(
                            !property.read_only && !property.write_only,
                            "{name} serves both ways but {pointer} has {property:?}"
                        );
                        false
                    }
                };
                let field = fields.iter().find(|(wire, _)| *wire == property.wire);
                if absent {
                    prop_assert!(field.is_none(), "{name} ({direction:?}) has {property:?} of {pointer}\n{text}");
                    continue;
                }
                let Some((_, optional)) = field else {
                    return Err(TestCaseError::fail(format!(
                        "{name} ({direction:?}) lacks {property:?} of {pointer}\n{text}"
                    )));
                };
                if property.required && !property.nullable {
                    prop_assert!(
                        !optional,
                        "{name} ({direction:?}) makes required {property:?} of {pointer} an Option\n{text}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// How many specs each property tries: 16 in a plain `cargo test`, more where
/// `CLIENTGEN_PROPERTY_CASES` says (the compiled tier of `cargo xtask test` asks for 64).
fn cases() -> u32 {
    std::env::var("CLIENTGEN_PROPERTY_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_specs_generate_parse_and_keep_views_apart(spec in spec()) {
        check(&spec)?;
    }
}

/// Rust keywords, prelude and std names, and the names of the generated crate's own items.
const KEYWORDS_AND_PRELUDE: &[&str] = &[
    "type",
    "self",
    "Self",
    "fn",
    "match",
    "async",
    "crate",
    "super",
    "r#type",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Into",
    "From",
    "ToString",
    "drop",
    "format",
    "std",
    "core",
    "serde",
    "reqwest",
    "types",
    "Error",
    "Client",
    "ClientBuilder",
    "Request",
    "ApiResponse",
    "RequestOptions",
    "Scheme",
    "Credentials",
    "Part",
    "Body",
    "Nullable",
    "File",
    "ByteSource",
    "Decimal",
];

/// Names drawn from the identifiers the generator itself writes (locals, arguments, client,
/// builder and struct methods, with the suffixes it derives names with), keywords and prelude
/// names.
fn hostile_names() -> Vec<String> {
    let own = clientgen::naming::METHOD_LOCALS
        .iter()
        .chain(clientgen::naming::CLIENT_METHODS)
        .chain(clientgen::naming::STRUCT_METHODS)
        .chain(clientgen::naming::BUILDER_METHODS);
    let mut names: Vec<String> = own.chain(KEYWORDS_AND_PRELUDE).map(|s| (*s).to_owned()).collect();
    for stem in ["operation", "execute", "foo", "upload"] {
        for suffix in ["", "_with_response", "_null", "_multipart", "_form", "_with_response_with_response", "2"] {
            names.push(format!("{stem}{suffix}"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|name| seen.insert(name.clone()));
    names
}

/// An operation whose every name is hostile: indexes into `hostile_names()`.
#[derive(Debug, Clone)]
struct HostileOperation {
    id: usize,
    tag: usize,
    path: Vec<usize>,
    /// Name, and location: query, header or cookie.
    others: Vec<(usize, usize)>,
    /// A body (sent as JSON and as multipart) of the schema with this index.
    body: Option<usize>,
    secured: bool,
}

/// A property of a hostile schema: its name, whether it is nullable, whether required.
type HostileProperty = (usize, bool, bool);

#[derive(Debug, Clone)]
struct HostileSpec {
    /// Object schemas: a name, and properties.
    schemas: Vec<(usize, Vec<HostileProperty>)>,
    operations: Vec<HostileOperation>,
    /// Security schemes; a secured operation accepts any one of them.
    schemes: Vec<usize>,
}

fn hostile_spec() -> impl Strategy<Value = HostileSpec> {
    let count = hostile_names().len();
    let name = move || 0..count;
    let property = (name(), any::<bool>(), any::<bool>());
    let schema = (name(), prop::collection::vec(property, 0..6));
    let operation = (
        name(),
        name(),
        prop::collection::vec(name(), 0..4),
        prop::collection::vec((name(), 0..3usize), 0..4),
        prop::option::of(0..3usize),
        any::<bool>(),
    )
        .prop_map(|(id, tag, path, others, body, secured)| HostileOperation {
            id,
            tag,
            path,
            others,
            body,
            secured,
        });
    (prop::collection::vec(schema, 1..4), prop::collection::vec(operation, 1..5), prop::collection::vec(name(), 1..4))
        .prop_map(|(schemas, operations, schemes)| HostileSpec { schemas, operations, schemes })
}

fn render_hostile(spec: &HostileSpec) -> Value {
    let names = hostile_names();
    let mut schemas = Map::new();
    let mut schema_names = Vec::new();
    for (k, (name, props)) in spec.schemas.iter().enumerate() {
        let name =
            if schemas.contains_key(&names[*name]) { format!("{}{k}", names[*name]) } else { names[*name].clone() };
        let mut properties = Map::new();
        let mut required = Vec::new();
        for &(prop, nullable, is_required) in props {
            properties.insert(names[prop].clone(), json!({ "type": "string", "nullable": nullable }));
            if is_required && !required.contains(&names[prop]) {
                required.push(names[prop].clone());
            }
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        schemas.insert(name.clone(), schema);
        schema_names.push(name);
    }
    let mut paths = Map::new();
    for (k, op) in spec.operations.iter().enumerate() {
        let mut path = format!("/o{k}");
        let mut parameters = Vec::new();
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for &p in &op.path {
            if seen.contains(&(names[p].as_str(), "path")) {
                continue;
            }
            seen.push((&names[p], "path"));
            path.push_str(&format!("/{{{}}}", names[p]));
            parameters
                .push(json!({ "name": names[p], "in": "path", "required": true, "schema": { "type": "string" } }));
        }
        for &(p, location) in &op.others {
            let location = ["query", "header", "cookie"][location];
            if seen.contains(&(names[p].as_str(), location)) {
                continue;
            }
            seen.push((&names[p], location));
            parameters.push(json!({ "name": names[p], "in": location, "schema": { "type": "string" } }));
        }
        let mut operation = json!({
            "operationId": names[op.id],
            "tags": [names[op.tag]],
            "parameters": parameters,
            "responses": { "200": { "description": "ok", "content": { "application/json": {
                "schema": { "$ref": format!("#/components/schemas/{}", escape(&schema_names[0])) },
            } } } },
        });
        if let Some(body) = op.body {
            let schema =
                json!({ "$ref": format!("#/components/schemas/{}", escape(&schema_names[body % schema_names.len()])) });
            operation["requestBody"] = json!({ "required": true, "content": {
                "application/json": { "schema": schema },
                "multipart/form-data": { "schema": schema },
            } });
        }
        if op.secured {
            let alternatives: Vec<Value> = spec.schemes.iter().map(|&s| json!({ names[s].clone(): [] })).collect();
            operation["security"] = Value::Array(alternatives);
        }
        paths.insert(path, json!({ "post": operation }));
    }
    let schemes: Map<String, Value> = spec
        .schemes
        .iter()
        .map(|&s| (names[s].clone(), json!({ "type": "apiKey", "in": "header", "name": format!("X-{s}") })))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Hostile names", "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas, "securitySchemes": schemes },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Specs whose parameter, property, schema, operation, tag and security-scheme names are
    /// the generator's own identifiers, keywords and prelude names generate, parse, and bind
    /// only names the funnel claimed.
    #[test]
    fn hostile_names_generate_parse_and_stay_in_the_funnel(spec in hostile_spec()) {
        let text = serde_json::to_string_pretty(&render_hostile(&spec)).expect("serialises");
        let input = Input::spec(Source::new("hostile.json", &text));
        let lowered =
            clientgen::lower(&input, &Config::new("hostile")).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let files = clientgen::emit_files(&lowered.api, &input.describe())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
            syn::parse_file(&file.contents)
                .map_err(|e| TestCaseError::fail(format!("{} does not parse: {e}\n{text}", file.path)))?;
        }
        tests::funnel::check("hostile", &lowered.api, &files);
    }
}

/// A sample of both kinds of spec, random shapes and hostile names, drawn with a fixed seed,
/// compiles under clippy with warnings denied, its doctests and docs included: what parses and
/// keeps its promises must also build.
#[test]
#[ignore = "compiled tier, `cargo xtask test compiled`: compiles, lints and documents twelve crates"]
fn a_sample_of_random_and_hostile_crates_compiles() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut crates = Vec::new();
    let mut add = |name: String, text: String| {
        let input = Input::spec(Source::new("sample.json", &text));
        let output = clientgen::generate(&input, &Config::new(&name)).unwrap_or_else(|e| panic!("{e}\n{text}"));
        crates.push((name, output.files));
    };
    for case in 0..SAMPLE {
        let spec = spec().new_tree(&mut runner).expect("draws a spec").current();
        add(format!("random_{case}"), serde_json::to_string_pretty(&render(&spec).doc).expect("serialises"));
    }
    for case in 0..SAMPLE {
        let spec = hostile_spec().new_tree(&mut runner).expect("draws a spec").current();
        add(format!("hostile_{case}"), serde_json::to_string_pretty(&render_hostile(&spec)).expect("serialises"));
    }
    if let Err(output) = tests::check_crates("generated-sample-crates", &crates) {
        panic!("generated code does not pass:\n{output}");
    }
}

/// How many specs of each kind the compiled sample holds.
const SAMPLE: usize = 6;
