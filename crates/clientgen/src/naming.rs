//! The naming funnel: every Rust identifier the generator writes comes from here.
//!
//! Spec names are transliterated to ASCII, split into words by heck, cased, and then made
//! legal: a leading digit gets a letter in front, keywords become raw identifiers (or get a
//! suffix where Rust allows no raw form), and a [`Scope`] resolves collisions by numbering them
//! in the order they were claimed. The wire name is never changed: serde keeps it.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves in any edition the generated crates may use.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// The name of the type of the error bodies an API declares, in its `types` module: the runtime's
/// `Error::Api` names it (`crate::types::ErrorBody`), so it is fixed, and reserved for every API.
pub const ERROR_BODY: &str = "ErrorBody";

/// Type names the generated `types` module must not shadow: the prelude names generated code
/// writes unqualified (`Into` and `From` in builders, `Default` in derives and impls), serde's
/// traits it imports, and the helper types it may define (`Nullable`, `File`, `Decimal` and
/// its `ParseDecimalError`, `Expandable` and its `HasId`, [`ERROR_BODY`]).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Into",
    "From",
    "Default",
    "Serialize",
    "Deserialize",
    "Nullable",
    "File",
    "ByteSource",
    "Decimal",
    "ParseDecimalError",
    "Expandable",
    "HasId",
    ERROR_BODY,
];

/// The names a generated crate declares at its root, whatever runtime parts it has: the
/// runtime's exports (`crate::Error`, `crate::Client`, …; `emit::lib_rs` writes them, a test
/// there checks this list holds each) and `Result`, which callers alias to the crate's error.
/// A spec type named like one (OpenAI's `Error` schema) would read as the crate's own in docs
/// and under `use api::*`, so the scope of type names ([`Scope::types`]) claims it with
/// [`CRATE_NAME_SUFFIX`] instead: `Error` is `types::ErrorModel`.
pub const CRATE_ROOT_NAMES: &[&str] = &[
    "ApiResponse",
    "AttemptInfo",
    "ByteStream",
    "Client",
    "ClientBuilder",
    "Error",
    "Event",
    "EventFailure",
    "EventStream",
    "Hook",
    "HookError",
    "HookFuture",
    "JsonLines",
    "Mismatch",
    "Pages",
    "RequestOptions",
    "Result",
];

/// What a spec type named like one of [`CRATE_ROOT_NAMES`] is given after its name
/// (`ErrorModel`): a suffix, so that it keeps its own name first and sorts beside it.
pub const CRATE_NAME_SUFFIX: &str = "Model";

/// The names an operation method's body binds or takes besides the path parameters: its
/// `body` and `params` arguments and its locals. [`method_locals`] claims them first in each
/// method's scope, so a path parameter named like one is renamed (`operation2`) rather than
/// shadowing it or being shadowed.
pub const METHOD_LOCALS: [&str; 8] =
    ["body", "params", "operation", "request", "response", "cookies", "value", "parts"];

/// Claims the names of [`METHOD_LOCALS`] in a method's `scope`, which must be new.
pub fn method_locals(scope: &mut Scope) -> crate::model::Locals {
    let [body, params, operation, request, response, cookies, value, parts] =
        METHOD_LOCALS.map(|name| scope.claim(name));
    crate::model::Locals { body, params, operation, request, response, cookies, value, parts, part_headers: None }
}

/// The arguments of every webhook decode function, claimed first in its scope.
pub const WEBHOOK_ARGS: [&str; 3] = ["headers", "body", "secret"];

/// Claims [`WEBHOOK_ARGS`] in a decode function's `scope`.
pub fn webhook_args(scope: &mut Scope) -> crate::model::WebhookArgs {
    let [headers, body, secret] = WEBHOOK_ARGS.map(|name| scope.claim(name));
    crate::model::WebhookArgs { headers, body, secret }
}

/// The names the generated `webhooks` module declares itself (its re-exports of the runtime's
/// error and secret types), claimed before any decode function.
pub const WEBHOOK_ITEMS: &[&str] = &["WebhookError", "SignatureFailure", "Secret", "SecretError"];

