//! Bundle stage: a spec split over several files made one document. Every `$ref` to another
//! local file (`./schemas/pet.yaml#/Pet`, `../common.yaml`) is followed, relative to the file
//! it is written in, and its target copied into the spec's `components` under a name of its
//! own; the `$ref` then points there. Path items are copied in place (OpenAPI 3.0 has no
//! component for them).
//!
//! The library reads no file: the caller hands over the other files' texts as [`Source`]s
//! named by their path relative to the spec's folder (`schemas/pet.yaml`), and [`missing`]
//! tells it which files the spec reaches that it has not handed over yet.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use crate::Source;
use crate::diag::{Diagnostic, Error, Location, escape_segment, unescape_segment};
use crate::parse;

/// A file the spec reaches through a `$ref` and the caller has not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The file's path relative to the spec's folder, `/`-separated (`schemas/pet.yaml`).
    pub file: String,
    /// The first `$ref` naming it, as written.
    pub reference: String,
    /// Where that `$ref` is: `file#pointer` (the spec's own as `#pointer`).
    pub at: String,
}

/// What bundling did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundled {
    /// The files copied from, in the order first reached.
    pub files: Vec<String>,
    /// Each component copied in: its pointer in the bundled document and where it came from
    /// (`schemas/pet.yaml#/Pet`).
    pub origins: Vec<(String, String)>,
}

impl Bundled {
    /// `problem` with its pointer named in the file it was written in, when it points into a
    /// copied component (see [`Bundled::origin_of`]).
    pub fn place(&self, problem: &Diagnostic) -> Diagnostic {
        match &problem.location {
            Location::Pointer(pointer) => match self.origin_of(pointer) {
                Some(origin) => Diagnostic { location: Location::Pointer(origin), message: problem.message.clone() },
                None => problem.clone(),
            },
            _ => problem.clone(),
        }
    }

