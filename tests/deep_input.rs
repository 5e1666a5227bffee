//! Deep nesting and `$ref` cycles: 10,000 levels of YAML or JSON, schemas that nest inline
//! objects, arrays and maps without end, and schemas that refer to themselves. Each either
//! generates (cycles through a struct or union become `Box`es, through arrays and maps newtypes)
//! or fails with a clear error that names its place; none may overflow the stack. Tests run on
//! threads with 2 MiB stacks, the smallest a caller is likely to give the generator.

use clientgen::diag::Location;
use clientgen::{Config, Error, GeneratedFile, Input, Source};

const LEVELS: usize = 10_000;

fn generate(name: &str, text: &str) -> Result<Vec<GeneratedFile>, Error> {
    let input = Input::spec(Source::new(name, text));
    clientgen::generate(&input, &Config::new("deep")).map(|output| output.files)
}

/// A spec whose one operation sends and receives schema `A`, with `schemas` (YAML lines).
fn spec_with(schemas: &str) -> String {
    let uses_a = "{content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}";
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      requestBody: {uses_a}\n      \
         responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}}}}}\n\
         components:\n  schemas:\n{schemas}"
    )
}

/// `open` × levels, `leaf`, `close` × levels.
fn nest(levels: usize, open: &str, leaf: &str, close: &str) -> String {
    format!("{}{leaf}{}", open.repeat(levels), close.repeat(levels))
}

/// The pointer of every problem; panics when a problem has no pointer.
fn pointers(error: &Error) -> Vec<&str> {
    error
        .problems
        .iter()
        .map(|p| match &p.location {
            Location::Pointer(pointer) => pointer.as_str(),
            other => panic!("expected a JSON pointer, found {other:?}: {error}"),
        })
        .collect()
}

/// Panics unless every problem has a place: a line and column, or a JSON pointer.
fn assert_located(error: &Error) {
    assert!(!error.problems.is_empty());
    for problem in &error.problems {
        assert!(!matches!(problem.location, Location::Document), "{error}");
    }
}

/// Schemas nested inline, in every way a schema can hold another: what opens and closes a
/// level, the innermost schema, and how many levels nest past 64 levels of JSON but within
/// the YAML parser's 128.
const INLINE_NESTINGS: &[(&str, &str, &str, &str, usize)] = &[
    ("objects", "{type: object, properties: {a: ", "{type: string}", "}}", 40),
    ("arrays", "{type: array, items: ", "{type: string}", "}", 70),
    ("maps", "{type: object, additionalProperties: ", "{type: string}", "}", 70),
    ("allOf", "{allOf: [{type: object, properties: {b: {type: string}}}, ", "{type: object}", "]}", 40),
    ("oneOf", "{oneOf: [{type: string}, ", "{type: integer}", "]}", 40),
    ("not", "{not: ", "{}", "}", 70),
    (
        "ref siblings",
        "{type: object, properties: {a: {description: d, allOf: [",
        "{$ref: '#/components/schemas/B'}",
        "]}}}",
        20,
    ),
];

#[test]
fn schemas_nested_10000_deep_are_refused_with_line_and_column() {
    // libyaml takes seconds over 10,000 levels in a debug build: one shape in YAML, one in JSON.
    let objects = nest(LEVELS, "{type: object, properties: {a: ", "{type: string}", "}}");
    let error = generate("deep.yaml", &spec_with(&format!("    A: {objects}\n"))).expect_err("too deep");
    assert!(matches!(error.problems[0].location, Location::Text { line: 10, .. }), "{error}");
    assert!(error.to_string().contains("recursion limit exceeded"), "{error}");
    let arrays = nest(LEVELS, r#"{"type": "array", "items": "#, r#"{"type": "string"}"#, "}");
    let json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}},
"components": {{"schemas": {{"A": {arrays}}}}}}}"#
    );
    let error = generate("deep.json", &json).expect_err("too deep");
    assert!(matches!(error.problems[0].location, Location::Text { line: 2, .. }), "{error}");
    assert!(error.to_string().contains("recursion limit exceeded"), "{error}");
}