/// The methods of the async and blocking clients that are not operations, the trait methods
/// their own code calls on `self` (an inherent method would win over `Clone::clone`), and the
/// blanket conversions every value has by value (`client.into(…)` would find `Into::into`
/// before an inherent `&self` method). They are claimed first in the scope of operation methods.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "base_url",
    "options",
    "with_options",
    "with_timeout",
    "with_max_retries",
    "url",
    "execute",
    "attempt",
    "new",
    "inner",
    "block_on",
    "clone",
    "into",
    "try_into",
];

/// The names a group's handle keeps from its operations, claimed first in each group's scope
/// of methods: its derives' and the conversions every value has (an inherent method would win
/// over them), and `new`, which clippy expects to return `Self`.
pub const GROUP_METHODS: &[&str] = &["new", "clone", "into", "try_into", "fmt"];

/// The names the `resources` and `blocking` modules use besides the groups' handles (their
/// imports, and the blocking client), claimed first in the scope of handle names with the
/// prelude's ([`RESERVED_TYPE_NAMES`]).
pub const HANDLE_NAMES: &[&str] = &["Client", "Error", "ApiResponse", "Request", "Param", "Style", "StreamIter"];

/// A scope for the handles' names: [`HANDLE_NAMES`] and [`RESERVED_TYPE_NAMES`] taken.
pub fn handle_names() -> Scope {
    let mut scope = Scope::with_reserved(HANDLE_NAMES);
    for name in RESERVED_TYPE_NAMES {
        scope.claim(name);
    }
    scope
}

/// The field holding an object's extra properties (`additionalProperties` beside
/// `properties`), claimed in the struct's field scope after the properties.
pub const EXTRA_PROPERTIES: &str = "additional_properties";

/// The builder method adding one extra property, claimed in the struct's impl scope after the
/// setters.
pub const EXTRA_SETTER: &str = "additional_property";

/// The method of a union that says why a value it keeps as `Other` fits none of its
/// alternatives, the only name its impl scope holds (its variants are types' names).
pub const MISMATCHES: &str = "mismatches";

/// The methods of a struct's impl blocks that are not setters (`new`, `validate`,
/// `multipart_parts`, `form_pairs`), and the derived trait methods a caller reaches by method or path syntax
/// (`value.clone()`, `Type::default()`, `value.into()`), which an inherent setter would shadow. They are claimed
/// first, then each field's setter and `_null` setter.
pub const STRUCT_METHODS: &[&str] =
    &["new", "validate", "multipart_parts", "form_pairs", "clone", "default", "into", "try_into"];

/// The client builder's methods that are not credentials (and `default`, which
/// `Client::builder` calls as `ClientBuilder::default()`): a security scheme's setter is
/// claimed after them.
pub const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "build",
    "options",
    "max_retries",
    "timeout",
    "connect_timeout",
    "allow_insecure_http",
    "user_agent",
    "http_client",
    "default_header",
    "hook",
    "server",
    "default",
];

/// The stem of the environment variable of the base URL (`{PREFIX}_BASE_URL`), claimed first
/// in the API's scope of variable names.
pub const BASE_URL_ENV: &str = "BASE_URL";

/// The stem of the environment variable of the API's key (`{PREFIX}_API_KEY`): the one
/// security scheme carrying a single secret, or the one the document's `security` names.
pub const API_KEY_ENV: &str = "API_KEY";

/// The suffix of HTTP Basic's password variable after its user name's (`{PREFIX}_BASIC_PASSWORD`).
pub const PASSWORD_ENV: &str = "_PASSWORD";

/// An environment variable's name: the prefix, then `stem` (an identifier, its `r#` dropped)
/// in upper case (`PETSTORE_API_KEY` from `api_key`). Every variable of an API is claimed in
/// one [`Scope`] (see [`env_vars`]), so two never meet: a later one is numbered.
pub fn env_var(prefix: &str, stem: &str) -> String {
    format!("{prefix}_{}", stem.trim_start_matches("r#").to_ascii_uppercase())
}

/// The scope of an API's environment variables, with its base URL's claimed first: that
/// variable and the scope, in which each security scheme then claims its own with
/// [`Scope::claim`] (a taken name is numbered: `PETSTORE_BASIC_PASSWORD2`).
pub fn env_vars(prefix: &str) -> (String, Scope) {
    let mut scope = Scope::new();
    let base_url = scope.claim(&env_var(prefix, BASE_URL_ENV));
    (base_url, scope)
}

