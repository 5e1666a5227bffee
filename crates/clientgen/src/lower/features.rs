//! What the generated crate needs, decided once at the end of lowering by looking through the
//! model: optional dependencies, support types, request-body encodings, success-body readers,
//! and the parts of the runtime they select ([`Features::parts`]). Emission reads the result
//! (`Api::features`) and never looks for itself.

use crate::model::*;
use crate::registry::{Part, Parts};

/// What the generated crate needs, found by looking through the model once.
#[derive(Debug, Default, Clone)]
pub struct Features {
    /// Some type uses `uuid::Uuid`.
    pub uuid: bool,
    /// Some type uses chrono.
    pub chrono: bool,
    /// Some type is a decimal (`format: decimal`): the crate has a `Decimal` type.
    pub decimal: bool,
    /// Some field has a `pattern`.
    pub patterns: bool,
    /// Some request value has a constraint.
    pub validation: bool,
    /// Some field is binary (`format: binary`): the crate has a `File` type.
    pub files: bool,
    /// Some field of some view is `Option<Nullable<T>>`: the crate has a `Nullable` type.
    pub nullable: bool,
    /// Some value is an object's id or the object (`Expandable`, `HasId`).
    pub expandable: bool,
    /// The places some parameter goes, each a part of the runtime's `param.rs`: path, query
    /// (page cursors too), header, cookie.
    pub params: [bool; 4],
    /// Some parameter is the whole query string (OpenAPI 3.2's `in: querystring`).
    pub query_string: bool,
    /// Some form body field is written in a style its `encoding` declares.
    pub form_styles: bool,
    /// Some such field allows reserved characters.
    pub form_reserved: bool,
    /// Some operation asks for credentials (`http::chosen_alternative` is needed).
    pub credentials: bool,
    /// The request-body encodings operations send.
    pub encodings: Encodings,
    /// The success-body readers operations call.
    pub readers: Readers,
    /// The streams stream methods return.
    pub streams: Streams,
    /// Some operation returns a list in pages and has a page method (`Pages`).
    pub pagination: bool,
    /// Some page method reads the next page's URL off the page.
    pub pagination_url: bool,
    /// Some page method follows the `Link` header.
    pub pagination_link: bool,
    /// The crate reads Django REST framework error bodies: some error response is declared with
    /// their shape (`detail`, or `non_field_errors`), or the settings say the server sends them.
    pub drf_errors: bool,
    /// Some operation declares an error schema: `Error::Api` decodes error bodies into
    /// `types::ErrorBody`.
    pub error_body: bool,
    /// The client is modules of another crate (`Settings::embed_in`): no manifest or README.
    pub embedded: bool,
    /// The API sends webhooks or callbacks: the crate has a `webhooks` module.
    pub webhooks: bool,
    /// Some webhook is signed: the crate verifies Standard Webhooks signatures.
    pub webhook_signatures: bool,
    /// The crate has a `servers` module (see `Servers::module`).
    pub servers: bool,
    /// The calls are grouped by resource: the crate has a `resources` module.
    pub resources: bool,
    /// Some union has a method saying why a value it keeps as `Other` fits none of its
    /// alternatives (`View::mismatches`): the crate has the runtime's `unions.rs` and exports
    /// `Mismatch`.
    pub unions: bool,
    /// Some such union's tags are exact ([`Union::exact_tag`]): a value is refused by its tag.
    pub unions_tagged: bool,
}

