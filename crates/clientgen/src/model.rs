//! The intermediate model: schemas and operations lowered once from the spec, read by emission.
//!
//! Nothing here refers back to the raw document. Every type is keyed by a [`TypeId`] (the JSON
//! pointer of the schema it came from), every map keeps spec order, and readOnly/writeOnly is
//! expressed once, as the per-direction [`Presence`] of each field.

use indexmap::IndexMap;
use serde::Serialize;

pub use crate::lower::client_docs::ClientDocs;
pub use crate::lower::features::{Encodings, Features, Readers, Streams};

/// Everything emission needs to write a client crate.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// What the spec cannot say about the crate (its package metadata, environment variables,
    /// user agent, where it is embedded), resolved from the generator's settings in lowering.
    pub settings: Settings,
    /// The servers the spec declares (at the root, on paths and on operations), the client's
    /// default base URL among them, and the builder methods that choose and fill them in.
    #[serde(skip_serializing_if = "Servers::is_empty")]
    pub servers: Servers,
    /// Every named type, in the order it was first met.
    pub types: IndexMap<TypeId, TypeDef>,
    /// Every operation, in path then method order as the spec lists them.
    pub operations: Vec<Operation>,
    /// Security schemes by their name in the spec.
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The type `Error::Api` decodes error bodies into, when some operation declares a JSON
    /// schema for an error status (`4XX`, `5XX`, one of them, or `default` beside a success).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_body: Option<ErrorBody>,
    /// The requests the API sends (3.1 `webhooks`, 3.0 `callbacks`), when it declares any:
    /// the crate's `webhooks` module decodes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The example values the spec gives, checked against their types.
    #[serde(skip_serializing_if = "Examples::is_empty")]
    pub examples: Examples,
    /// A cargo feature per tag, for a large API (see [`TagFeature`]); empty when the crate
    /// has none. Each operation's [`Operation::features`] and each type's [`TypeDef::feature`]
    /// say what they are behind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_features: Vec<TagFeature>,
    /// The groups the client's calls are in (`client.chat().create(..)`), in the order their
    /// first operation comes; empty when the calls are all on the client itself (see
    /// [`Group`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// What the crate needs (dependencies, support types, runtime parts), decided last, from
    /// everything above. The rule snapshots record its [`Features::parts`] beside the model.
    #[serde(skip)]
    pub features: Features,
    /// The program the crate docs and the README start with: build a client, make the first
    /// call (`lower/example_code.rs`). Left out of the model's snapshot: `lib.rs`'s shows it.
    #[serde(skip)]
    pub example_program: String,
    /// The docs of the client's and builder's fixed items and of the servers
    /// (`lower/client_docs.rs`). Left out of the model's snapshot: the client's shows them.
    #[serde(skip)]
    pub client_docs: ClientDocs,
}

impl Api {
    /// How a caller's code reaches `method` of `op` from the client: `chat().create` in a
    /// group, `method` itself on the client (raw identifiers kept: `r#match().decimal`).
    pub fn call(&self, op: &Operation, method: &str) -> String {
        match op.group.and_then(|index| self.groups.get(index)) {
            Some(group) => format!("{}().{method}", group.accessor),
            None => method.to_owned(),
        }
    }

    /// [`Api::call`] as prose shows it, raw identifiers unescaped (`match().decimal`).
    pub fn call_text(&self, op: &Operation, method: &str) -> String {
        self.call(op, method).replace("r#", "")
    }
}

/// The generator's settings ([`crate::Config`]) resolved for one API: every default filled in,
/// every environment-variable name claimed (`naming::env_var`), so emission reads them as
/// they are.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// The crate's package name (`petstore-api`).
    pub crate_name: String,
    /// The crate's name in Rust paths (`petstore_api`), as examples and docs write it.
    pub crate_path: String,
    /// The crate's version.
    pub crate_version: String,
    /// The package description: the configured one, else `Rust client for the {title}`.
    pub description: String,
    /// The description the README repeats under its title: a configured one only (the derived
    /// one would restate the line before it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readme_description: Option<String>,
    /// The crate's license expression.
    pub license: String,
    /// Where the crate's source lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// crates.io keywords.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// crates.io categories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// The oldest Rust the crate supports.
    pub rust_version: String,
    /// The `User-Agent` header the client sends: the configured one, else
    /// `{crate_name}/{crate_version}`.
    pub user_agent: String,
    /// The prefix of the environment variables `Client::from_env` reads (`PETSTORE`).
    pub env_prefix: String,
    /// The environment variable holding the base URL (`PETSTORE_BASE_URL`), claimed first;
    /// each security scheme's are in [`SecurityScheme::env`].
    pub base_url_env: String,
    /// The setting that the server sends Django REST framework errors the spec does not
    /// declare (a declared error schema of that shape switches them on by itself).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub drf_errors: bool,
    /// The folder the client's modules are written to when it is embedded in another crate
    /// (no manifest or README; each module's `#[path]` names its file there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed_in: Option<String>,
}

/// The servers an API declares and how a client picks one: decided in lowering
/// (`lower/servers.rs`), printed by the builder, its docs and the README.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Servers {
    /// The document's `servers`, in spec order: the first is the default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<Server>,
    /// The servers paths and operations declare for themselves (the first of each list, as
    /// the document's first is the default), each distinct URL once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub own: Vec<Server>,
    /// The index in [`Servers::own`] of the server each operation that has one sends to, by
    /// the operation's name ([`Operation::name`]).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub operations: IndexMap<String, usize>,
    /// Every variable any of them declares, once per name, each with its builder method.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<ServerVariable>,
    /// The enum naming the document's servers and the builder method choosing one, when it
    /// declares two or more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<ServerChoice>,
}

impl Servers {
    /// Whether no server is declared anywhere.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.own.is_empty()
    }

    /// The URL requests go to when the caller sets none: the first server's, its variables at
    /// their defaults; none when the document declares no server or its first is relative.
    pub fn default_url(&self) -> Option<&str> {
        self.list.first().filter(|s| !s.relative).map(|s| s.default_url.as_str())
    }

    /// Whether the builder works the URL out at `build()` (variables, a choice of servers, a
    /// relative first server, or servers of operations) rather than taking the one URL as is.
    pub fn resolved_at_build(&self) -> bool {
        !self.variables.is_empty()
            || self.choice.is_some()
            || !self.own.is_empty()
            || self.list.first().is_some_and(|s| s.relative)
    }

    /// Whether the crate has a `servers` module: an enum of servers or of a variable's values.
    pub fn module(&self) -> bool {
        self.choice.is_some() || self.variables.iter().any(|v| v.values.is_some())
    }

    /// The server the operation named `name` ([`Operation::name`]) sends to, when it has one
    /// of its own.
    pub fn of_operation(&self, name: &str) -> Option<(usize, &Server)> {
        let index = *self.operations.get(name)?;
        Some((index, self.own.get(index)?))
    }
}