/// A name for a type (struct, enum, alias): `UpperCamelCase`.
pub fn type_name(raw: &str) -> String {
    upper_camel(raw, "T")
}

/// A name for an enum variant: `UpperCamelCase`.
pub fn variant_name(raw: &str) -> String {
    upper_camel(raw, "V")
}

/// A name for a field, parameter, method or setting: `snake_case`.
pub fn field_name(raw: &str) -> String {
    let words = prepare(raw);
    let mut name = words.to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    escape_keyword(name)
}

/// The feature that turns on every tag feature, and compiles the types no operation reaches.
pub const FULL_FEATURE: &str = "full";

/// The features every generated crate declares itself: a tag's feature must not take one.
pub const CRATE_FEATURES: &[&str] = &[
    "default",
    FULL_FEATURE,
    "blocking",
    "tracing",
    "deserialize-requests",
    "rustls",
    "rustls-aws-lc",
    "rustls-ring",
    "native-tls",
    "http2",
    "gzip",
    "deflate",
    "brotli",
    "zstd",
    "charset",
    "system-proxy",
];

/// A name for a tag's cargo feature: `kebab-case` ASCII (`Fine-tuning` and `fine_tuning` give
/// `fine-tuning`), never empty; claim it in a scope made with [`CRATE_FEATURES`] reserved.
pub fn feature_name(raw: &str) -> String {
    let words = prepare(raw);
    let name = words.to_snake_case().replace('_', "-");
    if name.is_empty() { "tag".to_owned() } else { name }
}

/// A snake_case name derived from another by a suffix (`name_null`, `name_with_response`,
/// `name_form`): the base loses its raw prefix and any escape underscore first, so `r#type`
/// gives `type_null` and `self_` gives `self_null`, never `self__null`.
pub fn derived_name(base: &str, suffix: &str) -> String {
    let bare = base.trim_start_matches("r#").trim_end_matches('_');
    field_name(&format!("{bare}_{suffix}"))
}

/// A SCREAMING_SNAKE_CASE name for a static derived from a field's name (`caption_offset_x`
/// and `pattern` give `CAPTION_OFFSET_X_PATTERN`); no keyword is upper case.
pub fn static_name(base: &str, suffix: &str) -> String {
    let bare = base.trim_start_matches("r#").trim_end_matches('_');
    format!("{}_{}", bare.to_ascii_uppercase(), suffix.to_ascii_uppercase())
}

/// Makes a keyword usable: `r#type`, or `self_` where no raw form exists.
fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