impl Features {
    /// What the crate for `api` needs (lowering sets `api.features` to it).
    pub(crate) fn of(api: &Api) -> Self {
        let mut features = Features {
            nullable: needs_nullable(api),
            params: [ParamLocation::Path, ParamLocation::Query, ParamLocation::Header, ParamLocation::Cookie].map(
                |location| {
                    api.operations.iter().flat_map(|op| &op.parameters).any(|p| p.location == location)
                        || (location == ParamLocation::Query && api.operations.iter().any(|op| op.pages.is_some()))
                },
            ),
            query_string: api.operations.iter().flat_map(|op| &op.parameters).any(|p| p.query_string),
            form_styles: api
                .types
                .values()
                .flat_map(|def| &def.views)
                .flat_map(|view| &view.fields)
                .any(|field| field.form_style.is_some()),
            form_reserved: api
                .types
                .values()
                .flat_map(|def| &def.views)
                .flat_map(|view| &view.fields)
                .any(|field| field.form_style.is_some_and(|style| style.allow_reserved)),
            credentials: api.operations.iter().any(|op| op.security.iter().flatten().next().is_some()),
            encodings: Encodings::of(api),
            readers: Readers::of(api),
            streams: Streams::of(api),
            pagination: api.operations.iter().any(|op| op.pages.is_some()),
            pagination_url: cursors(api).any(|c| matches!(c, PageCursor::Url(_))),
            pagination_link: cursors(api).any(|c| *c == PageCursor::LinkHeader),
            drf_errors: drf_errors(api) || api.settings.drf_errors,
            error_body: api.error_body.is_some(),
            embedded: api.settings.embed_in.is_some(),
            webhooks: api.webhooks.is_some(),
            webhook_signatures: api.webhooks.as_ref().is_some_and(Webhooks::signed),
            servers: api.servers.module(),
            resources: !api.groups.is_empty(),
            unions: api.types.values().flat_map(|def| &def.views).any(|view| view.mismatches.is_some()),
            unions_tagged: api.types.values().any(|def| {
                matches!(&def.kind, TypeKind::Union(u) if u.exact_tag().is_some())
                    && def.views.iter().any(|view| view.mismatches.is_some())
            }),
            ..Features::default()
        };
        for def in api.types.values() {
            for view in def.views.iter().filter(|view| view.validates()) {
                features.validation = true;
                features.patterns |= def.fields_of(view).any(|(f, _)| f.constraints.pattern.is_some());
            }
            match &def.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        features.scan(&f.ty);
                    }
                    if let Some(extra) = &s.extra {
                        features.scan(&extra.ty);
                    }
                }
                TypeKind::Alias(target) | TypeKind::Newtype(target) => features.scan(target),
                TypeKind::Union(u) => {
                    for v in &u.variants {
                        features.scan(&v.ty);
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        // Parameters, bodies and responses may be scalars that no named type holds.
        for op in &api.operations {
            let bodies = op.body.iter().flat_map(|b| b.content.values());
            let responses = op.responses.values().flat_map(|r| r.content.values());
            for ty in op.parameters.iter().map(|p| &p.ty).chain(bodies).chain(responses) {
                features.scan(ty);
            }
        }
        for webhook in api.webhooks.iter().flat_map(|w| &w.items) {
            features.scan(&webhook.payload);
        }
        features
    }

    /// The parts of the runtime the crate gets, each a feature of the runtime crate.
    pub fn parts(&self) -> Parts {
        let (e, r) = (self.encodings, self.readers);
        let mut parts = Parts::default();
        for (part, on) in [
            (Part::JsonBody, e.json),
            (Part::JsonFlag, e.json_flag),
            (Part::Form, e.form),
            (Part::FormFields, e.form_fields),
            (Part::FormValue, e.form_value),
            (Part::Multipart, e.multipart),
            (Part::MultipartText, e.multipart_text),
            (Part::MultipartFiles, e.multipart_files),
            (Part::MultipartJson, e.multipart_json),
            (Part::MultipartHeaders, e.multipart_headers),
            (Part::RawBody, e.text),
            (Part::BytesBody, e.bytes),
            (Part::ParamPath, self.params[0]),
            (Part::ParamQuery, self.params[1]),
            // A part header is written as a header parameter is.
            (Part::ParamHeader, self.params[2] || e.multipart_headers),
            (Part::ParamCookie, self.params[3]),
            (Part::ParamQuerystring, self.query_string),
            (Part::FormStyles, self.form_styles),
            (Part::FormReserved, self.form_reserved),
            (Part::Credentials, self.credentials),
            (Part::ReadJson, r.json),
            (Part::ReadText, r.text),
            (Part::ReadBytes, r.bytes),
            (Part::ReadEmpty, r.empty),
            (Part::UndeclaredStatus, r.undeclared),
            (Part::Validation, self.validation),
            (Part::Patterns, self.patterns),
            (Part::Drf, self.drf_errors),
            (Part::ErrorBody, self.error_body),
            (Part::Decimal, self.decimal),
            (Part::File, self.files),
            (Part::Nullable, self.nullable),
            (Part::Expandable, self.expandable),
            (Part::Upload, self.uploads()),
            (Part::ByteStream, self.streams.any()),
            (Part::Events, self.streams.events()),
            (Part::EventsJson, self.streams.events_json),
            (Part::EventsText, self.streams.events_text),
            (Part::JsonLines, self.streams.json_lines),
            (Part::Webhooks, self.webhooks),
            (Part::WebhookSignatures, self.webhook_signatures),
            (Part::Pagination, self.pagination),
            (Part::PaginationUrl, self.pagination_url),
            (Part::PaginationLink, self.pagination_link),
            (Part::Unions, self.unions),
            (Part::UnionsTagged, self.unions_tagged),
        ] {
            parts.set(part, on);
        }
        parts
    }

    /// The crate has `ByteSource`: some binary body is sent, or some field is a `File` (whose
    /// contents are one).
    pub fn uploads(&self) -> bool {
        self.files || self.encodings.bytes
    }

    fn scan(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Scalar(Scalar::Uuid) => self.uuid = true,
            TypeRef::Scalar(Scalar::DateTime | Scalar::Date) => self.chrono = true,
            TypeRef::Scalar(Scalar::Decimal) => self.decimal = true,
            TypeRef::Scalar(Scalar::Bytes) => self.files = true,
            TypeRef::List(inner) | TypeRef::Map(inner) => self.scan(inner),
            TypeRef::Expandable(inner) => {
                self.expandable = true;
                self.scan(inner);
            }
            _ => {}
        }
    }
}

