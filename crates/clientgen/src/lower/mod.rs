//! Lower stage: the typed OpenAPI document to the intermediate model.
//!
//! Lowering claims a name for every component schema, then lowers each schema
//! (`schemas`: inline objects and enums become named types of their own) and each operation
//! and security scheme (`operations`). Passes over the finished type graph (`graph`) then
//! turn arrays that hold themselves into newtypes, report alias cycles, and find the facts
//! the views need (usage per direction, direction-sensitive types, recursion, validation);
//! `views` decides, once, every Rust type each schema becomes.

pub mod client_docs;
mod defaults;
pub mod docs;
mod example_code;
mod examples;
pub(crate) mod features;
mod graph;
mod groups;
mod method_docs;
mod multipart;
mod operations;
mod pagination;
mod schemas;
mod servers;
mod tags;
mod type_docs;
mod views;
mod webhooks;

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::OpenAPI;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::naming::{self, Scope};

pub use operations::encoding;
pub use servers::SERVER_NAME;
pub use tags::{AUTO_OPERATIONS, EXTENSION as TAG_FEATURES_EXTENSION, TagFeatures};

/// The extension that overrides the Rust name of a schema, operation or security scheme.
pub const RUST_NAME: &str = "x-rust-name";
/// The extension whose text is added to the docs of a schema's request view only.
pub const REQUEST_DOC: &str = "x-rust-request-doc";

/// How many arrays and maps may nest in one type (`Vec<Vec<…>>`).
pub const MAX_NESTING: usize = 16;

/// The result of lowering: the model, or every problem found, plus warnings either way.
pub struct Lowered {
    /// The model, when there were no errors.
    pub api: Option<Api>,
    /// Errors: the input cannot be generated as it stands.
    pub errors: Vec<Diagnostic>,
    /// Warnings: generated, but something was approximated.
    pub warnings: Vec<Diagnostic>,
}

/// Lowers a whole document, with the settings the spec cannot give (resolved into
/// [`Api::settings`]).
pub fn lower(doc: &OpenAPI, config: &crate::Config) -> Lowered {
    let extra = operations::extra_operations(doc);
    let mut cx = Lowerer {
        doc,
        types: IndexMap::new(),
        type_names: Scope::types(),
        component_ids: HashMap::new(),
        component_parts: HashMap::new(),
        expandable_unions: HashMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    cx.claim_component_names();
    cx.lower_components();
    let (mut operations, mut groups) = cx.lower_operations(&extra);
    let webhooks = cx.lower_webhooks(&operations);
    // The builder's methods: its own settings, then each security scheme's, then each server
    // variable's.
    let mut builder_methods = Scope::with_reserved(naming::BUILDER_METHODS);
    // The environment variables: the base URL's, then each security scheme's.
    let (base_url_env, mut env_vars) = naming::env_vars(&config.env_prefix);
    let security_schemes = cx.lower_security_schemes(&mut builder_methods, &config.env_prefix, &mut env_vars);
    cx.check_security(&operations, &security_schemes);
    let servers = cx.lower_servers(&operations, &mut builder_methods);

    let Lowerer { types: drafts, mut type_names, mut errors, warnings, .. } = cx;
    let mut types = IndexMap::with_capacity(drafts.len());
    let mut facts = IndexMap::with_capacity(drafts.len());
    for (id, draft) in drafts {
        types.insert(id.clone(), draft.def);
        facts.insert(id, draft.facts);
    }
    graph::make_newtypes(&mut types);
    errors.extend(graph::check_aliases(&types));
    if !errors.is_empty() {
        return Lowered { api: None, errors, warnings };
    }
    let error_body = operations::error_bodies(&types, &facts, &mut operations);
    let received: Vec<TypeRef> = webhooks.iter().flat_map(|w| &w.items).map(|w| w.payload.clone()).collect();
    views::decide(&mut types, &facts, &operations, &received, &mut type_names);
    // An embedded client's features would be its host crate's: none unless asked for.
    let tag_option = match (config.tag_features, &config.embed_in) {
        (TagFeatures::Auto, Some(_)) => TagFeatures::Off,
        (option, _) => option,
    };
    let tag_features = tags::decide(doc, tag_option, &mut types, &mut operations, error_body.as_ref(), &received);
    groups::gate(&mut groups, &operations);
    let mut examples = examples::collect(doc, &types, &operations);
    examples.credentials = examples::credentials(&operations, &security_schemes);
    let mut api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        settings: settings(config, &doc.info.title, base_url_env),
        servers,
        types,
        operations,
        security_schemes,
        error_body,
        webhooks,
        examples,
        tag_features,
        groups,
        features: Features::default(),
        example_program: String::new(),
        client_docs: ClientDocs::default(),
    };
    docs::rewrite(&mut api, &docs::Prose::of(doc));
    type_docs::document(&mut api);
    method_docs::document(&mut api);
    client_docs::document(&mut api);
    api.features = Features::of(&api);
    Lowered { api: Some(api), errors, warnings }
}