fn upper_camel(raw: &str, digit_prefix: &str) -> String {
    let words = prepare(raw);
    let mut name = words.to_upper_camel_case();
    if name.is_empty() {
        name = if raw.is_empty() { "Empty" } else { "Value" }.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// Transliterates to ASCII and spells out signs that would otherwise vanish (`-1` vs `1`).
fn prepare(raw: &str) -> String {
    let ascii = deunicode::deunicode(raw);
    let mut out = String::with_capacity(ascii.len() + 8);
    let trimmed = ascii.trim_start();
    let rest = if let Some(rest) = trimmed.strip_prefix('-').filter(|r| starts_digit(r)) {
        out.push_str("minus ");
        rest
    } else if let Some(rest) = trimmed.strip_prefix('+').filter(|r| starts_digit(r)) {
        out.push_str("plus ");
        rest
    } else {
        trimmed
    };
    // Dots between digits are decimal points: keep them apart as words (`1.5` -> `1_5`).
    for c in rest.chars() {
        out.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
    }
    out
}

fn starts_digit(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// A set of names in one namespace; later claims of a taken name are numbered.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// Lists of names claimed with [`CRATE_NAME_SUFFIX`] after them (the type scope's
    /// [`CRATE_ROOT_NAMES`] and [`RESERVED_TYPE_NAMES`]); empty in other scopes.
    suffixed: &'static [&'static [&'static str]],
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|s| (*s).to_owned()).collect(), suffixed: &[] }
    }

    /// The scope of the `types` module's names: [`RESERVED_TYPE_NAMES`] taken, and each of
    /// them and of [`CRATE_ROOT_NAMES`] claimed with [`CRATE_NAME_SUFFIX`] (`Error` as
    /// `ErrorModel`, Stripe's `file` as `FileModel` beside the runtime's `File`, or
    /// `ErrorModel2` when a spec type has that name already): a number says nothing.
    pub fn types() -> Self {
        Scope { suffixed: &[CRATE_ROOT_NAMES, RESERVED_TYPE_NAMES], ..Scope::with_reserved(RESERVED_TYPE_NAMES) }
    }

    /// Claims `candidate`, or the first of `candidate2`, `candidate3`, … that is free; in the
    /// type scope, a crate-root name with its suffix first (see [`Scope::types`]).
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.suffixed.iter().any(|names| names.contains(&candidate)) {
            return self.claim(&format!("{candidate}{CRATE_NAME_SUFFIX}"));
        }
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let (stem, sep) = match candidate.strip_prefix("r#") {
            // `r#type` collides as `type2`, which needs no escaping.
            Some(bare) => (bare, if bare.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" }),
            None => (candidate, if candidate.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" }),
        };
        (2u32..).map(|n| format!("{stem}{sep}{n}")).find(|name| self.taken.insert(name.clone())).unwrap_or_default()
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Whether `name` is a legal Rust identifier as written (raw identifiers included).
pub fn is_identifier(name: &str) -> bool {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    let mut chars = bare.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && bare != "_"
        && (name.starts_with("r#") || !KEYWORDS.contains(&bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_vars_never_meet() {
        let (base_url, mut scope) = env_vars("PET");
        assert_eq!(base_url, "PET_BASE_URL");
        // A Basic scheme `foo` (user name, password), then an API key `foo_password`.
        let user = scope.claim(&env_var("PET", "foo"));
        let password = scope.claim(&format!("{user}{PASSWORD_ENV}"));
        let key = scope.claim(&env_var("PET", "foo_password"));
        assert_eq!(
            [user.as_str(), password.as_str(), key.as_str()],
            ["PET_FOO", "PET_FOO_PASSWORD", "PET_FOO_PASSWORD2"]
        );
        assert_eq!(scope.claim(&env_var("PET", "base_url")), "PET_BASE_URL2");
        assert_eq!(scope.claim(&env_var("PET", "r#type")), "PET_TYPE");
        assert_eq!(scope.claim(&env_var("PET", "key1")), "PET_KEY1");
        assert_eq!(scope.claim(&env_var("PET", "key1")), "PET_KEY1_2");
    }

    #[test]
    fn type_names() {
        let table = [
            ("PetStore", "PetStore"),
            ("AspectRatioBc4Enum", "AspectRatioBc4Enum"),
            ("pet_store", "PetStore"),
            ("pet-store.v2", "PetStoreV2"),
            ("2FA", "T2fa"),
            ("Self", "SelfValue"),
            ("über", "Uber"),
            ("名前", "MingQian"),
            ("", "Empty"),
            ("***", "Value"),
            ("a::b", "AB"),
            ("HTTPResponse", "HttpResponse"),
            ("Quote\"Name", "QuoteName"),
            ("🦀 Crab", "CrabCrab"),
            ("r#type", "RType"),
            ("My Schema", "MySchema"),
        ];
        for (raw, want) in table {
            assert_eq!(type_name(raw), want, "type_name({raw:?})");
            assert!(is_identifier(&type_name(raw)), "{raw:?}");
        }
    }

    #[test]
    fn variant_names() {
        let table = [
            ("16x9", "V16x9"),
            ("1x1", "V1x1"),
            ("normal-black", "NormalBlack"),
            ("aurora_v1_fast", "AuroraV1Fast"),
            ("-1", "Minus1"),
            ("+1", "Plus1"),
            ("1", "V1"),
            ("", "Empty"),
            ("*", "Value"),
            ("Self", "SelfValue"),
            ("café", "Cafe"),
            ("a::b", "AB"),
            ("r#x", "RX"),
            ("🦀", "Crab"),
            ("\"", "Value"),
            ("```", "Value"),
        ];
        for (raw, want) in table {
            assert_eq!(variant_name(raw), want, "variant_name({raw:?})");
        }
    }

    #[test]
    fn field_names() {
        let table = [
            ("aspect_ratio", "aspect_ratio"),
            ("createdAt", "created_at"),
            ("X-API-ID", "x_api_id"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("crate", "crate_"),
            ("super", "super_"),
            ("async", "r#async"),
            ("gen", "r#gen"),
            ("1st", "n1st"),
            ("$ref", "r#ref"),
            ("@odata.type", "odata_type"),
            ("", "value"),
            ("naïve", "naive"),
            ("a\"b", "a_b"),
            ("\"quoted\"", "quoted"),
            ("a::b", "a_b"),
            ("r#match", "r_match"),
            ("r#", "r"),
            ("with space 🦀", "with_space_crab"),
            ("*/", "value"),
        ];
        for (raw, want) in table {
            assert_eq!(field_name(raw), want, "field_name({raw:?})");
            assert!(is_identifier(&field_name(raw)), "{raw:?}");
        }
    }

    #[test]
    fn collisions_are_numbered_in_claim_order() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("Add"), "Add");
        assert_eq!(scope.claim("Add"), "Add2");
        assert_eq!(scope.claim("Add"), "Add3");
        assert_eq!(scope.claim("V1"), "V1");
        assert_eq!(scope.claim("V1"), "V1_2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type2");
    }

    #[test]
    fn generator_names_are_claimed_before_spec_names() {
        for list in [&METHOD_LOCALS[..], CLIENT_METHODS, STRUCT_METHODS, BUILDER_METHODS] {
            for name in list {
                assert!(is_identifier(name) && field_name(name) == *name, "{name}");
            }
        }
        let mut locals = Scope::new();
        assert_eq!(method_locals(&mut locals).request, "request");
        assert_eq!(locals.claim(&field_name("operation")), "operation2");
        assert_eq!(locals.claim(&field_name("body")), "body2");
        assert_eq!(locals.claim(&field_name("id")), "id");
        let mut methods = Scope::with_reserved(CLIENT_METHODS);
        assert_eq!(methods.claim(&field_name("execute")), "execute2");
        assert_eq!(derived_name("self_", "null"), "self_null");
        assert_eq!(derived_name("r#type", "with_response"), "type_with_response");
        assert_eq!(derived_name("foo2", "form"), "foo2_form");
        assert_eq!(methods.claim("execute2_with_response"), "execute2_with_response");
        assert_eq!(methods.claim(&field_name("execute2_with_response")), "execute2_with_response2");
        let mut setters = Scope::with_reserved(STRUCT_METHODS);
        assert_eq!(setters.claim(&field_name("multipart_parts")), "multipart_parts2");
        assert_eq!(setters.claim("foo"), "foo");
        assert_eq!(setters.claim("foo_null"), "foo_null");
        assert_eq!(setters.claim(&field_name("foo_null")), "foo_null2");
    }

    #[test]
    fn reserved_names_are_never_handed_out() {
        let mut scope = Scope::types();
        assert_eq!(scope.claim(&type_name("string")), "StringModel");
        assert_eq!(scope.claim(&type_name("Result")), "ResultModel");
        assert_eq!(scope.claim(&type_name("file")), "FileModel");
        assert_eq!(scope.claim(&type_name("serialize")), "SerializeModel");
        assert_eq!(scope.claim(&type_name("Default")), "DefaultModel");
        assert_eq!(scope.claim(&type_name("file_model")), "FileModel2");
        assert_eq!(scope.claim(&type_name("Pet")), "Pet");
    }

    #[test]
    fn crate_root_names_are_claimed_with_a_suffix_in_the_type_scope() {
        let mut scope = Scope::types();
        assert_eq!(scope.claim(&type_name("ErrorModel")), "ErrorModel");
        assert_eq!(scope.claim(&type_name("error")), "ErrorModel2");
        assert_eq!(scope.claim(&type_name("Error")), "ErrorModel3");
        assert_eq!(scope.claim(&type_name("api_response")), "ApiResponseModel");
        assert_eq!(scope.claim(&type_name("Client")), "ClientModel");
        assert_eq!(scope.claim(&type_name("ClientBuilder")), "ClientBuilderModel");
        assert_eq!(scope.claim(&type_name("ApiError")), "ApiError");
        assert!(!scope.contains("Error") && !scope.contains("Client"));
        // Other scopes hand them out as they are (a variant `Error` of an enum is fine).
        assert_eq!(Scope::new().claim("Error"), "Error");
        for name in CRATE_ROOT_NAMES {
            assert_eq!(type_name(name), *name, "{name} is a type name as written");
        }
    }
}