/// Which request-body encodings some operation of `api` uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct Encodings {
    /// Some body is JSON.
    pub json: bool,
    /// Some JSON body has a stream flag (`Body::json_with_flag` is needed).
    pub json_flag: bool,
    /// Some body is a form.
    pub form: bool,
    /// Some form body is not a struct (it is encoded through its JSON value).
    pub form_value: bool,
    /// Some form body is a struct with fields (`form_pairs` calls `field_texts`).
    pub form_fields: bool,
    /// Some body is multipart.
    pub multipart: bool,
    /// Some multipart body has a part that is not a file: a text field, an empty (null) field,
    /// or a whole body that is not a struct (`Part::text` and `Part::values` are needed).
    pub multipart_text: bool,
    /// Some multipart body has a file part (`Part::file` is needed).
    pub multipart_files: bool,
    /// Some multipart body has a JSON part (`Part::json` is needed).
    pub multipart_json: bool,
    /// Some multipart body's `encoding` declares part headers (`Part::header` is needed).
    pub multipart_headers: bool,
    /// Some body is text, sent as given.
    pub text: bool,
    /// Some body is bytes, sent as given.
    pub bytes: bool,
}

impl Encodings {
    /// The encodings the operations of `api` send.
    pub fn of(api: &Api) -> Self {
        let mut used = Encodings::default();
        let bodies = api.operations.iter().filter_map(|op| op.body.as_ref());
        for (body, variant) in bodies.flat_map(|b| b.variants.iter().map(move |v| (b, v))) {
            // A struct body goes field by field (`form_pairs`, `multipart_parts`); any other
            // through its JSON value.
            // A struct's extra properties go as fields of their keys would.
            let extra = match &variant.ty {
                TypeRef::Named(id) => api.types.get(id).and_then(|def| match &def.kind {
                    TypeKind::Struct(s) => s.extra.as_ref(),
                    _ => None,
                }),
                _ => None,
            };
            let view = match &variant.ty {
                TypeRef::Named(id) => api
                    .types
                    .get(id)
                    .filter(|def| matches!(def.kind, TypeKind::Struct(_)))
                    .map(|def| (def, def.view(Direction::Request))),
                _ => None,
            };
            match variant.encoding {
                Encoding::Json => {
                    used.json = true;
                    used.json_flag |= variant.stream_flag.is_some();
                }
                Encoding::Form => {
                    used.form = true;
                    match view {
                        Some((def, view)) => {
                            used.form_fields |= def.fields_of(view).next().is_some() || extra.is_some()
                        }
                        None => used.form_value = true,
                    }
                }
                Encoding::Multipart => {
                    used.multipart = true;
                    let multipart = body.multipart.as_ref();
                    used.multipart_headers |= multipart.is_some_and(|m| !m.headers.is_empty());
                    match view {
                        Some((def, view)) => {
                            for (_, field) in def.fields_of(view) {
                                // A null goes as an empty text part, and so does a default
                                // sent while the field is unset.
                                let nullable =
                                    matches!(field.wrapper, Wrapper::OptionAlwaysWritten | Wrapper::OptionNullable);
                                used.part(field.part.as_ref(), nullable || !field.form_default.is_empty());
                            }
                            if let Some(extra) = extra {
                                used.part(view.extra_part.as_ref(), extra.nullable);
                            }
                        }
                        // A body that is not a struct goes as the parts of one value.
                        None => used.part(multipart.and_then(|m| m.other.as_ref()), false),
                    }
                }
                Encoding::Text => used.text = true,
                Encoding::Bytes => used.bytes = true,
            }
        }
        used
    }