#[test]
fn schemas_nested_past_64_levels_are_refused_with_a_pointer() {
    for (what, open, leaf, close, levels) in INLINE_NESTINGS {
        let schemas = format!("    A: {}\n    B: {{type: string}}\n", nest(*levels, open, leaf, close));
        let error = generate("deep.yaml", &spec_with(&schemas)).expect_err(what);
        let pointers = pointers(&error);
        assert!(pointers[0].starts_with("#/components/schemas/A/"), "{what}: {error}");
        assert!(error.to_string().contains("nested more than 64 levels deep"), "{what}: {error}");
    }
}

#[test]
fn schemas_nested_just_within_the_limits_generate_or_fail_cleanly() {
    // Deep enough to reach every limit from below (64 levels of JSON, 16 arrays or maps in one
    // type): the stages that recurse must survive these on a 2 MiB stack.
    for (what, open, leaf, close, _) in INLINE_NESTINGS {
        for levels in [8, 16, 17, 20, 30, 31, 60, 61] {
            let schemas = format!("    A: {}\n    B: {{type: string}}\n", nest(levels, open, leaf, close));
            match generate("deep.yaml", &spec_with(&schemas)) {
                Ok(files) => {
                    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
                        syn::parse_file(&file.contents)
                            .unwrap_or_else(|e| panic!("{what} {levels}: {}: {e}", file.path));
                    }
                }
                Err(error) => assert_located(&error),
            }
        }
    }
}

#[test]
fn arrays_nested_beyond_sixteen_are_refused_by_name() {
    let schemas = format!("    A: {}\n", nest(17, "{type: array, items: ", "{type: string}", "}"));
    let error = generate("deep.yaml", &spec_with(&schemas)).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "deep.yaml: #/components/schemas/A: arrays and maps nest more than 16 deep here; give an inner schema a name of its own"
    );
    let schemas = format!("    A: {}\n", nest(16, "{type: array, items: ", "{type: string}", "}"));
    generate("deep.yaml", &spec_with(&schemas)).expect("16 levels generate");
}

#[test]
fn documents_nested_10000_deep_report_line_and_column() {
    let yaml_flow = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}\n",
        nest(LEVELS, "[", "1", "]")
    );
    let yaml_block: String = (0..LEVELS).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
    let json = format!("{{\"openapi\": \"3.0.3\", \"x-deep\": {}}}", nest(LEVELS, "{\"a\": [", "1", "]}"));
    for (name, text) in [("flow.yaml", yaml_flow), ("block.yaml", yaml_block), ("deep.json", json)] {
        let error = generate(name, &text).expect_err(name);
        assert!(matches!(error.problems[0].location, Location::Text { .. }), "{name}: {error}");
        assert!(error.to_string().contains("recursion limit exceeded"), "{name}: {error}");
    }
}

#[test]
fn documents_just_within_the_parsers_limits_are_refused_with_a_pointer() {
    // serde_json and serde_yaml stop at 128 levels; the generator reads at most 64. Data
    // (an example) counts like schemas: every level is walked.
    for levels in [64, 100, 120] {
        let deep = nest(levels, "{a: ", "1", "}");
        let yaml = spec_with(&format!("    A: {{type: object, example: {deep}}}\n"));
        let error = generate("example.yaml", &yaml).expect_err("too deep");
        let pointers = pointers(&error);
        assert!(pointers[0].starts_with("#/components/schemas/A/example/a/a/a/"), "{error}");
        let json = format!(
            "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x\": {}}}",
            nest(levels, "[", "1", "]")
        );
        let error = generate("deep.json", &json).expect_err("too deep");
        assert_eq!(error.problems.len(), 1, "{error}");
        assert!(error.to_string().starts_with("deep.json: #/x/0/0/0/"), "{error}");
    }
}