    /// The place in the files as written of a pointer into the bundled document: the file
    /// and the pointer inside it when the pointer is in a copied component.
    pub fn origin_of(&self, pointer: &str) -> Option<String> {
        self.origins.iter().find_map(|(bundled, origin)| {
            let rest = pointer.strip_prefix(bundled.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{origin}{rest}"))
        })
    }
}

/// Copies into `tree` (the spec named `root`, overlays applied) every target of a `$ref` to
/// another file, which must be among `files`. Errors name the file and the pointer of the
/// `$ref`: one to a remote URL, to a file not given, or to nothing in its file.
pub fn bundle(tree: &mut Value, root: &str, files: &[Source<'_>]) -> Result<Bundled, Error> {
    let mut bundler = Bundler::new(tree, root, files, false);
    bundler.run(tree);
    if bundler.problems.is_empty() {
        Ok(Bundled { files: bundler.used, origins: bundler.origins })
    } else {
        Err(Error { source_name: root.to_owned(), problems: bundler.problems })
    }
}

/// The files the spec named `root` reaches through `files` that are not among them, each once
/// with the first `$ref` naming it. A caller reads them, adds them and asks again until none
/// is missing; other problems are left for [`bundle`] to report.
pub fn missing(tree: &Value, root: &str, files: &[Source<'_>]) -> Vec<Missing> {
    let mut copy = tree.clone();
    let mut bundler = Bundler::new(&copy, root, files, true);
    bundler.run(&mut copy);
    bundler.missing
}

/// A `$ref` target in another file, to be copied in.
struct Job {
    file: String,
    pointer: String,
    kind: String,
    name: String,
}

struct Bundler<'a> {
    root: String,
    texts: BTreeMap<&'a str, &'a str>,
    parsed: BTreeMap<String, Option<Value>>,
    /// `(file, pointer)` → the `$ref` to its copy.
    targets: BTreeMap<(String, String), String>,
    /// Component names taken, by kind.
    taken: BTreeMap<String, BTreeSet<String>>,
    jobs: VecDeque<Job>,
    /// Path items being copied in place, to stop a cycle of them.
    inlining: BTreeSet<(String, String)>,
    discover: bool,
    /// The spec's own URI (OpenAPI 3.2's `$self`): a `$ref` to it is a reference within it.
    self_uri: Option<String>,
    problems: Vec<Diagnostic>,
    missing: Vec<Missing>,
    used: Vec<String>,
    origins: Vec<(String, String)>,
}

impl<'a> Bundler<'a> {
    fn new(tree: &Value, root: &str, files: &[Source<'a>], discover: bool) -> Self {
        let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if let Some(Value::Object(components)) = tree.get("components") {
            for (kind, named) in components {
                if let Value::Object(named) = named {
                    taken.entry(kind.clone()).or_default().extend(named.keys().cloned());
                }
            }
        }
        Bundler {
            root: root.to_owned(),
            texts: files.iter().map(|source| (source.name, source.text)).collect(),
            parsed: BTreeMap::new(),
            targets: BTreeMap::new(),
            taken,
            jobs: VecDeque::new(),
            inlining: BTreeSet::new(),
            discover,
            self_uri: tree.get("$self").and_then(Value::as_str).filter(|uri| !uri.is_empty()).map(str::to_owned),
            problems: Vec::new(),
            missing: Vec::new(),
            used: Vec::new(),
            origins: Vec::new(),
        }
    }

    /// Rewrites the spec's `$ref`s, then copies in each target they reach, and those the
    /// copies reach in turn, each once.
    fn run(&mut self, tree: &mut Value) {
        let root = self.root.clone();
        self.rewrite(tree, &root, &mut Vec::new(), "#");
        let mut copies = Vec::new();
        while let Some(job) = self.jobs.pop_front() {
            let Some(mut value) = self.target(&job.file, &job.pointer).cloned() else { continue };
            let mut context = vec!["components".to_owned(), job.kind.clone(), job.name.clone()];
            self.rewrite(&mut value, &job.file, &mut context, &format!("{}#{}", job.file, job.pointer));
            copies.push((job, value));
        }
        let Value::Object(document) = tree else { return };
        for (job, value) in copies {
            if let Some(named) = object(document, "components").and_then(|c| object(c, &job.kind)) {
                named.insert(job.name.clone(), value);
            }
            let at = format!("#/components/{}/{}", escape_segment(&job.kind), escape_segment(&job.name));
            self.origins.push((at, format!("{}#{}", job.file, job.pointer)));
        }
    }

    /// Rewrites the `$ref`s under `value`, written in `file` at `at` (a pointer in that file),
    /// whose place in the bundled document is `context`.
    fn rewrite(&mut self, value: &mut Value, file: &str, context: &mut Vec<String>, at: &str) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let at = format!("{at}/$ref");
                    match self.resolve(&reference, file, context, &at) {
                        Some(Resolved::Ref(target)) => {
                            map.insert("$ref".to_owned(), Value::String(target));
                        }
                        Some(Resolved::Inline(copy)) => *value = copy,
                        None => {}
                    }
                    return;
                }
                // Example and default values are data, whatever keys they hold; in a map of
                // named things (`responses`, `properties`) the keys are names.
                let named = context.last().is_some_and(|last| NAMED.contains(&last.as_str()));
                for (key, child) in map.iter_mut() {
                    if !named && matches!(key.as_str(), "example" | "default") {
                        continue;
                    }
                    context.push(key.clone());
                    self.rewrite(child, file, context, &format!("{at}/{}", escape_segment(key)));
                    context.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    context.push(i.to_string());
                    self.rewrite(child, file, context, &format!("{at}/{i}"));
                    context.pop();
                }
            }
            _ => {}
        }
    }

    /// What the `$ref` `reference`, written in `file` at `at`, becomes: `None` when it stays.
    fn resolve(&mut self, reference: &str, file: &str, context: &[String], at: &str) -> Option<Resolved> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.is_empty() && file == self.root {
            return None;
        }
        if self.self_uri.as_deref() == Some(path) {
            if fragment.is_empty() {
                return self.problem(at, format!("$ref {reference:?} points at the whole spec (its `$self`)"));
            }
            return Some(Resolved::Ref(format!("#{fragment}")));
        }
        if path.contains("://") || path.starts_with("//") {
            return self.problem(at, format!("$ref {reference:?} is remote; the generator fetches nothing: save the file beside the spec and refer to it by a relative path"));
        }
        if path.starts_with('/') || path.contains('\\') || path.contains(':') {
            return self.problem(at, format!("$ref {reference:?} is no relative path to a file beside the spec"));
        }
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return self.problem(at, format!("$ref {reference:?} does not end in a JSON pointer (`#/…`)"));
        }
        let target = if path.is_empty() { file.to_owned() } else { relative_to(file, path) };
        if target == self.root {
            if fragment.is_empty() {
                return self.problem(at, format!("$ref {reference:?} points at the whole spec"));
            }
            return Some(Resolved::Ref(format!("#{fragment}")));
        }
        let key = (target.clone(), fragment.to_owned());
        if let Some(bundled) = self.targets.get(&key) {
            return Some(Resolved::Ref(bundled.clone()));
        }
        if !self.load(&target, reference, at) {
            return None;
        }
        if self.target(&target, fragment).is_none() {
            return self.problem(at, format!("$ref {reference:?}: {target} has nothing at #{fragment}"));
        }
        let (kind, name) = component(fragment, context, &target);
        if kind == PATH_ITEM {
            return self.inline(key, context, reference, at);
        }
        let name = self.claim(&kind, &name, stem(&target));
        let bundled = format!("#/components/{}/{}", escape_segment(&kind), escape_segment(&name));
        self.targets.insert(key, bundled.clone());
        self.jobs.push_back(Job { file: target, pointer: fragment.to_owned(), kind, name });
        Some(Resolved::Ref(bundled))
    }

    /// A path item in another file, copied in place with its own `$ref`s rewritten.
    fn inline(&mut self, key: (String, String), context: &[String], reference: &str, at: &str) -> Option<Resolved> {
        if !self.inlining.insert(key.clone()) {
            return self.problem(at, format!("$ref {reference:?} is a path item that holds itself"));
        }
        let mut copy = self.target(&key.0, &key.1).cloned()?;
        let mut context = context.to_vec();
        self.rewrite(&mut copy, &key.0, &mut context, &format!("{}#{}", key.0, key.1));
        self.inlining.remove(&key);
        Some(Resolved::Inline(copy))
    }

    /// Parses `file` once; false (with a problem, or in discovery a missing file) when it
    /// cannot be read.
    fn load(&mut self, file: &str, reference: &str, at: &str) -> bool {
        if let Some(parsed) = self.parsed.get(file) {
            return parsed.is_some();
        }
        let Some(text) = self.texts.get(file).copied() else {
            if self.discover {
                if !self.missing.iter().any(|m| m.file == file) {
                    let missing = Missing { file: file.to_owned(), reference: reference.to_owned(), at: at.to_owned() };
                    self.missing.push(missing);
                }
            } else {
                let message = format!("$ref {reference:?} names the file {file}, which was not read");
                self.problems.push(Diagnostic::at(at, message));
            }
            self.parsed.insert(file.to_owned(), None);
            return false;
        };
        self.used.push(file.to_owned());
        match parse::yaml_or_json(text, file) {
            Ok(value) => {
                self.parsed.insert(file.to_owned(), Some(value));
                true
            }
            Err(error) => {
                for problem in error.problems {
                    self.problems.push(Diagnostic::document(format!("{file}: {problem}")));
                }
                self.parsed.insert(file.to_owned(), None);
                false
            }
        }
    }

    fn target(&self, file: &str, pointer: &str) -> Option<&Value> {
        self.parsed.get(file)?.as_ref()?.pointer(pointer)
    }

    /// A component name of `kind` for `name`: itself when free, else suffixed with the file's
    /// stem, else numbered.
    fn claim(&mut self, kind: &str, name: &str, stem: &str) -> String {
        let taken = self.taken.entry(kind.to_owned()).or_default();
        let mut candidate = name.to_owned();
        let mut n = 1;
        while taken.contains(&candidate) {
            candidate = if n == 1 { format!("{name}_{stem}") } else { format!("{name}_{stem}{n}") };
            n += 1;
        }
        taken.insert(candidate.clone());
        candidate
    }

    fn problem(&mut self, at: &str, message: String) -> Option<Resolved> {
        self.problems.push(Diagnostic::at(at, message));
        None
    }
}