/// The settings resolved for the API titled `title`, its base URL's variable claimed.
fn settings(config: &crate::Config, title: &str, base_url_env: String) -> Settings {
    let crate_name = config.crate_name.clone();
    Settings {
        crate_path: crate_name.replace('-', "_"),
        crate_version: config.crate_version.clone(),
        description: config.description.clone().unwrap_or_else(|| format!("Rust client for the {title}")),
        readme_description: config.description.clone(),
        license: config.license.clone(),
        repository: config.repository.clone(),
        keywords: config.keywords.clone(),
        categories: config.categories.clone(),
        rust_version: config.rust_version.clone(),
        user_agent: config.user_agent(),
        env_prefix: config.env_prefix.clone(),
        base_url_env,
        drf_errors: config.drf_errors,
        embed_in: config.embed_in.clone(),
        crate_name,
    }
}

/// A type while it is being built: its definition (without views) and what deciding the
/// views needs to know.
struct Draft {
    def: TypeDef,
    facts: Facts,
}

impl Draft {
    /// A type named `name` whose body is not lowered yet.
    fn new(original_name: String, name: String) -> Self {
        Draft {
            def: TypeDef {
                original_name,
                doc: None,
                kind: TypeKind::Alias(TypeRef::Any),
                deprecated: false,
                views: Vec::new(),
                feature: None,
            },
            facts: Facts { name, ..Facts::default() },
        }
    }
}

/// What lowering found out about a type that is not part of the model itself.
#[derive(Debug, Default)]
struct Facts {
    /// The name claimed for it: its only view's, or its response view's.
    name: String,
    /// It has a property whose presence differs by direction (readOnly or writeOnly).
    direction_sensitive: bool,
    /// Text the overlay adds to the docs of its request view.
    request_note: Option<String>,
    /// An operation's query, header and cookie parameters, sent one by one, never as a body.
    parameters: bool,
}

/// The state of lowering one document.
struct Lowerer<'a> {
    doc: &'a OpenAPI,
    types: IndexMap<TypeId, Draft>,
    type_names: Scope,
    /// Component schema name → its id, for `$ref` resolution.
    component_ids: HashMap<String, TypeId>,
    /// Component schema name → its merged object parts, once worked out: `allOf` parts that
    /// share parts of their own (diamonds) would otherwise be merged once per path, and the
    /// paths multiply with each level.
    component_parts: HashMap<String, Option<schemas::ObjectParts>>,
    /// The unions of objects that expandable fields of several object alternatives hold, by
    /// their alternatives' types: one union per set, however many fields share it.
    expandable_unions: HashMap<Vec<TypeRef>, TypeId>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Where a schema sits and what to call it if it needs a name of its own.
struct Site<'s> {
    pointer: String,
    name_hint: &'s str,
}

#[cfg(test)]
mod tests {
    use crate::model::{Scalar, Success, SuccessBody, TypeKind, TypeRef};
    use crate::{Input, Source};