#[test]
fn cycles_through_structs_and_unions_are_boxed() {
    let a = "'#/components/schemas/A'";
    let b = "'#/components/schemas/B'";
    let cases = [
        (format!("    A: {{type: object, properties: {{a: {{$ref: {a}}}}}, required: [a]}}\n"), vec!["pub a: Box<A>,"]),
        (
            format!(
                "    A: {{type: object, properties: {{b: {{$ref: {b}}}}}, required: [b]}}\n    \
                 B: {{type: object, properties: {{a: {{$ref: {a}}}, r: {{type: string, readOnly: true}}}}, required: [a]}}\n"
            ),
            vec!["pub b: Box<B>,", "pub b: Box<BRequest>,", "pub a: Box<A>,", "pub a: Box<ARequest>,"],
        ),
        (
            format!("    A: {{type: object, properties: {{a: {{$ref: {a}, nullable: true}}}}}}\n"),
            vec!["pub a: Option<Nullable<Box<A>>>,"],
        ),
        (format!("    A: {{oneOf: [{{$ref: {a}}}, {{type: string}}]}}\n"), vec!["A(Box<A>),"]),
        (
            format!(
                "    A: {{oneOf: [{{$ref: {b}}}, {{type: string}}]}}\n    B: {{anyOf: [{{$ref: {a}}}, {{type: integer}}]}}\n"
            ),
            vec!["B(Box<B>),", "A(Box<A>),"],
        ),
        // Behind a list or map the type is finite already: no box.
        (
            format!("    A: {{type: object, properties: {{a: {{type: array, items: {{$ref: {a}}}}}}}}}\n"),
            vec!["pub a: Option<Vec<A>>,"],
        ),
        (
            format!(
                "    A: {{type: object, properties: {{m: {{type: object, additionalProperties: {{$ref: {a}}}}}}}}}\n"
            ),
            vec!["pub m: Option<std::collections::BTreeMap<String, A>>,"],
        ),
        // allOf parts that refer to each other merge their fields once.
        (
            format!(
                "    A: {{allOf: [{{$ref: {b}}}, {{type: object, properties: {{p: {{type: string}}}}}}]}}\n    \
                 B: {{allOf: [{{$ref: {a}}}, {{type: object, properties: {{q: {{type: string}}}}}}]}}\n"
            ),
            vec!["pub struct A {", "pub p: Option<String>,", "pub q: Option<String>,"],
        ),
    ];
    for (schemas, expected) in cases {
        let files = generate("cycle.yaml", &spec_with(&schemas)).unwrap_or_else(|e| panic!("{schemas}: {e}"));
        let types = &files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
        syn::parse_file(types).unwrap_or_else(|e| panic!("{schemas}: {e}"));
        for line in expected {
            assert!(types.contains(line), "{schemas}: no `{line}` in\n{types}");
        }
    }
}

#[test]
fn cycles_of_aliases_are_refused_naming_the_cycle() {
    let a = "'#/components/schemas/A'";
    let b = "'#/components/schemas/B'";
    let cases = [
        (format!("    A: {{$ref: {a}}}\n"), "A → A"),
        (format!("    A: {{$ref: {b}}}\n    B: {{$ref: {a}}}\n"), "A → B → A"),
        (format!("    A: {{nullable: true, allOf: [{{$ref: {a}}}]}}\n"), "A → A"),
        (format!("    A: {{allOf: [{{$ref: {a}}}]}}\n"), "A → A"),
        (format!("    A: {{allOf: [{{$ref: {b}}}]}}\n    B: {{allOf: [{{$ref: {a}}}]}}\n"), "A → B → A"),
        (format!("    A: {{oneOf: [{{$ref: {a}}}]}}\n"), "A → A"),
    ];
    for (schemas, cycle) in cases {
        let error = generate("cycle.yaml", &spec_with(&schemas)).expect_err(&schemas);
        assert_eq!(
            error.to_string(),
            format!(
                "cycle.yaml: #/components/schemas/A: the schema is defined only through itself ({cycle}); \
                 no Rust type can express that, so make one of them an object"
            ),
            "{schemas}"
        );
    }
}

#[test]
fn cycles_of_aliases_through_arrays_and_maps_are_newtypes() {
    let a = "'#/components/schemas/A'";
    let b = "'#/components/schemas/B'";
    let cases = [
        (format!("    A: {{type: array, items: {{$ref: {a}}}}}\n"), &["pub struct A(pub Vec<A>);"][..]),
        (
            format!("    A: {{type: object, additionalProperties: {{$ref: {a}}}}}\n"),
            &["pub struct A(pub std::collections::BTreeMap<String, A>);"][..],
        ),
        (
            format!("    A: {{anyOf: [{{$ref: {b}}}]}}\n    B: {{type: array, items: {{$ref: {a}}}}}\n"),
            &["pub type A = B;", "pub struct B(pub Vec<A>);"][..],
        ),
        (
            format!(
                "    A: {{type: array, items: {{$ref: {b}}}}}\n    B: {{type: object, additionalProperties: {{$ref: {a}}}}}\n"
            ),
            &["pub struct A(pub Vec<B>);", "pub struct B(pub std::collections::BTreeMap<String, A>);"][..],
        ),
    ];
    for (schemas, declarations) in cases {
        let files = generate("cycle.yaml", &spec_with(&schemas)).unwrap_or_else(|e| panic!("{schemas}: {e}"));
        let types = &files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
        for declaration in declarations {
            assert!(types.contains(declaration), "{schemas}: no `{declaration}` in\n{types}");
        }
    }
}