enum Resolved {
    /// The `$ref` now points here.
    Ref(String),
    /// The object holding the `$ref` is replaced by this copy.
    Inline(Value),
}

/// The keys whose values are maps of names chosen by the spec's author, where `default` and
/// `example` are names like any other.
const NAMED: [&str; 20] = [
    "responses",
    "properties",
    "patternProperties",
    "schemas",
    "parameters",
    "examples",
    "headers",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "content",
    "encoding",
    "definitions",
    "$defs",
    "variables",
    "mapping",
    "paths",
    "webhooks",
];

/// The context kind of a path item, copied in place rather than made a component.
const PATH_ITEM: &str = "pathItems";

/// The kind and name of the component a target becomes: those of its pointer when it is
/// `/components/{kind}/{name}`, else the kind its place asks for (`context`, where the `$ref`
/// sits in the bundled document) named by the pointer's last segment, or for a whole file by
/// its stem.
fn component(pointer: &str, context: &[String], file: &str) -> (String, String) {
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape_segment).collect();
    if let [components, kind, name] = segments.as_slice()
        && components == "components"
    {
        return (kind.clone(), name.clone());
    }
    let name = segments.last().filter(|last| !last.is_empty()).cloned().unwrap_or_else(|| stem(file).to_owned());
    (context_kind(context).to_owned(), name)
}