    /// Notes what a part needs (`Part::values`, `Part::json`, `Part::file`), and `Part::text`
    /// when `text` says it may go as a text of its own (an empty field, a default).
    fn part(&mut self, part: Option<&PartEncoding>, text: bool) {
        match part.map_or(PartKind::Text, |part| part.kind) {
            PartKind::Text => self.multipart_text = true,
            PartKind::Json => self.multipart_json = true,
            PartKind::File => self.multipart_files = true,
        }
        self.multipart_text |= text;
    }

    /// Some operation sends multipart bodies (reqwest's `multipart` feature is needed).
    pub fn multipart(&self) -> bool {
        self.multipart
    }

    /// Some operation sends form bodies.
    pub fn form(&self) -> bool {
        self.form
    }
}

/// Which success-body readers the operations call.
#[derive(Debug, Default, Clone, Copy)]
pub struct Readers {
    /// Some operation returns JSON.
    pub json: bool,
    /// Some operation returns text.
    pub text: bool,
    /// Some operation returns bytes.
    pub bytes: bool,
    /// Some operation returns no body.
    pub empty: bool,
    /// Some operation's success statuses are listed one by one, with no range to fall back on.
    pub undeclared: bool,
}

impl Readers {
    /// The readers the operations of `api` call.
    pub fn of(api: &Api) -> Self {
        let mut readers = Readers::default();
        for op in &api.operations {
            match &op.success {
                Success::Single(body) => readers.add(body),
                Success::ByStatus { variants, .. } => {
                    for v in variants {
                        readers.add(&v.body);
                    }
                    readers.undeclared |= variants.iter().all(|v| matches!(v.status, Status::Code(_)));
                }
            }
        }
        readers
    }