/// One declared server.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// Its URL as the spec writes it, variables in braces.
    pub url: String,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URL cut into text and variables.
    pub template: Vec<UrlPart>,
    /// The variables it declares, by name in spec order, with their defaults and values.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub variables: IndexMap<String, VariableDecl>,
    /// The URL with every variable at its default.
    pub default_url: String,
    /// The URL has no scheme (`/v1`, `//host/v1`): it means nothing until resolved against
    /// another URL.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relative: bool,
}

/// A piece of a server URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlPart {
    /// Text kept as written.
    Text(String),
    /// A variable, by its name in the spec.
    Variable(String),
}

/// What one server says of one of its variables.
#[derive(Debug, Clone, Serialize)]
pub struct VariableDecl {
    /// `default`.
    pub default: String,
    /// `enum`: the values it may take; empty when any will do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A server variable the builder sets, whichever servers declare it.
#[derive(Debug, Clone, Serialize)]
pub struct ServerVariable {
    /// Its name in the spec.
    pub name: String,
    /// The builder method setting it, claimed after the security schemes' setters.
    pub method: String,
    /// The first `description` given for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Its enum in the `servers` module, when every server declaring it lists the same
    /// values; otherwise the method takes any text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<VariableEnum>,
}

/// The enum of a server variable's values.
#[derive(Debug, Clone, Serialize)]
pub struct VariableEnum {
    /// Its name in the `servers` module.
    pub name: String,
    /// Each value, in spec order.
    pub variants: Vec<VariableValue>,
}

/// One value of a server variable's enum.
#[derive(Debug, Clone, Serialize)]
pub struct VariableValue {
    /// The value, as it goes into the URL.
    pub value: String,
    /// Its variant.
    pub variant: String,
}

/// How the builder chooses among a document's servers.
#[derive(Debug, Clone, Serialize)]
pub struct ServerChoice {
    /// The enum's name in the `servers` module.
    pub name: String,
    /// The builder method taking one.
    pub method: String,
    /// Each of the document's servers' variant, in [`Servers::list`]'s order.
    pub variants: Vec<String>,
}

/// A group of the client's calls, about one resource: `client.chat()` returns its handle,
/// whose methods are the group's operations (`lower/groups.rs` decides them).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// What the group was found under: Fern's or Speakeasy's group name, a tag, or the
    /// resource segment of the paths.
    pub key: String,
    /// The client's method that returns the group's handle (`chat`), claimed with the client's
    /// other methods.
    pub accessor: String,
    /// The handle's type (`Chat`), claimed in the `resources` module (and the same in
    /// `blocking`).
    pub type_name: String,
    /// The tag's description, when the group is a tag the spec describes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The features the handle is compiled with (any of them); empty: always compiled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// The cargo feature of one tag: it compiles the tag's operations and the types only they
/// reach. `full` enables every one.
#[derive(Debug, Clone, Serialize)]
pub struct TagFeature {
    /// The tag, as the spec names it; none for a feature made for operations without a tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The first path segments (`/containers`) of the operations without a tag it holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// The feature's name, claimed beside the crate's own features.
    pub feature: String,
    /// The tag's description, when the spec's `tags` list gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// How many operations it compiles.
    pub operations: usize,
}

/// The spec's `example` and `examples` values, each already checked against the type it is
/// for: what does not fit is not here, and emission uses its placeholder instead. Kept beside
/// the types and operations they describe, keyed by them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Examples {
    /// A named type's own `example`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub types: IndexMap<TypeId, Example>,
    /// A property's own `example`, by its struct and JSON name.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub fields: IndexMap<TypeId, IndexMap<String, Example>>,
    /// Each operation's, by its name ([`Operation::name`]).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub operations: IndexMap<String, OperationExamples>,
    /// The security schemes the crate-level and README examples set, by their names in the
    /// spec: one alternative of the first operation asking for credentials (see
    /// `lower::examples::credentials`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<String>,
}

impl Examples {
    /// Whether the spec gave none that fit and the quick start sets no credentials.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.fields.is_empty() && self.operations.is_empty() && self.credentials.is_empty()
    }
}

/// The examples of one operation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OperationExamples {
    /// A parameter's example, by its JSON name.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, Example>,
    /// The request body's example, by media type.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub bodies: IndexMap<String, Example>,
    /// A success response's example, as the docs show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseExample>,
}

impl OperationExamples {
    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.bodies.is_empty() && self.response.is_none()
    }
}

/// A response's status as the spec declares it: an exact code (`200`), a range (`4XX`, its
/// hundreds digit), or `default`. Read once in lowering; written (and serialized) as the spec
/// writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// Every status of a class: `2` for `2XX`.
    Range(u16),
    /// `default`: every status not declared otherwise.
    Default,
}

impl Status {
    /// The class of a code or range (`2` for `204` and `2XX`); `None` for `default`.
    pub fn class(self) -> Option<u16> {
        match self {
            Status::Code(code) => Some(code / 100),
            Status::Range(class) => Some(class),
            Status::Default => None,
        }
    }

    /// Whether it is a `2xx` code or the `2XX` range.
    pub fn is_2xx(self) -> bool {
        self.class() == Some(2)
    }

    /// Whether it is a `4xx` or `5xx` code or range.
    pub fn is_4xx_or_5xx(self) -> bool {
        matches!(self.class(), Some(4 | 5))
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a declared response is to its operation, decided once in lowering from all of its
/// statuses: the `2xx` ones are successes, or `default` when none is `2xx`; `4xx`, `5xx`, and
/// `default` beside a `2xx` are errors; anything else (`1xx`, `3xx`) is neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// What a successful call returns.
    Success,
    /// An error, whose declared schema `Error::Api` may decode.
    Error,
    /// Neither (`1xx`, `3xx`): the runtime treats it as it comes.
    Other,
}

impl Outcome {
    /// The outcome of `status` among an operation's declared statuses.
    pub fn of(status: Status, statuses: &[Status]) -> Outcome {
        let has_2xx = statuses.iter().any(|s| s.is_2xx());
        match status {
            _ if status.is_2xx() => Outcome::Success,
            Status::Default if has_2xx => Outcome::Error,
            Status::Default => Outcome::Success,
            _ if status.is_4xx_or_5xx() => Outcome::Error,
            _ => Outcome::Other,
        }
    }
}

/// A response example, shown as text (not built as a value, so not checked against a type).
#[derive(Debug, Clone, Serialize)]
pub struct ResponseExample {
    /// The status it is for (`200`).
    pub status: Status,
    /// The media type it is for.
    pub media_type: String,
    /// The value, cut to a size the docs can show (long arrays, objects and strings shortened).
    pub value: serde_json::Value,
}

/// An example value that fits its type, in the shape emission builds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Example {
    /// Text for a string-like scalar (a string, URI, UUID, date or date-time, each checked).
    Text(String),
    /// A boolean.
    Bool(bool),
    /// An integer (for an integer or decimal type).
    Int(i64),
    /// A finite number that a float literal can spell.
    Float(f64),
    /// An enum's value, by its index among the variants.
    Variant(usize),
    /// A list's items (the first few that fit).
    List(Vec<Example>),
    /// A map's entries (the first few that fit).
    Map(Vec<(String, Example)>),
    /// An object's properties that fit, by their JSON names.
    Object(Vec<(String, Example)>),
    /// A union's alternative, by index, and its value.
    Union(usize, Box<Example>),
    /// Any JSON value (for a free-form type), cut to a sane size.
    Json(serde_json::Value),
}