/// The component kind a `$ref` at `context` in the document stands for.
fn context_kind(context: &[String]) -> &'static str {
    let n = context.len();
    let parent = |back: usize| (n >= back).then(|| context[n - back].as_str());
    if parent(2) == Some("properties") {
        return "schemas";
    }
    match (parent(3), parent(2), parent(1)) {
        (None, Some("paths" | "webhooks"), _) | (Some("callbacks"), _, _) => PATH_ITEM,
        (Some("components"), Some("pathItems"), _) if n == 3 => PATH_ITEM,
        (Some("components"), Some(kind), _) if n == 3 => kind_name(kind),
        (_, Some("parameters"), _) => "parameters",
        (_, Some("responses"), _) => "responses",
        (_, _, Some("requestBody")) => "requestBodies",
        (_, Some("headers"), _) => "headers",
        (_, Some("examples"), _) => "examples",
        (_, Some("links"), _) => "links",
        _ => "schemas",
    }
}

/// A components kind as a `'static` name (`schemas` for one OpenAPI does not define).
fn kind_name(kind: &str) -> &'static str {
    const KINDS: [&str; 8] =
        ["schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links"];
    KINDS.into_iter().find(|known| *known == kind).unwrap_or("schemas")
}

/// The object under `key` in `map`, made when absent; `None` when `key` holds something else
/// (a broken spec, which typed reports).
fn object<'m>(map: &'m mut Map<String, Value>, key: &str) -> Option<&'m mut Map<String, Value>> {
    map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

/// A file's name without its folders and extension: `schemas/pet.yaml` → `pet`.
fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