    fn errors(spec: &str) -> Vec<String> {
        match crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn all_of_cycles_end() {
        // Each level of `allOf` merging started a new set of the components seen, so
        // A: allOf [B, …] with B: allOf [A, …] recursed until the stack overflowed.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    A: {allOf: [{$ref: '#/components/schemas/B'}, {type: object, properties: {a: {type: string}}}]}\n    \
                    B: {allOf: [{$ref: '#/components/schemas/A'}, {type: object, properties: {b: {type: string}}}]}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        let field_names = |name: &str| -> Vec<String> {
            let def = lowered.api.types.values().find(|t| t.original_name == name).unwrap();
            let crate::model::TypeKind::Struct(s) = &def.kind else { panic!("{name} is not a struct") };
            s.fields.iter().map(|f| f.wire_name.clone()).collect()
        };
        assert_eq!(field_names("A"), ["a", "b"]);
        assert_eq!(field_names("B"), ["a", "b"]);
    }

    #[test]
    fn a_reference_to_a_nullable_component_is_nullable() {
        // Plaid: `Item.error: {$ref: PlaidError}` with `nullable: true` on `PlaidError`, and
        // `assignee: {$ref: DashboardUserIDNullable}`, a nullable string; both come as `null`.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Error: {type: object, nullable: true, properties: {code: {type: string}}}\n    \
                    MaybeId: {type: string, nullable: true}\n    \
                    Id: {type: string}\n    \
                    Item: {type: object, required: [error, assignee, id], properties: {\
                    error: {$ref: '#/components/schemas/Error'}, assignee: {$ref: '#/components/schemas/MaybeId'}, \
                    id: {$ref: '#/components/schemas/Id'}}}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        let def = lowered.api.types.values().find(|t| t.original_name == "Item").unwrap();
        let crate::model::TypeKind::Struct(s) = &def.kind else { panic!("Item is not a struct") };
        let nullable: Vec<(&str, bool)> = s.fields.iter().map(|f| (f.wire_name.as_str(), f.nullable)).collect();
        assert_eq!(nullable, [("error", true), ("assignee", true), ("id", false)]);
    }

    #[test]
    fn an_all_of_of_one_typed_part_is_that_type() {
        // nexus's `NameOrId`: an alternative `{title: id, allOf: [{type: string, format: uuid}]}`
        // is a UUID; it was an empty struct, so every path parameter of that type went as `{}`.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Name: {type: string, pattern: '^[a-z]+$'}\n    \
                    Limited: {allOf: [{type: string}, {maxLength: 5}]}\n    \
                    NameOrId: {oneOf: [{title: id, allOf: [{type: string, format: uuid}]}, \
                    {title: name, allOf: [{$ref: '#/components/schemas/Name'}]}]}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("t")).unwrap();
        let def = |name: &str| lowered.api.types.values().find(|t| t.original_name == name).unwrap();
        let TypeKind::Union(u) = &def("NameOrId").kind else { panic!("NameOrId is not a union") };
        let types: Vec<&TypeRef> = u.variants.iter().map(|v| &v.ty).collect();
        assert_eq!(types[0], &TypeRef::Scalar(Scalar::Uuid));
        assert!(matches!(types[1], TypeRef::Named(_)));
        assert!(matches!(def("Limited").kind, TypeKind::Alias(TypeRef::Scalar(Scalar::String))));
    }

    #[test]
    fn null_alternatives_make_references_and_responses_nullable() {
        // OpenAPI 3.1: openai's `metadata: {$ref: Metadata}` with `Metadata: {anyOf: [{type:
        // object}, {type: 'null'}]}`, and discord's list responses `type: [array, 'null']`.
        let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                    responses:\n        '200':\n          description: ok\n          content:\n            \
                    application/json:\n              schema: {type: [array, 'null'], items: {type: string}}\n  \
                    /b:\n    get:\n      responses:\n        '200':\n          description: ok\n          \
                    content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Item'}\n\
                    components:\n  schemas:\n    \
                    Metadata: {anyOf: [{type: object, additionalProperties: {type: string}}, {type: 'null'}]}\n    \
                    Item: {type: object, required: [metadata], properties: {metadata: {$ref: '#/components/schemas/Metadata'}}}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("t")).unwrap();
        let def = lowered.api.types.values().find(|t| t.original_name == "Item").unwrap();
        let crate::model::TypeKind::Struct(s) = &def.kind else { panic!("Item is not a struct") };
        assert!(s.fields[0].nullable, "metadata takes null");
        let success: Vec<&Success> = lowered.api.operations.iter().map(|op| &op.success).collect();
        assert!(matches!(success[0], Success::Single(SuccessBody::JsonOrNull(_))));
        assert!(matches!(success[1], Success::Single(SuccessBody::Json(_))));
    }

    #[test]
    fn all_of_diamonds_are_merged_in_linear_time() {
        // Every level holds the next three times: merged once per path, this took 3^40 steps.
        let mut spec =
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n".to_owned();
        for level in 0..40 {
            let part = format!("{{$ref: '#/components/schemas/A{}'}}", level + 1);
            let own = format!("{{type: object, properties: {{p{level}: {{type: string}}}}}}");
            spec.push_str(&format!("    A{level}: {{allOf: [{part}, {part}, {own}, {part}]}}\n"));
        }
        spec.push_str("    A40: {type: object, properties: {x: {type: string}}}\n");
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", &spec)), &crate::Config::new("x")).unwrap();
        let top = lowered.api.types.values().find(|t| t.original_name == "A0").unwrap();
        let crate::model::TypeKind::Struct(s) = &top.kind else { panic!("A0 is not a struct") };
        assert_eq!(s.fields.len(), 41);
    }