/// The error bodies an API declares, as one type (`types::ErrorBody`, the name the runtime's
/// `Error::Api` names): the one schema when every declared error schema is the same, else an
/// enum with one variant per distinct schema.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    /// Its Rust name, claimed before every schema's ([`crate::naming::ERROR_BODY`]).
    pub name: String,
    /// The distinct schemas, in the order operations first declare them; exactly one makes
    /// the type an alias of that schema's type, more an enum of them.
    pub variants: Vec<ErrorVariant>,
}

impl ErrorBody {
    /// Whether it is an enum of several schemas, not an alias of one.
    pub fn is_enum(&self) -> bool {
        self.variants.len() > 1
    }
}

/// One declared error schema of an [`ErrorBody`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorVariant {
    /// The enum variant holding it (unused when the type is an alias).
    pub rust_name: String,
    /// The schema's type (an alias followed to the type it names).
    pub ty: TypeId,
    /// The statuses some operation declares it for (`404`, `4XX`, `default`), in first-seen order.
    pub statuses: Vec<Status>,
    /// Whether it is the API's dominant error schema, which also decodes the error statuses
    /// of operations that declare neither `default` nor a `4XX` or `5XX` range (their
    /// [`ErrorCase::implicit`] cases).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undeclared: bool,
}

/// An error schema one operation declares for some statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorCase {
    /// `404`, a range such as `4XX`, or `default`.
    pub status: Status,
    /// The type the body is decoded into.
    pub ty: TypeId,
    /// The [`ErrorBody`] variant that holds it; `None` when the error body is an alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Not declared by the operation: a `default` that decodes the API's dominant error
    /// schema (the one most of its error responses declare), added to an operation that
    /// declares neither `default` nor a `4XX` or `5XX` range, so that its undeclared error
    /// statuses decode too. A body that does not fit it is kept as text, as always.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

/// The HTTP methods RFC 9110 defines as idempotent: a server treats a request with one the same
/// however often it arrives, so the client may repeat it after a failure that may have reached
/// the server. Every place that speaks of idempotence (retries, their docs) reads this list.
pub const IDEMPOTENT_METHODS: &[&str] = &["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// `` `GET`, `HEAD`, … `` : [`IDEMPOTENT_METHODS`] as Markdown code spans.
pub fn idempotent_methods_text() -> String {
    IDEMPOTENT_METHODS.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
}

/// The stable identity of a named type: the JSON pointer of the schema it was lowered from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TypeId(pub String);

/// A direction a value travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the caller to the server (request bodies and parameters).
    Request,
    /// From the server to the caller (response bodies).
    Response,
}

/// A named type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// The name given in the spec (component name, or the path it was derived from).
    pub original_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Marked `deprecated: true`: its types are `#[deprecated]`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The Rust types this schema becomes, in the order they are emitted: one, or for a
    /// schema whose fields differ by direction and that travels both ways, the response view
    /// then the request view.
    pub views: Vec<View>,
    /// The tag feature it is behind: every operation that reaches it has that feature only.
    /// `full` for a type no operation reaches; none (always compiled) for a type of several
    /// features, of an operation whose path starts with a parameter, of the error bodies or
    /// of webhooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
}

impl TypeDef {
    /// The view a value of this type is when it travels in `direction`.
    pub fn view(&self, direction: Direction) -> &View {
        let side = match direction {
            Direction::Request => Side::Request,
            Direction::Response => Side::Response,
        };
        self.views.iter().find(|v| v.side == side).unwrap_or(&self.views[0])
    }

    /// The fields of a struct's view, each with the property it shows; none for other kinds.
    pub fn fields_of<'a>(&'a self, view: &'a View) -> impl Iterator<Item = (&'a Field, &'a ViewField)> + 'a {
        let fields = match &self.kind {
            TypeKind::Struct(s) => s.fields.as_slice(),
            _ => &[],
        };
        view.fields.iter().filter_map(move |vf| fields.get(vf.index).map(|f| (f, vf)))
    }
}

/// Which way the values of a view travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Only sent (request bodies, parameters): readOnly fields are left out.
    Request,
    /// Only received (response bodies): writeOnly fields are left out.
    Response,
    /// Both ways, or neither (a schema no operation uses): every field.
    Both,
}

impl Side {
    /// The direction whose views the field types of a view on this side name: a shared view
    /// names response views, which hold every field a server may send.
    pub fn names(self) -> Direction {
        match self {
            Side::Request => Direction::Request,
            Side::Response | Side::Both => Direction::Response,
        }
    }

    /// Whether values on this side are sent by the caller.
    pub fn sent(self) -> bool {
        self != Side::Response
    }
}

/// One Rust type a schema becomes, with every decision emission prints.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// Its Rust name, claimed with every other type name.
    pub name: String,
    /// Which way its values travel.
    pub side: Side,
    /// The serde traits it implements.
    pub serde: SerdeImpls,
    /// A struct's fields present on this side, in spec order, each with its final wrapper.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ViewField>,
    /// The names of the methods its impl blocks have besides the setters, claimed in the
    /// impl's scope before them; a struct only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub methods: Option<StructMethods>,
    /// A union's method that says why a value it keeps as `Other` fits none of its
    /// alternatives (decoding each again), when the view is always decoded: a value only
    /// ever sent is `Other` only as its caller built it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatches: Option<String>,
    /// Free text the overlay adds to a request view's docs (e.g. "either text or audio").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The other view of a split type, which the docs link to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    /// How the values of a struct's extra properties go as parts when the view is sent as a
    /// multipart body (the first operation's [`Multipart::other`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_part: Option<PartEncoding>,
    /// How it implements the runtime's `HasId`, when an [`TypeRef::Expandable`] holds it and
    /// it carries its id in this view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_id: Option<IdSource>,
    /// Its doc lines as printed, one `#[doc]` attribute each (`lower/type_docs.rs`); none: the
    /// spec says nothing of it, and it gets no invented sentence. Left out of the model's
    /// snapshot: the types' shows them.
    #[serde(skip)]
    pub docs: Vec<String>,
}