/// `path` (relative, `/`-separated) read from the folder of `file`, with `.` and `..` resolved
/// as far as they go: `relative_to("schemas/pet.yaml", "../common.yaml")` is `common.yaml`.
pub fn relative_to(file: &str, path: &str) -> String {
    let mut segments: Vec<&str> = file.split('/').collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    /// Bundles `spec` (appended to a minimal document) with `files`.
    fn run(spec: &str, files: &[(&str, &str)]) -> Result<(Value, Bundled), Error> {
        let mut tree = parse::spec(&format!("{SPEC}{spec}"), "spec.yaml").expect("parses");
        let files: Vec<Source<'_>> = files.iter().map(|(name, text)| Source { name, text }).collect();
        let bundled = bundle(&mut tree, "spec.yaml", &files)?;
        Ok((tree, bundled))
    }

    fn at<'v>(tree: &'v Value, pointer: &str) -> &'v Value {
        tree.pointer(pointer).unwrap_or_else(|| panic!("nothing at {pointer} in {tree:#}"))
    }

    #[test]
    fn relative_paths_resolve_from_the_file_they_are_written_in() {
        assert_eq!(relative_to("spec.yaml", "./schemas/pet.yaml"), "schemas/pet.yaml");
        assert_eq!(relative_to("schemas/pet.yaml", "../common.yaml"), "common.yaml");
        assert_eq!(relative_to("schemas/pet.yaml", "./owner.json"), "schemas/owner.json");
        assert_eq!(relative_to("spec.yaml", "../shared/x.yaml"), "../shared/x.yaml");
    }

    #[test]
    fn nested_folders_and_json_beside_yaml_are_copied_under_their_names() {
        let spec =
            "components:\n  schemas:\n    List:\n      type: array\n      items: {$ref: './schemas/pet.yaml#/Pet'}\n";
        let pet = "Pet:\n  type: object\n  properties:\n    owner: {$ref: 'owner.json#/components/schemas/Owner'}\n    tag: {$ref: '../common.yaml'}\n";
        let owner = r##"{"components": {"schemas": {"Owner": {"type": "object", "properties": {"name": {"$ref": "#/components/schemas/Name"}}}, "Name": {"type": "string"}}}}"##;
        let common = "type: string\n";
        let files = [("schemas/pet.yaml", pet), ("schemas/owner.json", owner), ("common.yaml", common)];
        let (tree, bundled) = run(spec, &files).expect("bundles");
        assert_eq!(at(&tree, "/components/schemas/List/items/$ref"), "#/components/schemas/Pet");
        assert_eq!(at(&tree, "/components/schemas/Pet/properties/owner/$ref"), "#/components/schemas/Owner");
        assert_eq!(at(&tree, "/components/schemas/Pet/properties/tag/$ref"), "#/components/schemas/common");
        assert_eq!(at(&tree, "/components/schemas/Owner/properties/name/$ref"), "#/components/schemas/Name");
        assert_eq!(at(&tree, "/components/schemas/Name/type"), "string");
        assert_eq!(bundled.files, ["schemas/pet.yaml", "schemas/owner.json", "common.yaml"]);
        assert_eq!(
            bundled.origin_of("#/components/schemas/Pet/properties/owner").as_deref(),
            Some("schemas/pet.yaml#/Pet/properties/owner")
        );
    }

    #[test]
    fn a_file_referenced_twice_is_copied_once() {
        let spec = "components:\n  schemas:\n    default: {$ref: 'pet.yaml'}\n    B:\n      type: object\n      properties:\n        pet: {$ref: './pet.yaml'}\n";
        let (tree, bundled) = run(spec, &[("pet.yaml", "type: object\n")]).expect("bundles");
        assert_eq!(at(&tree, "/components/schemas/default/$ref"), "#/components/schemas/pet");
        assert_eq!(at(&tree, "/components/schemas/B/properties/pet/$ref"), "#/components/schemas/pet");
        assert_eq!(at(&tree, "/components/schemas").as_object().map(|m| m.len()), Some(3));
        assert_eq!(bundled.files, ["pet.yaml"]);
    }

    #[test]
    fn a_cycle_across_files_is_followed_once() {
        let spec = "components:\n  schemas:\n    Root: {$ref: 'a.yaml#/A'}\n";
        let a = "A:\n  type: object\n  properties:\n    b: {$ref: 'b.yaml#/B'}\n";
        let b = "B:\n  type: object\n  properties:\n    a: {$ref: 'a.yaml#/A'}\n    root: {$ref: 'spec.yaml#/components/schemas/Root'}\n";
        let (tree, _) = run(spec, &[("a.yaml", a), ("b.yaml", b)]).expect("bundles");
        assert_eq!(at(&tree, "/components/schemas/A/properties/b/$ref"), "#/components/schemas/B");
        assert_eq!(at(&tree, "/components/schemas/B/properties/a/$ref"), "#/components/schemas/A");
        assert_eq!(at(&tree, "/components/schemas/B/properties/root/$ref"), "#/components/schemas/Root");
    }

    #[test]
    fn a_name_clash_is_suffixed_with_the_file_stem() {
        let spec = "components:\n  schemas:\n    Pet: {type: string}\n    A: {$ref: 'cats.yaml#/Pet'}\n    B: {$ref: 'dogs.yaml#/Pet'}\n";
        let files = [("cats.yaml", "Pet: {type: integer}\n"), ("dogs.yaml", "Pet: {type: boolean}\n")];
        let (tree, _) = run(spec, &files).expect("bundles");
        assert_eq!(at(&tree, "/components/schemas/A/$ref"), "#/components/schemas/Pet_cats");
        assert_eq!(at(&tree, "/components/schemas/B/$ref"), "#/components/schemas/Pet_dogs");
        assert_eq!(at(&tree, "/components/schemas/Pet_dogs/type"), "boolean");
    }

    #[test]
    fn path_items_parameters_and_responses_take_their_kind() {
        let spec = "components: {}\n";
        let mut tree = parse::spec(
            &format!("{}paths:\n  /pets: {{$ref: 'paths/pets.yaml'}}\n{spec}", SPEC.replace("paths: {}\n", "")),
            "spec.yaml",
        )
        .expect("parses");
        let pets = "get:\n  parameters: [{$ref: '../parameters.yaml#/Limit'}]\n  responses:\n    '200': {$ref: '../responses.yaml#/Ok'}\n";
        let files = [
            Source { name: "paths/pets.yaml", text: pets },
            Source { name: "parameters.yaml", text: "Limit: {name: limit, in: query, schema: {type: integer}}\n" },
            Source { name: "responses.yaml", text: "Ok: {description: fine}\n" },
        ];
        bundle(&mut tree, "spec.yaml", &files).expect("bundles");
        assert_eq!(at(&tree, "/paths/~1pets/get/parameters/0/$ref"), "#/components/parameters/Limit");
        assert_eq!(at(&tree, "/paths/~1pets/get/responses/200/$ref"), "#/components/responses/Ok");
        assert_eq!(at(&tree, "/components/responses/Ok/description"), "fine");
    }

    #[test]
    fn a_ref_to_the_spec_s_own_uri_is_local() {
        let spec = "$self: https://example.com/api/openapi.yaml\ncomponents:\n  schemas:\n    A: {$ref: 'https://example.com/api/openapi.yaml#/components/schemas/B'}\n    B: {type: string}\n";
        let (tree, _) = run(spec, &[]).unwrap();
        assert_eq!(at(&tree, "/components/schemas/A/$ref"), "#/components/schemas/B");
    }

    #[test]
    fn a_remote_ref_is_refused_by_name() {
        let spec = "components:\n  schemas:\n    A: {$ref: 'https://example.com/pet.yaml#/Pet'}\n";
        let error = run(spec, &[]).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "spec.yaml: #/components/schemas/A/$ref: $ref \"https://example.com/pet.yaml#/Pet\" is remote; \
             the generator fetches nothing: save the file beside the spec and refer to it by a relative path"
        );
    }

    #[test]
    fn a_missing_file_names_the_ref_and_the_file_where_it_is_written() {
        let spec = "components:\n  schemas:\n    A: {$ref: 'schemas/a.yaml#/A'}\n";
        let a = "A:\n  type: object\n  properties:\n    b: {$ref: '../b.yaml#/B'}\n";
        let error = run(spec, &[("schemas/a.yaml", a)]).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "spec.yaml: schemas/a.yaml#/A/properties/b/$ref: $ref \"../b.yaml#/B\" names the file b.yaml, which was not read"
        );
        let tree = parse::spec(&format!("{SPEC}{spec}"), "spec.yaml").expect("parses");
        let first = missing(&tree, "spec.yaml", &[]);
        assert_eq!(first.iter().map(|m| m.file.as_str()).collect::<Vec<_>>(), ["schemas/a.yaml"]);
        let then = missing(&tree, "spec.yaml", &[Source { name: "schemas/a.yaml", text: a }]);
        assert_eq!(
            then,
            [Missing {
                file: "b.yaml".into(),
                reference: "../b.yaml#/B".into(),
                at: "schemas/a.yaml#/A/properties/b/$ref".into()
            }]
        );
    }

    #[test]
    fn a_pointer_to_nothing_and_a_broken_file_are_errors() {
        let spec = "components:\n  schemas:\n    A: {$ref: 'a.yaml#/Nope'}\n    B: {$ref: 'b.yaml'}\n";
        let error = run(spec, &[("a.yaml", "A: {}\n"), ("b.yaml", "{: [")]).expect_err("refused");
        let text = error.to_string();
        assert!(
            text.contains("#/components/schemas/A/$ref: $ref \"a.yaml#/Nope\": a.yaml has nothing at #/Nope"),
            "{text}"
        );
        assert!(text.contains("spec.yaml: b.yaml: line "), "{text}");
    }

    #[test]
    fn later_stages_name_the_file_a_copied_component_came_from() {
        let spec = format!("{SPEC}components:\n  schemas:\n    A: {{$ref: 'schemas/pet.yaml#/Pet'}}\n");
        let pet = "Pet:\n  type: object\n  x-rust-name: 'not a name'\n";
        let input = crate::Input {
            spec: Source { name: "spec.yaml", text: &spec },
            overlays: Vec::new(),
            files: vec![Source { name: "schemas/pet.yaml", text: pet }],
        };
        let error = crate::lower(&input, &crate::Config::new("pets")).expect_err("refused");
        assert!(error.to_string().starts_with("spec.yaml: schemas/pet.yaml#/Pet/x-rust-name: "), "{error}");
    }

    #[test]
    fn files_to_read_sees_a_ref_an_overlay_adds() {
        let spec = format!("{SPEC}components:\n  schemas:\n    A: {{type: string}}\n");
        let overlay = "overlay: 1.0.0\ninfo: {title: more, version: '1'}\nactions:\n  - target: $.components.schemas\n    update: {B: {$ref: 'extra/b.yaml'}}\n";
        let mut input = crate::Input {
            spec: Source { name: "spec.yaml", text: &spec },
            overlays: vec![Source { name: "more.overlay.yaml", text: overlay }],
            files: Vec::new(),
        };
        let wanted = crate::files_to_read(&input).expect("reads");
        assert_eq!(wanted.iter().map(|m| m.file.as_str()).collect::<Vec<_>>(), ["extra/b.yaml"]);
        input.files.push(Source { name: "extra/b.yaml", text: "type: integer\n" });
        assert_eq!(crate::files_to_read(&input).expect("reads"), []);
        let api = crate::lower(&input, &crate::Config::new("more")).expect("lowers").api;
        assert!(format!("{api:?}").contains("#/components/schemas/b"), "the whole file is the component b");
    }
}