    #[test]
    fn extra_properties_follow_all_of_and_false() {
        // A part's `false` forbids extra keys only when no part keeps them; `true` beside
        // `false` in the same merge keeps them, whichever comes first.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Shut: {type: object, properties: {a: {type: string}}, additionalProperties: false}\n    \
                    Open: {type: object, properties: {b: {type: string}}, additionalProperties: {type: integer}}\n    \
                    Both: {allOf: [{$ref: '#/components/schemas/Shut'}, {$ref: '#/components/schemas/Open'}]}\n    \
                    OnlyShut: {allOf: [{$ref: '#/components/schemas/Shut'}, {properties: {c: {type: string}}}]}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        let object = |name: &str| {
            let def = lowered.api.types.values().find(|t| t.original_name == name).unwrap();
            let crate::model::TypeKind::Struct(s) = &def.kind else { panic!("{name} is not a struct") };
            (s.extra.as_ref().map(|e| e.ty.clone()), s.closed)
        };
        let integer = crate::model::TypeRef::Scalar(Scalar::I64);
        assert_eq!(object("Shut"), (None, true));
        assert_eq!(object("Open"), (Some(integer.clone()), false));
        assert_eq!(object("Both"), (Some(integer), false));
        assert_eq!(object("OnlyShut"), (None, true));
    }

    #[test]
    fn deprecated_enum_values_are_read_from_both_forms_and_bad_ones_warned() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    L: {type: string, enum: [a, b], x-enum-deprecated: [b]}\n    \
                    M: {type: string, enum: [a, b], x-enum-deprecated: {a: true, b: false}}\n    \
                    W: {type: string, enum: [a, b], x-enum-deprecated: b}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        let deprecated = |name: &str| -> Vec<bool> {
            let def = lowered.api.types.values().find(|t| t.original_name == name).unwrap();
            let crate::model::TypeKind::Enum(e) = &def.kind else { panic!("{name} is not an enum") };
            e.variants.iter().map(|v| v.deprecated).collect()
        };
        assert_eq!(deprecated("L"), [false, true]);
        assert_eq!(deprecated("M"), [true, false]);
        assert_eq!(deprecated("W"), [false, false]);
        let warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
        assert!(warnings.iter().any(|w| w.contains("/W/x-enum-deprecated")), "{warnings:?}");
    }

    #[test]
    fn aliases_of_themselves_are_errors() {
        // `type A = B; type B = A;` was emitted, and does not compile.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n    \
                    S: {allOf: [{$ref: '#/components/schemas/S'}]}\n    \
                    N: {nullable: true, allOf: [{$ref: '#/components/schemas/N'}]}\n    \
                    L: {type: array, items: {$ref: '#/components/schemas/M'}}\n    \
                    M: {type: object, additionalProperties: {$ref: '#/components/schemas/L'}}\n";
        let cycle = |names: &str| {
            format!(
                "the schema is defined only through itself ({names}); no Rust type can express that, so make one of them an object"
            )
        };
        assert_eq!(
            errors(spec),
            [
                format!("#/components/schemas/A: {}", cycle("A → B → A")),
                format!("#/components/schemas/S: {}", cycle("S → S")),
                format!("#/components/schemas/N: {}", cycle("N → N")),
            ]
        );
    }

    #[test]
    fn arrays_and_maps_that_hold_themselves_are_newtypes() {
        // `type L = Vec<L>;` does not compile; `struct L(Vec<L>);` does.
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    L: {type: array, items: {$ref: '#/components/schemas/M'}}\n    \
                    M: {type: object, additionalProperties: {$ref: '#/components/schemas/L'}}\n    \
                    A: {$ref: '#/components/schemas/Self'}\n    \
                    Self: {type: array, items: {$ref: '#/components/schemas/A'}}\n    \
                    Fine: {type: array, items: {$ref: '#/components/schemas/Node'}}\n    \
                    Node: {type: object, properties: {children: {$ref: '#/components/schemas/Fine'}}}\n";
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        let kinds: Vec<(&str, &str)> = lowered
            .api
            .types
            .values()
            .map(|t| {
                let kind = match &t.kind {
                    crate::model::TypeKind::Newtype(_) => "newtype",
                    TypeKind::Alias(_) => "alias",
                    crate::model::TypeKind::Struct(_) => "struct",
                    _ => "other",
                };
                (t.original_name.as_str(), kind)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("L", "newtype"),
                ("M", "newtype"),
                ("A", "alias"),
                ("Self", "newtype"),
                ("Fine", "alias"),
                ("Node", "struct"),
            ]
        );
    }
}