/// Where a view implementing `HasId` finds its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdSource {
    /// A struct's required `String` field, by its Rust name.
    Field(String),
    /// A union's variants, each of which implements `HasId`; `Other` gives its `id` member.
    Variants,
}

impl View {
    /// Whether some field is `Option<Nullable<T>>`.
    pub fn uses_nullable(&self) -> bool {
        self.fields.iter().any(|f| f.wrapper == Wrapper::OptionNullable)
    }

    /// Whether it has a `validate` method.
    pub fn validates(&self) -> bool {
        self.methods.as_ref().is_some_and(|m| m.validate.is_some())
    }
}

/// The methods of a struct view that are not setters.
#[derive(Debug, Clone, Serialize)]
pub struct StructMethods {
    /// The constructor taking the required fields.
    pub new: String,
    /// Checks the declared limits of the fields sent, when some field has one (directly or
    /// through a type it holds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate: Option<String>,
    /// The `key=value` pairs of an `application/x-www-form-urlencoded` body, when some
    /// operation sends the view so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_pairs: Option<String>,
    /// The parts of a `multipart/form-data` body, when some operation sends the view so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multipart_parts: Option<String>,
    /// The builder method that adds one entry to the map of extra properties, when the struct
    /// has one ([`Struct::extra`]); claimed after the setters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_setter: Option<String>,
}

/// The serde traits a view implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SerdeImpls {
    /// Neither: an operation's parameters, sent one by one, never as a body.
    None,
    /// `Serialize`, and `Deserialize` only with the crate's `deserialize-requests` feature: a
    /// view only ever sent, which nothing always decoded holds.
    DeserializeWithFeature,
    /// Both, always.
    Both,
}

/// A property as one struct view declares it.
#[derive(Debug, Clone, Serialize)]
pub struct ViewField {
    /// Its index in the struct's `fields`.
    pub index: usize,
    /// How its value is wrapped.
    pub wrapper: Wrapper,
    /// Held in a `Box`, because its type leads back to the struct holding it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
    /// The builder method that sets it, when it is optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setter: Option<String>,
    /// The method that sends it as an explicit `null`, when it may be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_setter: Option<String>,
    /// The static in `validate` holding its compiled `pattern`, when it has one and the view
    /// validates; claimed in that function's scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The texts a form or multipart body sends for it while it is unset: its default's
    /// ([`Literal::form_texts`]), when it declares one, is optional and the view is sent as a
    /// form or multipart body. Empty: nothing is sent while it is unset.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub form_default: Vec<String>,
    /// The style it is written in when the view is sent as a form body whose `encoding`
    /// names one; `None`: scalars as text, lists one pair per item, objects as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_style: Option<FieldStyle>,
    /// How it goes as a part when the view is sent as a multipart body (the first operation's
    /// [`Multipart::parts`] entry for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<PartEncoding>,
    /// The property allows one value (a one-value `enum` or `const`): its type fills it in
    /// (ARCHITECTURE.md, "Single-value properties"). It is neither an argument of `new` nor
    /// has a setter, and it is always sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Fixed>,
    /// Its type is a union that values convert into ([`Union::converts`]) or an
    /// [`TypeRef::Expandable`] (from its id): `new` and the setter take `impl Into<T>`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub into: bool,
    /// Its doc lines as printed, one `#[doc]` attribute each (`lower/type_docs.rs`); none: the
    /// spec says nothing of it. Left out of the model's snapshot: the types' shows them.
    #[serde(skip)]
    pub docs: Vec<String>,
}

impl ViewField {
    /// Whether `new` takes it as an argument: required, not nullable, and not filled in.
    pub fn is_argument(&self) -> bool {
        self.wrapper == Wrapper::Plain && self.fixed.is_none()
    }
}

/// How a field of one allowed value is filled in.
#[derive(Debug, Clone, Serialize)]
pub struct Fixed {
    /// The Rust name of the one variant of its enum, which `new` writes.
    pub variant: String,
    /// The property is optional on the side decoded: a value without it still decodes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub may_be_absent: bool,
}

/// How a field's value is wrapped in one view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wrapper {
    /// `T`: required and not nullable.
    Plain,
    /// `Option<T>`, always written (`null` when `None`): required but nullable.
    OptionAlwaysWritten,
    /// `Option<T>`, left out when `None`.
    Option,
    /// `Option<Nullable<T>>`: left out, sent as `null`, or sent as a value.
    OptionNullable,
}

/// The shape of a named type.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum.
    Enum(StringEnum),
    /// A name for another type (a named array, map or scalar schema).
    Alias(TypeRef),
    /// A named array or map that holds itself (`SelfReference: {type: array, items: {$ref:
    /// SelfReference}}`): a tuple struct around the type, which an alias cannot be. It
    /// serializes as the type it wraps.
    Newtype(TypeRef),
    /// `oneOf`/`anyOf`: one of several shapes.
    Union(Union),
}

/// A value of one of several types (`oneOf`, `anyOf`).
#[derive(Debug, Clone, Serialize)]
pub struct Union {
    /// The property whose value names the variant (`discriminator.propertyName`), if any.
    pub discriminator: Option<String>,
    /// The tags were read from the alternatives themselves (each has a property allowing one
    /// value, the discriminator's when there is one), not from a `discriminator`'s mapping or
    /// schema names: they are exact, so a value with another tag is kept as `Other` instead of
    /// going to the first alternative that fits.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exact_tags: bool,
    /// The alternatives, in spec order.
    pub variants: Vec<UnionVariant>,
    /// The variant holding a `String` that `&str` converts into (`From<&str>`), when exactly
    /// one variant holds a string (ARCHITECTURE.md, "Union conversions").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_str: Option<usize>,
}

impl Union {
    /// The property whose value alone picks the variant, when the tags are exact (see
    /// [`Union::exact_tags`]) and some variant has one.
    pub fn exact_tag(&self) -> Option<&str> {
        let tagged = self.exact_tags && self.variants.iter().any(|v| !v.tags.is_empty());
        self.discriminator.as_deref().filter(|_| tagged)
    }

    /// Whether some value converts into the union with `From` (setters and `new` then take
    /// `impl Into<Union>`).
    pub fn converts(&self) -> bool {
        self.from_str.is_some() || self.variants.iter().any(|v| v.from)
    }
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    /// The Rust variant name (from the referenced schema, the title, or the type).
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// The discriminator values that select it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Held in a `Box`, because its type leads back to the union.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
    /// Doc text: an inline alternative's own description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The union implements `From` its type: no other variant holds the same Rust type.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from: bool,
    /// Its doc lines as printed, one `#[doc]` attribute each (`lower/type_docs.rs`); none: the
    /// spec says nothing of it, and it gets no invented sentence. Left out of the model's
    /// snapshot: the types' shows them.
    #[serde(skip)]
    pub docs: Vec<String>,
}