#[test]
fn references_into_a_definition_that_holds_them_are_refused() {
    // Inlining `#/components/schemas/A/properties/x` into itself never ends, and with two such
    // references each round would double the copies.
    let x = "'#/components/schemas/A/properties/x'";
    for inner in [format!("{{y: {{$ref: {x}}}}}"), format!("{{y: {{$ref: {x}}}, z: {{$ref: {x}}}}}")] {
        let schemas = format!("    A: {{type: object, properties: {{x: {{type: object, properties: {inner}}}}}}}\n");
        let error = generate("inline.yaml", &spec_with(&schemas)).expect_err(&schemas);
        assert!(error.to_string().contains("cannot be inlined"), "{error}");
        assert!(pointers(&error)[0].starts_with("#/components/schemas/A/properties/x/properties/"), "{error}");
    }
}

#[test]
fn long_chains_of_references_are_refused_or_generate() {
    let chain = |link: &dyn Fn(usize) -> String| -> String {
        let mut schemas = String::from("    A: ");
        schemas.push_str(&link(1));
        for i in 1..200 {
            schemas.push_str(&format!("\n    A{i}: {}", link(i + 1)));
        }
        schemas + "\n    A200: {type: object, properties: {r: {type: string, readOnly: true}}}\n"
    };
    let aliases = chain(&|n| format!("{{$ref: '#/components/schemas/A{n}'}}"));
    let error = generate("chain.yaml", &spec_with(&aliases)).expect_err("too long");
    assert!(error.to_string().contains("aliases of aliases nest more than 64 deep"), "{error}");
    // Arrays of arrays, each of its own name: still one type nested 200 deep.
    let arrays = chain(&|n| format!("{{type: array, items: {{$ref: '#/components/schemas/A{n}'}}}}"));
    let error = generate("chain.yaml", &spec_with(&arrays)).expect_err("too long");
    assert!(error.to_string().contains("aliases of aliases nest more than 64 deep"), "{error}");
    let all_of = chain(&|n| {
        format!(
            "{{allOf: [{{$ref: '#/components/schemas/A{n}'}}, {{type: object, properties: {{p{n}: {{type: string}}}}}}]}}"
        )
    });
    let error = generate("chain.yaml", &spec_with(&all_of)).expect_err("too long");
    assert!(error.to_string().contains("allOf parts refer to allOf parts more than 64 deep"), "{error}");
    for generates in [
        chain(&|n| format!("{{oneOf: [{{$ref: '#/components/schemas/A{n}'}}, {{type: string}}]}}")),
        chain(&|n| format!("{{type: object, properties: {{a: {{$ref: '#/components/schemas/A{n}'}}}}}}")),
    ] {
        let files = generate("chain.yaml", &spec_with(&generates)).unwrap_or_else(|e| panic!("{e}"));
        for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
            syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{}: {e}", file.path));
        }
    }
}

#[test]
fn overlays_that_nest_a_spec_too_deep_are_refused_with_a_pointer() {
    // The overlay stays within the YAML parser's 128 levels; the spec it makes passes 64.
    let spec = spec_with("    A: {type: object}\n");
    let overlay = format!(
        "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: $.components.schemas.A\n    update: {{x-deep: {}}}\n",
        nest(70, "[", "1", "]")
    );
    let input = Input {
        spec: Source::new("spec.yaml", &spec),
        overlays: vec![Source::new("deep.overlay.yaml", &overlay)],
        files: vec![],
    };
    let error = clientgen::generate(&input, &Config::new("deep")).map(drop).expect_err("too deep");
    assert!(pointers(&error)[0].starts_with("#/components/schemas/A/x-deep/0/0/0/"), "{error}");
}