    fn add(&mut self, body: &SuccessBody) {
        match body {
            SuccessBody::Json(_) | SuccessBody::JsonOrNull(_) => self.json = true,
            SuccessBody::Text => self.text = true,
            SuccessBody::Bytes => self.bytes = true,
            SuccessBody::Empty => self.empty = true,
        }
    }
}

/// Which streams the stream methods return.
#[derive(Debug, Default, Clone, Copy)]
pub struct Streams {
    /// Some method streams a binary body (`ByteStream`).
    pub bytes: bool,
    /// Some method streams events whose data is JSON.
    pub events_json: bool,
    /// Some method streams events whose data is text.
    pub events_text: bool,
    /// Some method streams the items of a JSON Lines body (`JsonLines`).
    pub json_lines: bool,
}

impl Streams {
    /// The streams the operations of `api` return.
    pub fn of(api: &Api) -> Self {
        let mut streams = Streams::default();
        for method in api.operations.iter().flat_map(|op| &op.streams) {
            match &method.kind {
                StreamKind::Bytes => streams.bytes = true,
                StreamKind::Events { data: EventData::Json(_), .. } => streams.events_json = true,
                StreamKind::Events { data: EventData::Text, .. } => streams.events_text = true,
                StreamKind::JsonLines { .. } => streams.json_lines = true,
            }
        }
        streams
    }

    /// Some method streams events (`eventsource-stream` is needed).
    pub fn events(&self) -> bool {
        self.events_json || self.events_text
    }

    /// Some method streams bytes, events or lines (`bytes` and `futures-core` are needed).
    pub fn any(&self) -> bool {
        self.bytes || self.events() || self.json_lines
    }
}

/// Whether some error response (`4XX`, `5XX`, or `default` beside a success: what lowering
/// decided is an [`Outcome::Error`]) is declared with the shape of a Django REST framework
/// error: an object with a string `detail`, or with `non_field_errors` as a list of strings.
/// Such an API gets DRF's messages in `Error::Api`.
fn drf_errors(api: &Api) -> bool {
    let string = TypeRef::Scalar(Scalar::String);
    let drf_shaped = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match api.types.get(id) {
            Some(TypeDef { kind: TypeKind::Struct(s), .. }) => s.fields.iter().any(|f| {
                (f.wire_name == "detail" && f.ty == string)
                    || (f.wire_name == "non_field_errors" && f.ty == TypeRef::List(Box::new(string.clone())))
            }),
            _ => false,
        },
        _ => false,
    };
    api.operations.iter().flat_map(|op| op.responses.values()).any(|response| {
        response.outcome == Outcome::Error
            && response.content.iter().any(|(media, ty)| media.contains("json") && drf_shaped(ty))
    })
}

/// How each page method finds its next page.
fn cursors(api: &Api) -> impl Iterator<Item = &PageCursor> {
    api.operations.iter().filter_map(|op| op.pages.as_ref()).map(|pages| &pages.cursor)
}

/// Whether some field of some view is `Option<Nullable<T>>`, so the crate needs `Nullable`.
fn needs_nullable(api: &Api) -> bool {
    api.types.values().flat_map(|def| &def.views).any(View::uses_nullable)
}

#[cfg(test)]
mod tests {
    use super::Features;
    use crate::{Config, Input, Source};

    /// A response of DRF's shape turns DRF's messages on only when lowering made it an error:
    /// `default` beside a success is one, `default` alone is the success (the two used to
    /// disagree here, and `default` alone turned them on).
    #[test]
    fn drf_errors_read_the_outcome_lowering_decided() {
        let drf = |success: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n{success}        default:\n          description: said\n          content:\n            application/json:\n              schema: {{type: object, properties: {{detail: {{type: string}}}}}}\n"
            );
            let api = crate::lower(&Input::spec(Source::new("t.yaml", &text)), &Config::new("t")).expect("lowers").api;
            Features::of(&api).drf_errors
        };
        assert!(drf("        '204': {description: ok}\n"));
        assert!(!drf(""));
    }
}