/// An object type.
#[derive(Debug, Clone, Serialize)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// The keys beside the properties (`additionalProperties` beside `properties`), kept in
    /// a map flattened into the struct, in every view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<ExtraProperties>,
    /// `additionalProperties: false`: the API allows no other keys, so there is no map (a
    /// key a server adds later is still ignored on decoding, as for any struct).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
}

impl Struct {
    /// A struct of `fields` alone: no extra properties, none forbidden.
    pub fn of(fields: Vec<Field>) -> Self {
        Struct { fields, extra: None, closed: false }
    }
}

/// The map of an object's extra properties: `BTreeMap<String, T>`, `#[serde(flatten)]`.
#[derive(Debug, Clone, Serialize)]
pub struct ExtraProperties {
    /// The field's Rust name, claimed in the struct's field scope after the properties.
    pub rust_name: String,
    /// The values' type: the `additionalProperties` schema's, or any JSON value for `true`
    /// and `{}`.
    pub ty: TypeRef,
    /// A value may be `null` (the map holds `Option<T>`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
}

/// One property of an object, with its presence in each direction.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The JSON name; serde always uses it.
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// The value type.
    pub ty: TypeRef,
    /// Whether `null` is an accepted value.
    pub nullable: bool,
    /// Presence in requests (`absent` for readOnly properties).
    pub request: Presence,
    /// Presence in responses (`absent` for writeOnly properties).
    pub response: Presence,
    /// Checks run on the request view before sending.
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Marked `deprecated: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The `default` the spec declares, when it fits the field's type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Literal>,
}

impl Field {
    /// Presence in `direction`.
    pub fn presence(&self, direction: Direction) -> Presence {
        match direction {
            Direction::Request => self.request,
            Direction::Response => self.response,
        }
    }
}

/// Whether a property exists in a direction, and whether it must.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Not part of this direction (readOnly in requests, writeOnly in responses).
    Absent,
    /// May be left out.
    Optional,
    /// Must be present.
    Required,
}

/// Validation keywords that apply to a field's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `maxLength`, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `minLength`, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `pattern`, already checked to compile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `minimum` (`exclusive` when `exclusiveMinimum` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Bound>,
    /// `maximum` (`exclusive` when `exclusiveMaximum` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Bound>,
    /// `minItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// `maxItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
}

impl Constraints {
    /// Whether no keyword is set.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Only the keywords that apply to a value of `ty` (a `maxLength` on an integer means
    /// nothing and is dropped).
    pub fn applicable_to(self, ty: &TypeRef) -> Constraints {
        match ty {
            TypeRef::Scalar(Scalar::String | Scalar::Uri) => Constraints {
                max_length: self.max_length,
                min_length: self.min_length,
                pattern: self.pattern,
                ..Default::default()
            },
            TypeRef::Scalar(Scalar::Decimal) => Constraints { pattern: self.pattern, ..Default::default() },
            TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::F32 | Scalar::F64) => {
                Constraints { minimum: self.minimum, maximum: self.maximum, ..Default::default() }
            }
            TypeRef::List(_) => {
                Constraints { min_items: self.min_items, max_items: self.max_items, ..Default::default() }
            }
            _ => Constraints::default(),
        }
    }
}

/// A `default` value, checked against the type of the field or parameter declaring it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Literal {
    /// For a `boolean`.
    Bool(bool),
    /// For an `integer`, within its format's range.
    Integer(i64),
    /// For a `number` (finite).
    Number(f64),
    /// For a string of any format (text, URI, UUID, date, date-time, decimal), or the wire
    /// value of a string enum (one of its values).
    Text(String),
    /// For an array: its items, each fitting the item type.
    List(Vec<Literal>),
}

impl Literal {
    /// As JSON, for docs: `true`, `20`, `0.5`, `"standard"`, `["a", "b"]`.
    pub fn json(&self) -> String {
        match self {
            Literal::Bool(value) => value.to_string(),
            Literal::Integer(value) => value.to_string(),
            Literal::Number(value) => serde_json::Value::from(*value).to_string(),
            Literal::Text(text) => serde_json::Value::from(text.as_str()).to_string(),
            Literal::List(items) => format!("[{}]", items.iter().map(Literal::json).collect::<Vec<_>>().join(", ")),
        }
    }

    /// The texts a form or multipart body sends it as, as it sends a value of its type: a
    /// scalar as one text (a string as itself), a list as one text per item.
    pub fn form_texts(&self) -> Vec<String> {
        match self {
            Literal::Text(text) => vec![text.clone()],
            Literal::List(items) => items.iter().flat_map(Literal::form_texts).collect(),
            scalar => vec![scalar.json()],
        }
    }
}

/// A numeric bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// A string enum.
#[derive(Debug, Clone, Serialize)]
pub struct StringEnum {
    /// Variants in spec order.
    pub variants: Vec<Variant>,
}

impl StringEnum {
    /// The only value of a one-value enum (an `enum` of one value, or a `const`): it is the
    /// enum's `Default`, and a field of it is filled in ([`ViewField::fixed`]).
    pub fn only(&self) -> Option<&Variant> {
        match self.variants.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// One enum value.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// Doc text (drf-spectacular's label, when the description lists one).
    pub doc: Option<String>,
    /// Deprecated (a `oneOf` branch of `const` marked `deprecated: true`, or named by an
    /// `x-enum-deprecated` list): the variant is `#[deprecated]`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Its doc lines as printed, one `#[doc]` attribute each (`lower/type_docs.rs`); none: the
    /// spec says nothing of it, and it gets no invented sentence. Left out of the model's
    /// snapshot: the types' shows them.
    #[serde(skip)]
    pub docs: Vec<String>,
}

/// A reference to a type, as a field, parameter or body has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// A built-in scalar.
    Scalar(Scalar),
    /// A named type of the model.
    Named(TypeId),
    /// `type: array`.
    List(Box<TypeRef>),
    /// `additionalProperties` with no properties: a string-keyed map.
    Map(Box<TypeRef>),
    /// Any JSON value (free-form objects, schemas the generator cannot type).
    Any,
    /// An object's id or the object itself: a `oneOf`/`anyOf` of one string and objects that
    /// each carry a required string `id` (Stripe's expandable fields), the runtime's
    /// `Expandable<T>`. The target is the object's type, or the union of the objects
    /// (ARCHITECTURE.md, "An id or the object is `Expandable<T>`").
    Expandable(Box<TypeRef>),
}

impl TypeRef {
    /// Binary (`format: binary`), or a list of binary values: in a multipart body, file parts.
    pub fn is_file_part(&self) -> bool {
        match self {
            TypeRef::Scalar(Scalar::Bytes) => true,
            TypeRef::List(item) => **item == TypeRef::Scalar(Scalar::Bytes),
            _ => false,
        }
    }

    /// A scalar Rust passes by value (`Copy`): a number, boolean, UUID, date or time. Arguments
    /// of these types are taken by value, every other one by reference.
    pub fn is_copy(&self) -> bool {
        use Scalar::*;
        matches!(self, TypeRef::Scalar(Bool | I32 | I64 | F32 | F64 | Uuid | DateTime | Date))
    }
}

/// Scalars, each with a fixed Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    /// `string`.
    String,
    /// `string`, `format: uri`; kept a `String` (see ARCHITECTURE.md).
    Uri,
    /// `boolean`.
    Bool,
    /// `integer`, `format: int32`.
    I32,
    /// `integer` (bare or `int64`).
    I64,
    /// `number`, `format: float`.
    F32,
    /// `number` (bare or `double`).
    F64,
    /// `string`, `format: uuid`.
    Uuid,
    /// `string`, `format: date-time`.
    DateTime,
    /// `string`, `format: date`.
    Date,
    /// `string`, `format: decimal`.
    Decimal,
    /// `string`, `format: binary`.
    Bytes,
}

/// An HTTP operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// The operationId (or a name derived from method and path).
    pub id: String,
    /// The operation's name, unique in the crate: its method's name were the calls not
    /// grouped. It keys the operation in the model's tables and its types' names start with it.
    pub name: String,
    /// The group it is in (an index into [`Api::groups`]); none: a method of the client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
    /// The Rust method name, claimed with every other method of its group (or of the client).
    pub method_name: String,
    /// Its `_with_response` twin, claimed in the same scope.
    pub with_response: String,
    /// The names its methods' bodies bind.
    pub locals: Locals,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path key as the spec writes it, e.g. `/pets/{petId}` (a key may carry a query
    /// after `?`: see [`Operation::route`] and `fixed_query`).
    pub path: String,
    /// The `name=value` pairs the path key writes after its `?` (`/responses?beta=true`),
    /// percent-encoded, sent before the parameters' pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixed_query: Vec<(String, String)>,
    /// The `Accept` header of its buffered methods: the media types they decode, the success
    /// body's first and then the declared error bodies' (`application/json` for a JSON reader
    /// even when XML is offered too); `None` when no response has a body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Marked `deprecated: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Parameters in spec order (path-item ones first).
    pub parameters: Vec<Parameter>,
    /// The struct holding the query, header and cookie parameters, when there are any.
    pub params_type: Option<TypeId>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Responses by status (`200`, `2XX`, `default`), in spec order.
    pub responses: IndexMap<Status, Response>,
    /// What a successful call returns.
    pub success: Success,
    /// The error schemas it declares, by status in spec order: what `Error::Api` decodes a
    /// body of that status into (an exact status before a range, a range before `default`);
    /// last, an implicit `default` of the API's dominant error schema when it declares neither
    /// `default` nor a `4XX` or `5XX` range (see [`ErrorCase::implicit`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCase>,
    /// The methods that return the success body as a stream, beside the buffered ones: one
    /// per body method and kind of stream.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<StreamMethod>,
    /// The method that streams the items of every page, when the operation returns a list
    /// in pages (see [`PageMethod`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageMethod>,
    /// Alternatives: any one entry will do; within an entry every scheme is sent.
    /// An empty list means no credentials are sent.
    pub security: Vec<Vec<String>>,
    /// The tag features it is compiled with (any of them); empty: always compiled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Each method's doc lines (rustdoc Markdown, one `#[doc]` attribute each), by the
    /// method's name (`lower/method_docs.rs`). Left out of the model's snapshot: the client's
    /// shows them.
    #[serde(skip)]
    pub docs: std::collections::BTreeMap<String, Vec<String>>,
    /// The statements calling the operation's first method with example values, for the README.
    #[serde(skip)]
    pub example: String,
}

impl Operation {
    /// The path template without the query its key may carry (`/responses` of
    /// `/responses?beta=true`).
    pub fn route(&self) -> &str {
        split_path_key(&self.path).0
    }

    /// The structs its methods take besides path parameters and bodies: `{Op}Params`, and the
    /// `{Op}PartHeaders` of its multipart body.
    pub fn argument_structs(&self) -> impl Iterator<Item = &TypeId> {
        let part_headers = self.body.as_ref().and_then(|b| b.multipart.as_ref()).and_then(|m| m.headers_type.as_ref());
        self.params_type.iter().chain(part_headers)
    }

    /// Whether its HTTP method is idempotent (see [`IDEMPOTENT_METHODS`]).
    pub fn idempotent(&self) -> bool {
        IDEMPOTENT_METHODS.contains(&self.http_method.as_str())
    }
}

/// A path key cut at its first `?` outside a `{parameter}`: the path template, and the query
/// the key writes, when it writes one (a `?` inside braces is part of a parameter's name).
pub fn split_path_key(key: &str) -> (&str, Option<&str>) {
    let mut depth = 0usize;
    for (i, c) in key.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '?' if depth == 0 => return (&key[..i], Some(&key[i + 1..])),
            _ => {}
        }
    }
    (key, None)
}

/// The names an operation method binds besides its path parameters, claimed first in the
/// method's scope (`naming::method_locals`), so no path parameter can shadow one.
#[derive(Debug, Clone, Serialize)]
pub struct Locals {
    /// The request body argument.
    pub body: String,
    /// The argument holding the query, header and cookie parameters.
    pub params: String,
    /// The operation's label, for errors.
    pub operation: String,
    /// The request being built.
    pub request: String,
    /// The response received.
    pub response: String,
    /// The cookie pairs being joined.
    pub cookies: String,
    /// An optional parameter's value, when set.
    pub value: String,
    /// The parts of a multipart body that is not a struct.
    pub parts: String,
    /// The argument holding the headers the caller sets on the parts of the multipart body,
    /// claimed only when its `encoding` declares part headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_headers: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How a parameter's value is written (the Parameter Object's `style`); the runtime's
/// `param::Style` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    /// `;name=value` (path).
    Matrix,
    /// `.value` (path).
    Label,
    /// `value`, `a,b` (path and header; their default).
    Simple,
    /// `name=value` (query and cookie; their default).
    Form,
    /// `name=a%20b` (query).
    SpaceDelimited,
    /// `name=a|b` (query).
    PipeDelimited,
    /// `name[key]=value` (query).
    DeepObject,
}

/// An operation parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name: a field of the `{Operation}Params` struct, or for a path parameter an
    /// argument of the method, claimed after the method's [`Locals`].
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Doc text.
    pub doc: Option<String>,
    /// Checks run before sending.
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Marked `deprecated: true`: noted in its docs, and its setter is `#[deprecated]`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// How its value is written.
    pub style: ParamStyle,
    /// Whether arrays and objects are exploded: one `name=value` pair (or `;name=value`,
    /// `k=v`) per item or property. `true` is form style's default; `deepObject` is always
    /// exploded.
    pub explode: bool,
    /// `allowReserved`: the value's reserved characters go unencoded (query only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_reserved: bool,
    /// Declared with `content` of a JSON media type: its value goes as JSON text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
    /// OpenAPI 3.2's `in: querystring`: its value is the whole query string (an object's
    /// pairs, form style exploded; JSON content as its text).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub query_string: bool,
    /// The `default` its schema declares, when it fits its type (the server applies it when the
    /// parameter is not sent; the client only documents it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Literal>,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// Whether the method takes the body as `&T` rather than `Option<&T>`: the spec requires
    /// it, or no form of it has a required field, so an empty value says what none would.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// The body type for each declared media type, in spec order.
    pub content: IndexMap<String, TypeRef>,
    /// One client method per media type the body can be sent as; the first is the default
    /// (JSON when declared) and carries the operation's own method name.
    pub variants: Vec<BodyVariant>,
    /// The properties of its `application/x-www-form-urlencoded` form whose `encoding` asks
    /// for a style, by wire name.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub form_styles: IndexMap<String, FieldStyle>,
    /// How its multipart form (the first multipart media type it declares) goes part by part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multipart: Option<Multipart>,
}

/// How a form body's field is written when its `encoding` names a style: as a query
/// parameter of that style would be (`metadata[plan]=pro` for `deepObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldStyle {
    /// The style.
    pub style: ParamStyle,
    /// Exploded or not.
    pub explode: bool,
    /// `allowReserved`: its values keep RFC 3986's reserved characters unencoded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_reserved: bool,
}

/// How a multipart body is sent part by part: each value's content type (OpenAPI's default
/// for its type, or its `encoding`'s `contentType`) and the headers its `encoding` declares.
#[derive(Debug, Clone, Serialize)]
pub struct Multipart {
    /// Each property's part, by wire name (a list is one part per item).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub parts: IndexMap<String, PartEncoding>,
    /// The part of each value of the body's extra properties, or of the whole body when it is
    /// not a struct.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<PartEncoding>,
    /// The headers its `encoding` declares for its parts, in spec order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<PartHeader>,
    /// The `{Op}PartHeaders` struct holding the part headers the caller sets (those without a
    /// fixed value), the multipart method's argument ([`Locals::part_headers`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers_type: Option<TypeId>,
}

/// How one value goes as a part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartEncoding {
    /// The part's `Content-Type`; for a file, the one sent when the caller's `File` has none.
    pub content_type: String,
    /// What the part holds.
    pub kind: PartKind,
}

/// What a part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// The value's text: a scalar as itself.
    Text,
    /// The value's JSON text (an object, or a value whose content type is JSON).
    Json,
    /// A file: its name, and its contents as they are.
    File,
}

/// A header of the parts of one property of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartHeader {
    /// The property whose parts carry it, by wire name.
    pub part: String,
    /// The header's name.
    pub name: String,
    /// What it is sent with.
    pub value: PartHeaderValue,
}

/// What a part header is sent with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartHeaderValue {
    /// Always this text: the header's schema declares a `default`, one `enum` value or a `const`.
    Fixed(String),
    /// What the caller sets: a field of [`Multipart::headers_type`] (sent when set, if optional).
    Set {
        /// The field's Rust name.
        field: String,
        /// Declared `required: true`: a field the struct's `new` takes.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        required: bool,
    },
}

/// One way of sending a request body: its own client method.
#[derive(Debug, Clone, Serialize)]
pub struct BodyVariant {
    /// The declared media type, e.g. `multipart/form-data`.
    pub media_type: String,
    /// How the body is encoded.
    pub encoding: Encoding,
    /// The body type.
    pub ty: TypeRef,
    /// The client method that sends it (`op`, `op_form`, `op_multipart`, …).
    pub method_name: String,
    /// Its `_with_response` twin.
    pub with_response: String,
    /// The boolean field of a JSON body that asks for a streamed answer (its JSON name,
    /// `stream`), when the operation has a stream method for this variant: the stream method
    /// sends it `true` and this method `false`, whatever the caller set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_flag: Option<String>,
}

/// How a request body is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// `application/json` and `…+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: one part per field, binary fields as files.
    Multipart,
    /// `text/*`: a string.
    Text,
    /// Anything else: raw bytes with the declared content type.
    Bytes,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Success {
    /// One body shape for every success status.
    Single(SuccessBody),
    /// Success statuses differ in what they return: an enum with one variant per status.
    ByStatus {
        /// The enum's Rust name (`{Operation}Response`).
        name: String,
        /// Each declared success status (`200`, `2XX`), its variant name and body.
        variants: Vec<StatusVariant>,
    },
}

/// One success status of a [`Success::ByStatus`] enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusVariant {
    /// `200`, `201`, or a range such as `2XX`.
    pub status: Status,
    /// The variant name (`Ok`, `Created`, `NoContent`, `Success2xx`).
    pub rust_name: String,
    /// What it carries.
    pub body: SuccessBody,
    /// The response's description.
    pub doc: Option<String>,
}

/// The body of a success response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuccessBody {
    /// No body (204, or no content declared).
    Empty,
    /// JSON decoded into a type.
    Json(TypeRef),
    /// JSON that may be `null` as a whole, decoded into an `Option` of the type.
    JsonOrNull(TypeRef),
    /// Text.
    Text,
    /// Raw bytes.
    Bytes,
}

/// A client method that returns a success body as a stream (`{op}_byte_stream`, `{op}_stream`),
/// claimed in the clients' scope with the other methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamMethod {
    /// The method's name.
    pub method_name: String,
    /// The buffered method whose request it sends (the operation's, or a body variant's).
    pub mirrors: String,
    /// The media type of the body variant it sends, when the operation has a body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_media_type: Option<String>,
    /// What it streams.
    pub kind: StreamKind,
    /// Its `Accept` header: `text/event-stream` for events, the binary media types for bytes.
    pub accept: String,
}

/// What a stream method returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    /// A binary body as byte chunks (`ByteStream`).
    Bytes,
    /// A `text/event-stream` body as events (`EventStream<T>`).
    Events {
        /// What each event's data is decoded into.
        data: EventData,
        /// The data that ends the stream (`x-stream-sentinel`), when the API names one.
        #[serde(skip_serializing_if = "Option::is_none")]
        sentinel: Option<String>,
    },
    /// A JSON Lines body (OpenAPI 3.2's `itemSchema`) as its items (`JsonLines<T>`).
    JsonLines {
        /// The type of each line.
        item: TypeRef,
        /// The media type it asks for.
        media_type: String,
    },
}

/// A client method that returns the items of a list that comes in pages, all pages read in
/// turn (`{op}_items`), claimed in the clients' scope after the operation's other methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageMethod {
    /// The method's name.
    pub method_name: String,
    /// The buffered method whose request reads the first page.
    pub mirrors: String,
    /// The convention it was recognised by.
    pub convention: PageConvention,
    /// The page: the type of the success body.
    pub page: TypeRef,
    /// The page's field holding the items (an array), by its Rust name; `None` when the body
    /// is the list itself (its next link in a header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_field: Option<PageField>,
    /// The type of one item.
    pub item: TypeRef,
    /// Where the next page's cursor comes from and where it goes.
    pub cursor: PageCursor,
    /// The names its reader binds: the page, and the last item (for a cursor read off it).
    pub locals: PageLocals,
    /// The operation takes an optional request body, which the page method does not send.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_left_out: bool,
    /// How the method goes from one page to the next, in a sentence (`lower/method_docs.rs`).
    #[serde(skip)]
    pub how: String,
}

/// Which convention a [`PageMethod`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageConvention {
    /// Dropshot's `x-dropshot-pagination`: `items` and `next_page`, sent back as `page_token`.
    Dropshot,
    /// A cursor list of Stripe's shape: `data` and `has_more`, the last item's `id` sent as
    /// `starting_after`.
    CursorList,
    /// A next-page token in the body, sent back as a query parameter of a matching name.
    Token,
    /// A next link: a URL in the body, or the `Link` header's `rel="next"`.
    NextLink,
    /// The `x-pagination` extension (an overlay's).
    Extension,
}

/// Where the next page's cursor comes from, and how the next request carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageCursor {
    /// The next request sets the query parameter `param` to a cursor read off the page.
    Query {
        /// The query parameter's wire name.
        param: String,
        /// Where the cursor is.
        from: CursorSource,
        /// When set, only these query parameters (and `param`) are sent again on later pages
        /// (Dropshot's page token stands for the others); else all are.
        #[serde(skip_serializing_if = "Option::is_none")]
        keep: Option<Vec<String>>,
        /// A boolean field of the page that says whether more pages follow (`has_more`), by
        /// its Rust name.
        #[serde(skip_serializing_if = "Option::is_none")]
        has_more: Option<PageField>,
    },
    /// The next page's URL is a field of the page.
    Url(PageField),
    /// The next page's URL is the `Link` header's target with `rel="next"`.
    LinkHeader,
}

/// A field of a page or an item, as its view declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageField {
    /// The Rust field name.
    pub rust_name: String,
    /// Whether the field is an `Option` in the response view.
    pub optional: bool,
    /// Whether its value is text already (else it is written with `to_string`).
    pub text: bool,
}

/// Where a query cursor is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CursorSource {
    /// A field of the page (a token).
    Page(PageField),
    /// A field of the page's last item (its `id`).
    LastItem(PageField),
}

/// The names a page method's reader binds, claimed after the method's locals and path
/// parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLocals {
    /// The decoded page.
    pub page: String,
    /// The page's last item.
    pub last: String,
}

/// What an event's `data` is decoded into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventData {
    /// JSON, into a type (`serde_json::Value` when the spec names no schema).
    Json(TypeRef),
    /// Text, kept as sent (the schema is a string).
    Text,
}

/// One declared response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// Whether it is a success, an error or neither (see [`Outcome::of`]).
    pub outcome: Outcome,
    /// Its description.
    pub doc: Option<String>,
    /// The body type for each declared media type; empty for no body.
    pub content: IndexMap<String, TypeRef>,
    /// Whether its JSON body's schema takes `null` as a whole (3.1's `type: [array, 'null']`,
    /// a `nullable` one, or a `$ref` to such a component): then it is read into an `Option`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable_json: bool,
    /// The JSON Lines media types whose type is that of each line (OpenAPI 3.2's
    /// `itemSchema`), which a stream method reads item by item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// A security scheme the client can be configured with.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// The Rust name of its setting on the client builder.
    pub rust_name: String,
    /// Its variant of the client's `Scheme` enum, claimed with the other schemes' variants.
    pub variant: String,
    /// Doc text.
    pub doc: Option<String>,
    /// How it is sent.
    pub kind: SecurityKind,
    /// The environment variables `Client::from_env` reads it from.
    pub env: SchemeEnv,
    /// What the error of a call missing it says to do: set its variable or call its setter
    /// (`set OPENAI_API_KEY or call ClientBuilder::api_key_auth(..)`).
    pub missing: String,
}

/// The environment variables of one security scheme, claimed in the API's one scope of
/// variable names after the base URL's (`naming::env_var`), so no two schemes read the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeEnv {
    /// The key or token, or HTTP Basic's user name (`PETSTORE_API_KEY`).
    pub value: String,
    /// HTTP Basic's password (`PETSTORE_BASIC_PASSWORD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityKind {
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it goes.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// `Authorization: Bearer …`.
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
}

/// The requests an API sends to its users (webhooks and callbacks), each decoded by a
/// function of the generated `webhooks` module.
#[derive(Debug, Clone, Serialize)]
pub struct Webhooks {
    /// The arguments every decode function takes (each function is a scope of its own).
    pub args: WebhookArgs,
    /// One decode function per webhook or callback with a JSON body, in spec order: webhooks
    /// first, then callbacks by path and operation.
    pub items: Vec<Webhook>,
}

impl Webhooks {
    /// Whether some webhook declares a signature, so the crate verifies them.
    pub fn signed(&self) -> bool {
        self.items.iter().any(|w| w.signature.is_some())
    }
}

/// The names of a decode function's arguments, claimed in its scope (`naming::webhook_args`).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookArgs {
    /// The request's headers.
    pub headers: String,
    /// The request's body, as received.
    pub body: String,
    /// The shared secret a signature is checked with (signed webhooks only).
    pub secret: String,
}

/// One webhook or callback: a request the API sends, and the function that decodes it.
#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    /// Its name in the spec: the key under `webhooks`, or the callback's name.
    pub name: String,
    /// For a callback, the id of the operation that declares it and its URL's runtime
    /// expression (`{$request.body#/webhook_url}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackOf>,
    /// The HTTP method the API sends it with.
    pub http_method: String,
    /// The operation's summary.
    pub summary: Option<String>,
    /// The operation's description, or the body's.
    pub description: Option<String>,
    /// The JSON media type of its body.
    pub media_type: String,
    /// The payload's type; its response view is the one decoded.
    pub payload: TypeRef,
    /// The decode function's name, claimed in the `webhooks` module's scope.
    pub function: String,
    /// The signature checked before the body is decoded, when the spec declares one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// Where a callback is declared.
#[derive(Debug, Clone, Serialize)]
pub struct CallbackOf {
    /// The operation's id (`operationId`, or `method path`).
    pub operation: String,
    /// The runtime expression of the URL the callback is sent to.
    pub expression: String,
}

/// A signature scheme a webhook declares (the `x-webhook-signature` extension).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signature {
    /// Standard Webhooks: HMAC-SHA256 over `id.timestamp.body` in the `webhook-signature`
    /// header, the timestamp at most `tolerance_secs` away from the receiver's clock.
    StandardWebhooks {
        /// How far the `webhook-timestamp` may be from now, in seconds.
        tolerance_secs: u64,
    },
}
